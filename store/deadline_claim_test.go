package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// nextDeadline reads an order's next_deadline_at.
func nextDeadline(t *testing.T, db porting.Store, orderID string) *time.Time {
	t.Helper()
	var next *time.Time
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		o, err := tx.FindPortOrder(ctx, orderID)
		if err == nil {
			next = o.NextDeadlineAt
		}
		return err
	})
	return next
}

// testClaimDueDeadlines claims due deadlines of two orders in batches:
// oldest first, only due and pending ones, each order's next_deadline_at
// moved past the fired ones; UnclaimDeadline puts one back.
func testClaimDueDeadlines(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := storetest.MustCreatePortOrder(t, db, nil)
	b := storetest.MustCreatePortOrder(t, db, nil)
	da := replaceDeadlines(t, db, a.ID, []porting.Deadline{
		{Kind: kindRespondBy, DueAt: hours(3)}, {Kind: porting.DeadlineRespondReminder, DueAt: hours(1)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(9)}})
	db2 := replaceDeadlines(t, db, b.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(2)}})
	now := hours(5)

	var first, second, third []*porting.Deadline
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		if first, err = tx.ClaimDueDeadlines(ctx, now, 2); err != nil {
			return err
		}
		if second, err = tx.ClaimDueDeadlines(ctx, now, 2); err != nil {
			return err
		}
		third, err = tx.ClaimDueDeadlines(ctx, now, 2)
		return err
	})
	ids := func(ds []*porting.Deadline) (out []int64) {
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	// da is by due time: reminder (1h), respond_by (3h), LOA expiry (9h).
	if got, want := ids(first), []int64{da[0].ID, db2[0].ID}; !equalIDs(got, want) {
		t.Errorf("first claim %v, want %v (oldest first)", got, want)
	}
	if got, want := ids(second), []int64{da[1].ID}; !equalIDs(got, want) {
		t.Errorf("second claim %v, want %v", got, want)
	}
	if len(third) != 0 {
		t.Errorf("third claim %v, want none left due", ids(third))
	}
	for _, d := range append(first, second...) {
		if d.State != porting.DeadlineFired || d.FiredAt == nil || !d.FiredAt.Equal(now) {
			t.Errorf("claimed %+v, want fired at %v", d, now)
		}
	}
	if got := nextDeadline(t, db, a.ID); got == nil || !got.Equal(hours(9)) {
		t.Errorf("order a next_deadline_at %v, want %v", got, hours(9))
	}
	if got := nextDeadline(t, db, b.ID); got != nil {
		t.Errorf("order b next_deadline_at %v, want none pending", got)
	}

	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UnclaimDeadline(ctx, da[1].ID) })
	if got := nextDeadline(t, db, a.ID); got == nil || !got.Equal(hours(3)) {
		t.Errorf("after unclaiming, order a next_deadline_at %v, want %v", got, hours(3))
	}
	if got := findDeadlines(t, db, a.ID)[1]; got.State != porting.DeadlinePending || got.FiredAt != nil {
		t.Errorf("unclaimed deadline %+v, want pending", got)
	}
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UnclaimDeadline(ctx, da[2].ID) })
	wantCode(t, err, porting.ENOTFOUND)
}

// testSavepoint undoes a failed step (a failed statement included, which
// on PostgreSQL would abort the whole transaction) and a panicking one,
// and keeps what succeeded.
func testSavepoint(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	ds := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(2)}})
	refused := errors.New("refused")
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		err := tx.Savepoint(ctx, func() error {
			if _, err := tx.FireDeadline(ctx, ds[0].ID, hours(3)); err != nil {
				return err
			}
			_, err := store.SQLTx(tx).ExecContext(ctx, `SELECT no_such_column FROM deadlines`)
			return errors.Join(refused, err)
		})
		if !errors.Is(err, refused) {
			t.Errorf("Savepoint returned %v, want fn's error", err)
		}
		func() {
			defer func() { _ = recover() }()
			_ = tx.Savepoint(ctx, func() error {
				if _, err := tx.FireDeadline(ctx, ds[0].ID, hours(3)); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		return tx.Savepoint(ctx, func() error {
			_, err := tx.FireDeadline(ctx, ds[1].ID, hours(3))
			return err
		})
	})
	got := findDeadlines(t, db, o.ID)
	if got[0].State != porting.DeadlinePending || got[1].State != porting.DeadlineFired {
		t.Errorf("states %s, %s; want pending (undone twice), fired", got[0].State, got[1].State)
	}
}

// testClaimSkipsLocked has a second transaction claim while a first holds
// its claim of one order's deadlines uncommitted: on PostgreSQL it gets the
// other order's due deadlines at once instead of waiting; on SQLite it
// waits for the one writer, then finds the rest.
func testClaimSkipsLocked(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := storetest.MustCreatePortOrder(t, db, nil)
	b := storetest.MustCreatePortOrder(t, db, nil)
	da := replaceDeadlines(t, db, a.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(2)}})
	dbb := replaceDeadlines(t, db, b.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(3)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(4)}})
	claimed, release := make(chan []*porting.Deadline, 1), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- inTx(db, func(ctx context.Context, tx porting.Tx) error {
			got, err := tx.ClaimDueDeadlines(ctx, hours(9), 2)
			if err != nil {
				return err
			}
			claimed <- got
			<-release
			return nil
		})
	}()
	var first []*porting.Deadline
	select {
	case first = <-claimed:
	case err := <-firstDone:
		t.Fatalf("first claim: %v", err)
	}
	var second []*porting.Deadline
	if e.Name == store.EnginePostgres {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := db.InTx(ctx, func(tx porting.Tx) (err error) {
			second, err = tx.ClaimDueDeadlines(ctx, hours(9), 10)
			return err
		})
		if err != nil {
			t.Fatalf("second claim beside the first: %v", err)
		}
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if e.Name != store.EnginePostgres {
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
			second, err = tx.ClaimDueDeadlines(ctx, hours(9), 10)
			return err
		})
	}
	if !equalIDs(idsOf(first), []int64{da[0].ID, da[1].ID}) || !equalIDs(idsOf(second), []int64{dbb[0].ID, dbb[1].ID}) {
		t.Errorf("claims %v and %v, want order a's two and order b's two", idsOf(first), idsOf(second))
	}
}

func idsOf(ds []*porting.Deadline) (out []int64) {
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
