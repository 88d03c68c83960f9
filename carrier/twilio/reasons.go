package twilio

import (
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// reasonRule maps a losing carrier's rejection text onto an exception code
// when the text holds every one of its words.
type reasonRule struct {
	words []string
	code  string
}

// reasonRules are tried in order: the more specific first ("account
// telephone number" before "account number", "zip" before "address").
var reasonRules = []reasonRule{
	{[]string{"authorized"}, "AUTH_PERSON_MISMATCH"},
	{[]string{"account telephone"}, "BTN_ATN_MISMATCH"},
	{[]string{"billing telephone"}, "BTN_ATN_MISMATCH"},
	{[]string{"btn"}, "BTN_ATN_MISMATCH"},
	{[]string{"account number"}, "ACCOUNT_NUMBER_MISMATCH"},
	{[]string{"pin"}, "PASSCODE_PIN_INVALID"},
	{[]string{"passcode"}, "PASSCODE_PIN_INVALID"},
	{[]string{"zip"}, "POSTAL_CODE_MISMATCH"},
	{[]string{"postal"}, "POSTAL_CODE_MISMATCH"},
	{[]string{"address"}, "LOCATION_MISMATCH"},
	{[]string{"name"}, "ENTITY_NAME_MISMATCH"},
	{[]string{"not portable"}, "PHONE_NUMBER_NOT_PORTABLE"},
	{[]string{"rate center"}, "RATE_CENTER_NOT_PORTABLE"},
	{[]string{"due date"}, "FOC_REJECTED"},
	{[]string{"port date"}, "FOC_REJECTED"},
	{[]string{"foc"}, "FOC_REJECTED"},
}

// rejection maps Twilio's rejection reason (text and code) onto a carrier
// rejection: the exception code the text clearly names, else OTHER; the
// text is kept as the message either way.
func rejection(reason, code string) porting.CarrierRejection {
	msg := reason
	if code != "" {
		msg = strings.TrimSpace(reason + " (Twilio code " + code + ")")
	}
	if reason == "" {
		msg = "Twilio reports the losing carrier rejected the number without a reason."
	}
	return porting.CarrierRejection{Code: reasonCode(reason), Message: msg}
}

// reasonCode returns the exception code a rejection text names, OTHER when
// none clearly matches.
func reasonCode(reason string) string {
	words := " " + strings.Join(strings.FieldsFunc(strings.ToLower(reason), notWordRune), " ") + " "
	for _, r := range reasonRules {
		if containsAll(words, r.words) {
			return r.code
		}
	}
	return "OTHER"
}

// containsAll reports whether every phrase appears in text as whole words.
func containsAll(text string, phrases []string) bool {
	for _, p := range phrases {
		if !strings.Contains(text, " "+p+" ") {
			return false
		}
	}
	return true
}

// notWordRune splits text into words.
func notWordRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}
