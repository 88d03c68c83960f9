package porting

import (
	"encoding/json"
	"time"
)

// Address is a postal address as written on an LOA or a CSR.
type Address struct {
	Street     string `json:"street" maxLength:"200"`
	City       string `json:"city" maxLength:"100"`
	Region     string `json:"region,omitempty" maxLength:"100"`
	PostalCode string `json:"postal_code" maxLength:"20"`
	Country    string `json:"country" maxLength:"60"`
}

// LOAPerson is the person who signs the LOA for the entity.
type LOAPerson struct {
	Name  string `json:"name" maxLength:"200"`
	Title string `json:"title,omitempty" maxLength:"100"`
}

// PartialPort describes numbers of the losing carrier's account that stay
// behind: what happens to them and, when the billing number leaves, the new one.
type PartialPort struct {
	RemainingNumbers []string `json:"remaining_numbers" maxItems:"100000"`
	RemainingAction  string   `json:"remaining_action" enum:"keep,disconnect"`
	NewBTN           string   `json:"new_btn,omitempty" maxLength:"64"`
}

// LOAData is what the customer fills for the Letter of Authorization. The
// PIN is a secret: it is never part of JSON (events, answers); PINSet tells
// whether one is on file, and the store keeps it encrypted.
type LOAData struct {
	EntityName       string       `json:"entity_name" maxLength:"200"`
	ServiceAddress   Address      `json:"service_address"`
	AuthorizedPerson LOAPerson    `json:"authorized_person"`
	AccountNumber    string       `json:"account_number" maxLength:"64"`
	PIN              string       `json:"-"`
	PINSet           bool         `json:"pin_set" readOnly:"true"`
	BTN              string       `json:"btn" maxLength:"64"`
	PartialPort      *PartialPort `json:"partial_port,omitempty"`
	// SignedOn is the date written next to the signature on the returned
	// LOA: a calendar date, judged in the country's civil time.
	SignedOn *Date `json:"signed_on,omitempty"`
}

