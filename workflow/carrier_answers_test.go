package workflow

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// queued counts the jobs of kind queued for an order.
func queued(t *testing.T, b *testBundle, kind, orderID string) int {
	t.Helper()
	db, ok := b.svc.Store.(interface{ SQL() *sql.DB })
	if !ok {
		t.Fatal("the store does not expose its database")
	}
	var n int
	err := db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1 AND CAST(args AS TEXT) LIKE $2`,
		kind, "%"+orderID+"%").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// hookGateway runs during once, inside its first Submit.
type hookGateway struct {
	fakeGateway
	during func()
	keys   []string
}

func (g *hookGateway) Submit(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	g.keys = append(g.keys, s.IdempotencyKey)
	if f := g.during; f != nil {
		g.during = nil
		f()
	}
	return g.fakeGateway.Submit(ctx, s)
}

func (g *hookGateway) Supplement(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return g.Submit(ctx, s)
}

// submittedAt walks an order to submitted and has the gateway take it.
func submittedAt(t *testing.T, b *testBundle, gw porting.CarrierGateway) (*porting.Carrier, *porting.PortOrder, string) {
	t.Helper()
	entry := routeTo(t, b, gw)
	_, o := submittedOrder(t, b)
	if err := b.svc.Carriers.SubmitToCarrier(context.Background(), CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 5, SendID: "snd_1"}); err != nil {
		t.Fatal(err)
	}
	return entry, b.order(t, o.ID), "ref-" + o.ID
}

// A cancel that crosses the submission (the cancel job finds no reference
// yet) is sent once the reference is known.
func TestCancelDuringSubmissionReachesTheCarrier(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &hookGateway{}
		routeTo(t, b, gw)
		_, o := submittedOrder(t, b)
		gw.during = func() {
			walk(t, b, b.order(t, o.ID), spec, porting.ActionCancel, ActionInput{Reason: "changed our mind"})
			if err := b.svc.Carriers.CancelAtCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 3}); err != nil {
				t.Fatal(err)
			}
		}
		before := queued(t, b, porting.CancelAtCarrierJob{}.Kind(), o.ID)
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		// One cancel job from the cancel itself (it found no reference),
		// one when the reference came.
		if got := queued(t, b, porting.CancelAtCarrierJob{}.Kind(), o.ID); got != before+2 {
			t.Fatalf("cancel jobs queued %d → %d, want 2: the carrier keeps a submission of a cancelled order", before, got)
		}
		if err := b.svc.Carriers.CancelAtCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 3}); err != nil || len(gw.cancelled) != 1 {
			t.Fatalf("the queued cancel: %v, gateway cancelled %v", err, gw.cancelled)
		}
	})
}

// Each send has its own idempotency key; the retries of one share it.
func TestEachSendHasItsOwnKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &hookGateway{}
		entry, o, ref := submittedAt(t, b, gw)
		foc := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
		if _, err := b.svc.Carriers.ApplyAnswer(ctx, entry.ID, porting.CarrierAnswer{ID: "a1", Kind: porting.AnswerFOC, Reference: ref, Sequence: 1, FOCAt: &foc}); err != nil {
			t.Fatal(err)
		}
		later := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		walk(t, b, b.order(t, o.ID), spec, porting.ActionReschedule, ActionInput{FOCAt: &later, OverrideReason: "moved"})
		gw.err = porting.Errorf(porting.EUNAVAILABLE, "timeout")
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 5, SendID: "snd_2"}); err == nil {
			t.Fatal("a timeout did not ask for a retry")
		}
		gw.err = nil
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 2, MaxAttempts: 5, SendID: "snd_2"}); err != nil {
			t.Fatal(err)
		}
		want := []string{o.ID + "-snd_1", o.ID + "-snd_2", o.ID + "-snd_2"}
		if strings.Join(gw.keys, " ") != strings.Join(want, " ") {
			t.Fatalf("keys sent %v, want %v: a retry repeats its send's key, a new send has its own", gw.keys, want)
		}
	})
}

// An activation that comes before the port window opened (a provider
// activating by itself) takes the order to ported, through the steps the
// desk would have taken.
func TestEarlyActivationPorts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		entry, o, ref := submittedAt(t, b, &hookGateway{})
		foc := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
		if _, err := b.svc.Carriers.ApplyAnswer(ctx, entry.ID, porting.CarrierAnswer{ID: "a1", Kind: porting.AnswerFOC, Reference: ref, Sequence: 1, FOCAt: &foc}); err != nil {
			t.Fatal(err)
		}
		res, err := b.svc.Carriers.ApplyAnswer(ctx, entry.ID, porting.CarrierAnswer{ID: "a2", Kind: porting.AnswerActivated, Reference: ref, Sequence: 2})
		if err != nil || res.Outcome != porting.OutcomeApplied || res.Status != porting.StatePorted {
			t.Fatalf("early activation: %+v %v", res, err)
		}
		if got := b.order(t, o.ID); got.PhoneNumbers[0].Status != porting.NumberPorted {
			t.Fatalf("numbers after the activation: %+v", got.PhoneNumbers)
		}
	})
}

// Several answers of one stage (a rejection per number) are all taken;
// only a lower sequence is stale.
func TestSameStageAnswersAreAllTaken(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		entry, o, ref := submittedAt(t, b, &hookGateway{})
		for _, code := range []string{"ENTITY_NAME_MISMATCH", "ACCOUNT_NUMBER_MISMATCH"} {
			res, err := b.svc.Carriers.ApplyAnswer(ctx, entry.ID, porting.CarrierAnswer{ID: ref + ":rejected:" + code, Kind: porting.AnswerRejected,
				Reference: ref, Sequence: 6, Rejections: []porting.CarrierRejection{{Code: code}}})
			if err != nil || res.Outcome != porting.OutcomeApplied {
				t.Fatalf("rejection %s: %+v %v", code, res, err)
			}
		}
		got := b.order(t, o.ID)
		if got.Status != porting.StateException || len(got.Exception.Rejections) != 2 || got.Exception.Rejections[1].Field != "loa.account_number" {
			t.Fatalf("exception: %+v", got.Exception)
		}
		res, err := b.svc.Carriers.ApplyAnswer(ctx, entry.ID, porting.CarrierAnswer{ID: "old", Kind: porting.AnswerAccepted, Reference: ref, Sequence: 5})
		if err != nil || res.Outcome != porting.OutcomeStale {
			t.Fatalf("a lower sequence: %+v %v, want stale", res, err)
		}
	})
}

// A call that failed for good is sent again by staff, or by itself once
// the carrier's entry is fixed.
func TestFailedCallsAreRetried(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &hookGateway{}
		gw.err = porting.Errorf(porting.EINVALID, "401 from the carrier: bad signature")
		entry := routeTo(t, b, gw)
		_, o := submittedOrder(t, b)
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 5}); err != nil {
			t.Fatalf("a refused submission: %v, want it flagged, not retried", err)
		}
		got := b.order(t, o.ID)
		if len(got.Attention) != 1 || got.Attention[0].Code != AttentionCarrierCall {
			t.Fatalf("attention: %+v", got.Attention)
		}
		kind := porting.SubmitToCarrierJob{}.Kind()
		n := queued(t, b, kind, o.ID)
		if _, err := b.svc.Carriers.RetryCall(ctx, b.premium, o.ID); porting.ErrorCode(err) != porting.EFORBIDDEN {
			t.Fatalf("a customer retrying: %v", err)
		}
		if _, err := b.svc.Carriers.RetryCall(ctx, spec, o.ID); err != nil || queued(t, b, kind, o.ID) != n+1 {
			t.Fatalf("staff retry: %v, jobs %d → %d", err, n, queued(t, b, kind, o.ID))
		}
		secret := "whsec_" + strings.Repeat("QUJD", 8)
		if _, err := b.svc.Carriers.UpdateCarrier(ctx, porting.Principal{Role: porting.RoleAdmin}, entry.ID,
			CarrierPatch{Secrets: map[string]string{porting.SecretSigning: secret}}); err != nil {
			t.Fatal(err)
		}
		if got := queued(t, b, kind, o.ID); got != n+2 {
			t.Fatalf("after the entry was fixed, submit jobs %d, want %d", got, n+2)
		}
		gw.err = nil
		if err := b.svc.Carriers.SubmitToCarrier(ctx, CarrierCall{OrderID: o.ID, Attempt: 1, MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		if got := b.order(t, o.ID); len(got.Attention) != 0 || got.Carrier == nil || got.Carrier.Reference == "" {
			t.Fatalf("after a successful retry: attention %+v, carrier %+v", got.Attention, got.Carrier)
		}
	})
}

// Answers polled or returned with a receipt pass the same checks as a
// callback's; one portdesk cannot take flags the order.
func TestUnreadablePolledAnswerFlagsTheOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		gw := &statusGateway{}
		entry, o, ref := submittedAt(t, b, gw)
		gw.answers = []porting.CarrierAnswer{{ID: "p1", Kind: porting.AnswerRejected, Reference: ref, Sequence: 3,
			Rejections: []porting.CarrierRejection{{Code: "NOT_A_CODE"}}}}
		if _, err := b.svc.Carriers.PollCarriers(ctx); err == nil {
			t.Fatal("a poll with an unreadable answer reported no error")
		}
		got := b.order(t, o.ID)
		if got.Status != porting.StateSubmitted || len(got.Attention) != 1 || got.Attention[0].Code != AttentionCarrierAnswer {
			t.Fatalf("after the poll: %s %+v", got.Status, got.Attention)
		}
		_ = entry
	})
}

// statusGateway answers polls with fixed answers.
type statusGateway struct {
	hookGateway
	answers []porting.CarrierAnswer
}

func (g *statusGateway) Status(context.Context, porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	return g.answers, nil
}
