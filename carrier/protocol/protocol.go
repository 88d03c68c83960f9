// Package protocol is portdesk's carrier protocol on the wire: the JSON
// bodies a gaining desk and a carrier exchange, their paths, and the
// Standard Webhooks signature both directions carry. docs/carrier-protocol.md
// is its prose; the HTTP gateway speaks it as the desk, the carrier
// simulator as the carrier.
package protocol

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/signature"
)

// Version is the protocol version, sent as the Portdesk-Protocol header.
const Version = "1"

// Headers of the protocol besides the Standard Webhooks ones.
const (
	HeaderVersion = "Portdesk-Protocol"
	// HeaderIdempotencyKey makes a repeated submission, supplement,
	// cancel or activation one: the carrier answers the first answer again.
	HeaderIdempotencyKey = "Idempotency-Key"
)

// Paths on the carrier's side, relative to the gateway's base URL.
const (
	PathPortIns     = "/port-ins"             // POST: submit
	PathPortIn      = "/port-ins/{reference}" // GET: status (answers so far)
	PathSupplements = "/port-ins/{reference}/supplements"
	PathCancel      = "/port-ins/{reference}/cancel"
	PathActivate    = "/port-ins/{reference}/activate"
	PathLookups     = "/lookups"
	PathCSRs        = "/csr-requests"
)

// MaxBody bounds a body either side reads.
const MaxBody = 8 << 20

// Address is a postal address.
type Address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// PartialPort says which numbers of the account stay behind.
type PartialPort struct {
	RemainingNumbers []string `json:"remaining_numbers"`
	RemainingAction  string   `json:"remaining_action"`
	NewBTN           string   `json:"new_btn,omitempty"`
}

// LOA is what the end user authorised, as the losing carrier checks it.
type LOA struct {
	EntityName       string       `json:"entity_name"`
	ServiceAddress   Address      `json:"service_address"`
	AuthorizedPerson string       `json:"authorized_person"`
	AuthorizedTitle  string       `json:"authorized_title,omitempty"`
	AccountNumber    string       `json:"account_number"`
	PIN              string       `json:"pin,omitempty"`
	BTN              string       `json:"btn"`
	PartialPort      *PartialPort `json:"partial_port,omitempty"`
	SignedOn         string       `json:"signed_on,omitempty"` // YYYY-MM-DD
}

// CSR is a Customer Service Record.
type CSR struct {
	AccountName       string   `json:"account_name"`
	ServiceAddress    Address  `json:"service_address"`
	AuthorizedContact string   `json:"authorized_contact"`
	BTN               string   `json:"btn"`
	AccountNumber     string   `json:"account_number"`
	PhoneNumbers      []string `json:"phone_numbers"`
}

// Party names the gaining side.
type Party struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
}

