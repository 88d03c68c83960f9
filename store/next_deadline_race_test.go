package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestNextDeadlineRaceFireVsChange: ChangeDeadlines (holding the order's
// row) adds an earlier deadline while FireDeadline of another deadline of
// the same order waits for that row. After both commit the order's
// next_deadline_at must be the earliest pending deadline.
func TestNextDeadlineRaceFireVsChange(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != store.EnginePostgres {
			continue
		}
		t.Run(string(e.Name), func(t *testing.T) {
			db := e.Open(t)
			o := storetest.MustCreatePortOrder(t, db, nil)
			ds := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(50)}})
			var a *porting.Deadline
			for _, d := range ds {
				if d.Kind == kindRespondBy {
					a = d
				}
			}
			locked := make(chan int)
			release := make(chan struct{})
			var wg sync.WaitGroup
			var changeErr, fireErr error
			wg.Go(func() {
				changeErr = inTx(db, func(ctx context.Context, tx porting.Tx) error {
					var pid int
					if err := store.SQLTx(tx).QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
						return err
					}
					if _, err := tx.ChangeDeadlines(ctx, o.ID, []porting.Deadline{{Kind: porting.DeadlineRespondReminder, DueAt: hours(2)}}, nil); err != nil {
						return err
					}
					locked <- pid
					<-release
					return nil
				})
			})
			pid := <-locked
			waitsBefore := db.SQL().Stats().WaitCount
			wg.Go(func() {
				fireErr = inTx(db, func(ctx context.Context, tx porting.Tx) error {
					_, err := tx.FireDeadline(ctx, a.ID, hours(1))
					return err
				})
			})
			waitForBlockedWriter(t, db, pid, waitsBefore)
			close(release)
			wg.Wait()
			if changeErr != nil || fireErr != nil {
				t.Fatalf("change: %v, fire: %v", changeErr, fireErr)
			}
			var got *porting.PortOrder
			view(t, db, func(ctx context.Context, tx porting.Tx) error {
				var err error
				got, err = tx.FindPortOrder(ctx, o.ID)
				return err
			})
			want := hours(2)
			if got.NextDeadlineAt == nil || !got.NextDeadlineAt.Equal(want) {
				t.Errorf("next_deadline_at = %v, want %v (the pending deadline the other transaction added)", got.NextDeadlineAt, want)
			}
		})
	}
}

// TestNextDeadlineRaceTwoFires: two sweepers fire two deadlines of the same
// order at once; afterwards next_deadline_at must not name a fired one.
func TestNextDeadlineRaceTwoFires(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != store.EnginePostgres {
			continue
		}
		t.Run(string(e.Name), func(t *testing.T) {
			db := e.Open(t)
			o := storetest.MustCreatePortOrder(t, db, nil)
			ds := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)},
				{Kind: kindReminder, DueAt: hours(2)}, {Kind: porting.DeadlineLOAExpiry, DueAt: hours(50)}})
			byKind := map[porting.DeadlineKind]*porting.Deadline{}
			for _, d := range ds {
				byKind[d.Kind] = d
			}
			fired := make(chan int)
			release := make(chan struct{})
			var wg sync.WaitGroup
			var err1, err2 error
			wg.Go(func() {
				err1 = inTx(db, func(ctx context.Context, tx porting.Tx) error {
					var pid int
					if err := store.SQLTx(tx).QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
						return err
					}
					if _, err := tx.FireDeadline(ctx, byKind[kindRespondBy].ID, hours(3)); err != nil {
						return err
					}
					fired <- pid
					<-release
					return nil
				})
			})
			pid := <-fired
			waitsBefore := db.SQL().Stats().WaitCount
			wg.Go(func() {
				err2 = inTx(db, func(ctx context.Context, tx porting.Tx) error {
					_, err := tx.FireDeadline(ctx, byKind[kindReminder].ID, hours(3))
					return err
				})
			})
			waitForBlockedWriter(t, db, pid, waitsBefore)
			close(release)
			wg.Wait()
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			var got *porting.PortOrder
			view(t, db, func(ctx context.Context, tx porting.Tx) error {
				var err error
				got, err = tx.FindPortOrder(ctx, o.ID)
				return err
			})
			if want := hours(50); got.NextDeadlineAt == nil || !got.NextDeadlineAt.Equal(want) {
				t.Errorf("next_deadline_at = %v, want %v (both earlier deadlines fired)", got.NextDeadlineAt, want)
			}
		})
	}
}
