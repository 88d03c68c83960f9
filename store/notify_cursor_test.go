package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// testNotifyCursor: a new database's cursor stands at 0; it moves forward,
// never back; the backlog counts the events after it.
func testNotifyCursor(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	var ids []int64
	for range 3 {
		ids = append(ids, storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventMessageCreated, Actor: porting.SystemPrincipal}).ID)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		c, err := tx.FindNotifyCursor(ctx)
		if err != nil || *c != (porting.NotifyCursor{}) {
			t.Errorf("new cursor = %+v, %v; want zero", c, err)
		}
		if n, err := tx.CountNotifyBacklog(ctx); err != nil || n != 3 {
			t.Errorf("backlog = %d, %v; want 3", n, err)
		}
		if _, _, err := tx.ClaimNotifyCursor(ctx); porting.ErrorCode(err) != porting.EINTERNAL {
			t.Errorf("claim in a read transaction: %v, want EINTERNAL", err)
		}
		return nil
	})
	storetest.MustInTx(t, db, func(tx porting.Tx) error {
		ctx := context.Background()
		if c, ok, err := tx.ClaimNotifyCursor(ctx); err != nil || !ok || c.LastEventID != 0 {
			t.Fatalf("claim = %+v, %v, %v", c, ok, err)
		}
		return tx.AdvanceNotifyCursor(ctx, ids[1])
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.AdvanceNotifyCursor(ctx, ids[0]) })
	if porting.ErrorCode(err) != porting.EINVALID {
		t.Errorf("moving the cursor back: %v, want EINVALID", err)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		c, err := tx.FindNotifyCursor(ctx)
		if err != nil || c.LastEventID != ids[1] {
			t.Errorf("cursor = %+v, %v; want at %d", c, err, ids[1])
		}
		if n, err := tx.CountNotifyBacklog(ctx); err != nil || n != 1 {
			t.Errorf("backlog = %d, %v; want 1", n, err)
		}
		return nil
	})
}

// testNotifyCursorClaim: on PostgreSQL a transaction that finds the cursor
// claimed by another skips (false, no error) instead of waiting; once the
// holder ends, it claims it. SQLite has one writer: no second claim exists.
func testNotifyCursorClaim(t *testing.T, e storetest.Engine) {
	if e.Name != store.EnginePostgres {
		t.Skip("SQLite writers take turns: a claim never meets another")
	}
	db := e.Open(t)
	held, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
			if _, ok, err := tx.ClaimNotifyCursor(ctx); err != nil || !ok {
				t.Errorf("first claim: %v, %v", ok, err)
			}
			close(held)
			<-release
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	})
	<-held
	done := make(chan struct{})
	go func() {
		defer close(done)
		storetest.MustInTx(t, db, func(tx porting.Tx) error {
			c, ok, err := tx.ClaimNotifyCursor(context.Background())
			if err != nil || ok || c != nil {
				t.Errorf("claim while another holds it = %+v, %v, %v; want skipped", c, ok, err)
			}
			return nil
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a claim waited for the holder instead of skipping")
	}
	close(release)
	wg.Wait()
	storetest.MustInTx(t, db, func(tx porting.Tx) error {
		if _, ok, err := tx.ClaimNotifyCursor(context.Background()); err != nil || !ok {
			t.Errorf("claim after the holder ended: %v, %v", ok, err)
		}
		return nil
	})
}

// testNotifyFailures: failures are saved, replaced, listed when due in
// retry order, counted (all, or one order's) and deleted.
func testNotifyFailures(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID})
	of := storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventOrderUpdated, AccountID: r.AccountID, PortOrderID: o.ID, Actor: porting.SystemPrincipal})
	other := storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventMessageCreated, Actor: porting.SystemPrincipal})
	t0 := storetest.Epoch
	storetest.MustInTx(t, db, func(tx porting.Tx) error {
		ctx := context.Background()
		for _, f := range []*porting.NotifyFailure{
			{EventID: of.ID, Attempts: 1, LastError: "first", FailedAt: t0, RetryAt: t0.Add(time.Minute)},
			{EventID: other.ID, Attempts: 1, LastError: "x", FailedAt: t0, RetryAt: t0.Add(30 * time.Second)},
			{EventID: of.ID, Attempts: 2, LastError: "second", FailedAt: t0.Add(time.Hour), RetryAt: t0.Add(2 * time.Minute)},
		} {
			if err := tx.SaveNotifyFailure(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		due, err := tx.FindDueNotifyFailures(ctx, t0.Add(time.Minute), 10)
		if err != nil || len(due) != 1 || due[0].EventID != other.ID {
			t.Errorf("due after a minute = %v, %v; want event %d only", due, err, other.ID)
		}
		due, err = tx.FindDueNotifyFailures(ctx, t0.Add(time.Hour), 10)
		if err != nil || len(due) != 2 || due[0].EventID != other.ID || due[1].EventID != of.ID {
			t.Fatalf("due after an hour = %v, %v", due, err)
		}
		want := porting.NotifyFailure{EventID: of.ID, Attempts: 2, LastError: "second", FailedAt: t0, RetryAt: t0.Add(2 * time.Minute)}
		if got := *due[1]; got != want {
			t.Errorf("replaced failure = %+v, want %+v (the first failure's time kept)", got, want)
		}
		if n, err := tx.CountNotifyFailures(ctx, ""); err != nil || n != 2 {
			t.Errorf("failures = %d, %v; want 2", n, err)
		}
		if n, err := tx.CountNotifyFailures(ctx, o.ID); err != nil || n != 1 {
			t.Errorf("the order's failures = %d, %v; want 1", n, err)
		}
		return nil
	})
	storetest.MustInTx(t, db, func(tx porting.Tx) error { return tx.DeleteNotifyFailure(context.Background(), of.ID) })
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		if n, err := tx.CountNotifyFailures(ctx, o.ID); err != nil || n != 0 {
			t.Errorf("the order's failures after delete = %d, %v; want 0", n, err)
		}
		return nil
	})
}

// testNotifyCursorUpgrade: migration 0018 on a database with events sets
// the cursor, and the legacy bound, at the last of them: those events
// belong to the notify_event jobs queued before the upgrade.
func testNotifyCursorUpgrade(t *testing.T, e storetest.Engine) {
	db := e.OpenAt(t, porting.NewFixedClock(storetest.Epoch), "0017_pending_deadlines_by_order")
	var last int64
	for range 2 {
		last = storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventMessageCreated, Actor: porting.SystemPrincipal}).ID
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		c, err := tx.FindNotifyCursor(ctx)
		if err != nil || *c != (porting.NotifyCursor{LastEventID: last, LegacyUntil: last}) {
			t.Errorf("cursor after the upgrade = %+v, %v; want both at %d", c, err, last)
		}
		return nil
	})
}
