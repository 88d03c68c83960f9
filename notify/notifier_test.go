package notify

import (
	"github.com/portdesk/portdesk/signature"

	"context"
	"encoding/json"
	"mime"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

func TestNotifierWebhook(t *testing.T) {
	t.Parallel()
	srv, got := newReceiver(t, 200, "ok")
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	n := &Notifier{Clock: porting.ClockFunc(func() time.Time { return now }), Webhooks: WebhookSender{AllowPrivateNetworks: true}}
	e := &porting.Event{ID: 9, Type: porting.EventOrderCreated, AccountID: "acc_1", At: now.Add(-time.Hour)}
	if err := n.Webhook(context.Background(), &porting.WebhookEndpoint{URL: srv.URL, Secret: secret}, e, "evt_9"); err != nil {
		t.Fatalf("Webhook = %v", err)
	}
	r := <-got
	want, err := WebhookPayload(e)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.body) != string(want) {
		t.Errorf("body = %s, want %s", r.body, want)
	}
	if err := signature.Verify(secret, r.header, r.body, now, time.Second); err != nil {
		t.Errorf("Verify at the clock's time = %v", err)
	}
}

func TestNotifierEmail(t *testing.T) {
	t.Parallel()
	addr, got := startSMTP(t, "", "")
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	n := &Notifier{
		Mailer:      &Mailer{URL: "smtp://" + addr + "?from=desk%40example.com"},
		Clock:       porting.ClockFunc(func() time.Time { return now }),
		LinkBaseURL: "https://desk.example.com/",
	}
	foc := now.AddDate(0, 0, 20)
	before, _ := json.Marshal(porting.PortOrder{ID: "po_1", Status: porting.StateSubmitted})
	after, _ := json.Marshal(porting.PortOrder{ID: "po_1", PortRequestID: "req_1", Status: porting.StateFOCConfirmed,
		LosingCarrier: "Old Telco", FOCAt: &foc, PhoneNumbers: []porting.OrderNumber{
			{PhoneNumber: "+4930123", Status: porting.NumberPortable}, {PhoneNumber: "+4930124", Status: porting.NumberNotPortable}}})
	e := &porting.Event{ID: 3, Type: porting.EventOrderStatusChanged, PortRequestID: "req_1", PortOrderID: "po_1",
		Actor: porting.Principal{Role: porting.RoleCarrier}, Before: before, After: after}

	data, err := EventEmailData(e, n.LinkBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	if data.Status != porting.StateFOCConfirmed || data.PreviousStatus != porting.StateSubmitted || data.NumberCount != 1 ||
		data.FOCAt == nil || !data.FOCAt.Equal(foc) || data.Link != "https://desk.example.com/port-orders/po_1" {
		t.Errorf("EventEmailData = %+v", data)
	}

	// A big order's event lists only its first numbers: the count comes
	// from its counts of all of them.
	big := porting.PortOrder{ID: "po_1", Status: porting.StateFOCConfirmed, PhoneNumbers: []porting.OrderNumber{{PhoneNumber: "+4930123", Status: porting.NumberPortable}},
		PhoneNumberCounts: map[porting.NumberStatus]int{porting.NumberPortable: 20_000, porting.NumberNotPortable: 3}, PhoneNumbersTotal: 20_003}
	bigAfter, _ := json.Marshal(big.Bounded(1))
	if d, err := EventEmailData(&porting.Event{ID: 4, Type: porting.EventOrderStatusChanged, PortOrderID: "po_1", After: bigAfter}, n.LinkBaseURL); err != nil || d.NumberCount != 20_000 {
		t.Errorf("EventEmailData of a big order: count %d, %v; want 20000", d.NumberCount, err)
	}

	sent, err := n.Email(context.Background(), "ops@example.org", "de-AT", nil, e)
	if err != nil || !sent {
		t.Fatalf("Email = %v, %v; want sent", sent, err)
	}
	c := <-got
	msg, err := mail.ReadMessage(strings.NewReader(string(c.data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Portierungsauftrag po_1: Portierungstermin bestätigt"; c.to[0] != "ops@example.org" || subject != want {
		t.Errorf("to %v, subject %q; want ops@example.org, %q", c.to, subject, want)
	}
	if d, _ := msg.Header.Date(); !d.Equal(now) {
		t.Errorf("Date = %v, want the clock's %v", d, now)
	}

	if !n.MailsCustomer(porting.EventOrderStatusChanged) || n.MailsCustomer(porting.EventOrderCreated) {
		t.Error("MailsCustomer is wrong for a notifier with a mailer")
	}
	quiet := &Notifier{Clock: n.Clock}
	if quiet.MailsCustomer(porting.EventOrderStatusChanged) {
		t.Error("a notifier without a mailer must not ask for emails")
	}
	e.Type = porting.EventOrderCreated
	if sent, err := n.Email(context.Background(), "ops@example.org", "en", nil, e); sent || err != nil {
		t.Errorf("Email(order created) = %v, %v; want nothing sent", sent, err)
	}
}

func TestEventEmailDataFromDeadlines(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 6, 1, 17, 0, 0, 0, time.UTC)
	body := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	tests := []struct {
		event porting.Event
		check func(EmailData) bool
	}{
		{porting.Event{Type: EventRespondReminder, After: body(map[string]any{"deadline_id": 1, "respond_by": due, "status": "awaiting_loa"})},
			func(d EmailData) bool { return d.RespondBy.Equal(due) && d.Status == porting.StateAwaitingLOA }},
		{porting.Event{Type: EventRespondByPassed, After: body(map[string]any{"policy": "hold", "respond_by": due})},
			func(d EmailData) bool { return d.Policy == PolicyHold && d.RespondBy.Equal(due) }},
		{porting.Event{Type: EventLOAExpired, After: body(map[string]any{"signed_on": porting.DateOf(due), "status": "loa_review"})},
			func(d EmailData) bool { return d.LOASignedOn != nil && d.LOASignedOn.String() == "2026-06-01" }},
		// Events recorded when signed_on was a timestamp read as its date.
		{porting.Event{Type: EventLOAExpired, After: body(map[string]any{"signed_on": due, "status": "loa_review"})},
			func(d EmailData) bool { return d.LOASignedOn != nil && d.LOASignedOn.String() == "2026-06-01" }},
		{porting.Event{Type: EventQuotaRequestsDue, After: body(map[string]any{"foc_at": due, "numbers": 4, "phone_number_quota": 5, "phone_numbers_needed": 9})},
			func(d EmailData) bool { return d.FOCAt.Equal(due) && d.NumberCount == 4 && d.QuotaShortfall() }},
		{porting.Event{Type: porting.EventMessageCreated, PortRequestID: "req_1", After: body(porting.Message{Body: "Hello"})},
			func(d EmailData) bool {
				return d.Message == "Hello" && d.Link == "https://x.example/port-requests/"+url.PathEscape("req_1")
			}},
	}
	for _, tt := range tests {
		d, err := EventEmailData(&tt.event, "https://x.example")
		if err != nil || !tt.check(d) {
			t.Errorf("EventEmailData(%s) = %+v, %v", tt.event.Type, d, err)
		}
	}
	if _, err := EventEmailData(&porting.Event{Type: EventLOAExpired, After: json.RawMessage(`{"signed_on": 5}`)}, ""); err == nil {
		t.Error("EventEmailData accepted a body it cannot read")
	}
}
