package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// testFireDeadlineRace has a second transaction fire a deadline while a
// first one has fired it and not yet ended. The test makes sure the
// second is really waiting (on PostgreSQL for the first one's row lock, on
// SQLite for the one write connection) before the first ends. When the
// first commits, the second gets false; when it rolls back, the second
// fires the deadline.
func testFireDeadlineRace(t *testing.T, e storetest.Engine) {
	tests := []struct {
		name       string
		commit     bool
		wantSecond bool
	}{
		{"first commits", true, false},
		{"first rolls back", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := e.Open(t)
			o := storetest.MustCreatePortOrder(t, db, nil)
			d := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)}})[0]
			firstAt, secondAt := hours(2), hours(3)

			fired := make(chan int) // the first transaction's backend PID (0 on SQLite)
			release := make(chan struct{})
			releaseOnce := sync.OnceFunc(func() { close(release) })
			defer releaseOnce() // unblocks the first transaction if the test fails early
			rollBack := errors.New("roll back")
			var firstOK, secondOK bool
			var firstErr, secondErr error
			var wg sync.WaitGroup
			firstDone := make(chan struct{})
			wg.Go(func() {
				defer close(firstDone)
				firstErr = inTx(db, func(ctx context.Context, tx porting.Tx) error {
					pid := 0
					if e.Name == store.EnginePostgres {
						if err := store.SQLTx(tx).QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
							return err
						}
					}
					var err error
					if firstOK, err = tx.FireDeadline(ctx, d.ID, firstAt); err != nil {
						return err
					}
					fired <- pid
					<-release
					if !tc.commit {
						return rollBack
					}
					return nil
				})
			})
			var pid int
			select {
			case pid = <-fired:
			case <-firstDone:
				t.Fatalf("first transaction: fired %v, error %v", firstOK, firstErr)
			}
			waitsBefore := db.SQL().Stats().WaitCount
			wg.Go(func() {
				secondErr = inTx(db, func(ctx context.Context, tx porting.Tx) (err error) {
					secondOK, err = tx.FireDeadline(ctx, d.ID, secondAt)
					return err
				})
			})
			waitForBlockedWriter(t, db, pid, waitsBefore)
			releaseOnce()
			wg.Wait()

			if !firstOK || (tc.commit && firstErr != nil) || (!tc.commit && !errors.Is(firstErr, rollBack)) {
				t.Errorf("first: fired %v, error %v", firstOK, firstErr)
			}
			if secondOK != tc.wantSecond || secondErr != nil {
				t.Errorf("second: fired %v, error %v; want %v, nil", secondOK, secondErr, tc.wantSecond)
			}
			wantAt := firstAt
			if tc.wantSecond {
				wantAt = secondAt
			}
			if got := findDeadlines(t, db, o.ID)[0]; got.State != porting.DeadlineFired || got.FiredAt == nil || *got.FiredAt != wantAt {
				t.Errorf("deadline after the race = %+v, want fired at %v", got, wantAt)
			}
		})
	}
}

// waitForBlockedWriter returns once a transaction waits behind the one
// holding the write: on PostgreSQL once a backend is blocked by pid, on
// SQLite once the write pool has made one more caller wait for its
// connection or, with group commit, once a write waits in the committer's
// queue behind the group in flight. There is no notification to wait on, so it polls.
func waitForBlockedWriter(t *testing.T, db *store.DB, pid int, waitsBefore int64) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if db.Engine() == store.EnginePostgres {
			var n int
			err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE $1::int = ANY (pg_blocking_pids(pid))`, pid).Scan(&n)
			if err != nil {
				t.Fatalf("look for blocked backends: %v", err)
			}
			if n > 0 {
				return
			}
		} else if db.SQL().Stats().WaitCount > waitsBefore || store.QueuedWrites(db) > 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the second transaction never waited for the first")
}

// testSweepRace runs sweepers side by side over the same due deadlines,
// each reading a page of due deadlines and firing every one in its own
// transaction, as workflow's sweeper does: every deadline is fired once.
func testSweepRace(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	const orders, perOrder, sweepers = 6, 6, 8
	for range orders {
		o := storetest.MustCreatePortOrder(t, db, nil)
		var plan []porting.Deadline
		for i := range perOrder {
			plan = append(plan, porting.Deadline{Kind: porting.DeadlineKinds[i%len(porting.DeadlineKinds)], DueAt: hours(i)})
		}
		replaceDeadlines(t, db, o.ID, plan)
	}
	var mu sync.Mutex
	fired := map[int64]int{}
	var wg sync.WaitGroup
	for s := range sweepers {
		wg.Go(func() {
			for {
				var due []*porting.Deadline
				err := db.View(context.Background(), func(tx porting.Tx) (err error) {
					due, err = tx.FindDueDeadlines(context.Background(), hours(perOrder), 5)
					return err
				})
				if err != nil || len(due) == 0 {
					if err != nil {
						t.Errorf("sweeper %d: %v", s, err)
					}
					return
				}
				for _, d := range due {
					ok, err := fire(db, d.ID, hours(perOrder))
					if err != nil {
						t.Errorf("sweeper %d: fire %d: %v", s, d.ID, err)
						return
					}
					if ok {
						mu.Lock()
						fired[d.ID]++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	if len(fired) != orders*perOrder {
		t.Errorf("%d deadlines fired, want %d", len(fired), orders*perOrder)
	}
	for id, n := range fired {
		if n != 1 {
			t.Errorf("deadline %d fired %d times", id, n)
		}
	}
}

func fire(db porting.Store, id int64, now time.Time) (bool, error) {
	var ok bool
	err := inTx(db, func(ctx context.Context, tx porting.Tx) (err error) {
		ok, err = tx.FireDeadline(ctx, id, now)
		return err
	})
	return ok, err
}

// testChangeDeadlinesRace replaces one order's deadlines with the same
// plan from many transactions at once, each holding the order's row before
// it reads, as the workflow does. Each must see what the others inserted
// (on PostgreSQL they take turns on the order's row), so the plan's
// deadlines exist once.
func testChangeDeadlinesRace(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	const racers = 10
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			plan := []porting.Deadline{{Kind: kindReminder, DueAt: hours(1)}, {Kind: kindReminder, DueAt: hours(2)},
				{Kind: kindRespondBy, DueAt: hours(3)}}
			err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
				_, err := replaceIn(ctx, tx, o.ID, plan)
				return err
			})
			if err != nil {
				t.Errorf("racer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got := deadlineRows(findDeadlines(t, db, o.ID))
	if len(got) != 3 {
		t.Fatalf("deadlines after the race: %+v, want the plan's 3", got)
	}
	for _, r := range got {
		if r.State != porting.DeadlinePending {
			t.Errorf("deadline %+v, want pending", r)
		}
	}
}
