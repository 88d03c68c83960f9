package loa

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/portdesk/portdesk/porting"
)

// compareWithCSR reports each LOA field that is not exactly the CSR's.
// Exactly means byte-equal once outer white space is trimmed: carriers
// reject "Acme Inc" when their record says "ACME, Inc.". A blank CSR field is
// not compared (the record does not show it) and a blank LOA field is
// already a MISSING_FIELD finding.
func compareWithCSR(fs *findings, d porting.LOAData, csr porting.CSR) {
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
func checkNumbersOnAccount(fs *findings, o Order, csr porting.CSR) {
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

// checkPartialPort checks that a partial port adds up. The numbers that
// stay are the CSR's numbers minus the ported ones; when the LOA names
// remaining numbers, they must be exactly those (without a CSR listing
// numbers, they must at least not be ported). A new BTN must be one of the
// numbers that stay, and a BTN ported away while numbers stay needs one.
// The BTN is the CSR's when it shows one, else the LOA's.
func checkPartialPort(fs *findings, o Order, d porting.LOAData, csr *porting.CSR) {
	ported := make(map[string]bool, len(o.Numbers))
	for _, n := range o.Numbers {
		ported[trim(n.PhoneNumber)] = true
	}
	var account []string // the CSR's numbers, when it lists them
	if csr != nil {
		account = csr.PhoneNumbers
	}
	staying := map[string]bool{}
	var stayingList []string
	for _, n := range account {
		if n = trim(n); !ported[n] && !staying[n] {
			staying[n] = true
			stayingList = append(stayingList, n)
		}
	}
	pp := d.PartialPort
	if pp != nil {
		staying = checkRemaining(fs, ported, account, stayingList, pp.RemainingNumbers)
	}
	btn := ""
	if csr != nil {
		btn = trim(csr.BTN)
	}
	if btn == "" {
		btn = trim(d.BTN)
	}
	newBTN := ""
	if pp != nil {
		newBTN = trim(pp.NewBTN)
	}
	const want = "a number that stays on the account"
	switch {
	case newBTN != "" && ported[newBTN]:
		fs.block(CodePartialPortBTN, "partial_port.new_btn", want, newBTN,
			"the new BTN is one of the numbers being ported; choose one that stays")
	case newBTN != "" && !staying[newBTN]:
		fs.block(CodePartialPortBTN, "partial_port.new_btn", want, newBTN,
			"the new BTN is not one of the numbers that stay on the account; choose one of them")
	case newBTN == "" && btn != "" && ported[btn] && len(staying) > 0:
		fs.block(CodePartialPortBTN, "partial_port.new_btn", want, "",
			fmt.Sprintf("the BTN %s is ported while %d number(s) stay on the account; name a new BTN among them", btn, len(staying)))
	}
}

// checkRemaining compares the remaining numbers the LOA names with the
// numbers that stay (stayingList, from the CSR), one finding per number that
// is wrong or left out, and returns the set of numbers that stay: the CSR's
// when it lists numbers, else the named ones that are not ported.
func checkRemaining(fs *findings, ported map[string]bool, account, stayingList, remaining []string) map[string]bool {
	const field = "partial_port.remaining_numbers"
	onAccount := make(map[string]bool, len(account))
	for _, n := range account {
		onAccount[trim(n)] = true
	}
	named := map[string]bool{}
	for _, n := range remaining {
		n = trim(n)
		switch {
		case ported[n]:
			fs.block(CodePartialPortBTN, field, "a number that stays on the account", n,
				"this number is being ported, so it cannot also stay; remove it from remaining_numbers")
		case len(account) > 0 && !onAccount[n]:
			fs.block(CodePartialPortBTN, field, "a number on the CSR account", n,
				"the losing carrier's record for this account does not list this number")
		default:
			named[n] = true
		}
	}
	if len(account) == 0 {
		return named
	}
	staying := make(map[string]bool, len(stayingList))
	for _, n := range stayingList {
		staying[n] = true
		if !named[n] {
			fs.block(CodePartialPortBTN, field, n, "",
				"this number is on the CSR account and not ported, so it stays; list it in remaining_numbers")
		}
	}
	return staying
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
