// Package loa holds the Letter of Authorization: the data a customer writes
// on it, its validation against the losing carrier's Customer Service Record
// (CSR), and its rendering as a PDF letter with an XLSX or CSV attachment
// listing the numbers.
//
// The package is pure: it imports the standard library, the PDF library, the
// spreadsheet library and, of portdesk, only the domain (porting), whose LOA
// data, CSR, attestation and findings it reads and writes. The workflow
// maps a port order into the Order below and decides what a finding means
// for the port order.
package loa

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
