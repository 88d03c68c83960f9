package loa

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Defaults of the validation limits.
const (
	// DefaultMaxAgeDays is how many days after its signing date an LOA is
	// still accepted.
	DefaultMaxAgeDays = 15
	// DefaultAttachmentThreshold is how many numbers an LOA may list; above
	// it the letter says "See Attached" and a spreadsheet lists them.
	DefaultAttachmentThreshold = 10
)

// Input is everything Validate looks at.
type Input struct {
	Order Order           `json:"order"`
	Data  porting.LOAData `json:"data"`
	// CSR is the losing carrier's record; nil skips every CSR comparison.
	CSR *porting.CSR `json:"csr,omitempty"`
	// DocumentTypes are the types of the documents uploaded for the order.
	DocumentTypes []string `json:"document_types"`
	// RequiredDocuments are the document types the country and number kind require.
	RequiredDocuments []string `json:"required_documents"`
	// Attestation is what staff saw on the signed LOA; a blank Signature
	// or a nil Legible has not been attested yet.
	Attestation porting.Attestation `json:"attestation"`
	// Now is the current time from the injected clock, in the zone whose
	// calendar decides the LOA's age (the zone the LOA is signed in).
	Now time.Time `json:"now"`
	// MaxAgeDays defaults to DefaultMaxAgeDays when zero.
	MaxAgeDays int `json:"max_age_days"`
	// AttachmentThreshold defaults to DefaultAttachmentThreshold when zero.
	AttachmentThreshold int `json:"attachment_threshold"`
	// HasAttachment reports whether the numbers spreadsheet accompanies the LOA.
	HasAttachment bool `json:"has_attachment"`
	// RequireAttestation reports a signed LOA that staff have not judged
	// yet as the pending finding ATTESTATION_PENDING; set it while the LOA
	// is in review and when it is approved.
	RequireAttestation bool `json:"require_attestation"`
	// SignedLOA is the SHA-256 (hex) of the latest signed LOA uploaded, ""
	// when none is.
	SignedLOA string `json:"signed_loa,omitempty"`
	// GeneratedLOAs are the SHA-256 (hex) of every unsigned LOA file
	// portdesk handed out for the order.
	GeneratedLOAs []string `json:"generated_loas,omitempty"`
}

// Validate checks an LOA and returns its findings, empty when the LOA is
// fit to submit. The order is deterministic: blank fields, the address,
// the order's composition, the CSR comparisons, the partial port, the
// signing date, the signed file, the attestations, then the documents; within a check, in the order of the
// LOA's fields and of the order's numbers.
func Validate(in Input) []porting.Finding {
	var fs findings
	checkRequiredFields(&fs, in)
	checkPOBox(&fs, in.Data.ServiceAddress.Street)
	checkComposition(&fs, in)
	if in.CSR != nil {
		compareWithCSR(&fs, in.Data, *in.CSR)
		checkNumbersOnAccount(&fs, in.Order, *in.CSR)
	}
	checkPartialPort(&fs, in.Order, in.Data, in.CSR)
	checkSigningDate(&fs, in)
	checkSigned(&fs, in)
	checkAttestation(&fs, in)
	checkDocuments(&fs, in)
	return fs
}

func checkRequiredFields(fs *findings, in Input) {
	var csr porting.CSR
	if in.CSR != nil {
		csr = *in.CSR
	}
	d, a, ca := in.Data, in.Data.ServiceAddress, csr.ServiceAddress
	required := []struct{ field, got, csr string }{
		{"entity_name", d.EntityName, csr.AccountName},
		{"service_address.street", a.Street, ca.Street},
		{"service_address.city", a.City, ca.City},
		{"service_address.postal_code", a.PostalCode, ca.PostalCode},
		{"service_address.country", a.Country, ca.Country},
		{"authorized_person.name", d.AuthorizedPerson.Name, csr.AuthorizedContact},
		{"account_number", d.AccountNumber, csr.AccountNumber},
		{"btn", d.BTN, csr.BTN},
	}
	for _, r := range required {
		if trim(r.got) == "" {
			hint := "required by the losing carrier"
			if trim(r.csr) != "" {
				hint = "copy it exactly as the CSR shows it"
			}
			fs.block(CodeMissingField, r.field, trim(r.csr), "", hint)
		}
	}
	if d.SignedOn == nil && slices.Contains(in.DocumentTypes, string(porting.DocLOASigned)) {
		fs.block(CodeMissingField, "signed_on", "the date written on the signed LOA", "",
			"record the date the customer wrote next to the signature")
	}
	if len(in.Order.Numbers) == 0 {
		fs.block(CodeMissingField, "numbers", "at least one number", "", "the LOA lists no number to port")
	}
}

// checkComposition enforces one losing carrier and one country per LOA, and
// the attachment above the listing threshold.
func checkComposition(fs *findings, in Input) {
	o := in.Order
	mixed(fs, CodeMixedCarriers, "numbers.losing_carrier", "losing carrier", o.LosingCarrier, o, o.numberCarrier)
	mixed(fs, CodeMixedCountries, "numbers.country", "country", o.Country, o, o.numberCountry)
	limit := in.AttachmentThreshold
	if limit <= 0 {
		limit = DefaultAttachmentThreshold
	}
	if len(o.Numbers) > limit && !in.HasAttachment {
		fs.block(CodeAttachmentRequired, "numbers", "a spreadsheet listing the numbers",
			fmt.Sprintf("%d numbers, no attachment", len(o.Numbers)),
			fmt.Sprintf("an LOA lists at most %d numbers; write \"See Attached\" and attach the spreadsheet", limit))
	}
}

