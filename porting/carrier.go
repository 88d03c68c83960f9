package porting

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
)

// GatewayKind names how portdesk talks to a carrier.
type GatewayKind string

// Gateway kinds.
const (
	// GatewayManual: the porting team submits by email or portal and
	// records the carrier's answers.
	GatewayManual GatewayKind = "manual"
	// GatewayHTTP speaks portdesk's carrier protocol (docs/carrier-protocol.md).
	GatewayHTTP GatewayKind = "http"
	// GatewayTwilio submits through Twilio's Port In API.
	GatewayTwilio GatewayKind = "twilio"
)

// GatewayKinds lists every gateway kind.
var GatewayKinds = []GatewayKind{GatewayManual, GatewayHTTP, GatewayTwilio}

// Valid reports whether k is a known gateway kind.
func (k GatewayKind) Valid() bool { return slices.Contains(GatewayKinds, k) }

// Limits of the carrier registry.
const (
	// MaxCarriers bounds the registry: a desk works with tens of carriers.
	MaxCarriers = 500
	// MaxCarrierAliases bounds the names a carrier is known by.
	MaxCarrierAliases = 50
	// MaxCarrierRoutes bounds the routes of one carrier.
	MaxCarrierRoutes = 300
	// MaxCarrierSettings bounds the settings (and the secrets) of one carrier.
	MaxCarrierSettings = 30
	// MaxSettingLength bounds one setting or secret value.
	MaxSettingLength = 2_000
	// MaxRejections bounds the reasons of one carrier rejection.
	MaxRejections = 50
)

