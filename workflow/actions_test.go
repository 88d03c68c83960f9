package workflow

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// fakeGateway is a carrier gateway that records the orders it was handed.
type fakeGateway struct {
	ManualGateway
	submitted, cancelled []string
	err                  error
}

func (g *fakeGateway) Kind() porting.GatewayKind { return porting.GatewayHTTP }

func (g *fakeGateway) Submit(_ context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	if g.err != nil {
		return porting.CarrierReceipt{}, g.err
	}
	g.submitted = append(g.submitted, s.OrderID)
	return porting.CarrierReceipt{Reference: "ref-" + s.OrderID}, nil
}

func (g *fakeGateway) Supplement(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return g.Submit(ctx, s)
}

func (g *fakeGateway) Cancel(_ context.Context, t porting.CarrierTicket) error {
	if g.err != nil {
		return g.err
	}
	g.cancelled = append(g.cancelled, t.OrderID)
	return nil
}

// routeTo registers a carrier whose gateway is gw and routes US orders to it.
func routeTo(t *testing.T, b *testBundle, gw porting.CarrierGateway) *porting.Carrier {
	t.Helper()
	b.svc.Carriers.gateways = func(*porting.Carrier) (porting.CarrierGateway, error) { return gw, nil }
	c, err := b.svc.Carriers.CreateCarrier(context.Background(), porting.Principal{Role: porting.RoleAdmin, KeyID: "admin"}, CarrierInput{
		Name: "Fake Exchange", Countries: []string{"US"}, Gateway: porting.GatewayHTTP,
		Settings: map[string]string{porting.SettingBaseURL: "http://127.0.0.1:1"},
		Secrets:  map[string]string{porting.SecretSigning: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		Routes:   []porting.CarrierRoute{{Country: "US"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// submittedOrder files a premium request for one number and walks its
// order to submitted: approved, a clean LOA, approved by the team.
func submittedOrder(t *testing.T, b *testBundle) (*porting.PortRequest, *porting.PortOrder) {
	t.Helper()
	req, orders, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, b.premiumParams("+12125550123"))
	if err != nil {
		t.Fatal(err)
	}
	o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
	fillLOA(t, b, o)
	o = walk(t, b, o,
		b.premium, porting.ActionSubmitLOA, ActionInput{},
		spec, porting.ActionApproveLOA, ActionInput{Attestation: &AttestationInput{WetSignature: &yes, Legible: &yes}})
	if o.Status != porting.StateSubmitted {
		t.Fatalf("status %s, want submitted", o.Status)
	}
	return req, o
}

// eventsOf returns the order's events of type typ, oldest first.
func eventsOf(t *testing.T, b *testBundle, orderID, typ string) []*porting.Event {
	t.Helper()
	all, err := b.svc.Events.Timeline(context.Background(), spec, orderID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*porting.Event
	for _, e := range all {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestRecordRejectionTellsTheCustomer(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, o := submittedOrder(t, b)
		_, err := b.svc.Orders.Act(ctx, spec, o.ID, porting.ActionRecordRejection, ActionInput{ExceptionCode: "NOT_A_CODE"})
		wantCode(t, err, porting.EINVALID, "exception_code")
		_, err = b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionRecordRejection, ActionInput{ExceptionCode: "OTHER"})
		wantCode(t, err, porting.EFORBIDDEN, "")
		o = walk(t, b, o, spec, porting.ActionRecordRejection, ActionInput{ExceptionCode: "ENTITY_NAME_MISMATCH", Message: " name differs "})
		if o.Status != porting.StateException || o.Exception == nil || o.Exception.Code != "ENTITY_NAME_MISMATCH" ||
			o.Exception.Message != "name differs" || !o.Exception.At.Equal(b.clock.Now()) || o.RespondBy == nil {
			t.Fatalf("after record_rejection: status %s, exception %+v, respond_by %v", o.Status, o.Exception, o.RespondBy)
		}
		got := lastMessage(t, b, req.ID)
		for _, want := range []string{"Your current carrier rejected the port of order " + o.ID, "ENTITY_NAME_MISMATCH", "“name differs”", "submit the order again"} {
			if !strings.Contains(got, want) {
				t.Errorf("rejection note = %q, want %q in it", got, want)
			}
		}
		// Resubmitting clears the rejection.
		o = walk(t, b, o, b.premium, porting.ActionResubmit, ActionInput{})
		if o.Status != porting.StateLOAReview || o.Exception != nil {
			t.Fatalf("after resubmit: status %s, exception %+v", o.Status, o.Exception)
		}
	})
}

func TestReturnLOASendsTheTeamsWords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		fillLOA(t, b, o)
		o = walk(t, b, o, b.premium, porting.ActionSubmitLOA, ActionInput{})
		_, err = b.svc.Orders.Act(ctx, spec, o.ID, porting.ActionReturnLOA, ActionInput{Message: "  "})
		wantCode(t, err, porting.EINVALID, "message")
		_, err = b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionReturnLOA, ActionInput{Message: "sign it"})
		wantCode(t, err, porting.EFORBIDDEN, "")
		o = walk(t, b, o, spec, porting.ActionReturnLOA, ActionInput{Message: "The signature is cut off; please scan the whole page."})
		if o.Status != porting.StateAwaitingLOA || o.RespondBy == nil || !o.RespondBy.After(b.clock.Now()) {
			t.Fatalf("after return_loa: status %s, respond_by %v", o.Status, o.RespondBy)
		}
		got := lastMessage(t, b, req.ID)
		for _, want := range []string{"Your signed Letter of Authorization for port order " + o.ID + " needs changes before we can send it to Old Telco",
			"The signature is cut off; please scan the whole page."} {
			if !strings.Contains(got, want) {
				t.Errorf("return note = %q, want %q in it", got, want)
			}
		}
	})
}

func TestLoadNumbersThenCancelUnloadsAndWithdraws(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &fakeGateway{}
		routeTo(t, b, gw)
		_, o := submittedOrder(t, b)
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1}); err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
		o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &monday})
		_, err := b.svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionLoadNumbers, ActionInput{})
		wantCode(t, err, porting.EFORBIDDEN, "")
		o = walk(t, b, o, spec, porting.ActionLoadNumbers, ActionInput{})
		if o.Status != porting.StateNumbersLoaded || o.PhoneNumbers[0].Status != porting.NumberLoaded {
			t.Fatalf("after load_numbers: status %s, numbers %+v", o.Status, o.PhoneNumbers)
		}
		inv, err := b.svc.Instances.InstancePhoneNumbers(ctx, b.premium, o.InstanceID)
		if err != nil || len(inv) != 1 || inv[0].PhoneNumber != "+12125550123" || inv[0].Status != porting.InventoryPendingPort || inv[0].PortOrderID != o.ID {
			t.Fatalf("inventory after load_numbers: %+v, %v", inv, err)
		}
		// Another order's number in the same instance is not ours to unload.
		_, others, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550999"))
		if err != nil {
			t.Fatal(err)
		}
		other := &porting.InstancePhoneNumber{InstanceID: o.InstanceID, PhoneNumber: "+12125550999", Status: porting.InventoryActive, PortOrderID: others[0].ID, UpdatedAt: b.clock.Now()}
		if err := b.svc.Store.InTx(ctx, func(tx porting.Tx) error { return tx.UpsertInstancePhoneNumber(ctx, other) }); err != nil {
			t.Fatal(err)
		}

		o = walk(t, b, o, b.premium, porting.ActionCancel, ActionInput{Reason: "changed our mind"})
		if o.Status != porting.StateCancelled || o.PhoneNumbers[0].Status != porting.NumberCancelled {
			t.Fatalf("after cancel: status %s, numbers %+v", o.Status, o.PhoneNumbers)
		}
		inv, err = b.svc.Instances.InstancePhoneNumbers(ctx, b.premium, o.InstanceID)
		if err != nil || len(inv) != 1 || inv[0].PhoneNumber != other.PhoneNumber {
			t.Fatalf("inventory after cancel: %+v, %v; want only the other order's number", inv, err)
		}
		changes := eventsOf(t, b, o.ID, porting.EventInventoryChanged)
		if len(changes) != 2 || !strings.Contains(string(changes[1].After), `"removed":["+12125550123"]`) {
			t.Fatalf("inventory events %d, last %s", len(changes), changes[len(changes)-1].After)
		}

		// The cancel withdraws the order from the carrier (the job runner's call).
		if err := b.svc.Carriers.CancelAtCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		cancels := eventsOf(t, b, o.ID, porting.EventCarrierCancel)
		if !slices.Equal(gw.cancelled, []string{o.ID}) || len(cancels) != 1 || !strings.Contains(string(cancels[0].After), `"gateway":"http"`) {
			t.Fatalf("carrier cancel: gateway saw %v, %d events", gw.cancelled, len(cancels))
		}
		// A failed attempt is on the timeline and retried (the job gets the
		// error); the last one raises an attention flag instead.
		gw.err = porting.Errorf(porting.EUNAVAILABLE, "carrier down")
		before := len(eventsOf(t, b, o.ID, porting.EventCarrierSubmission))
		if err := b.svc.Carriers.CancelAtCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 2, MaxAttempts: 3}); err == nil ||
			len(eventsOf(t, b, o.ID, porting.EventCarrierSubmission)) != before+1 {
			t.Fatalf("a failed carrier cancel: %v, and no attempt on the timeline", err)
		}
		if err := b.svc.Carriers.CancelAtCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 3, MaxAttempts: 3}); err != nil {
			t.Fatalf("the last failed attempt: %v, want it to stop with a flag", err)
		}
		if got := b.order(t, o.ID); len(got.Attention) != 1 || got.Attention[0].Code != AttentionCarrierCall {
			t.Fatalf("attention after the last attempt: %+v", got.Attention)
		}
	})
}

