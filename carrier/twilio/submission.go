package twilio

import (
	"time"
	_ "time/tzdata" // the port window is in US Eastern time wherever we run

	numbers "github.com/twilio/twilio-go/rest/numbers/v1"

	"github.com/portdesk/portdesk/porting"
)

// portWindow is how long the time range Twilio is asked to port in lasts,
// from the requested FOC time.
const portWindow = 2 * time.Hour

// eastern is the zone of the target port date: US ports are scheduled in
// Eastern time.
var eastern = mustLoadLocation("America/New_York")

// mustLoadLocation loads a zone embedded by time/tzdata.
func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// portInCreate builds the body of a port-in request from a submission and
// the SIDs of its uploaded documents. EINVALID when the submission lacks a
// field Twilio requires.
func (g *Gateway) portInCreate(s *porting.CarrierSubmission, docs []string) (numbers.NumbersV1PortingPortInCreate, error) {
	if len(s.PhoneNumbers) == 0 {
		return numbers.NumbersV1PortingPortInCreate{}, porting.FieldErrorf("phone_numbers", "twilio: a port-in request needs phone numbers")
	}
	body := numbers.NumbersV1PortingPortInCreate{
		AccountSid:               g.cfg.AccountSID,
		Documents:                docs,
		PhoneNumbers:             phoneNumbers(s.PhoneNumbers, s.LOA.PIN),
		LosingCarrierInformation: g.losingCarrier(s),
	}
	if len(g.cfg.NotificationEmails) > 0 {
		emails := append([]string(nil), g.cfg.NotificationEmails...)
		body.NotificationEmails = &emails
	}
	if s.RequestedFOCAt != nil {
		date, start, end := targetWindow(*s.RequestedFOCAt)
		body.TargetPortInDate, body.TargetPortInTimeRangeStart, body.TargetPortInTimeRangeEnd = &date, &start, &end
	}
	return body, nil
}

// phoneNumbers lists the numbers to port, each with the account PIN
// (Twilio asks it per number; a US mobile number needs it).
func phoneNumbers(nums []string, pin string) []numbers.NumbersV1PortingPortInCreatePhoneNumbers {
	out := make([]numbers.NumbersV1PortingPortInCreatePhoneNumbers, len(nums))
	for i, n := range nums {
		out[i] = numbers.NumbersV1PortingPortInCreatePhoneNumbers{PhoneNumber: n, Pin: pin}
	}
	return out
}

// losingCarrier maps the LOA onto Twilio's losing carrier information.
// The LOA must match the carrier's record, so its fields go as written;
// the CSR fills only what the LOA leaves blank. A holder whose name is the
// signer's is an individual, any other a business.
func (g *Gateway) losingCarrier(s *porting.CarrierSubmission) numbers.NumbersV1PortingLosingCarrierInformation {
	loa := s.LOA
	info := numbers.NumbersV1PortingLosingCarrierInformation{
		CustomerName:                  loa.EntityName,
		CustomerType:                  "Business",
		AccountNumber:                 loa.AccountNumber,
		AccountTelephoneNumber:        loa.BTN,
		AuthorizedRepresentative:      loa.AuthorizedPerson.Name,
		AuthorizedRepresentativeEmail: g.cfg.RepresentativeEmail,
		Address:                       address(loa.ServiceAddress, s.Country),
	}
	if porting.NormalizeCarrierName(loa.EntityName) == porting.NormalizeCarrierName(loa.AuthorizedPerson.Name) {
		info.CustomerType = "Individual"
	}
	if s.CSR != nil {
		info.AccountNumber = orDefault(info.AccountNumber, s.CSR.AccountNumber)
		info.AccountTelephoneNumber = orDefault(info.AccountTelephoneNumber, s.CSR.BTN)
		info.CustomerName = orDefault(info.CustomerName, s.CSR.AccountName)
	}
	return info
}

// address maps a postal address; country falls back to the order's.
func address(a porting.Address, country string) numbers.NumbersV1PortingAddress {
	return numbers.NumbersV1PortingAddress{
		Street:  a.Street,
		City:    a.City,
		State:   a.Region,
		Zip:     a.PostalCode,
		Country: orDefault(a.Country, country),
	}
}

// targetWindow returns the target port date and the time range Twilio
// takes (ISO local date, ISO offset times) for a requested FOC: its date
// in US Eastern time and a window starting at its time, cut at midnight.
func targetWindow(foc time.Time) (date, start, end string) {
	at := foc.In(eastern)
	until := at.Add(portWindow)
	if until.Day() != at.Day() {
		until = time.Date(at.Year(), at.Month(), at.Day(), 23, 59, 59, 0, eastern)
	}
	return at.Format(time.DateOnly), at.Format("15:04:05-07:00"), until.Format("15:04:05-07:00")
}

// orDefault returns s, or def when s is blank.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
