package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

var admin = porting.Principal{Role: porting.RoleAdmin, KeyID: "test"}

// testBundle is a service on a fresh database with a fixed clock, plus a
// premium and a basic customer with an instance each.
type testBundle struct {
	svc             *Service
	clock           *porting.OffsetClock
	premium, basic  porting.Principal
	premiumInstance *porting.Instance
	basicInstance   *porting.Instance
}

// forEachEngine runs fn with a fresh bundle on every storetest engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, b *testBundle)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC)) // a Monday
			svc := New(Config{Store: e.OpenClock(t, clock), Clock: clock, Checker: &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}})
			fn(t, setup(t, svc, clock))
		})
	}
}

func setup(t testing.TB, svc *Service, clock *porting.OffsetClock) *testBundle {
	t.Helper()
	ctx := context.Background()
	b := &testBundle{svc: svc, clock: clock}
	for _, plan := range []porting.SupportPlan{porting.PlanPremium, porting.PlanBasic} {
		a, err := svc.Accounts.CreateAccount(ctx, admin, CreateAccountParams{Name: string(plan) + " co", SupportPlan: plan})
		if err != nil {
			t.Fatal(err)
		}
		p := porting.Principal{Role: porting.RoleCustomer, AccountID: a.ID, KeyID: "k-" + a.ID}
		inst, err := svc.Instances.CreateInstance(ctx, p, CreateInstanceParams{Name: "center", Region: "eu-west-2"})
		if err != nil {
			t.Fatal(err)
		}
		if plan == porting.PlanPremium {
			b.premium, b.premiumInstance = p, inst
		} else {
			b.basic, b.basicInstance = p, inst
		}
	}
	return b
}

func (b *testBundle) premiumParams(nums ...string) CreatePortRequestParams {
	return CreatePortRequestParams{
		InstanceID: b.premiumInstance.ID, Severity: porting.SeverityNormal, Subject: "port",
		CurrentCarrier: "Old Telco", AuthorizedContact: porting.Contact{Name: "Jane Roe"}, PhoneNumbers: nums,
	}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if porting.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	if field != "" {
		e, _ := err.(*porting.Error)
		if e == nil || e.Field != field {
			t.Fatalf("err = %v, want field %s", err, field)
		}
	}
}

func TestBasicPlanLimitRequests(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		nums := []string{"+12125550123", "+12015550123", "+12125550123"} // one duplicate: 2 distinct
		params := func(limits ...porting.LimitRequest) CreatePortRequestParams {
			return CreatePortRequestParams{LimitRequests: limits, AuthorizedContact: porting.Contact{Name: "Bo"}, PhoneNumbers: nums}
		}
		tests := []struct {
			name   string
			in     CreatePortRequestParams
			field  string
			instID string
		}{
			{"no limit requests", params(), "limit_requests", ""},
			{"sum too small", params(porting.LimitRequest{Region: "us-east-1", NewLimitValue: 1}), "limit_requests", ""},
			{"bad region", params(porting.LimitRequest{Region: "mars", NewLimitValue: 2}), "limit_requests[0].region", ""},
			{"region twice", params(porting.LimitRequest{Region: "us-east-1", NewLimitValue: 1}, porting.LimitRequest{Region: "us-east-1", NewLimitValue: 1}), "limit_requests[1].region", ""},
			{"zero value", params(porting.LimitRequest{Region: "us-east-1", NewLimitValue: 0}, porting.LimitRequest{Region: "us-west-2", NewLimitValue: 2}), "limit_requests[0].new_limit_value", ""},
			{"not the instance's region", params(porting.LimitRequest{Region: "us-east-1", NewLimitValue: 2}), "limit_requests[0].region", b.basicInstance.ID},
		}
		for _, tt := range tests {
			tt.in.InstanceID = tt.instID
			_, _, err := b.svc.Intake.CreatePortRequest(ctx, b.basic, tt.in)
			if porting.ErrorCode(err) != porting.EINVALID || err.(*porting.Error).Field != tt.field {
				t.Errorf("%s: err = %v, want invalid %s", tt.name, err, tt.field)
			}
		}
		req, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.basic, params(porting.LimitRequest{Region: "us-east-1", NewLimitValue: 1}, porting.LimitRequest{Region: "us-west-2", NewLimitValue: 1}))
		if err != nil {
			t.Fatal(err)
		}
		if req.CaseType != porting.CaseLimitIncrease || len(orders) != 1 || len(orders[0].PhoneNumbers) != 2 {
			t.Fatalf("basic request: %+v, %d orders", req, len(orders))
		}
	})
}

func TestPremiumCaseRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		in := b.premiumParams("+12125550123")
		in.InstanceID = ""
		_, _, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, in)
		wantCode(t, err, porting.EINVALID, "instance_id")
		in = b.premiumParams("+12125550123")
		in.InstanceID = b.basicInstance.ID // another account's instance
		_, _, err = b.svc.Intake.CreatePortRequest(ctx, b.premium, in)
		wantCode(t, err, porting.EINVALID, "instance_id")
		in = b.premiumParams("+12125550123")
		in.Severity = "meh"
		_, _, err = b.svc.Intake.CreatePortRequest(ctx, b.premium, in)
		wantCode(t, err, porting.EINVALID, "severity")
		req, _, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil || req.CaseType != porting.CaseTechnical || req.ContactPreferences.Language != "en" {
			t.Fatalf("premium request: %+v, %v", req, err)
		}
	})
}

// walk takes actions in order as the given principals, failing on the first error.
func walk(t *testing.T, b *testBundle, o *porting.PortOrder, steps ...any) *porting.PortOrder {
	t.Helper()
	for i := 0; i < len(steps); i += 3 {
		p, a, in := steps[i].(porting.Principal), steps[i+1].(porting.Action), steps[i+2].(ActionInput)
		var err error
		if o, err = b.svc.Orders.Act(context.Background(), p, o.ID, a, in); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	return o
}

var spec = porting.Principal{Role: porting.RoleSpecialist, KeyID: "spec"}

func TestRescheduleNotice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) // 5 business days after Monday the 16th
		friday := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC) // 4 business days
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		fillLOA(t, b, o)
		o = walk(t, b, o,
			b.premium, porting.ActionSubmitLOA, ActionInput{},
			spec, porting.ActionApproveLOA, ActionInput{Attestation: &AttestationInput{WetSignature: &yes, Legible: &yes}},
			spec, porting.ActionRecordFOC, ActionInput{FOCAt: &monday})
		// A new date must be a valid window: after the lead time, while the LOA is valid.
		tooSoon := b.clock.Now().AddDate(0, 0, 1) // inside a window, inside the lead time
		_, err = b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionReschedule, ActionInput{FOCAt: &tooSoon})
		wantCode(t, err, porting.EINVALID, "foc_at")
		if e := err.(*porting.Error); len(e.Next) == 0 {
			t.Fatalf("a refused date offers no windows: %v", err)
		}
		// Only the team may accept a date the rules refuse.
		_, err = b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionReschedule, ActionInput{FOCAt: &tooSoon, OverrideReason: "please"})
		wantCode(t, err, porting.EFORBIDDEN, "override_reason")
		next, err := b.svc.Orders.FOCWindows(ctx, b.premium, o.ID, time.Time{}, 1)
		if err != nil || len(next) != 1 {
			t.Fatalf("FOCWindows = %v, %v", next, err)
		}
		later := next[0].Start
		o = walk(t, b, o, b.premium, porting.ActionReschedule, ActionInput{FOCAt: &later})
		if o.Status != porting.StateSubmitted || o.FOCAt != nil || !o.RequestedFOCAt.Equal(later) {
			t.Fatalf("after reschedule: %+v", o)
		}
		// The carrier confirmed a date inside the lead time: the rules refuse
		// it unless staff accept it with a reason, which the order shows.
		_, err = b.svc.Orders.Act(ctx, spec, o.ID, porting.ActionRecordFOC, ActionInput{FOCAt: &friday})
		wantCode(t, err, porting.EINVALID, "foc_at")
		o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &friday, OverrideReason: "the carrier confirmed it in writing"})
		if ov := o.FOCOverride; ov == nil || ov.Rule != "too_soon" || ov.Reason != "the carrier confirmed it in writing" || ov.By != "spec" {
			t.Fatalf("foc_override = %+v", ov)
		}
		_, err = b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionReschedule, ActionInput{FOCAt: &later})
		wantCode(t, err, porting.ECONFLICT, "")
		if o, _ = b.svc.Orders.GetPortOrder(ctx, b.premium, o.ID); o.Status != porting.StateFOCConfirmed || !o.FOCAt.Equal(friday) {
			t.Fatalf("a refused reschedule changed the order: %+v", o)
		}
	})
}

func TestApprovePortableSubset(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123", "+12015550123"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.svc.Orders.Act(ctx, spec, orders[0].ID, porting.ActionApprove, ActionInput{NotPortableNumbers: []string{"+12125550123", "+12015550123"}})
		wantCode(t, err, porting.EINVALID, "not_portable_numbers")
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{NotPortableNumbers: []string{"+12015550123"}})
		if got := o.HeldNumbers(); len(got) != 1 || got[0] != "+12125550123" {
			t.Fatalf("held numbers after approve = %v", got)
		}
		// The number found not portable is free for another request.
		_, again, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12015550123"))
		if err != nil || len(again) != 1 {
			t.Fatalf("released number not accepted again: %v, %d orders", err, len(again))
		}
	})
}

