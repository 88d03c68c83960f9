package porting

import "time"

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
}

// Attestation is the porting team's judgement of the signed LOA, which no
// machine can make: is the signature wet ink, is the document legible. Nil
// fields are not attested yet.
type Attestation struct {
	WetSignature *bool      `json:"wet_signature,omitempty"`
	Legible      *bool      `json:"legible,omitempty"`
	By           string     `json:"by,omitempty"`
	At           *time.Time `json:"at,omitempty"`
}

// Finding is one problem the LOA check found: a stable code, whether it
// blocks submission, the field, what the CSR or rule expects, what the LOA
// has, and a hint to fix it.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity" enum:"blocking,warning"`
	Field    string `json:"field,omitempty"`
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// SeverityBlocking marks a finding that stops approval.
const SeverityBlocking = "blocking"

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