// Carrier is an entry of the carrier registry: a carrier (or a porting
// provider) portdesk knows, the names customers call it by, and the gateway
// that submits the orders its routes select. Secrets (API tokens, the
// callback signing secret) are sealed at rest and never part of JSON;
// SecretsSet names the ones on file.
type Carrier struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Aliases    []string          `json:"aliases"`
	Countries  []string          `json:"countries"`
	Gateway    GatewayKind       `json:"gateway"`
	Settings   map[string]string `json:"settings"`
	Secrets    map[string]string `json:"-"`
	SecretsSet []string          `json:"secrets_set"`
	Routes     []CarrierRoute    `json:"routes"`
	Enabled    bool              `json:"enabled"`
	Version    int               `json:"version"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// CarrierRoute selects the orders a carrier's gateway submits: those of a
// country and, when LosingCarrier is set, only those whose losing carrier
// it names (by name or alias of a registry entry).
type CarrierRoute struct {
	Country       string `json:"country"`
	LosingCarrier string `json:"losing_carrier,omitempty"`
}

// Well-known carrier settings and secrets.
const (
	// SettingBaseURL is the gateway's API base URL (HTTP and Twilio).
	SettingBaseURL = "base_url"
	// SettingLegalName and SettingLegalAddress name the gaining side printed
	// on the LOAs of orders this carrier submits (a porting provider such
	// as Twilio ports numbers to itself).
	SettingLegalName    = "legal_name"
	SettingLegalAddress = "legal_address"
	// SecretSigning is the Standard Webhooks secret (whsec_…) that signs
	// the HTTP protocol's requests and callbacks.
	SecretSigning = "signing_secret"
)

// NormalizeCarrierName folds a carrier name for matching: case, spacing
// and punctuation do not count ("AT&T Inc." ~ "at t inc").
func NormalizeCarrierName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			continue
		}
		space = true
	}
	return b.String()
}

// KnownAs reports whether name is the carrier's name or one of its aliases.
func (c *Carrier) KnownAs(name string) bool {
	n := NormalizeCarrierName(name)
	if n == "" {
		return false
	}
	if NormalizeCarrierName(c.Name) == n {
		return true
	}
	return slices.ContainsFunc(c.Aliases, func(a string) bool { return NormalizeCarrierName(a) == n })
}

// CanonicalCarrier returns the registry name of the carrier a customer
// called name (by name or alias), or name itself when no entry knows it.
func CanonicalCarrier(carriers []*Carrier, name string) string {
	for _, c := range carriers {
		if c.KnownAs(name) {
			return c.Name
		}
	}
	return name
}

// RouteOrder picks the registry entry whose gateway submits an order of
// country to losingCarrier: a route naming the losing carrier wins over a
// route of the country alone; among equals the oldest entry wins. Disabled
// entries do not route. Nil means the manual gateway.
func RouteOrder(carriers []*Carrier, country, losingCarrier string) *Carrier {
	var byCountry *Carrier
	for _, c := range carriers {
		if !c.Enabled {
			continue
		}
		for _, r := range c.Routes {
			if !strings.EqualFold(r.Country, country) {
				continue
			}
			if r.LosingCarrier == "" {
				if byCountry == nil {
					byCountry = c
				}
				continue
			}
			if NormalizeCarrierName(r.LosingCarrier) == NormalizeCarrierName(losingCarrier) ||
				knownAsIn(carriers, r.LosingCarrier, losingCarrier) {
				return c
			}
		}
	}
	return byCountry
}

// knownAsIn reports whether a registry entry called routeName is also known
// as name.
func knownAsIn(carriers []*Carrier, routeName, name string) bool {
	for _, c := range carriers {
		if c.KnownAs(routeName) && c.KnownAs(name) {
			return true
		}
	}
	return false
}

// CarrierLink is what an order knows of its submission: the registry entry
// and gateway that carry it, the carrier's reference, how many times it was
// sent (1 = the first submission, more = supplements), and the newest
// carrier answer applied, so an older one arriving late is not applied
// over it.
type CarrierLink struct {
	CarrierID    string      `json:"carrier_id,omitempty" doc:"The registry entry that submits the order; absent for the manual gateway without an entry."`
	CarrierName  string      `json:"carrier_name,omitempty"`
	Gateway      GatewayKind `json:"gateway"`
	Reference    string      `json:"reference,omitempty" doc:"What the carrier calls the submission."`
	Submissions  int         `json:"submissions" doc:"How many times the order was sent: 1 is the first submission, more are supplements (after an exception or a reschedule)."`
	SubmittedAt  *time.Time  `json:"submitted_at,omitempty"`
	LastSequence int64       `json:"last_sequence" doc:"The sequence of the newest carrier answer applied; an answer with a lower one is stale."`
	LastAnswerAt *time.Time  `json:"last_answer_at,omitempty"`
}

// CarrierDocument is a document handed to a carrier with a submission: a
// link it can fetch without a key, valid for a while.
type CarrierDocument struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// WinningParty is the gaining side named on the LOA and in submissions.
type WinningParty struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
}

// String is the party as one line: the name, and the address after a comma.
func (w WinningParty) String() string {
	if w.Address == "" {
		return w.Name
	}
	return w.Name + ", " + w.Address
}

// CarrierSubmission is what a gateway sends the losing carrier: the
// order's numbers, LOA (PIN included) and CSR fields, the requested port
// date and the documents. Reference is set for a supplement.
type CarrierSubmission struct {
	OrderID        string
	Reference      string
	Supplement     int // 0 for the first submission, then 1, 2, …
	Country        string
	LosingCarrier  string
	NumberKind     NumberKind
	PhoneNumbers   []string
	LOA            LOAData
	CSR            *CSR
	RequestedFOCAt *time.Time
	SubmittedAt    time.Time
	Winning        WinningParty
	Documents      []CarrierDocument
	// CallbackURL is where answers go (the carrier's callback endpoint).
	CallbackURL string
	// IdempotencyKey is the same for every retry of one send and differs
	// between sends, so a carrier takes each submission or supplement once.
	IdempotencyKey string
}

// CarrierTicket names a submission the carrier holds, for cancel,
// activate and status calls.
type CarrierTicket struct {
	OrderID   string
	Reference string
	Reason    string
}

// CarrierReceipt is a gateway's answer to a submission: the carrier's
// reference, and answers it gave at once, if any.
type CarrierReceipt struct {
	Reference string
	Answers   []CarrierAnswer
}

// CSRQuery asks a carrier for the CSR of an account.
type CSRQuery struct {
	AccountNumber string
	PIN           string
	PhoneNumber   string
}

// AnswerKind is what a carrier said about a submission.
type AnswerKind string

// Answer kinds.
const (
	// AnswerAccepted: the carrier has the submission and is working on it.
	AnswerAccepted AnswerKind = "accepted"
	// AnswerFOC: the carrier committed to a port date (FOCAt).
	AnswerFOC AnswerKind = "foc"
	// AnswerRejected: the carrier refused the submission (Rejections).
	AnswerRejected AnswerKind = "rejected"
	// AnswerActivated: the numbers are active with the gaining side.
	AnswerActivated AnswerKind = "activated"
	// AnswerCancelled: the carrier withdrew the submission as asked.
	AnswerCancelled AnswerKind = "cancelled"
)

// AnswerKinds lists every answer kind.
var AnswerKinds = []AnswerKind{AnswerAccepted, AnswerFOC, AnswerRejected, AnswerActivated, AnswerCancelled}

// Valid reports whether k is a known answer kind.
func (k AnswerKind) Valid() bool { return slices.Contains(AnswerKinds, k) }

// CarrierAnswer is one answer of a carrier about a submission, from a
// callback, a status poll or a staff entry. ID is unique per carrier (a
// duplicate is recognised by it); Sequence grows with each answer about a
// reference, so a late one is recognised as stale (0: the gateway does not
// number its answers).
type CarrierAnswer struct {
	ID         string             `json:"id"`
	Kind       AnswerKind         `json:"kind"`
	OrderID    string             `json:"order_id,omitempty"`
	Reference  string             `json:"reference,omitempty"`
	Sequence   int64              `json:"sequence,omitempty"`
	OccurredAt time.Time          `json:"occurred_at"`
	FOCAt      *time.Time         `json:"foc_at,omitempty"`
	Rejections []CarrierRejection `json:"rejections,omitempty"`
	Message    string             `json:"message,omitempty"`
}

// CarrierRejection is one reason of a carrier's rejection: a code of the
// carrier vocabulary (ExceptionCodes), the field it concerns and, when the
// carrier says it, the value on its record.
type CarrierRejection struct {
	Code         string `json:"code" doc:"A code of the carrier exception vocabulary, e.g. ENTITY_NAME_MISMATCH."`
	Field        string `json:"field,omitempty" doc:"The field of the order the code concerns, e.g. loa.entity_name."`
	CarrierValue string `json:"carrier_value,omitempty" doc:"The value on the carrier's record, when the carrier gives it."`
	Message      string `json:"message,omitempty"`
}

// ExceptionFields says which field of the order each carrier exception
// code concerns; codes absent concern the order as a whole.
var ExceptionFields = map[string]string{
	"ACCOUNT_NUMBER_MISMATCH":          "loa.account_number",
	"AUTH_PERSON_MISMATCH":             "loa.authorized_person.name",
	"BTN_ATN_MISMATCH":                 "loa.btn",
	"ENTITY_NAME_MISMATCH":             "loa.entity_name",
	"FOC_EXPIRED":                      "requested_foc_at",
	"FOC_REJECTED":                     "requested_foc_at",
	"LOCATION_MISMATCH":                "loa.service_address",
	"MAIN_BTN_PORTING":                 "loa.partial_port.new_btn",
	"PASSCODE_PIN_INVALID":             "loa.pin",
	"PHONE_NUMBER_HAS_SPECIAL_FEATURE": "phone_numbers",
	"PHONE_NUMBER_MISMATCH":            "phone_numbers",
	"PHONE_NUMBER_NOT_PORTABLE":        "phone_numbers",
	"POSTAL_CODE_MISMATCH":             "loa.service_address.postal_code",
	"RATE_CENTER_NOT_PORTABLE":         "phone_numbers",
}

// ExceptionField returns the field a rejection concerns: the carrier's
// own when given, else the code's.
func (r CarrierRejection) ExceptionField() string {
	if r.Field != "" {
		return r.Field
	}
	return ExceptionFields[r.Code]
}

// AnswerOutcome is what portdesk did with a carrier answer.
type AnswerOutcome string

// Answer outcomes.
const (
	// OutcomeApplied: the answer moved the order (or confirmed its state).
	OutcomeApplied AnswerOutcome = "applied"
	// OutcomeStale: a newer answer was already applied; recorded only.
	OutcomeStale AnswerOutcome = "stale"
	// OutcomeDuplicate: the same answer came before.
	OutcomeDuplicate AnswerOutcome = "duplicate"
	// OutcomeNotApplicable: the order is not in a state the answer fits;
	// recorded and flagged for a person.
	OutcomeNotApplicable AnswerOutcome = "not_applicable"
	// OutcomeRefused: the answer breaks a porting rule (an FOC on a day
	// ports cannot happen); recorded and flagged for a person.
	OutcomeRefused AnswerOutcome = "refused"
)

// ErrGatewayUnsupported is returned by a gateway for a call its kind
// cannot make (the manual gateway fetches no CSR).
var ErrGatewayUnsupported = errors.New("the carrier gateway does not support this")

// CarrierGateway talks to a losing carrier (or a porting provider). Calls
// that fail with EUNAVAILABLE (or any error not of the domain) are retried
// later by the job that made them.
type CarrierGateway interface {
	// Kind names the gateway in events.
	Kind() GatewayKind
	// Submit hands an approved order to the carrier.
	Submit(ctx context.Context, s *CarrierSubmission) (CarrierReceipt, error)
	// Supplement sends a changed submission (after an exception, or with
	// a new requested date) under the reference of the first.
	Supplement(ctx context.Context, s *CarrierSubmission) (CarrierReceipt, error)
	// Cancel withdraws a submission.
	Cancel(ctx context.Context, t CarrierTicket) error
	// Activate asks the carrier to activate the numbers on the port date.
	Activate(ctx context.Context, t CarrierTicket) error
	// Status polls the carrier's answers about a submission (a fallback
	// for missed callbacks); ErrGatewayUnsupported when it cannot.
	Status(ctx context.Context, t CarrierTicket) ([]CarrierAnswer, error)
	// LookupCarriers names the current carrier of the numbers it knows;
	// ErrGatewayUnsupported when it cannot.
	LookupCarriers(ctx context.Context, phoneNumbers []string) (map[string]string, error)
	// FetchCSR fetches the CSR of an account; ErrGatewayUnsupported when
	// it cannot.
	FetchCSR(ctx context.Context, q CSRQuery) (*CSR, error)
}

// CallbackRequest is a callback as it reached the desk: the URL the
// carrier posted to (as the carrier saw it), its headers and its body.
type CallbackRequest struct {
	URL string
	// Query is the callback URL's query as received (Twilio signs it).
	Query  string
	Header map[string][]string
	Body   []byte
	Now    time.Time
}

// CallbackParser is a gateway that reads its carrier's callbacks: it
// checks their signature (EUNAUTHORIZED when it fails) and returns the
// answers they carry (EINVALID for a body it cannot read).
type CallbackParser interface {
	ParseCallback(r CallbackRequest) ([]CarrierAnswer, error)
}

// GatewayFactory builds the gateway of a registry entry (nil entry: the
// manual gateway).
type GatewayFactory func(c *Carrier) (CarrierGateway, error)

// CarrierStore keeps the carrier registry and the answers carriers gave.
type CarrierStore interface {
	// CreateCarrier stores c, giving it a "car_" ID; secrets are sealed.
	CreateCarrier(ctx context.Context, c *Carrier) error
	// UpdateCarrier saves c when the stored version is c.Version
	// (ECONFLICT otherwise) and increments it.
	UpdateCarrier(ctx context.Context, c *Carrier) error
	// FindCarrier returns one entry, secrets opened; ENOTFOUND if none.
	FindCarrier(ctx context.Context, id string) (*Carrier, error)
	// FindCarriers returns every entry, oldest first, secrets opened.
	FindCarriers(ctx context.Context) ([]*Carrier, error)
	// RecordCarrierAnswer stores an answer under (carrierID, a.ID) with
	// what was done with it; false (and nothing stored) when that ID is
	// already stored.
	RecordCarrierAnswer(ctx context.Context, carrierID, orderID string, a *CarrierAnswer, outcome AnswerOutcome) (bool, error)
	// FindOrderByCarrierReference returns the order a carrier entry
	// submitted under reference; ENOTFOUND if none.
	FindOrderByCarrierReference(ctx context.Context, carrierID, reference string) (*PortOrder, error)
}

// ActivateAtCarrierJob asks the carrier to activate an order's numbers when
// its port window opens.
type ActivateAtCarrierJob struct {
	PortOrderID string `json:"port_order_id"`
}

// Kind implements Job.
func (ActivateAtCarrierJob) Kind() string { return "activate_at_carrier" }

// PollCarriersJob asks the carriers for the status of the orders they hold
// (the fallback for callbacks that never came).
type PollCarriersJob struct{}

// Kind implements Job.
func (PollCarriersJob) Kind() string { return "poll_carriers" }
