package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// CreateRequest is the JSON body of a port-in request, as Twilio's
// reference names its fields.
type CreateRequest struct {
	AccountSID                 string              `json:"account_sid"`
	Documents                  []string            `json:"documents"`
	PhoneNumbers               []CreatePhoneNumber `json:"phone_numbers"`
	LosingCarrierInformation   LosingCarrier       `json:"losing_carrier_information"`
	NotificationEmails         []string            `json:"notification_emails,omitempty"`
	TargetPortInDate           string              `json:"target_port_in_date,omitempty"`
	TargetPortInTimeRangeStart string              `json:"target_port_in_time_range_start,omitempty"`
	TargetPortInTimeRangeEnd   string              `json:"target_port_in_time_range_end,omitempty"`
}

// CreatePhoneNumber is one number of a port-in request and its PIN.
type CreatePhoneNumber struct {
	PhoneNumber string `json:"phone_number"`
	PIN         string `json:"pin,omitempty"`
}

// LosingCarrier is the customer's information with the losing carrier.
type LosingCarrier struct {
	CustomerName                  string  `json:"customer_name"`
	CustomerType                  string  `json:"customer_type,omitempty"`
	AccountNumber                 string  `json:"account_number,omitempty"`
	AccountTelephoneNumber        string  `json:"account_telephone_number,omitempty"`
	AuthorizedRepresentative      string  `json:"authorized_representative"`
	AuthorizedRepresentativeEmail string  `json:"authorized_representative_email"`
	Address                       Address `json:"address"`
}

