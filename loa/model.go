// Package loa holds the Letter of Authorization: the data a customer writes
// on it, its validation against the losing carrier's Customer Service Record
// (CSR), and its rendering as a PDF letter with an XLSX or CSV attachment
// listing the numbers.
//
// The package is pure: it imports the standard library, the PDF library, the
// spreadsheet library and, of portdesk, only the domain (porting) for its
// vocabularies. The workflow maps
// domain types into the types below and decides what a finding means for the
// port order.
package loa

import "time"

// Address is a service address as written on the LOA or the CSR. Region is
// the state, province or county; countries without one leave it blank.
type Address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// Person is someone named on the LOA, usually the person authorized to make
// changes to the phone service.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// PartialPort describes an LOA that ports only some of the numbers of the
// losing carrier's account. The numbers left behind stay billable, so the
// billing telephone number (BTN) must stay with them or a new BTN must be
// named.
type PartialPort struct {
	// RemainingNumbers are the numbers that stay on the losing carrier's account.
	RemainingNumbers []string `json:"remaining_numbers"`
	// RemainingAction is porting.RemainingKeep or porting.RemainingDisconnect.
	RemainingAction string `json:"remaining_action"`
	// NewBTN is the number that becomes the account's BTN when the current
	// BTN is ported away; blank when the BTN stays.
	NewBTN string `json:"new_btn"`
}

// Data is what the customer states on the LOA. The entity name, service
// address, authorized person, account number and BTN must equal the CSR
// exactly.
type Data struct {
	EntityName       string       `json:"entity_name"`
	ServiceAddress   Address      `json:"service_address"`
	AuthorizedPerson Person       `json:"authorized_person"`
	AccountNumber    string       `json:"account_number"`
	PIN              string       `json:"pin"`
	BTN              string       `json:"btn"`
	PartialPort      *PartialPort `json:"partial_port,omitempty"`
	RequestedPortAt  *time.Time   `json:"requested_port_at,omitempty"`
	// SignedOn is the date written by hand on the signed LOA, read as a
	// calendar date in its own location; nil until a signed LOA is recorded.
	SignedOn *time.Time `json:"signed_on,omitempty"`
}

// CSR is the Customer Service Record the losing carrier holds for the
// account, or the same data read from the latest bill. A blank field means
// the record does not show it.
type CSR struct {
	AccountName       string  `json:"account_name"`
	ServiceAddress    Address `json:"service_address"`
	AuthorizedContact string  `json:"authorized_contact"`
	BTN               string  `json:"btn"`
	AccountNumber     string  `json:"account_number"`
	// PhoneNumbers are the account's numbers in E.164.
	PhoneNumbers []string `json:"phone_numbers"`
}

// SignatureWet is the Attestation.Signature of a signature handwritten in
// ink, the only kind carriers accept. The workflow's vocabulary names the
// others (electronic, printed); every kind but this one is refused.
const SignatureWet = "wet"

// Attestation records what staff saw on the signed LOA. A blank Signature
// or a nil Legible has not been attested yet.
type Attestation struct {
	// Signature is the kind of signature staff saw: SignatureWet for ink,
	// or another kind (typed, printed, pasted, photocopied, electronic).
	Signature string `json:"signature"`
	// Legible is true when every handwritten entry can be read.
	Legible *bool `json:"legible"`
}

// Number is one phone number of the order. Blank Country or LosingCarrier
// mean "the order's".
type Number struct {
	// PhoneNumber is in E.164, e.g. "+41446681800".
	PhoneNumber   string `json:"phone_number"`
	Country       string `json:"country"`
	LosingCarrier string `json:"losing_carrier"`
}

// Order is the part of a port order the LOA shows: one losing carrier, one
// country, one number kind.
type Order struct {
	ID             string   `json:"id"`
	Country        string   `json:"country"`
	LosingCarrier  string   `json:"losing_carrier"`
	WinningCarrier string   `json:"winning_carrier"`
	NumberKind     string   `json:"number_kind"`
	Numbers        []Number `json:"numbers"`
}

// numberCountry returns the country of n, falling back to the order's.
func (o Order) numberCountry(n Number) string {
	if c := trim(n.Country); c != "" {
		return c
	}
	return trim(o.Country)
}

// numberCarrier returns the losing carrier of n, falling back to the order's.
func (o Order) numberCarrier(n Number) string {
	if c := trim(n.LosingCarrier); c != "" {
		return c
	}
	return trim(o.LosingCarrier)
}
