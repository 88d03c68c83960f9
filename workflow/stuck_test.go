package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// failingStore makes FindInstancePhoneNumbers fail like a lost connection
// while fail is set, so a load deadline cannot do its work.
type failingStore struct {
	porting.Store
	fail *bool
}

type failingTx struct {
	porting.Tx
	fail *bool
}

func (s failingStore) InTx(ctx context.Context, fn func(porting.Tx) error) error {
	return s.Store.InTx(ctx, func(tx porting.Tx) error { return fn(failingTx{tx, s.fail}) })
}

func (t failingTx) FindInstancePhoneNumbers(ctx context.Context, id string) ([]*porting.InstancePhoneNumber, error) {
	if *t.fail {
		return nil, errors.New("connection reset by peer")
	}
	return t.Tx.FindInstancePhoneNumbers(ctx, id)
}

// TestStuckDeadlineIsFlagged: a deadline that keeps failing on an internal
// error stays pending and is retried on every sweep, and once it is an
// hour late it raises one attention flag; when the cause goes, the next
// sweep does the work and the flag clears.
func TestStuckDeadlineIsFlagged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
		if err != nil {
			t.Fatal(err)
		}
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		fillLOA(t, b, o)
		o = walk(t, b, o, b.premium, porting.ActionSubmitLOA, ActionInput{},
			spec, porting.ActionApproveLOA, ActionInput{Attestation: &AttestationInput{WetSignature: &yes, Legible: &yes}})
		windows, err := b.svc.Orders.FOCWindows(ctx, spec, o.ID, time.Time{}, 5)
		if err != nil || len(windows) < 5 {
			t.Fatalf("windows: %v, %v", windows, err)
		}
		o = walk(t, b, o, spec, porting.ActionRecordFOC, ActionInput{FOCAt: &windows[4].Start})
		fail := true
		cfg := b.svc.Config
		cfg.Store = failingStore{b.svc.Store, &fail}
		sweeper := New(cfg)
		var load *porting.Deadline
		ds, _ := b.svc.Deadlines.Deadlines(ctx, spec, o.ID, false)
		for _, d := range ds {
			if d.Kind == porting.DeadlineLoadNumbers && d.State == porting.DeadlinePending {
				load = &d.Deadline
			}
		}
		if load == nil {
			t.Fatalf("no pending load deadline: %+v", ds)
		}
		attention := func() []porting.Attention {
			got, err := b.svc.Orders.GetPortOrder(ctx, spec, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Attention
		}
		to := func(at time.Time) {
			if _, err := b.clock.Advance(at.Sub(b.clock.Now())); err != nil {
				t.Fatal(err)
			}
		}
		to(load.DueAt.Add(time.Minute))
		if _, err := sweeper.Deadlines.SweepDeadlines(ctx); err == nil {
			t.Fatal("a failing load swept without error")
		}
		if a := attention(); len(a) != 0 {
			t.Fatalf("flagged a minute after the due time: %+v", a)
		}
		to(load.DueAt.Add(2 * time.Hour))
		for range 2 {
			if _, err := sweeper.Deadlines.SweepDeadlines(ctx); err == nil {
				t.Fatal("a failing load swept without error")
			}
		}
		if a := attention(); len(a) != 1 || a[0].DeadlineKind != porting.DeadlineLoadNumbers {
			t.Fatalf("two hours late: attention %+v, want one load_numbers flag", a)
		}
		evs, _ := b.svc.Events.Timeline(ctx, spec, o.ID, 0, 1000)
		raised := 0
		for _, e := range evs {
			if e.Type == porting.EventAttentionRaised {
				raised++
			}
		}
		if raised != 1 {
			t.Fatalf("%d attention_raised events after two failing sweeps, want 1", raised)
		}
		fail = false
		if n, err := sweeper.Deadlines.SweepDeadlines(ctx); err != nil || n < 1 {
			t.Fatalf("sweep after the cause went: %d, %v", n, err)
		}
		got, _ := b.svc.Orders.GetPortOrder(ctx, spec, o.ID)
		if got.Status != porting.StateNumbersLoaded || len(got.Attention) != 0 {
			t.Fatalf("after recovery: %s, attention %+v", got.Status, got.Attention)
		}
	})
}
