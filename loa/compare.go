package loa

import (
	"fmt"
	"strings"
	"unicode"
)

// compareWithCSR reports each LOA field that is not exactly the CSR's.
// Exactly means byte-equal once outer white space is trimmed: carriers
// reject "Acme Inc" when their record says "ACME, Inc.". A blank CSR field is
// not compared (the record does not show it) and a blank LOA field is
// already a MISSING_FIELD finding.
func compareWithCSR(fs *findings, d Data, csr CSR) {
	a, ca := d.ServiceAddress, csr.ServiceAddress
	pairs := []struct{ code, field, got, want string }{
		{CodeEntityNameMismatch, "entity_name", d.EntityName, csr.AccountName},
		{CodeLocationMismatch, "service_address.street", a.Street, ca.Street},
		{CodeLocationMismatch, "service_address.city", a.City, ca.City},
		{CodeLocationMismatch, "service_address.region", a.Region, ca.Region},
		{CodePostalCodeMismatch, "service_address.postal_code", a.PostalCode, ca.PostalCode},
		{CodeLocationMismatch, "service_address.country", a.Country, ca.Country},
		{CodeAuthPersonMismatch, "authorized_person.name", d.AuthorizedPerson.Name, csr.AuthorizedContact},
		{CodeAccountNumberMismatch, "account_number", d.AccountNumber, csr.AccountNumber},
		{CodeBTNMismatch, "btn", d.BTN, csr.BTN},
	}
	for _, p := range pairs {
		got, want := trim(p.got), trim(p.want)
		if want == "" || got == want {
			continue
		}
		// Region is optional on the LOA, so a blank one is compared here.
		if got == "" && p.field != "service_address.region" {
			continue
		}
		fs.block(p.code, p.field, want, got, differenceHint(want, got))
	}
}

// checkNumbersOnAccount reports each order number the CSR account does not
// list. Both sides are E.164, compared exactly. A CSR without numbers does
// not show them and is not compared.
func checkNumbersOnAccount(fs *findings, o Order, csr CSR) {
	if len(csr.PhoneNumbers) == 0 {
		return
	}
	onAccount := make(map[string]bool, len(csr.PhoneNumbers))
	for _, n := range csr.PhoneNumbers {
		onAccount[trim(n)] = true
	}
	for _, n := range o.Numbers {
		if p := trim(n.PhoneNumber); !onAccount[p] {
			fs.block(CodePhoneNumberMismatch, "numbers", "a number on the CSR account", p,
				"the losing carrier's record for this account does not list this number")
		}
	}
}

// checkPartialPortBTN reports a BTN that is ported away while numbers stay
// on the account with no new BTN named, and a new BTN that is itself ported.
// The BTN is the CSR's when it shows one, else the LOA's.
func checkPartialPortBTN(fs *findings, o Order, d Data, csr CSR) {
	ported := make(map[string]bool, len(o.Numbers))
	for _, n := range o.Numbers {
		ported[trim(n.PhoneNumber)] = true
	}
	staying := 0
	for _, n := range csr.PhoneNumbers {
		if !ported[trim(n)] {
			staying++
		}
	}
	btn := trim(csr.BTN)
	if btn == "" {
		btn = trim(d.BTN)
	}
	if staying == 0 || btn == "" || !ported[btn] {
		return
	}
	newBTN := ""
	if d.PartialPort != nil {
		newBTN = trim(d.PartialPort.NewBTN)
	}
	switch {
	case newBTN == "":
		fs.block(CodePartialPortBTN, "partial_port.new_btn", "a number that stays on the account", "",
			fmt.Sprintf("the BTN %s is ported while %d number(s) stay on the account; name a new BTN among them", btn, staying))
	case ported[newBTN]:
		fs.block(CodePartialPortBTN, "partial_port.new_btn", "a number that stays on the account", newBTN,
			"the new BTN is one of the numbers being ported; choose one that stays")
	}
}

// differenceHint says how two unequal strings differ, naming the smallest
// set of kinds (letter case, punctuation, spacing) that explains the whole
// difference, or else where the first difference is. It only describes; the
// values still have to be made equal.
func differenceHint(want, got string) string {
	switch {
	case want == got:
		return ""
	case got == "":
		return "blank on the LOA; the CSR shows a value"
	}
	kinds := []struct {
		name string
		fold func(string) string
	}{
		{"case", strings.ToLower},
		{"punctuation", dropRunes(isPunctuation)},
		{"spacing", dropRunes(unicode.IsSpace)},
	}
	// Subsets as bit masks in order of size, so the simplest explanation wins.
	for _, mask := range []int{1, 2, 4, 3, 5, 6, 7} {
		w, g := want, got
		var names []string
		for i, k := range kinds {
			if mask&(1<<i) != 0 {
				w, g = k.fold(w), k.fold(g)
				names = append(names, k.name)
			}
		}
		if w == g {
			return differOnly(names)
		}
	}
	return firstDifference(want, got)
}

func differOnly(names []string) string {
	if len(names) == 1 && names[0] == "case" {
		return "differ only in letter case"
	}
	if len(names) == 3 {
		return "differ only in case, punctuation and spacing"
	}
	return "differ only in " + strings.Join(names, " and ")
}

// firstDifference names the first differing character (1-based, in runes)
// and shows a few characters of each side from there.
func firstDifference(want, got string) string {
	w, g := []rune(want), []rune(got)
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	return fmt.Sprintf("differ from character %d: expected %s, got %s", i+1, excerpt(w[i:]), excerpt(g[i:]))
}

func excerpt(r []rune) string {
	const max = 12
	switch {
	case len(r) == 0:
		return "nothing more"
	case len(r) > max:
		return fmt.Sprintf("%q…", string(r[:max]))
	}
	return fmt.Sprintf("%q", string(r))
}

func isPunctuation(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

func dropRunes(drop func(rune) bool) func(string) string {
	return func(s string) string {
		return strings.Map(func(r rune) rune {
			if drop(r) {
				return -1
			}
			return r
		}, s)
	}
}
