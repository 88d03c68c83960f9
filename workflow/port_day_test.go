package workflow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// fakeCaller answers test calls as an edge routing by a fixed table.
type fakeCaller struct {
	mu    sync.Mutex
	flows map[string]string // number → flow that answers; absent: 404
	calls []string
}

func (f *fakeCaller) PlaceCall(_ context.Context, target, e164 string) (porting.TestCallResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, target)
	if flow, ok := f.flows[e164]; ok {
		return porting.TestCallResult{SIPStatus: 200, ContactFlowID: flow}, nil
	}
	return porting.TestCallResult{SIPStatus: 404}, nil
}

// portedOrder walks the one-number order of submittedOrder to ported: FOC
// on Monday 30 November, loaded, the port run, the carrier's confirmation.
func portedOrder(t *testing.T, b *testBundle) *porting.PortOrder {
	t.Helper()
	_, o := submittedOrder(t, b)
	foc := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &foc},
		spec, porting.ActionLoadNumbers, ActionInput{},
		porting.SystemPrincipal, porting.ActionStartPort, ActionInput{},
		spec, porting.ActionRecordPorted, ActionInput{})
	if o.Status != porting.StatePorted {
		t.Fatalf("status %s", o.Status)
	}
	return o
}

func TestPortDayFlowsTestCallsAndPassTesting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		caller := &fakeCaller{flows: map[string]string{}}
		b.svc.PortDay.caller, b.svc.PortDay.ingressURI = caller, "sip:127.0.0.1:5099"
		o := portedOrder(t, b)
		inst := b.premiumInstance.ID
		flow, err := b.svc.Instances.CreateContactFlow(ctx, b.premium, inst, "Support")
		if err != nil {
			t.Fatal(err)
		}
		other, err := b.svc.Instances.CreateContactFlow(ctx, b.basic, b.basicInstance.ID, "Theirs")
		if err != nil {
			t.Fatal(err)
		}

		// Association: refused for a number not in the instance, a flow of
		// another instance, another account's instance.
		_, err = b.svc.PortDay.AssociateNumbers(ctx, b.premium, inst, []Association{{PhoneNumber: "+12125550999", ContactFlowID: flow.ID}})
		wantCode(t, err, porting.EINVALID, "associations[0].phone_number")
		_, err = b.svc.PortDay.AssociateNumbers(ctx, b.premium, inst, []Association{{PhoneNumber: "+12125550123", ContactFlowID: other.ID}})
		wantCode(t, err, porting.EINVALID, "associations[0].contact_flow_id")
		_, err = b.svc.PortDay.AssociateNumbers(ctx, b.basic, inst, []Association{{PhoneNumber: "+12125550123", ContactFlowID: flow.ID}})
		wantCode(t, err, porting.ENOTFOUND, "")

		// Without test calls pass_testing is refused; with the number
		// without a flow the run fails and pass_testing still is.
		_, err = b.svc.Orders.Act(ctx, spec, o.ID, porting.ActionPassTesting, ActionInput{})
		wantCode(t, err, porting.ECONFLICT, "")
		caller.flows["+12125550123"] = "flow_elsewhere" // the edge routes it to another flow
		run, err := b.svc.PortDay.PlaceTestCalls(ctx, b.premium, o.ID)
		if err != nil || run.Passed != 0 || run.Failed != 1 {
			t.Fatalf("run: %+v %v", run, err)
		}
		if want := "sip:+12125550123@127.0.0.1:5099;x-portdesk-test-call=" + run.Calls[0].ID; caller.calls[0] != want {
			t.Fatalf("called %v", caller.calls)
		}
		_, err = b.svc.Orders.Act(ctx, spec, o.ID, porting.ActionPassTesting, ActionInput{})
		if porting.ErrorCode(err) != porting.ECONFLICT || !strings.Contains(err.Error(), "+12125550123 (misrouted") {
			t.Fatalf("pass_testing with a misroute: %v", err)
		}
		c, err := b.svc.PortDay.Checklist(ctx, b.premium, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[porting.ChecklistItemName]porting.ItemState{}
		for _, it := range c.Items {
			states[it.Item] = it.State
		}
		if states[porting.ItemNumbersAssociated] != porting.ItemFail || states[porting.ItemTestCallsRouted] != porting.ItemFail || c.Ready {
			t.Fatalf("checklist: %+v", c.Items)
		}

		// Fixed: the number on its flow, a new run passes, so does testing.
		if _, err := b.svc.PortDay.AssociateNumbers(ctx, spec, inst, []Association{{PhoneNumber: "+12125550123", ContactFlowID: flow.ID}}); err != nil {
			t.Fatal(err)
		}
		caller.flows["+12125550123"] = flow.ID
		if run, err := b.svc.PortDay.PlaceTestCalls(ctx, spec, o.ID); err != nil || run.Failed != 0 {
			t.Fatalf("second run: %+v %v", run, err)
		}
		o = walk(t, b, b.order(t, o.ID), spec, porting.ActionPassTesting, ActionInput{})
		if o.Status != porting.StateAwaitingVerification {
			t.Fatalf("status %s", o.Status)
		}
	})
}

func TestUnverifiedOrderCompletesWithANote(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		o := portedOrder(t, b)
		o = walk(t, b, o, spec, porting.ActionPassTesting, ActionInput{OverrideReason: "the platform's edge takes no test calls"})
		if o.RespondBy == nil || o.RespondBy.Sub(b.clock.Now()) != 14*24*time.Hour {
			t.Fatalf("respond_by %v, want 14 days ahead", o.RespondBy)
		}
		b.clock.Advance(15 * 24 * time.Hour)
		if _, err := b.svc.Deadlines.SweepDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		got := b.order(t, o.ID)
		if got.Status != porting.StateCompleted || !strings.Contains(got.StatusReason, "without the customer's verification") {
			t.Fatalf("after 15 days: %s %q", got.Status, got.StatusReason)
		}
		if note := lastMessage(t, b, got.PortRequestID); !strings.Contains(note, "as we heard of no problem within 14 days") {
			t.Fatalf("last thread note: %q", note)
		}
	})
}
