package twilio

import (
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// reasonRule maps a losing carrier's rejection text onto an exception code
// when the text holds its phrase as whole words.
type reasonRule struct {
	phrase string
	code   string
}

// reasonRules are tried in order: the more specific first ("account
// telephone number" before "account number", "zip" before "address").
var reasonRules = []reasonRule{
	{"authorized", "AUTH_PERSON_MISMATCH"},
	{"account telephone", "BTN_ATN_MISMATCH"},
	{"billing telephone", "BTN_ATN_MISMATCH"},
	{"btn", "BTN_ATN_MISMATCH"},
	{"account number", "ACCOUNT_NUMBER_MISMATCH"},
	{"pin", "PASSCODE_PIN_INVALID"},
	{"passcode", "PASSCODE_PIN_INVALID"},
	{"zip", "POSTAL_CODE_MISMATCH"},
	{"postal", "POSTAL_CODE_MISMATCH"},
	{"address", "LOCATION_MISMATCH"},
	{"name", "ENTITY_NAME_MISMATCH"},
	{"not portable", "PHONE_NUMBER_NOT_PORTABLE"},
	{"rate center", "RATE_CENTER_NOT_PORTABLE"},
	{"due date", "FOC_REJECTED"},
	{"port date", "FOC_REJECTED"},
	{"foc", "FOC_REJECTED"},
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
		if strings.Contains(words, " "+r.phrase+" ") {
			return r.code
		}
	}
	return "OTHER"
}

// notWordRune splits text into words.
func notWordRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}