func TestSubmitToCarrierJob(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &fakeGateway{err: errors.New("carrier down")}
		entry := routeTo(t, b, gw)
		_, o := submittedOrder(t, b)
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 5}); err == nil {
			t.Fatal("a failed submission did not fail the job")
		}
		if subs := eventsOf(t, b, o.ID, porting.EventCarrierSubmission); len(subs) != 1 || !strings.Contains(string(subs[0].After), `"outcome":"failed"`) {
			t.Fatalf("a failed attempt is not on the timeline: %d events", len(subs))
		}
		gw.err = nil
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 2, MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		subs := eventsOf(t, b, o.ID, porting.EventCarrierSubmission)
		if !slices.Equal(gw.submitted, []string{o.ID}) || len(subs) != 2 || !strings.Contains(string(subs[1].After), `"reference":"ref-`+o.ID+`"`) {
			t.Fatalf("submission: gateway saw %v, events %d", gw.submitted, len(subs))
		}
		if got := b.order(t, o.ID); got.Carrier == nil || got.Carrier.CarrierID != entry.ID || got.Carrier.Reference != "ref-"+o.ID || got.Carrier.Submissions != 1 {
			t.Fatalf("the order's carrier link: %+v", got.Carrier)
		}
		// An order that moved on since the job was queued is left alone.
		walk(t, b, b.order(t, o.ID), spec, porting.ActionCancel, ActionInput{Reason: "duplicate"})
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1}); err != nil || len(gw.submitted) != 1 {
			t.Fatalf("submit of a cancelled order: %v, gateway saw %v", err, gw.submitted)
		}
		// Without a route the manual gateway quotes the order ID.
		disabled := false
		if _, err := b.svc.Carriers.UpdateCarrier(ctx, porting.Principal{Role: porting.RoleAdmin}, entry.ID, CarrierPatch{Enabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		_, o2 := submittedOrder2(t, b)
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o2.ID, Attempt: 1}); err != nil {
			t.Fatal(err)
		}
		if subs := eventsOf(t, b, o2.ID, porting.EventCarrierSubmission); len(subs) != 1 ||
			!strings.Contains(string(subs[0].After), `"gateway":"manual"`) || !strings.Contains(string(subs[0].After), `"reference":"`+o2.ID+`"`) {
			t.Fatalf("manual submission events: %+v", subs)
		}
	})
}

