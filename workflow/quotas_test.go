package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// quotaOrder files a premium request for n numbers from +1 212 555 01<first…>.
func quotaOrder(t *testing.T, b *testBundle, first, n int) (*porting.PortRequest, *porting.PortOrder) {
	t.Helper()
	var nums []string
	for i := range n {
		nums = append(nums, fmt.Sprintf("+121255501%02d", first+i))
	}
	req, orders, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, b.premiumParams(nums...))
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 {
		t.Fatalf("%d orders, want 1", len(orders))
	}
	return req, orders[0]
}

// findingOf returns the order's finding with the code, or nil.
func findingOf(o *porting.PortOrder, code string) *porting.Finding {
	if i := slices.IndexFunc(o.Findings, func(f porting.Finding) bool { return f.Code == code }); i >= 0 {
		return &o.Findings[i]
	}
	return nil
}

func shortfallOf(t *testing.T, b *testBundle, orderID string) *QuotaShortfall {
	t.Helper()
	ctx := context.Background()
	var sf *QuotaShortfall
	err := b.svc.Store.View(ctx, func(tx porting.Tx) error {
		o, err := tx.FindPortOrder(ctx, orderID)
		if err != nil {
			return err
		}
		sf, err = b.svc.Instances.QuotaShortfall(ctx, tx, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

func TestQuotaShortfallCountsEachNumberOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		inst := b.premiumInstance.ID
		_, a := quotaOrder(t, b, 10, 3)
		if f := findingOf(a, CodeQuotaShortfall); f != nil {
			t.Fatalf("3 numbers on a quota of 5 show %+v", f)
		}
		// A second order to the same instance: 3 + 3 numbers > 5, at intake.
		_, o2 := quotaOrder(t, b, 20, 3)
		f := findingOf(o2, CodeQuotaShortfall)
		if f == nil || f.Severity != porting.SeverityBlocking || f.Field != "instance_id" ||
			f.Expected != "phone_numbers quota >= 6" || f.Got != "phone_numbers quota 5" || !strings.Contains(f.Hint, "before the FOC is set") {
			t.Fatalf("finding = %+v, want a blocking shortfall of 6 against 5 before the FOC", f)
		}
		if sf := shortfallOf(t, b, a.ID); sf == nil || sf.Need != 6 || sf.Have != 5 || sf.DueAt != nil {
			t.Fatalf("shortfall of the first order = %+v, want 6 against 5 without a due date", sf)
		}
		// Loaded numbers are in the inventory and on their order: counted
		// once. A number already in the inventory counts too.
		err := b.svc.Store.InTx(ctx, func(tx porting.Tx) error {
			for _, n := range append(a.HeldNumbers(), "+12125550199") {
				if err := tx.UpsertInstancePhoneNumber(ctx, &porting.InstancePhoneNumber{InstanceID: inst, PhoneNumber: n, Status: porting.InventoryPendingPort}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if sf := shortfallOf(t, b, o2.ID); sf == nil || sf.Need != 7 {
			t.Fatalf("shortfall = %+v, want a need of 7", sf)
		}
		q, err := b.svc.Instances.Quotas(ctx, b.premium, inst)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Quotas[0]; got.Quota != porting.QuotaPhoneNumbers || got.Value != 5 || got.InUse == nil || *got.InUse != 7 {
			t.Fatalf("phone_numbers quota = %+v, want 5 with 7 in use", got)
		}
		// A cancelled order no longer counts.
		walk(t, b, o2, b.premium, porting.ActionCancel, ActionInput{Reason: "changed plans"})
		if sf := shortfallOf(t, b, a.ID); sf != nil {
			t.Fatalf("shortfall after the cancel = %+v, want none (4 in use)", sf)
		}
	})
}

func TestQuotaRequestRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		inst := b.premiumInstance.ID
		_, o := quotaOrder(t, b, 30, 7)
		if findingOf(o, CodeQuotaShortfall) == nil {
			t.Fatal("7 numbers on a quota of 5 show no shortfall")
		}
		for _, c := range []struct {
			in    QuotaRequestParams
			field string
		}{
			{QuotaRequestParams{Quota: "lines", Value: 9, Reason: "r"}, "quota"},
			{QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 5, Reason: "r"}, "value"},
			{QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: porting.MaxQuotaPhoneNumbers + 1, Reason: "r"}, "value"},
			{QuotaRequestParams{Quota: porting.QuotaConcurrentCalls, Value: porting.MaxQuotaConcurrentCalls + 1, Reason: "r"}, "value"},
			{QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 20, Reason: " "}, "reason"},
			{QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 20, Reason: strings.Repeat("x", porting.MaxTextLength+1)}, "reason"},
			{QuotaRequestParams{Quota: porting.QuotaOutboundCountries, Countries: []string{"US", "XX"}, Reason: "r"}, "countries[1]"},
			{QuotaRequestParams{Quota: porting.QuotaOutboundCountries, Reason: "r"}, "countries"},
			{QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 20, Countries: []string{"US"}, Reason: "r"}, "countries"},
		} {
			_, err := b.svc.Instances.CreateQuotaRequest(ctx, b.premium, inst, c.in)
			wantCode(t, err, porting.EINVALID, c.field)
		}
		// Another account's customer learns nothing of the instance.
		_, err := b.svc.Instances.CreateQuotaRequest(ctx, b.basic, inst, QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 20, Reason: "r"})
		wantCode(t, err, porting.ENOTFOUND, "")
		_, err = b.svc.Instances.QuotaRequests(ctx, b.basic, inst, "", 50)
		wantCode(t, err, porting.ENOTFOUND, "")
		_, err = b.svc.Instances.Quotas(ctx, b.basic, inst)
		wantCode(t, err, porting.ENOTFOUND, "")

		r, err := b.svc.Instances.CreateQuotaRequest(ctx, b.premium, inst, QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 20, Reason: "a 7-number port"})
		if err != nil || r.Status != porting.QuotaRequestOpen || r.AccountID != b.premium.AccountID {
			t.Fatalf("create = %+v, %v", r, err)
		}
		_, err = b.svc.Instances.DecideQuotaRequest(ctx, b.basic, r.ID, true, "")
		wantCode(t, err, porting.ENOTFOUND, "")
		_, err = b.svc.Instances.DecideQuotaRequest(ctx, b.premium, r.ID, true, "")
		wantCode(t, err, porting.EFORBIDDEN, "")
		if q, _ := b.svc.Instances.Quotas(ctx, b.premium, inst); len(q.OpenRequests) != 1 || q.OpenRequests[0].ID != r.ID {
			t.Fatalf("open requests = %+v, want the one", q.OpenRequests)
		}

		got, err := b.svc.Instances.DecideQuotaRequest(ctx, spec, r.ID, true, "")
		if err != nil || got.Status != porting.QuotaRequestApproved || got.DecidedAt == nil || got.DecidedBy != spec.KeyID {
			t.Fatalf("approve = %+v, %v", got, err)
		}
		if in, _ := b.svc.Instances.GetInstance(ctx, b.premium, inst); in.Quotas.PhoneNumbers != 20 {
			t.Fatalf("phone_numbers quota = %d, want 20", in.Quotas.PhoneNumbers)
		}
		if o, _ = b.svc.Orders.GetPortOrder(ctx, b.premium, o.ID); findingOf(o, CodeQuotaShortfall) != nil {
			t.Fatalf("findings after approval = %+v, want no shortfall", o.Findings)
		}
		_, err = b.svc.Instances.DecideQuotaRequest(ctx, spec, r.ID, true, "")
		wantCode(t, err, porting.ECONFLICT, "")
		_, err = b.svc.Instances.DecideQuotaRequest(ctx, spec, r.ID, false, "changed my mind")
		wantCode(t, err, porting.ECONFLICT, "")

		// A denial needs a reason and changes no quota.
		r2, err := b.svc.Instances.CreateQuotaRequest(ctx, b.premium, inst, QuotaRequestParams{Quota: porting.QuotaConcurrentCalls, Value: 50, Reason: "more agents"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.svc.Instances.DecideQuotaRequest(ctx, spec, r2.ID, false, "")
		wantCode(t, err, porting.EINVALID, "reason")
		if got, err = b.svc.Instances.DecideQuotaRequest(ctx, spec, r2.ID, false, "50 agents need a contract change"); err != nil ||
			got.Status != porting.QuotaRequestDenied || got.DecisionReason != "50 agents need a contract change" {
			t.Fatalf("deny = %+v, %v", got, err)
		}
		if in, _ := b.svc.Instances.GetInstance(ctx, spec, inst); in.Quotas.ConcurrentCalls != porting.DefaultQuotaConcurrentCall {
			t.Fatalf("concurrent_calls = %d after a denial", in.Quotas.ConcurrentCalls)
		}

		// Outbound countries are added to the list.
		r3, err := b.svc.Instances.CreateQuotaRequest(ctx, spec, inst, QuotaRequestParams{Quota: porting.QuotaOutboundCountries, Countries: []string{"GB", "US", "GB"}, Reason: "callbacks"})
		if err != nil || !slices.Equal(r3.Countries, []string{"GB", "US"}) {
			t.Fatalf("create = %+v, %v", r3, err)
		}
		if _, err := b.svc.Instances.DecideQuotaRequest(ctx, spec, r3.ID, true, "ok"); err != nil {
			t.Fatal(err)
		}
		if in, _ := b.svc.Instances.GetInstance(ctx, spec, inst); !slices.Equal(in.Quotas.OutboundCountries, []string{"GB", "US"}) {
			t.Fatalf("outbound countries = %v", in.Quotas.OutboundCountries)
		}

		// The events reach the log (and so webhooks).
		evs, err := b.svc.Events.Events(ctx, b.premium, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range evs {
			count[e.Type]++
		}
		if count[porting.EventQuotaRequestCreated] != 3 || count[porting.EventQuotaRequestDecided] != 3 || count[porting.EventInstanceQuotasChanged] != 2 {
			t.Fatalf("event counts = %v", count)
		}

		// At most MaxOpenQuotaRequests open requests per instance.
		for i := range porting.MaxOpenQuotaRequests {
			if _, err := b.svc.Instances.CreateQuotaRequest(ctx, b.premium, inst, QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 21 + i, Reason: "r"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = b.svc.Instances.CreateQuotaRequest(ctx, b.premium, inst, QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 99, Reason: "r"})
		wantCode(t, err, porting.ECONFLICT, "")
		list, err := b.svc.Instances.QuotaRequests(ctx, b.premium, inst, porting.QuotaRequestDenied, 50)
		if err != nil || len(list) != 1 || list[0].ID != r2.ID {
			t.Fatalf("denied requests = %v, %v", list, err)
		}
	})
}

func TestQuotaDeadlineRaisesAttention(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, o := quotaOrder(t, b, 40, 6)
		o = walk(t, b, o, spec, porting.ActionApprove, ActionInput{})
		fillLOA(t, b, o)
		o = walk(t, b, o,
			b.premium, porting.ActionSubmitLOA, ActionInput{},
			spec, porting.ActionApproveLOA, ActionInput{Attestation: &AttestationInput{WetSignature: &yes, Legible: &yes}})
		foc := time.Date(2026, 12, 17, 15, 0, 0, 0, time.UTC) // a Thursday: the quota deadline comes before the load
		o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &foc})
		f := findingOf(o, CodeQuotaShortfall)
		if f == nil || !strings.Contains(f.Hint, "by 2026-12-12T15:00:00Z") {
			t.Fatalf("finding = %+v, want the due date FOC - 5 days", f)
		}
		// The quota deadline fires through the sweeper.
		if _, err := b.clock.Advance(foc.AddDate(0, 0, -5).Sub(b.clock.Now())); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Deadlines.SweepDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		o, err := b.svc.Orders.GetPortOrder(ctx, spec, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(o.Attention, func(a porting.Attention) bool { return a.DeadlineKind == porting.DeadlineQuotaRequestsDue })
		if i < 0 || !strings.Contains(o.Attention[i].Message, "phone_numbers quota of 5 and needs 6") {
			t.Fatalf("attention = %+v, want the quota deadline's flag", o.Attention)
		}
		threadHas(t, b, req.ID, "Your instance may hold 5 phone numbers but will need 6")
		if n := len(eventsOf(t, b, o.ID, porting.EventAttentionRaised)); n != 1 {
			t.Fatalf("%d attention_raised events, want 1", n)
		}

		// An approved request (an hour later) retries the deadline, which
		// clears the flag.
		if _, err := b.clock.Advance(time.Hour); err != nil {
			t.Fatal(err)
		}
		r, err := b.svc.Instances.CreateQuotaRequest(ctx, b.premium, o.InstanceID, QuotaRequestParams{Quota: porting.QuotaPhoneNumbers, Value: 10, Reason: "the port"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Instances.DecideQuotaRequest(ctx, spec, r.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Deadlines.SweepDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		if o, err = b.svc.Orders.GetPortOrder(ctx, spec, o.ID); err != nil || len(o.Attention) != 0 || findingOf(o, CodeQuotaShortfall) != nil {
			t.Fatalf("after approval: attention %+v, findings %+v, err %v", o.Attention, o.Findings, err)
		}
		evs := eventsOf(t, b, o.ID, porting.EventQuotaRequestsDue)
		if len(evs) != 1 || !strings.Contains(string(evs[0].After), `"quotas_in_place":true`) {
			t.Fatalf("quota_requests_due events = %d, want one with quotas in place", len(evs))
		}
	})
}