// Document is a link the carrier may fetch without credentials until it
// expires.
type Document struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// Submission is the body of a submission (POST /port-ins) and of a
// supplement (POST /port-ins/{reference}/supplements, Reference set).
type Submission struct {
	OrderID        string     `json:"order_id"`
	Reference      string     `json:"reference,omitempty"`
	Supplement     int        `json:"supplement"`
	Country        string     `json:"country"`
	LosingCarrier  string     `json:"losing_carrier"`
	NumberKind     string     `json:"number_kind"`
	PhoneNumbers   []string   `json:"phone_numbers"`
	LOA            LOA        `json:"loa"`
	CSR            *CSR       `json:"csr,omitempty"`
	RequestedFOCAt *time.Time `json:"requested_foc_at,omitempty"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	Gaining        Party      `json:"gaining"`
	Documents      []Document `json:"documents"`
	CallbackURL    string     `json:"callback_url"`
}

// Receipt is the carrier's answer to a submission or supplement (202).
type Receipt struct {
	Reference string `json:"reference"`
}

// Ticket is the body of a cancel or an activation.
type Ticket struct {
	OrderID string `json:"order_id"`
	Reason  string `json:"reason,omitempty"`
}

// Rejection is one reason of a rejection.
type Rejection struct {
	Code         string `json:"code"`
	Field        string `json:"field,omitempty"`
	CarrierValue string `json:"carrier_value,omitempty"`
	Message      string `json:"message,omitempty"`
}

// Callback is one answer of the carrier, posted to the desk's callback URL
// and listed by a status poll. ID is unique per carrier; Sequence grows
// with each answer about a reference.
type Callback struct {
	ID         string      `json:"id"`
	Type       string      `json:"type"` // accepted, foc, rejected, activated, cancelled
	Reference  string      `json:"reference"`
	OrderID    string      `json:"order_id"`
	Sequence   int64       `json:"sequence"`
	OccurredAt time.Time   `json:"occurred_at"`
	FOCAt      *time.Time  `json:"foc_at,omitempty"`
	Rejections []Rejection `json:"rejections,omitempty"`
	Message    string      `json:"message,omitempty"`
}

// Status is the answer to a status poll (GET /port-ins/{reference}).
type Status struct {
	Reference string     `json:"reference"`
	OrderID   string     `json:"order_id"`
	Answers   []Callback `json:"answers"`
}

// LookupRequest asks for the current carrier of numbers.
type LookupRequest struct {
	PhoneNumbers []string `json:"phone_numbers"`
}

// LookupResult is one number's current carrier; Carrier is empty when the
// carrier does not know the number.
type LookupResult struct {
	PhoneNumber string `json:"phone_number"`
	Carrier     string `json:"carrier"`
}

// LookupResponse answers a LookupRequest.
type LookupResponse struct {
	Results []LookupResult `json:"results"`
}

// CSRRequest asks for the CSR of an account.
type CSRRequest struct {
	AccountNumber string `json:"account_number"`
	PIN           string `json:"pin,omitempty"`
	PhoneNumber   string `json:"phone_number,omitempty"`
}

// Problem is an error body (application/problem+json).
type Problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// NewID returns a fresh message ID with prefix p ("msg", "cb").
func NewID(p string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return p + "_" + hex.EncodeToString(b)
}

// SignRequest sets the version and the three Standard Webhooks headers of
// r for body, signed with secret at now under msgID.
func SignRequest(r *http.Request, secret, msgID string, now time.Time, body []byte) error {
	sig, err := signature.Sign(secret, msgID, now, body)
	if err != nil {
		return err
	}
	r.Header.Set(HeaderVersion, Version)
	r.Header.Set(signature.HeaderWebhookID, msgID)
	r.Header.Set(signature.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	r.Header.Set(signature.HeaderWebhookSignature, sig)
	return nil
}

// NewRequest builds a signed request with a JSON body (nil body: none).
func NewRequest(method, url, secret string, now time.Time, body []byte) (*http.Request, error) {
	var rd *bytes.Reader
	if body == nil {
		body = []byte{}
	}
	rd = bytes.NewReader(body)
	r, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		r.Header.Set("Content-Type", "application/json")
	}
	if err := SignRequest(r, secret, NewID("msg"), now, body); err != nil {
		return nil, fmt.Errorf("protocol: sign %s %s: %w", method, url, err)
	}
	return r, nil
}

// Verify checks the signature of a received request or callback (see
// signature.Verify).
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	return signature.Verify(secret, h, body, now, 0)
}

// FromSubmission is the wire form of a gateway's submission.
func FromSubmission(s *porting.CarrierSubmission) Submission {
	out := Submission{
		OrderID: s.OrderID, Reference: s.Reference, Supplement: s.Supplement, Country: s.Country,
		LosingCarrier: s.LosingCarrier, NumberKind: string(s.NumberKind), PhoneNumbers: s.PhoneNumbers,
		RequestedFOCAt: s.RequestedFOCAt, SubmittedAt: s.SubmittedAt,
		Gaining: Party{Name: s.Winning.Name, Address: s.Winning.Address}, CallbackURL: s.CallbackURL,
		Documents: []Document{},
		LOA: LOA{EntityName: s.LOA.EntityName, ServiceAddress: fromAddress(s.LOA.ServiceAddress),
			AuthorizedPerson: s.LOA.AuthorizedPerson.Name, AuthorizedTitle: s.LOA.AuthorizedPerson.Title,
			AccountNumber: s.LOA.AccountNumber, PIN: s.LOA.PIN, BTN: s.LOA.BTN},
	}
	if out.PhoneNumbers == nil {
		out.PhoneNumbers = []string{}
	}
	if s.LOA.SignedOn != nil {
		out.LOA.SignedOn = s.LOA.SignedOn.String()
	}
	if pp := s.LOA.PartialPort; pp != nil {
		out.LOA.PartialPort = &PartialPort{RemainingNumbers: pp.RemainingNumbers, RemainingAction: pp.RemainingAction, NewBTN: pp.NewBTN}
	}
	if c := s.CSR; c != nil {
		out.CSR = &CSR{AccountName: c.AccountName, ServiceAddress: fromAddress(c.ServiceAddress),
			AuthorizedContact: c.AuthorizedContact, BTN: c.BTN, AccountNumber: c.AccountNumber, PhoneNumbers: c.PhoneNumbers}
	}
	for _, d := range s.Documents {
		out.Documents = append(out.Documents, Document(d))
	}
	return out
}

func fromAddress(a porting.Address) Address { return Address(a) }

// Answer is the domain form of a callback.
func (c Callback) Answer() porting.CarrierAnswer {
	a := porting.CarrierAnswer{ID: c.ID, Kind: porting.AnswerKind(c.Type), OrderID: c.OrderID, Reference: c.Reference,
		Sequence: c.Sequence, OccurredAt: c.OccurredAt, FOCAt: c.FOCAt, Message: c.Message}
	for _, r := range c.Rejections {
		a.Rejections = append(a.Rejections, porting.CarrierRejection(r))
	}
	return a
}

// ToCSR is the domain form of a CSR the carrier returned.
func (c CSR) ToCSR() *porting.CSR {
	return &porting.CSR{AccountName: c.AccountName, ServiceAddress: porting.Address(c.ServiceAddress),
		AuthorizedContact: c.AuthorizedContact, BTN: c.BTN, AccountNumber: c.AccountNumber,
		PhoneNumbers: c.PhoneNumbers, Source: "carrier"}
}

// MaxLookupNumbers bounds the numbers of one lookup request; a desk with
// more sends several.
const MaxLookupNumbers = 10_000

// ProblemContentType is the media type of error bodies (RFC 9457).
const ProblemContentType = "application/problem+json"

// Callback types, the wire names of porting.AnswerKinds.
const (
	TypeAccepted  = string(porting.AnswerAccepted)
	TypeFOC       = string(porting.AnswerFOC)
	TypeRejected  = string(porting.AnswerRejected)
	TypeActivated = string(porting.AnswerActivated)
	TypeCancelled = string(porting.AnswerCancelled)
)

// CallbackAnswer is the desk's answer to a callback (200): what it did
// with it, one of the porting.AnswerOutcome values.
type CallbackAnswer struct {
	Outcome string `json:"outcome"`
}
