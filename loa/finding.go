package loa

import "github.com/portdesk/portdesk/porting"

// Finding codes. The CSR mismatch codes reuse the carrier exception
// vocabulary, so a finding before submission and a carrier rejection after
// it read the same.
const (
	// CodeEntityNameMismatch means the entity name differs from the CSR account name.
	CodeEntityNameMismatch = "ENTITY_NAME_MISMATCH"
	// CodeLocationMismatch means street, city, region or country differs from the CSR.
	CodeLocationMismatch = "LOCATION_MISMATCH"
	// CodePostalCodeMismatch means the postal code differs from the CSR.
	CodePostalCodeMismatch = "POSTAL_CODE_MISMATCH"
	// CodeAuthPersonMismatch means the authorized person differs from the CSR contact.
	CodeAuthPersonMismatch = "AUTH_PERSON_MISMATCH"
	// CodeAccountNumberMismatch means the account number differs from the CSR.
	CodeAccountNumberMismatch = "ACCOUNT_NUMBER_MISMATCH"
	// CodeBTNMismatch means the billing telephone number differs from the CSR.
	CodeBTNMismatch = "BTN_ATN_MISMATCH"
	// CodePhoneNumberMismatch means an order number is not on the CSR account.
	CodePhoneNumberMismatch = "PHONE_NUMBER_MISMATCH"
	// CodeLOAExpired means the LOA was signed more than MaxAgeDays ago.
	CodeLOAExpired = "LOA_EXPIRED"
	// CodeLOADateInFuture means the LOA is dated after today.
	CodeLOADateInFuture = "LOA_DATE_IN_FUTURE"
	// CodeSignatureNotWet means staff saw a signature that is not handwritten in ink.
	CodeSignatureNotWet = "SIGNATURE_NOT_WET"
	// CodeIllegible means staff found part of the signed LOA illegible.
	CodeIllegible = "ILLEGIBLE"
	// CodeMissingField means a field the carrier needs is blank.
	CodeMissingField = "MISSING_FIELD"
	// CodeMixedCarriers means the order's numbers belong to more than one losing carrier.
	CodeMixedCarriers = "MIXED_CARRIERS"
	// CodeMixedCountries means the order's numbers belong to more than one country.
	CodeMixedCountries = "MIXED_COUNTRIES"
	// CodeAttachmentRequired means too many numbers to list and no spreadsheet attached.
	CodeAttachmentRequired = "ATTACHMENT_REQUIRED"
	// CodePOBoxAddress means the service address is a post-office box.
	CodePOBoxAddress = "PO_BOX_ADDRESS"
	// CodeMissingDocument means a required document has not been uploaded.
	CodeMissingDocument = "MISSING_DOCUMENT"
	// CodePartialPortBTN means a partial port does not add up: the BTN is
	// ported away from numbers that stay and no new BTN is named, the new
	// BTN is not one of the numbers that stay, or the remaining numbers are
	// not the CSR's numbers minus the ported ones.
	CodePartialPortBTN = "PARTIAL_PORT_BTN"
	// CodeCSRUnverified: the CSR on file was proposed by the customer and
	// the porting team has not confirmed it is the carrier's record, so an
	// LOA that matches it proves nothing yet.
	CodeCSRUnverified = "CSR_UNVERIFIED"
	// CodeAttestationPending means the signed LOA waits for the porting
	// team's judgement of its signature and legibility.
	CodeAttestationPending = "ATTESTATION_PENDING"
	// CodeLOANotSigned means the uploaded signed LOA is byte for byte a file
	// portdesk generated: it was never signed.
	CodeLOANotSigned = "LOA_NOT_SIGNED"
)

// HasBlocking reports whether any of the findings is blocking.
func HasBlocking(findings []porting.Finding) bool {
	for _, f := range findings {
		if f.Severity == porting.SeverityBlocking {
			return true
		}
	}
	return false
}

// findings collects findings in the order the checks run.
type findings []porting.Finding

func (fs *findings) block(code, field, expected, got, hint string) {
	*fs = append(*fs, porting.Finding{Code: code, Severity: porting.SeverityBlocking, Field: field,
		Expected: expected, Got: got, Hint: hint})
}

func (fs *findings) pending(code, field, expected, got, hint string) {
	*fs = append(*fs, porting.Finding{Code: code, Severity: porting.SeverityPending, Field: field,
		Expected: expected, Got: got, Hint: hint})
}

func (fs *findings) warn(code, field, expected, got, hint string) {
	*fs = append(*fs, porting.Finding{Code: code, Severity: porting.SeverityWarning, Field: field,
		Expected: expected, Got: got, Hint: hint})
}
