package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// errDied stands for a process that died after a batch's work and before
// its commit.
var errDied = errors.New("the process died before the commit")

// dyingStore runs each write transaction's work, then rolls it back, as a
// crash between the work and the commit leaves it.
type dyingStore struct{ porting.Store }

func (s dyingStore) InTx(ctx context.Context, fn func(porting.Tx) error) error {
	return s.Store.InTx(ctx, func(tx porting.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errDied
	})
}

// TestSweepBatchDiesMidway has a sweeper claim and apply a batch of due
// reminders and die before the commit: every deadline is still pending
// and no reminder went out. The next sweep fires each exactly once, over
// more deadlines than one batch holds.
func TestSweepBatchDiesMidway(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123", "+18005550199"))
		if err != nil {
			t.Fatal(err)
		}
		const perOrder = 80 // 160 in all: more than one batch
		for _, o := range orders {
			walk(t, b, o, spec, porting.ActionApprove, ActionInput{})
			var plan []porting.Deadline
			for j := range perOrder {
				plan = append(plan, porting.Deadline{Kind: porting.DeadlineRespondReminder, DueAt: b.clock.Now().Add(-time.Duration(j+1) * time.Minute)})
			}
			storetest.MustInTx(t, b.svc.Store, func(tx porting.Tx) error { _, err := tx.ChangeDeadlines(ctx, o.ID, plan, nil); return err })
		}
		due := func() int {
			var n int
			err := b.svc.Store.View(ctx, func(tx porting.Tx) error {
				d, err := tx.FindDueDeadlines(ctx, b.clock.Now(), 1000)
				n = len(d)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		reminders := func() map[string]int {
			evs, err := b.svc.Events.Events(ctx, admin, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, e := range evs {
				if e.Type == porting.EventRespondReminder {
					seen[string(e.After)]++
				}
			}
			return seen
		}
		want := perOrder * len(orders)
		if got := due(); got != want {
			t.Fatalf("%d deadlines due before the sweeps, want %d", got, want)
		}

		cfg := b.svc.Config
		cfg.Store = dyingStore{b.svc.Store}
		if n, err := New(cfg).Deadlines.SweepDeadlines(ctx); !errors.Is(err, errDied) {
			t.Fatalf("the dying sweep: %d fired, error %v; want %v", n, err, errDied)
		}
		if got, seen := due(), reminders(); got != want || len(seen) != 0 {
			t.Fatalf("after the sweep died: %d due (want all %d) and %d reminders sent (want none)", got, want, len(seen))
		}

		n, err := b.svc.Deadlines.SweepDeadlines(ctx)
		if err != nil || n != want {
			t.Fatalf("the sweep after: %d fired, error %v; want %d", n, err, want)
		}
		seen := reminders()
		if got := due(); got != 0 || len(seen) != want {
			t.Fatalf("after the sweep: %d still due, %d distinct reminders; want 0 and %d", got, len(seen), want)
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("reminder %s recorded %d times", k, c)
			}
		}
		err = b.svc.Store.View(ctx, func(tx porting.Tx) error {
			for _, o := range orders {
				got, err := tx.FindPortOrder(ctx, o.ID)
				if err != nil {
					return err
				}
				ds, err := tx.FindDeadlines(ctx, o.ID)
				if err != nil {
					return err
				}
				var next *time.Time
				for _, d := range ds {
					if d.State == porting.DeadlinePending && (next == nil || d.DueAt.Before(*next)) {
						next = &d.DueAt
					}
				}
				if (next == nil) != (got.NextDeadlineAt == nil) || (next != nil && !next.Equal(*got.NextDeadlineAt)) {
					t.Errorf("order %s: next_deadline_at %v, want its earliest pending deadline %v", o.ID, got.NextDeadlineAt, next)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
