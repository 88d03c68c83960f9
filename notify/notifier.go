// Package notify is how portdesk tells the outside about events: webhooks
// signed per Standard Webhooks, and plain-text emails to the customer,
// rendered from embedded templates in the customer's language and sent over
// SMTP. Notifier puts them together behind porting.Notifier.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

var _ porting.Notifier = (*Notifier)(nil)

// Notifier implements porting.Notifier with a WebhookSender and a Mailer.
type Notifier struct {
	Webhooks WebhookSender
	// Mailer sends emails; nil sends none, and MailsCustomer then says no
	// so that no email is queued.
	Mailer *Mailer
	// Clock dates webhook attempts (webhook-timestamp) and emails. It must
	// be set.
	Clock porting.Clock
	// LinkBaseURL is the customer-facing site, e.g. "https://desk.example.com":
	// emails link to LinkBaseURL/port-orders/{id} or /port-requests/{id}.
	// Empty: no link.
	LinkBaseURL string
}

// Webhook posts e to w, signed with w's secret under msgID at the clock's
// time. Failures are *SendError.
func (n *Notifier) Webhook(ctx context.Context, w *porting.WebhookEndpoint, e *porting.Event, msgID string) error {
	payload, err := WebhookPayload(e)
	if err != nil {
		return &SendError{Err: err}
	}
	return n.Webhooks.Send(ctx, w.URL, w.Secret, msgID, n.Clock.Now(), payload)
}

// MailsCustomer reports whether events of type t email the customer and a
// mailer is configured.
func (n *Notifier) MailsCustomer(t string) bool { return n.Mailer != nil && MailsCustomer(t) }

// MailsTeam reports whether events of type t email the porting team and a
// mailer is configured.
func (n *Notifier) MailsTeam(t string) bool { return n.Mailer != nil && MailsTeam(t) }

// Email renders the email about e in lang, times in zone, and sends it to to. It returns
// false, and sends nothing, when e sends no email (see RenderEmail).
func (n *Notifier) Email(ctx context.Context, to, lang string, zone *time.Location, e *porting.Event) (bool, error) {
	if n.Mailer == nil {
		return false, errors.New("notify: no mailer is configured")
	}
	data, err := EventEmailData(e, n.LinkBaseURL)
	if err != nil {
		return false, err
	}
	data.Zone = zone
	m, ok := RenderEmail(e, lang, data)
	if !ok {
		return false, nil
	}
	m.To, m.Date = to, n.Clock.Now()
	return true, n.Mailer.Send(ctx, m)
}

// eventBody is the union of the bodies workflow records as an event's
// "after": a port order (status changes), a message, an LOA check
// ({"findings"}) or a fired deadline's data. Fields absent from one kind
// stay zero.
type eventBody struct {
	Status        porting.State         `json:"status"`
	StatusReason  string                `json:"status_reason"`
	LosingCarrier string                `json:"losing_carrier"`
	PhoneNumbers  []porting.OrderNumber `json:"phone_numbers"`
	// PhoneNumberCounts counts all the order's numbers per status; an
	// order's event lists only its first numbers (porting.ShownNumbers).
	PhoneNumberCounts  map[porting.NumberStatus]int `json:"phone_number_counts"`
	FOCAt              *time.Time                   `json:"foc_at"`
	RespondBy          *time.Time                   `json:"respond_by"`
	Exception          *porting.Exception           `json:"exception"`
	Findings           []porting.Finding            `json:"findings"`
	Body               string                       `json:"body"`
	Policy             string                       `json:"policy"`
	SignedOn           *porting.Date                `json:"signed_on"`
	Numbers            int                          `json:"numbers"`
	PhoneNumberQuota   int                          `json:"phone_number_quota"`
	PhoneNumbersNeeded int                          `json:"phone_numbers_needed"`
	Message            string                       `json:"message"`
	DeadlineKind       string                       `json:"deadline_kind"`
}

// EventEmailData reads what an email about e may show from the event's
// before and after bodies, and links to the order (or the request) under
// linkBase. It copies only the fields EmailData names, so secrets and
// document contents in the bodies never reach a template.
func EventEmailData(e *porting.Event, linkBase string) (EmailData, error) {
	var after, before eventBody
	for _, b := range []struct {
		raw json.RawMessage
		to  *eventBody
	}{{e.After, &after}, {e.Before, &before}} {
		if len(b.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(b.raw, b.to); err != nil {
			return EmailData{}, fmt.Errorf("notify: read event %d (%s): %w", e.ID, e.Type, err)
		}
	}
	d := EmailData{
		RequestID: e.PortRequestID, OrderID: e.PortOrderID,
		Status: after.Status, PreviousStatus: before.Status, StatusReason: after.StatusReason,
		LosingCarrier: after.LosingCarrier, NumberCount: after.Numbers,
		FOCAt: after.FOCAt, RespondBy: after.RespondBy, LOASignedOn: after.SignedOn, Policy: after.Policy,
		Message: after.Body, Findings: after.Findings,
		PhoneNumberQuota: after.PhoneNumberQuota, PhoneNumbersNeeded: after.PhoneNumbersNeeded,
		Attention: after.Message, AttentionKind: after.DeadlineKind,
	}
	if e.Actor.Role == porting.RoleSystem {
		// The system's reasons are portdesk's own English notes; the
		// deadline's own message already says why, in the customer's
		// language.
		d.StatusReason = ""
	}
	if d.NumberCount == 0 && len(after.PhoneNumberCounts) > 0 {
		for s, n := range after.PhoneNumberCounts {
			if s.Holds() {
				d.NumberCount += n
			}
		}
	} else if d.NumberCount == 0 { // an event recorded before orders carried counts
		for _, n := range after.PhoneNumbers {
			if n.Status.Holds() {
				d.NumberCount++
			}
		}
	}
	if x := after.Exception; x != nil && after.Status == porting.StateException {
		d.ExceptionCode, d.ExceptionMessage = x.Code, x.Message
	}
	d.Link = link(linkBase, d.OrderID, d.RequestID)
	return d, nil
}

// link is the customer-facing page of the order, or else of the request.
func link(base, orderID, requestID string) string {
	base = strings.TrimRight(base, "/")
	switch {
	case base == "":
		return ""
	case orderID != "":
		return base + "/port-orders/" + url.PathEscape(orderID)
	case requestID != "":
		return base + "/port-requests/" + url.PathEscape(requestID)
	}
	return ""
}