// submittedOrder2 is submittedOrder for a second number.
func submittedOrder2(t *testing.T, b *testBundle) (*porting.PortRequest, *porting.PortOrder) {
	t.Helper()
	req, orders, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, b.premiumParams("+12125550124"))
	if err != nil {
		t.Fatal(err)
	}
	o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
	fillLOA(t, b, o)
	return req, walk(t, b, o,
		b.premium, porting.ActionSubmitLOA, ActionInput{},
		spec, porting.ActionApproveLOA, ActionInput{Attestation: &AttestationInput{WetSignature: &yes, Legible: &yes}})
}

func TestRestartPortsTheCancelledNumbersAgain(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		old := orders[0]
		_, err = b.svc.Orders.Act(ctx, b.premium, old.ID, porting.ActionRestart, ActionInput{})
		wantCode(t, err, porting.ECONFLICT, "")
		walk(t, b, old, b.premium, porting.ActionCancel, ActionInput{Reason: "wrong carrier"})
		o, err := b.svc.Orders.Act(ctx, b.premium, old.ID, porting.ActionRestart, ActionInput{})
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == old.ID || o.Status != porting.StateReview || o.PreviousOrderID != old.ID || o.PortRequestID != old.PortRequestID ||
			o.InstanceID != old.InstanceID || len(o.PhoneNumbers) != 1 || o.PhoneNumbers[0].PhoneNumber != "+12125550123" ||
			o.PhoneNumbers[0].Status != porting.NumberPending {
			t.Fatalf("restarted order: %+v", o)
		}
		if old, _ = b.svc.Orders.GetPortOrder(ctx, b.premium, old.ID); old.NextOrderID != o.ID || old.Status != porting.StateCancelled {
			t.Fatalf("old order after restart: next %q, status %s", old.NextOrderID, old.Status)
		}
		_, err = b.svc.Orders.Act(ctx, b.premium, old.ID, porting.ActionRestart, ActionInput{})
		wantCode(t, err, porting.ECONFLICT, "")
	})
}

// order reads an order as it is stored now.
func (b *testBundle) order(t *testing.T, id string) *porting.PortOrder {
	t.Helper()
	var o *porting.PortOrder
	if err := b.svc.Store.View(context.Background(), func(tx porting.Tx) error {
		var err error
		o, err = tx.FindPortOrder(context.Background(), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return o
}
