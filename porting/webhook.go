package porting

import (
	"context"
	"time"
)

// WebhookEndpoint is a URL that receives an account's events, signed with
// its secret (Standard Webhooks). Staff endpoints (no account) receive
// every account's events.
type WebhookEndpoint struct {
	ID         string   `json:"id"`
	AccountID  string   `json:"account_id,omitempty"`
	URL        string   `json:"url"`
	EventTypes []string `json:"event_types" doc:"Event types to send; empty means all."`
	// Secret is "whsec_" + base64 of the signing key. It is shown once.
	Secret  string `json:"-"`
	Enabled bool   `json:"enabled"`
	// ConsecutiveFailures counts deliveries that failed for good in a row;
	// the endpoint is disabled when it reaches the limit.
	ConsecutiveFailures int        `json:"consecutive_failures"`
	DisabledAt          *time.Time `json:"disabled_at,omitempty"`
	CreatedAt           time.Time  `json:"created_at"`
}

// Wants reports whether the endpoint subscribes to events of type t.
func (w *WebhookEndpoint) Wants(t string) bool {
	if len(w.EventTypes) == 0 {
		return true
	}
	for _, et := range w.EventTypes {
		if et == t {
			return true
		}
	}
	return false
}

// DeliveryState is where a webhook delivery or an email is.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryDelivered DeliveryState = "delivered"
	DeliveryFailed    DeliveryState = "failed"
)

// Delivery is one event sent (or to be sent) to one endpoint. Its MessageID
// is the webhook-id header: the same for every attempt, so receivers can
// drop duplicates.
type Delivery struct {
	ID         string        `json:"id"`
	EndpointID string        `json:"endpoint_id"`
	EventID    int64         `json:"event_id"`
	MessageID  string        `json:"message_id"`
	State      DeliveryState `json:"state"`
	Attempts   int           `json:"attempts"`
	LastError  string        `json:"last_error,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// NotifyEventJob fanned events out to webhooks and email in releases
// before the notification cursor (NotifyCursor), which enqueued one per
// event: EventID, or EventIDs once several were merged into one (see
// Merge). Nothing enqueues it any more; jobs queued before an upgrade
// still run, for the events up to NotifyCursor.LegacyUntil.
type NotifyEventJob struct {
	EventID  int64   `json:"event_id,omitempty"`
	EventIDs []int64 `json:"event_ids,omitempty"`
}

// Kind implements Job.
func (NotifyEventJob) Kind() string { return "notify_event" }

// maxNotifyBatch bounds the events one merged NotifyEventJob carries.
const maxNotifyBatch = 256

// Events lists the job's events.
func (j NotifyEventJob) Events() []int64 {
	if j.EventID != 0 {
		return append([]int64{j.EventID}, j.EventIDs...)
	}
	return j.EventIDs
}

// Merge implements MergeableJob: one job fans out the events of both, up
// to maxNotifyBatch.
func (j NotifyEventJob) Merge(other Job) (Job, bool) {
	o, ok := other.(NotifyEventJob)
	if !ok || len(j.Events())+len(o.Events()) > maxNotifyBatch {
		return j, false
	}
	return NotifyEventJob{EventIDs: append(j.Events(), o.Events()...)}, true
}

// DeliverWebhookJob sends one delivery; River retries it with backoff.
type DeliverWebhookJob struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind implements Job.
func (DeliverWebhookJob) Kind() string { return "deliver_webhook" }

// SendEmailJob sends one event's email to one recipient.
type SendEmailJob struct {
	EventID int64  `json:"event_id"`
	To      string `json:"to"`
	// Team marks an email to the porting team's address, in English,
	// rather than to the request's contact in their language.
	Team bool `json:"team,omitempty"`
}

// Kind implements Job.
func (SendEmailJob) Kind() string { return "send_email" }

// Notifier sends events out: signed webhooks and customer emails.
type Notifier interface {
	// Webhook posts event e to endpoint w under message ID msgID (the
	// webhook-id, equal for every attempt). Any error means not delivered.
	Webhook(ctx context.Context, w *WebhookEndpoint, e *Event, msgID string) error
	// Email sends the email event e asks for to one recipient, in lang
	// (BCP 47) when a translation exists, showing times in zone with UTC
	// beside them (nil: UTC alone). It returns false when events of e's
	// type send no email.
	Email(ctx context.Context, to, lang string, zone *time.Location, e *Event) (bool, error)
	// MailsCustomer reports whether events of type t email the customer.
	MailsCustomer(t string) bool
	// MailsTeam reports whether events of type t email the porting team.
	MailsTeam(t string) bool
	// UserEmail sends an invitation or password reset email to one
	// recipient in lang (BCP 47). Any error means not sent.
	UserEmail(ctx context.Context, to, lang string, m UserEmail) error
	// MailsUsers reports whether UserEmail can send at all (a mailer is
	// configured).
	MailsUsers() bool
}

// MaxAccountWebhookEndpoints is how many webhook endpoints an account (or
// the porting team, for staff endpoints) may register, enabled or not.
const MaxAccountWebhookEndpoints = 10

// WebhookGuard decides whether portdesk may call a URL someone registers
// as a webhook endpoint.
type WebhookGuard interface {
	// CheckWebhookURL returns EINVALID (field "url") when rawURL points at
	// loopback, private, link-local or another non-public address, as a
	// literal or through DNS, and private networks are not allowed. A name
	// that does not resolve now passes: delivery checks every dial again.
	// The message never names an address the URL resolved to.
	CheckWebhookURL(ctx context.Context, rawURL string) error
}
