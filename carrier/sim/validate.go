package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

// validate checks a submission as a losing carrier does, against the
// record of its account (nil: no such account), and returns every reason
// to reject it; none means it can be ported.
func validate(sub *protocol.Submission, rec *Record) []protocol.Rejection {
	if rec == nil {
		return []protocol.Rejection{*reject("ACCOUNT_NUMBER_MISMATCH", "",
			fmt.Sprintf("No account %q at this carrier.", sub.LOA.AccountNumber))}
	}
	var out []protocol.Rejection
	add := func(r *protocol.Rejection) {
		if r != nil {
			out = append(out, *r)
		}
	}
	add(checkPIN(sub, rec))
	add(checkSame("ENTITY_NAME_MISMATCH", sub.LOA.EntityName, rec.AccountName, "The entity name differs from the account name."))
	out = append(out, checkAddress(sub.LOA.ServiceAddress, rec.ServiceAddress)...)
	add(checkSame("AUTH_PERSON_MISMATCH", sub.LOA.AuthorizedPerson, rec.AuthorizedContact, "The authorized person is not the account's authorized contact."))
	if digits(sub.LOA.BTN) != digits(rec.BTN) {
		add(reject("BTN_ATN_MISMATCH", rec.BTN, "The billing telephone number differs from the account's."))
	}
	add(checkNumbers(sub.PhoneNumbers, rec))
	add(checkMainBTN(sub, rec))
	return out
}

// reject builds a rejection whose field is the code's (ExceptionFields).
func reject(code, carrierValue, message string) *protocol.Rejection {
	return &protocol.Rejection{Code: code, Field: porting.ExceptionFields[code], CarrierValue: carrierValue, Message: message}
}

// checkSame rejects with code when got is not exactly want (the carrier's
// value, given back).
func checkSame(code, got, want, message string) *protocol.Rejection {
	if got == want {
		return nil
	}
	return reject(code, want, message)
}

// checkPIN rejects a wrong PIN when the account has one; the PIN on file
// is never given back.
func checkPIN(sub *protocol.Submission, rec *Record) *protocol.Rejection {
	if rec.PIN == "" || sub.LOA.PIN == rec.PIN {
		return nil
	}
	if sub.LOA.PIN == "" {
		return reject("PASSCODE_PIN_INVALID", "", "The account has a PIN and the LOA gives none.")
	}
	return reject("PASSCODE_PIN_INVALID", "", "The PIN is wrong.")
}

// checkAddress compares the service address field by field: a wrong postal
// code alone is POSTAL_CODE_MISMATCH, any other difference LOCATION_MISMATCH.
func checkAddress(got, want protocol.Address) []protocol.Rejection {
	var out []protocol.Rejection
	if got.PostalCode != want.PostalCode {
		out = append(out, *reject("POSTAL_CODE_MISMATCH", want.PostalCode, "The postal code differs from the service address on file."))
	}
	onFile := formatAddress(want)
	got.PostalCode, want.PostalCode = "", ""
	if got != want {
		out = append(out, *reject("LOCATION_MISMATCH", onFile, "The service address differs from the one on file."))
	}
	return out
}

// formatAddress writes an address on one line.
func formatAddress(a protocol.Address) string {
	var parts []string
	for _, p := range []string{a.Street, a.City, strings.TrimSpace(a.Region + " " + a.PostalCode), a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// checkNumbers rejects numbers that are not on the account, naming them.
func checkNumbers(numbers []string, rec *Record) *protocol.Rejection {
	var foreign []string
	for _, n := range numbers {
		if !slices.Contains(rec.PhoneNumbers, n) {
			foreign = append(foreign, n)
		}
	}
	if len(numbers) == 0 {
		return reject("PHONE_NUMBER_MISMATCH", "", "The submission names no number.")
	}
	if len(foreign) == 0 {
		return nil
	}
	return reject("PHONE_NUMBER_MISMATCH", "", "Not on the account: "+strings.Join(foreign, ", ")+".")
}

// checkMainBTN rejects a partial port that takes the account's billing
// number away without naming a new one for the numbers left behind.
func checkMainBTN(sub *protocol.Submission, rec *Record) *protocol.Rejection {
	if !containsNumber(sub.PhoneNumbers, rec.BTN) {
		return nil
	}
	partial := slices.ContainsFunc(rec.PhoneNumbers, func(n string) bool { return !slices.Contains(sub.PhoneNumbers, n) })
	if !partial {
		return nil
	}
	if pp := sub.LOA.PartialPort; pp != nil && strings.TrimSpace(pp.NewBTN) != "" {
		return nil
	}
	return reject("MAIN_BTN_PORTING", "", fmt.Sprintf(
		"The billing number %s leaves while other numbers stay on the account; name a new BTN for them.", rec.BTN))
}

// containsNumber reports whether numbers holds n, comparing digits only.
func containsNumber(numbers []string, n string) bool {
	return slices.ContainsFunc(numbers, func(m string) bool { return digits(m) == digits(n) })
}

// digits keeps the digits of a telephone number, so "+1 (312) 555-0140"
// and "+13125550140" compare equal.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