// CSR is the losing carrier's Customer Service Record for the account: the
// LOA must match it exactly.
type CSR struct {
	AccountName       string    `json:"account_name"`
	ServiceAddress    Address   `json:"service_address"`
	AuthorizedContact string    `json:"authorized_contact"`
	BTN               string    `json:"btn"`
	AccountNumber     string    `json:"account_number"`
	PhoneNumbers      []string  `json:"phone_numbers"`
	Source            string    `json:"source" doc:"Who recorded it: customer, staff or carrier."`
	RecordedAt        time.Time `json:"recorded_at"`
	// ConfirmedBy and ConfirmedAt record the porting team confirming that a
	// CSR the customer proposed is the carrier's record.
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// Verified reports whether the CSR can be trusted as the carrier's
// record: recorded by staff or a carrier, or confirmed by staff.
func (c *CSR) Verified() bool { return c.Source != "customer" || c.ConfirmedAt != nil }

// SignatureKind is the kind of signature the porting team saw on the
// signed LOA. Only a wet (ink) signature is accepted by carriers.
type SignatureKind string

// Signature kinds.
const (
	SignatureWet        SignatureKind = "wet"
	SignatureElectronic SignatureKind = "electronic"
	SignaturePrinted    SignatureKind = "printed"
	// SignatureNotWet records a signature judged not wet through the
	// deprecated wet_signature: false, which does not say its kind.
	SignatureNotWet SignatureKind = "not_wet"
)

// SignatureKinds lists the kinds staff may record; SignatureNotWet only
// comes from the deprecated boolean.
var SignatureKinds = []SignatureKind{SignatureWet, SignatureElectronic, SignaturePrinted}

// Attestation is the porting team's judgement of the signed LOA, which no
// machine can make: what kind of signature it bears, is the document
// legible. Blank or nil fields are not attested yet.
type Attestation struct {
	Signature SignatureKind `json:"signature,omitempty" enum:"wet,electronic,printed,not_wet" doc:"The kind of signature the team saw; only wet is accepted. not_wet comes from the deprecated wet_signature: false."`
	// WetSignature mirrors Signature for readers of the first API version.
	//
	// Deprecated: read Signature.
	WetSignature *bool      `json:"wet_signature,omitempty" doc:"Deprecated: read signature. true when signature is wet."`
	Legible      *bool      `json:"legible,omitempty"`
	By           string     `json:"by,omitempty"`
	At           *time.Time `json:"at,omitempty"`
}

// SetSignature records the kind of signature and its deprecated mirror.
func (a *Attestation) SetSignature(k SignatureKind) {
	a.Signature = k
	wet := k == SignatureWet
	a.WetSignature = &wet
}

// UnmarshalJSON reads both shapes: attestations stored before the
// signature kind existed hold only wet_signature.
func (a *Attestation) UnmarshalJSON(b []byte) error {
	type plain Attestation
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*a = Attestation(p)
	if a.Signature == "" && a.WetSignature != nil {
		a.Signature = SignatureNotWet
		if *a.WetSignature {
			a.Signature = SignatureWet
		}
	}
	return nil
}

// Finding is one problem the LOA check found: a stable code, whether it
// blocks submission, the field (its JSON path in the LOA data, e.g.
// "service_address.postal_code"), what the CSR or rule expects, what the
// LOA has, and a hint to fix it. Hints may suggest a normalization; they
// never accept one.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity" enum:"blocking,pending,warning"`
	Field    string `json:"field,omitempty"`
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// Finding severities: a blocking finding stops approval (or, for an
// order's own items, the step it names); a warning only informs.
const (
	SeverityBlocking = "blocking"
	SeverityWarning  = "warning"
)

// SeverityPending marks a finding that waits on the porting team (an
// attestation not made yet): not a fault of the LOA, but approval waits.
const SeverityPending = "pending"

// FindingSeverities lists every finding severity.
var FindingSeverities = []string{SeverityBlocking, SeverityPending, SeverityWarning}

// Remaining actions for the numbers a partial port leaves with the losing
// carrier (PartialPort.RemainingAction).
const (
	// RemainingKeep keeps the numbers left behind in service with the losing carrier.
	RemainingKeep = "keep"
	// RemainingDisconnect disconnects the numbers left behind.
	RemainingDisconnect = "disconnect"
)

// RemainingActions lists every remaining action.
var RemainingActions = []string{RemainingKeep, RemainingDisconnect}

// Who may port a country's numbers (a porting requirement's entity).
const (
	// EntityAny lets any holder port, business or person.
	EntityAny = "any"
	// EntityBusiness lets only businesses port.
	EntityBusiness = "business"
)

// Entities lists every entity of a porting requirement.
var Entities = []string{EntityAny, EntityBusiness}

// DocumentType is what an uploaded document is.
type DocumentType string

// Document types.
const (
	DocLOASigned       DocumentType = "loa_signed"
	DocCSR             DocumentType = "csr"
	DocInvoice         DocumentType = "invoice"
	DocProofOfAddress  DocumentType = "proof_of_address"
	DocProofOfBusiness DocumentType = "proof_of_business"
	DocProofOfID       DocumentType = "proof_of_id"
	DocNumberList      DocumentType = "number_list"
	DocOther           DocumentType = "other"
)

// DocumentTypes lists every document type.
var DocumentTypes = []DocumentType{DocLOASigned, DocCSR, DocInvoice, DocProofOfAddress,
	DocProofOfBusiness, DocProofOfID, DocNumberList, DocOther}

// Document is an uploaded file of a port order. Its content is stored
// encrypted and read only through the store.
type Document struct {
	ID          string       `json:"id"`
	PortOrderID string       `json:"port_order_id"`
	AccountID   string       `json:"account_id"`
	Type        DocumentType `json:"type"`
	Filename    string       `json:"filename"`
	ContentType string       `json:"content_type"`
	Size        int64        `json:"size"`
	SHA256      string       `json:"sha256"`
	UploadedBy  Principal    `json:"uploaded_by"`
	CreatedAt   time.Time    `json:"created_at"`
}
