package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// Deadline event types that workflow records when the sweeper fires a
// deadline, each of which emails the customer. They equal porting's
// constants of the same name, which workflow should use (it does not
// import adapters); they are repeated here so notify's callers and tests
// can name every mailed kind from one package.
const (
	// EventRespondReminder: the order waits on the customer and respond_by
	// (EmailData.RespondBy) is near.
	EventRespondReminder = porting.EventRespondReminder
	// EventRespondByPassed: respond_by passed without an answer and the
	// silence policy (EmailData.Policy: cancel, restart or hold) applied.
	EventRespondByPassed = porting.EventRespondByPassed
	// EventLOAExpired: the signed LOA is too old for the carrier.
	EventLOAExpired = porting.EventLOAExpired
	// EventQuotaRequestsDue: quota increases (concurrent calls, outbound
	// countries, phone numbers) must be requested now to be in place by
	// the FOC (EmailData.FOCAt).
	EventQuotaRequestsDue = porting.EventQuotaRequestsDue
)

// MailedEventTypes lists the event types that may email the customer.
// RenderEmail still declines some events of these types: a message whose
// author is not staff, an LOA check without blocking findings.
var MailedEventTypes = []string{
	porting.EventOrderStatusChanged,
	porting.EventMessageCreated,
	porting.EventLOAChecked,
	EventRespondReminder,
	EventRespondByPassed,
	EventLOAExpired,
	EventQuotaRequestsDue,
}

// TeamEventTypes lists the event types that email the porting team's
// address (workflow.Settings.TeamEmail) instead of the customer: things a
// person on the desk must look at.
var TeamEventTypes = []string{porting.EventAttentionRaised}

// MailsTeam reports whether events of type t email the porting team.
func MailsTeam(t string) bool { return slices.Contains(TeamEventTypes, t) }

// Languages lists the translations of every template (the catalogue in
// package messages); the first is the fallback.
var Languages = messages.Languages

// Silence policies, the values of EmailData.Policy.
const (
	PolicyCancel  = messages.PolicyCancel
	PolicyRestart = messages.PolicyRestart
	PolicyHold    = messages.PolicyHold
)

// EmailData is what an email's text may show. Every field is optional and
// the templates leave out what is blank. It must never carry a PIN, an
// account number or a document's contents.
type EmailData struct {
	RequestID string
	OrderID   string
	// Status is the order's status after the event; PreviousStatus before.
	Status         porting.State
	PreviousStatus porting.State
	// StatusReason is the reason recorded with the status (cancel,
	// not portable), as its author wrote it.
	StatusReason  string
	LosingCarrier string
	// NumberCount is how many numbers the order ports.
	NumberCount int
	// ExceptionCode and ExceptionMessage are the carrier's rejection.
	ExceptionCode    string
	ExceptionMessage string
	// FOCAt is the firm order commitment: the agreed port date.
	FOCAt *time.Time
	// RespondBy is when the customer must answer by.
	RespondBy *time.Time
	// LOASignedOn is the date on the signed LOA that expired.
	LOASignedOn *porting.Date
	// Policy is the silence policy applied after respond_by passed.
	Policy string
	// Message is a staff message's body.
	Message string
	// Findings are the LOA check's findings; emails name the code and the
	// field of the blocking ones, never the values compared.
	Findings []porting.Finding
	// PhoneNumberQuota is the instance's phone-number quota and
	// PhoneNumbersNeeded how many it must hold after the port (0: unknown).
	PhoneNumberQuota   int
	PhoneNumbersNeeded int
	// Link is the customer-facing page of the order or request.
	Link string
	// Attention is what went wrong with an order that a person must look
	// at (team emails), and AttentionKind the deadline kind that failed.
	Attention     string
	AttentionKind string
	// Zone is the customer's time zone: times show in it with UTC beside
	// them (nil: UTC alone).
	Zone *time.Location `json:"-"`
}

// Blocking returns the findings that stop the LOA from going to the carrier.
func (d EmailData) Blocking() []porting.Finding {
	var out []porting.Finding
	for _, f := range d.Findings {
		if f.Severity == porting.SeverityBlocking {
			out = append(out, f)
		}
	}
	return out
}

// QuotaShortfall reports whether the instance cannot hold the numbers.
func (d EmailData) QuotaShortfall() bool {
	return d.PhoneNumbersNeeded > 0 && d.PhoneNumbersNeeded > d.PhoneNumberQuota
}

// BaseLanguage picks the translation for a BCP 47 tag by its base
// language: "es-MX" → "es", "de-AT" → "de"; anything without a
// translation, or blank, → "en".
func BaseLanguage(tag string) string { return messages.BaseLanguage(tag) }

// MailsCustomer reports whether events of type t may email the customer.
func MailsCustomer(t string) bool {
	for _, m := range MailedEventTypes {
		if m == t {
			return true
		}
	}
	return false
}

// RenderEmail writes the customer's email about e in the translation lang
// picks (see BaseLanguage), filled from data. To is left for the caller.
// It returns false when e sends no email: a type not in MailedEventTypes, a
// message not written by staff (the customer's own words, or the system's
// notes that accompany a deadline event which mails by itself), an LOA
// check without blocking findings.
func RenderEmail(e *porting.Event, lang string, data EmailData) (Email, bool) {
	switch {
	case !MailsCustomer(e.Type) && !MailsTeam(e.Type):
		return Email{}, false
	case e.Type == porting.EventMessageCreated && !e.Actor.Role.Staff():
		return Email{}, false
	case e.Type == porting.EventLOAChecked && len(data.Blocking()) == 0:
		return Email{}, false
	}
	if data.OrderID == "" {
		data.OrderID = e.PortOrderID
	}
	if data.RequestID == "" {
		data.RequestID = e.PortRequestID
	}
	m, err := render(BaseLanguage(lang), e.Type, data)
	if err != nil {
		// Tests render every type in every language, so this is a
		// translation bug; English is the next best thing to silence.
		if m, err = render(Languages[0], e.Type, data); err != nil {
			return Email{}, false
		}
	}
	return m, true
}

func render(lang, typ string, data EmailData) (Email, error) {
	return renderData(messages.Locale{Language: lang, Zone: data.Zone}, typ, data)
}

// renderData renders the templates typ.subject and typ.body with data.
func renderData(loc messages.Locale, typ string, data any) (Email, error) {
	subject, err := messages.Execute(loc, typ+".subject", data)
	if err != nil {
		return Email{}, fmt.Errorf("notify: render %s subject: %w", typ, err)
	}
	body, err := messages.Execute(loc, typ+".body", data)
	if err != nil {
		return Email{}, fmt.Errorf("notify: render %s body: %w", typ, err)
	}
	return Email{Subject: strings.Join(strings.Fields(subject), " "), Text: messages.Tidy(body)}, nil
}