func TestCustomerMessageResetsRespondBy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		if o.RespondBy == nil || !o.RespondBy.Equal(b.clock.Now().AddDate(0, 0, 30)) {
			t.Fatalf("respond_by = %v after approve", o.RespondBy)
		}
		b.clock.Advance(20 * 24 * time.Hour)
		if _, err := b.svc.Requests.AddMessage(ctx, spec, req.ID, "any news?"); err != nil {
			t.Fatal(err)
		}
		if o, _ = b.svc.Orders.GetPortOrder(ctx, b.premium, o.ID); !o.RespondBy.Equal(b.clock.Now().AddDate(0, 0, 10)) {
			t.Fatalf("a staff message moved respond_by to %v", o.RespondBy)
		}
		if _, err := b.svc.Requests.AddMessage(ctx, b.premium, req.ID, "here it is"); err != nil {
			t.Fatal(err)
		}
		if o, _ = b.svc.Orders.GetPortOrder(ctx, b.premium, o.ID); !o.RespondBy.Equal(b.clock.Now().AddDate(0, 0, 30)) {
			t.Fatalf("after the customer's answer respond_by = %v, want %v", o.RespondBy, b.clock.Now().AddDate(0, 0, 30))
		}
	})
}

var yes = true

// fillLOA gives an order in awaiting_loa a clean LOA: data equal to the CSR,
// signed today, with the signed LOA and an invoice uploaded.
func fillLOA(t *testing.T, b *testBundle, o *porting.PortOrder) {
	t.Helper()
	ctx := context.Background()
	addr := porting.Address{Street: "1 High St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}
	today := porting.DateOf(b.clock.Now())
	csr := porting.CSR{AccountName: "Premium Co", ServiceAddress: addr, AuthorizedContact: "Jane Roe", BTN: o.HeldNumbers()[0],
		AccountNumber: "A-1", PhoneNumbers: o.HeldNumbers()}
	data := porting.LOAData{EntityName: "Premium Co", ServiceAddress: addr, AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe"},
		AccountNumber: "A-1", BTN: o.HeldNumbers()[0], SignedOn: &today}
	if _, err := b.svc.Orders.UpdatePortOrder(ctx, spec, o.ID, UpdatePortOrderParams{CSR: &csr, LOA: &data}); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []porting.DocumentType{porting.DocLOASigned, porting.DocInvoice} {
		if _, err := b.svc.Documents.UploadDocument(ctx, b.premium, o.ID, UploadParams{Type: typ, Filename: "x.pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIdempotencyKeysExpire(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		sc := &porting.IdempotencyScope{Scope: "k1", Key: "same", Fingerprint: "f1", CreatedAt: b.clock.Now()}
		req, _, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		ctx := porting.WithIdempotencyScope(context.Background(), sc)
		m, err := b.svc.Requests.AddMessage(ctx, b.premium, req.ID, "hello")
		if err != nil || !sc.Stored() {
			t.Fatalf("message with a key: %v, stored %v", err, sc.Stored())
		}
		prior, err := b.svc.Idempotency.PriorIdempotentUse(context.Background(), sc)
		if err != nil || prior == nil || prior.Ref != "message:"+m.ID+":"+m.PortRequestID {
			t.Fatalf("prior use = %+v, %v; want the message's ref", prior, err)
		}
		other := &porting.IdempotencyScope{Scope: "k1", Key: "same", Fingerprint: "f2"}
		if _, err := b.svc.Idempotency.PriorIdempotentUse(context.Background(), other); porting.ErrorCode(err) != porting.EINVALID {
			t.Fatalf("the key with another request: %v, want %s", err, porting.EINVALID)
		}
		if n, err := b.svc.Idempotency.PurgeExpired(context.Background()); err != nil || n != 0 {
			t.Fatalf("purge of a fresh key: %d, %v", n, err)
		}
		b.clock.Advance(25 * time.Hour)
		if n, err := b.svc.Idempotency.PurgeExpired(context.Background()); err != nil || n != 1 {
			t.Fatalf("purge after a day: %d, %v", n, err)
		}
		if prior, err := b.svc.Idempotency.PriorIdempotentUse(context.Background(), other); err != nil || prior != nil {
			t.Fatalf("the key after a day: %v, %v; want it new", prior, err)
		}
	})
}
