package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// countingStore counts the write transactions asked of the store under it.
type countingStore struct {
	*store.DB
	writes atomic.Int64
}

func (s *countingStore) InTx(ctx context.Context, fn func(porting.Tx) error) error {
	s.writes.Add(1)
	return s.DB.InTx(ctx, fn)
}

// rowCount counts rows of db past the store.
func rowCount(t *testing.T, db *store.DB, query string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// notifiedEvents returns the events the notify_event jobs after job
// afterJob fan out, counting each event's mentions (SQLite's group commit
// merges a group's jobs into one).
func notifiedEvents(t *testing.T, db *store.DB, afterJob int) map[int64]bool {
	t.Helper()
	query := `SELECT args FROM river_job WHERE kind = 'notify_event' AND id > $1`
	if db.Engine() == store.EngineSQLite {
		query = `SELECT json(args) FROM river_job WHERE kind = 'notify_event' AND id > $1` // River keeps SQLite JSONB
	}
	rows, err := db.SQL().Query(query, afterJob)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var args []byte
		var job porting.NotifyEventJob
		if err := rows.Scan(&args); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(args, &job); err != nil {
			t.Fatal(err)
		}
		for _, id := range job.Events() {
			if out[id] {
				t.Errorf("event %d notified twice", id)
			}
			out[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOneCommitPerWrite is issue 14's "a message post or an action costs
// one durable commit": a customer's message that moves an order's
// respond-by date, and an action, each run exactly one write transaction,
// which carries the change, its events, the notify_event jobs of every
// event and the Idempotency-Key's record. Fanning out an event nobody subscribes to
// writes nothing; one with a subscriber takes one transaction, and so does
// a batch of them.
func TestOneCommitPerWrite(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))
			db := e.OpenClock(t, clock)
			cs := &countingStore{DB: db}
			svc := New(Config{Store: cs, Clock: clock, Checker: &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}})
			b := setup(t, svc, clock)
			ctx := context.Background()
			req, orders, err := svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
			if err != nil {
				t.Fatal(err)
			}
			o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{}) // now waiting on the customer

			write := func(name string, key string, fn func(ctx context.Context) error) {
				t.Helper()
				sc := &porting.IdempotencyScope{Scope: "k-" + name, Key: key, Fingerprint: "f", CreatedAt: clock.Now()}
				lastEvent := rowCount(t, db, `SELECT coalesce(max(id), 0) FROM events`)
				lastJob := rowCount(t, db, `SELECT coalesce(max(id), 0) FROM river_job`)
				before := cs.writes.Load()
				if err := fn(porting.WithIdempotencyScope(ctx, sc)); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got := cs.writes.Load() - before; got != 1 {
					t.Errorf("%s took %d write transactions, want 1", name, got)
				}
				newEvents := map[int64]bool{}
				for id := int64(lastEvent) + 1; id <= int64(rowCount(t, db, `SELECT max(id) FROM events`)); id++ {
					newEvents[id] = true
				}
				notified := notifiedEvents(t, db, lastJob)
				if len(newEvents) < 1 || fmt.Sprint(notified) != fmt.Sprint(newEvents) {
					t.Errorf("%s recorded events %v and notify_event jobs for %v, want every event notified once", name, newEvents, notified)
				}
				if !sc.Stored() {
					t.Errorf("%s: the Idempotency-Key's record did not commit with the work", name)
				}
			}
			updates := `SELECT count(*) FROM events WHERE type = '` + porting.EventOrderUpdated + `'`
			updatesBefore := rowCount(t, db, updates)
			write("message", "m1", func(ctx context.Context) error {
				_, err := svc.Requests.AddMessage(ctx, b.premium, req.ID, "here is the bill")
				return err
			})
			if rowCount(t, db, updates) == updatesBefore {
				t.Error("the customer's message did not move the order's respond-by date (no order update to count)")
			}
			write("action", "a1", func(ctx context.Context) error {
				_, err := svc.Orders.Act(ctx, b.premium, o.ID, porting.ActionCancel, ActionInput{Reason: "changed our mind"})
				return err
			})

			// Fan-out: nothing subscribed, nothing written.
			var last int64
			if err := db.SQL().QueryRow(`SELECT max(id) FROM events`).Scan(&last); err != nil {
				t.Fatal(err)
			}
			before := cs.writes.Load()
			if err := svc.Notifications.NotifyEvent(ctx, last); err != nil {
				t.Fatal(err)
			}
			if got := cs.writes.Load() - before; got != 0 {
				t.Errorf("fanning out an event nobody wants took %d write transactions, want 0", got)
			}
			storetest.MustInTx(t, db, func(tx porting.Tx) error {
				return tx.CreateWebhookEndpoint(ctx, &porting.WebhookEndpoint{ID: "whe_1", AccountID: b.premium.AccountID,
					URL: "https://hooks.example.com/portdesk", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: clock.Now()})
			})
			before = cs.writes.Load()
			if err := svc.Notifications.NotifyEvent(ctx, last); err != nil {
				t.Fatal(err)
			}
			if got := cs.writes.Load() - before; got != 1 {
				t.Errorf("fanning out to one endpoint took %d write transactions, want 1", got)
			}
			if got := rowCount(t, db, `SELECT count(*) FROM webhook_deliveries`); got != 1 {
				t.Errorf("%d deliveries after fanning out to one endpoint, want 1", got)
			}
			// A batch (the notifications of a group commit) takes one
			// transaction for all its events.
			before = cs.writes.Load()
			if err := svc.Notifications.NotifyEvents(ctx, []int64{last - 1, last - 2}); err != nil {
				t.Fatal(err)
			}
			if got := cs.writes.Load() - before; got != 1 {
				t.Errorf("fanning out two events took %d write transactions, want 1", got)
			}
			if got := rowCount(t, db, `SELECT count(*) FROM webhook_deliveries`); got != 3 {
				t.Errorf("%d deliveries after fanning out three events to one endpoint, want 3", got)
			}
		})
	}
}
