package storetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// MustCreateAccount stores a (a premium account when a is nil or has no
// plan) and returns it.
func MustCreateAccount(tb testing.TB, db porting.Store, a *porting.Account) *porting.Account {
	tb.Helper()
	if a == nil {
		a = &porting.Account{}
	}
	if a.Name == "" {
		a.Name = fixtureName("Account")
	}
	if a.SupportPlan == "" {
		a.SupportPlan = porting.PlanPremium
	}
	mustCreate(tb, db, "account", func(ctx context.Context, t porting.Tx) error { return t.CreateAccount(ctx, a) })
	return a
}

// MustCreateInstance stores in, filling the account (a new one when
// empty), name, ARN, region and default quotas when missing.
func MustCreateInstance(tb testing.TB, db porting.Store, in *porting.Instance) *porting.Instance {
	tb.Helper()
	if in == nil {
		in = &porting.Instance{}
	}
	if in.AccountID == "" {
		in.AccountID = MustCreateAccount(tb, db, nil).ID
	}
	if in.Name == "" {
		in.Name = fixtureName("instance")
	}
	if in.Region == "" {
		in.Region = "us-east-1"
	}
	if in.ARN == "" {
		in.ARN = fmt.Sprintf("arn:aws:connect:%s:000000000000:instance/%d", in.Region, next())
	}
	if in.Quotas.PhoneNumbers == 0 && in.Quotas.ConcurrentCalls == 0 {
		in.Quotas.PhoneNumbers = porting.DefaultQuotaPhoneNumbers
		in.Quotas.ConcurrentCalls = porting.DefaultQuotaConcurrentCall
	}
	mustCreate(tb, db, "instance", func(ctx context.Context, t porting.Tx) error { return t.CreateInstance(ctx, in) })
	return in
}

// MustCreatePortRequest stores r, filling the account (a new premium one
// when empty), case type, subject, description, contact and creator when
// missing.
func MustCreatePortRequest(tb testing.TB, db porting.Store, r *porting.PortRequest) *porting.PortRequest {
	tb.Helper()
	if r == nil {
		r = &porting.PortRequest{}
	}
	if r.AccountID == "" {
		r.AccountID = MustCreateAccount(tb, db, nil).ID
	}
	if r.CaseType == "" {
		r.CaseType = porting.CaseTechnical
	}
	if r.Subject == "" {
		r.Subject = fixtureName("Port numbers")
	}
	if r.Description == "" {
		r.Description = "Please port these numbers."
	}
	if r.AuthorizedContact.Name == "" {
		r.AuthorizedContact = porting.Contact{Name: "Ada Customer", Email: "ada@example.com"}
	}
	if r.ContactPreferences.Language == "" {
		r.ContactPreferences = porting.ContactPreferences{Language: "en", Methods: []string{"email"}}
	}
	if r.CreatedBy.Role == "" {
		r.CreatedBy = porting.Principal{Role: porting.RoleCustomer, AccountID: r.AccountID}
	}
	mustCreate(tb, db, "port request", func(ctx context.Context, t porting.Tx) error { return t.CreatePortRequest(ctx, r) })
	return r
}

// MustCreatePortOrder stores o, filling the request (a new one when
// empty), account, status (review), country (US), carrier and kind (did)
// when missing. Numbers are stored as given.
func MustCreatePortOrder(tb testing.TB, db porting.Store, o *porting.PortOrder) *porting.PortOrder {
	tb.Helper()
	if o == nil {
		o = &porting.PortOrder{}
	}
	if o.PortRequestID == "" {
		o.PortRequestID = MustCreatePortRequest(tb, db, &porting.PortRequest{AccountID: o.AccountID}).ID
	}
	if o.AccountID == "" {
		MustView(tb, db, func(t porting.Tx) error {
			r, err := t.FindPortRequest(context.Background(), o.PortRequestID)
			if err == nil {
				o.AccountID = r.AccountID
			}
			return err
		})
	}
	if o.Status == "" {
		o.Status = porting.StateReview
	}
	if o.Country == "" {
		o.Country = "US"
	}
	if o.LosingCarrier == "" {
		o.LosingCarrier = "Example Telecom"
	}
	if o.NumberKind == "" {
		o.NumberKind = porting.KindDID
	}
	mustCreate(tb, db, "port order", func(ctx context.Context, t porting.Tx) error { return t.CreatePortOrder(ctx, o) })
	return o
}

// Numbers returns pending fixed-line order numbers for the given E.164
// numbers.
func Numbers(e164 ...string) []porting.OrderNumber {
	out := make([]porting.OrderNumber, len(e164))
	for i, n := range e164 {
		out[i] = porting.OrderNumber{PhoneNumber: n, NumberType: "fixed_line", Status: porting.NumberPending}
	}
	return out
}

func mustCreate(tb testing.TB, db porting.Store, what string, fn func(context.Context, porting.Tx) error) {
	tb.Helper()
	if err := db.InTx(context.Background(), func(t porting.Tx) error { return fn(context.Background(), t) }); err != nil {
		tb.Fatalf("create %s: %v", what, err)
	}
}

// MustAppendEvent stores e, filling its type (port_order.updated) and
// actor (the system) when missing, and returns it with its ID.
func MustAppendEvent(tb testing.TB, db porting.Store, e *porting.Event) *porting.Event {
	tb.Helper()
	if e == nil {
		e = &porting.Event{}
	}
	if e.Type == "" {
		e.Type = porting.EventOrderUpdated
	}
	if e.Actor.Role == "" {
		e.Actor = porting.SystemPrincipal
	}
	mustCreate(tb, db, "event", func(ctx context.Context, t porting.Tx) error { return t.AppendEvent(ctx, e) })
	return e
}

// MustCreateWebhookEndpoint stores w, filling the URL and the secret when
// missing. The account (none: a staff endpoint) and Enabled are stored as
// given.
func MustCreateWebhookEndpoint(tb testing.TB, db porting.Store, w *porting.WebhookEndpoint) *porting.WebhookEndpoint {
	tb.Helper()
	if w == nil {
		w = &porting.WebhookEndpoint{}
	}
	if w.URL == "" {
		w.URL = fmt.Sprintf("https://hooks.example.com/%d", next())
	}
	if w.Secret == "" {
		w.Secret = "whsec_" + base64.StdEncoding.EncodeToString([]byte(randomHex(16)))
	}
	mustCreate(tb, db, "webhook endpoint", func(ctx context.Context, t porting.Tx) error { return t.CreateWebhookEndpoint(ctx, w) })
	return w
}