// mixed reports each value of attr that differs from want (the order's
// own value or, when the order has none, the first number's), once per value.
func mixed(fs *findings, code, field, noun, want string, o Order, attr func(Number) string) {
	want = trim(want)
	for _, n := range o.Numbers {
		if want != "" {
			break
		}
		want = attr(n)
	}
	type other struct {
		value, first string
		count        int
	}
	var others []*other
	byValue := map[string]*other{}
	for _, n := range o.Numbers {
		v := attr(n)
		if v == "" || v == want {
			continue
		}
		if byValue[v] == nil {
			byValue[v] = &other{value: v, first: trim(n.PhoneNumber)}
			others = append(others, byValue[v])
		}
		byValue[v].count++
	}
	for _, x := range others {
		fs.block(code, field, want, x.value, fmt.Sprintf(
			"%d number(s), first %s, belong to another %s; an LOA covers one %s, so split the order",
			x.count, x.first, noun, noun))
	}
}

// earliestZone is the zone whose date is ahead of every other (UTC+14, the
// Line Islands): a written date after today there is after today everywhere.
var earliestZone = time.FixedZone("UTC+14", 14*60*60)

// checkSigningDate compares calendar dates: the date written on the LOA
// with today's date in Now's zone for its age, and with today's date in
// UTC+14 for the future, so that a signer anywhere, whatever their own zone,
// can date the letter with their today.
func checkSigningDate(fs *findings, in Input) {
	if in.Data.SignedOn == nil {
		return
	}
	maxAge := in.MaxAgeDays
	if maxAge <= 0 {
		maxAge = DefaultMaxAgeDays
	}
	signed, today := in.Data.SignedOn.In(time.UTC), civilDate(in.Now)
	latest := civilDate(in.Now.In(earliestZone))
	age := int(today.Sub(signed).Hours() / 24)
	got := signed.Format(time.DateOnly)
	switch {
	case age > maxAge:
		fs.block(CodeLOAExpired, "signed_on",
			"on or after "+today.AddDate(0, 0, -maxAge).Format(time.DateOnly), got,
			fmt.Sprintf("signed %d days ago; an LOA is accepted for %d days, so ask for a newly signed one", age, maxAge))
	case signed.After(latest):
		fs.block(CodeLOADateInFuture, "signed_on",
			"on or before "+latest.Format(time.DateOnly), got,
			"the date is after today everywhere on Earth; check the date read from the letter")
	}
}

// civilDate returns t's calendar date at midnight UTC, so differences are
// whole days whatever the zones and daylight-saving changes.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkSigned reports a signed LOA that is byte for byte an LOA portdesk
// generated: nobody signed it. Equal hashes of the whole file are the test;
// a signed copy differs in at least the signature.
func checkSigned(fs *findings, in Input) {
	if in.SignedLOA == "" || !slices.Contains(in.GeneratedLOAs, in.SignedLOA) {
		return
	}
	fs.block(CodeLOANotSigned, "documents."+string(porting.DocLOASigned), "the LOA signed by the authorized person",
		"the unsigned LOA portdesk generated",
		"the uploaded signed LOA is the generated file itself; print it, have it signed in ink and upload the scan")
}

// checkAttestation reports what staff saw wrong on the signed LOA and,
// when RequireAttestation is set, a judgement not made yet as one pending
// finding: waiting for staff is not a fault of the LOA.
func checkAttestation(fs *findings, in Input) {
	a := in.Attestation
	kind := trim(string(a.Signature))
	if kind != "" && kind != string(porting.SignatureWet) {
		fs.block(CodeSignatureNotWet, "attestation.signature", string(porting.SignatureWet), kind,
			"the signature is "+kind+", not handwritten in ink; typed, printed, pasted, copied and electronic signatures are rejected")
	}
	if a.Legible != nil && !*a.Legible {
		fs.block(CodeIllegible, "attestation.legible", "true", "false",
			"part of the LOA cannot be read; ask for a clearly written or typed copy")
	}
	if !in.RequireAttestation {
		return
	}
	var missing []string
	if kind == "" {
		missing = append(missing, "signature")
	}
	if a.Legible == nil {
		missing = append(missing, "legible")
	}
	if len(missing) > 0 {
		fs.pending(CodeAttestationPending, "attestation", "the porting team's judgement of the signed LOA",
			"", "staff have not yet judged the signed LOA's "+strings.Join(missing, " and "))
	}
}

func checkDocuments(fs *findings, in Input) {
	seen := map[string]bool{}
	for _, t := range in.RequiredDocuments {
		t = trim(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		// "invoice|csr": any one of the alternatives will do.
		alternatives := strings.Split(t, "|")
		if !slices.ContainsFunc(alternatives, func(a string) bool { return slices.Contains(in.DocumentTypes, a) }) {
			fs.block(CodeMissingDocument, "documents."+alternatives[0], t, "",
				"upload a document of type "+strings.Join(alternatives, " or "))
		}
	}
}

// trim removes outer white space, the only change made before comparing.
func trim(s string) string { return strings.TrimSpace(s) }
