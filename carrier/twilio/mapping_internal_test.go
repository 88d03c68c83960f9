package twilio

import "testing"

func TestNormalizeStatusFoldsSpellings(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"In review":             statusInReview,
		"in-review":             statusInReview,
		"in_review":             statusInReview,
		"Waiting for Signature": statusWaitingForSignature,
		"In progress":           statusInProgress,
		"Action Required":       statusActionRequired,
		"Cancelled":             statusCanceled,
		"canceled":              statusCanceled,
		" completed ":           statusCompleted,
	}
	for in, want := range tests {
		if got := normalizeStatus(in); got != want {
			t.Errorf("normalizeStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReasonCodeMatchesOnlyClearReasons(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Customer name does not match":            "ENTITY_NAME_MISMATCH",
		"Business Name mismatch":                  "ENTITY_NAME_MISMATCH",
		"Authorized user name is wrong":           "AUTH_PERSON_MISMATCH",
		"Account number invalid":                  "ACCOUNT_NUMBER_MISMATCH",
		"Account telephone number does not match": "BTN_ATN_MISMATCH",
		"BTN mismatch":                            "BTN_ATN_MISMATCH",
		"Incorrect PIN":                           "PASSCODE_PIN_INVALID",
		"Passcode required":                       "PASSCODE_PIN_INVALID",
		"ZIP code mismatch":                       "POSTAL_CODE_MISMATCH",
		"Service address does not match":          "LOCATION_MISMATCH",
		"Number is not portable":                  "PHONE_NUMBER_NOT_PORTABLE",
		"Requested due date not available":        "FOC_REJECTED",
		"Pending order exists on the account":     "OTHER",
		"Spinning up a new ping":                  "OTHER", // no whole word "pin"
		"":                                        "OTHER",
	}
	for in, want := range tests {
		if got := reasonCode(in); got != want {
			t.Errorf("reasonCode(%q) = %q, want %q", in, got, want)
		}
	}
}
