package workflow

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// fire applies a deadline of kind to the order, as the sweeper does.
func fire(t *testing.T, b *testBundle, orderID string, kind porting.DeadlineKind) {
	t.Helper()
	ctx := context.Background()
	err := b.svc.Store.InTx(ctx, func(tx porting.Tx) error {
		return b.svc.Deadlines.applyDeadline(ctx, tx, &porting.Deadline{PortOrderID: orderID, Kind: kind, DueAt: b.clock.Now()})
	})
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
}

// threadHas fails unless some message of the request's thread holds want.
func threadHas(t *testing.T, b *testBundle, requestID, want string) {
	t.Helper()
	v, err := b.svc.Requests.GetPortRequest(context.Background(), spec, requestID)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range v.Messages {
		if strings.Contains(m.Body, want) {
			return
		}
		bodies = append(bodies, m.Body)
	}
	t.Fatalf("no message holds %q; the thread:\n%s", want, strings.Join(bodies, "\n---\n"))
}

func TestDeadlineNotesAndEffects(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, o := submittedOrder(t, b)
		monday := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
		o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &monday})
		// The instance holds the order's one number: the quota deadline
		// records that and leaves the customer's thread quiet.
		fire(t, b, o.ID, porting.DeadlineQuotaRequestsDue)
		if evs := eventsOf(t, b, o.ID, porting.EventQuotaRequestsDue); len(evs) != 1 || !strings.Contains(string(evs[0].After), `"quotas_in_place":true`) {
			t.Fatalf("quota_requests_due events = %v, want one with quotas in place", evs)
		}
		if v, err := b.svc.Requests.GetPortRequest(ctx, spec, req.ID); err != nil || slices.ContainsFunc(v.Messages, func(m *porting.Message) bool { return strings.Contains(m.Body, "quota") }) {
			t.Fatalf("thread mentions quotas (err %v) though they are in place", err)
		}
		// Without an instance nothing can be checked: the customer is
		// reminded. US civil time is New York's: 10:00 EST on the 23rd.
		if err := b.svc.Store.InTx(ctx, func(tx porting.Tx) error {
			o.InstanceID = ""
			return tx.UpdatePortOrder(ctx, o)
		}); err != nil {
			t.Fatal(err)
		}
		fire(t, b, o.ID, porting.DeadlineQuotaRequestsDue)
		threadHas(t, b, req.ID, "Port order "+o.ID+" ports on 2026-11-23 10:00 EST (15:00 UTC). Please request any service quota increases now")

		// An LOA found too old in review goes back to the customer.
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550124"))
		if err != nil {
			t.Fatal(err)
		}
		o2 := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		fillLOA(t, b, o2)
		o2 = walk(t, b, o2, b.premium, porting.ActionSubmitLOA, ActionInput{})
		fire(t, b, o2.ID, porting.DeadlineLOAExpiry)
		if o2, _ = b.svc.Orders.GetPortOrder(ctx, spec, o2.ID); o2.Status != porting.StateAwaitingLOA || o2.StatusReason != "the signed LOA expired" || o2.RespondBy == nil {
			t.Fatalf("after the LOA expired: status %s (%q), respond_by %v", o2.Status, o2.StatusReason, o2.RespondBy)
		}
		threadHas(t, b, o2.PortRequestID, "Your signed Letter of Authorization for port order "+o2.ID+" is now more than")
		if n := len(eventsOf(t, b, o2.ID, porting.EventLOAExpired)); n != 1 {
			t.Fatalf("%d loa_expired events, want 1", n)
		}

		// Silence past respond_by cancels the order (the default policy).
		b.clock.Advance(31 * 24 * time.Hour)
		fire(t, b, o2.ID, porting.DeadlineRespondBy)
		if o2, _ = b.svc.Orders.GetPortOrder(ctx, spec, o2.ID); o2.Status != porting.StateCancelled {
			t.Fatalf("after silence: status %s, want cancelled", o2.Status)
		}
		threadHas(t, b, o2.PortRequestID, "We have not heard from you about port order "+o2.ID+" for 30 days, so it has been cancelled.")
	})
}