// Address is the service address of the account.
type Address struct {
	Street  string `json:"street"`
	Street2 string `json:"street_2,omitempty"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// PortIn is what the fake holds of a port-in request.
type PortIn struct {
	SID     string
	Body    CreateRequest
	Status  string
	Numbers []PhoneNumber
	Created time.Time
	// state is the SetStatus argument, which picks the webhook event.
	state string
}

// PhoneNumber is one number of a port-in request.
type PhoneNumber struct {
	SID             string
	PhoneNumber     string
	Status          string
	PortDate        *time.Time
	RejectionReason string
	RejectionCode   int
	Updated         time.Time
}

type portIn = PortIn

var (
	e164      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	isoTime   = regexp.MustCompile(`^[0-2][0-9]:[0-5][0-9]:[0-5][0-9][+-][0-2][0-9]:[0-5][0-9]$`)
	docSIDPat = regexp.MustCompile(`^RD[0-9a-fA-F]{32}$`)
)

// handleCreate creates a port-in request (201) or refuses it (400).
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	var body CreateRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Invalid JSON body")
		return
	}
	if msg := s.validate(body); msg != "" {
		writeError(w, http.StatusBadRequest, 20001, msg)
		return
	}
	s.mu.Lock()
	now := s.Now()
	p := &PortIn{SID: s.newSID("KW"), Body: body, Status: "in_review", Created: now, state: "in_review"}
	for _, n := range body.PhoneNumbers {
		p.Numbers = append(p.Numbers, PhoneNumber{SID: s.newSID("PU"), PhoneNumber: n.PhoneNumber, Status: "in_review", Updated: now})
	}
	s.requests[p.SID] = p
	out := s.portInJSON(p)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

// validate checks a body as Twilio does; the message of the first fault.
func (s *Server) validate(b CreateRequest) string {
	lc := b.LosingCarrierInformation
	switch {
	case b.AccountSID != s.AccountSID:
		return "account_sid must be the authenticated account"
	case len(b.Documents) == 0:
		return "documents: at least one utility bill is required"
	case len(b.PhoneNumbers) == 0 || len(b.PhoneNumbers) > 1000:
		return "phone_numbers: between 1 and 1000 numbers are required"
	case lc.CustomerName == "" || lc.AuthorizedRepresentative == "" || lc.AuthorizedRepresentativeEmail == "":
		return "losing_carrier_information: customer_name, authorized_representative and authorized_representative_email are required"
	case lc.Address.Street == "" || lc.Address.City == "" || lc.Address.State == "" || lc.Address.Zip == "" || lc.Address.Country == "":
		return "losing_carrier_information.address: street, city, state, zip and country are required"
	}
	for _, d := range b.Documents {
		if !docSIDPat.MatchString(d) || !s.hasDocument(d) {
			return "documents: unknown document " + d
		}
	}
	for _, n := range b.PhoneNumbers {
		if !e164.MatchString(n.PhoneNumber) {
			return "phone_numbers: " + n.PhoneNumber + " is not in E.164 format"
		}
	}
	return validateTarget(b)
}

// validateTarget checks the target date and time range formats.
func validateTarget(b CreateRequest) string {
	if b.TargetPortInDate != "" {
		if _, err := time.Parse(time.DateOnly, b.TargetPortInDate); err != nil {
			return "target_port_in_date must be an ISO local date"
		}
	}
	for _, t := range []string{b.TargetPortInTimeRangeStart, b.TargetPortInTimeRangeEnd} {
		if t != "" && !isoTime.MatchString(t) {
			return "target_port_in_time_range must be ISO offset times"
		}
	}
	return ""
}

// hasDocument reports whether a document was uploaded. Callers need not
// hold s.mu.
func (s *Server) hasDocument(sid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.documents {
		if d.SID == sid {
			return true
		}
	}
	return false
}

// handleFetch answers a port-in request.
func (s *Server) handleFetch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[r.PathValue("sid")]
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	writeJSON(w, http.StatusOK, s.portInJSON(p))
}

// handleDelete cancels a port-in request (204).
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[r.PathValue("sid")]
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	s.apply(p, "canceled", nil)
	w.WriteHeader(http.StatusNoContent)
}

// handleFetchNumber answers one phone number of a port-in request.
func (s *Server) handleFetchNumber(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[r.PathValue("sid")]
	if ok {
		for _, n := range p.Numbers {
			if n.SID == r.PathValue("number") {
				writeJSON(w, http.StatusOK, s.numberJSON(p, n))
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
}

// Request returns a copy of a port-in request the fake holds.
func (s *Server) Request(sid string) (PortIn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[sid]
	if !ok {
		return PortIn{}, false
	}
	out := *p
	out.Numbers = append([]PhoneNumber(nil), p.Numbers...)
	return out, true
}

// SetStatus moves a request and its numbers to a state, as Twilio and the
// losing carrier would: in_review, waiting_for_signature, submitted,
// pending (with focDate, the port date, when the carrier gave one),
// rejected, action_required, completed, canceled or expired. No webhook
// is sent; see SendWebhook.
func (s *Server) SetStatus(sid, state string, focDate *time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[sid]
	if !ok {
		return fmt.Errorf("twiliotest: no port-in request %s", sid)
	}
	if _, ok := states[state]; !ok {
		return fmt.Errorf("twiliotest: unknown state %q", state)
	}
	s.apply(p, state, focDate)
	return nil
}

// SetRejection rejects every number of a request with the losing
// carrier's reason; the request needs action.
func (s *Server) SetRejection(sid, reason string, code int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[sid]
	if !ok {
		return fmt.Errorf("twiliotest: no port-in request %s", sid)
	}
	s.apply(p, "rejected", nil)
	for i := range p.Numbers {
		p.Numbers[i].RejectionReason, p.Numbers[i].RejectionCode = reason, code
	}
	return nil
}

// states maps a state onto the request's and the numbers' statuses ("":
// the numbers keep theirs).
var states = map[string][2]string{
	"in_review":             {"in_review", "in_review"},
	"waiting_for_signature": {"waiting_for_signature", "waiting_for_signature"},
	"submitted":             {"in_progress", "submitted"},
	"pending":               {"in_progress", "pending"},
	"rejected":              {"action_required", "rejected"},
	"action_required":       {"action_required", ""},
	"completed":             {"completed", "completed"},
	"canceled":              {"canceled", "canceled"},
	"expired":               {"expired", ""},
}

// apply moves p to state. Callers hold s.mu.
func (s *Server) apply(p *PortIn, state string, focDate *time.Time) {
	st := states[state]
	now := s.Now()
	p.Status, p.state = st[0], state
	for i := range p.Numbers {
		if st[1] == "" {
			continue
		}
		n := &p.Numbers[i]
		n.Status, n.Updated = st[1], now
		switch {
		case focDate != nil:
			d := focDate.UTC()
			n.PortDate = &d
		case state != "completed":
			n.PortDate = nil
		}
	}
}
