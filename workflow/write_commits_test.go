package workflow

import (
	"context"
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

// TestOneCommitPerWrite is issue 14's "a message post or an action costs
// one durable commit": a customer's message that moves an order's
// respond-by date, and an action, each run exactly one write transaction,
// which carries the change, its events and the Idempotency-Key's record,
// and enqueues no job per event: the events wait after the notification
// cursor. Draining them takes one write transaction per batch, whether
// nobody subscribes (it moves the cursor only) or an endpoint does.
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
				newEvents := rowCount(t, db, `SELECT max(id) FROM events`) - lastEvent
				if newEvents < 1 {
					t.Errorf("%s recorded no event", name)
				}
				if got := rowCount(t, db, fmt.Sprintf(`SELECT count(*) FROM river_job WHERE kind = 'notify_event' AND id > %d`, lastJob)); got != 0 {
					t.Errorf("%s enqueued %d notify_event jobs, want none", name, got)
				}
				if got := rowCount(t, db, fmt.Sprintf(`SELECT count(*) FROM events WHERE id > %d AND id > (SELECT last_event_id FROM notify_cursor)`, lastEvent)); got != newEvents {
					t.Errorf("%s: %d of its %d events wait for the drainer, want all", name, got, newEvents)
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

			// Fan-out: nothing subscribed, one write to move the cursor.
			drain := func(what string, wantEvents int) {
				t.Helper()
				before := cs.writes.Load()
				res, err := svc.Notifications.Drain(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got := cs.writes.Load() - before; got != 1 || res.Events != wantEvents {
					t.Errorf("draining %s took %d write transactions for %d events, want 1 for %d", what, got, res.Events, wantEvents)
				}
			}
			drain("events nobody wants", rowCount(t, db, `SELECT count(*) FROM events`))
			if got := rowCount(t, db, `SELECT count(*) FROM webhook_deliveries`); got != 0 {
				t.Errorf("%d deliveries without an endpoint, want 0", got)
			}
			storetest.MustInTx(t, db, func(tx porting.Tx) error {
				return tx.CreateWebhookEndpoint(ctx, &porting.WebhookEndpoint{ID: "whe_1", AccountID: b.premium.AccountID,
					URL: "https://hooks.example.com/portdesk", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: clock.Now()})
			})
			for i := range 3 {
				if _, err := svc.Requests.AddMessage(ctx, b.premium, req.ID, fmt.Sprintf("m%d", i)); err != nil {
					t.Fatal(err)
				}
			}
			newEvents := rowCount(t, db, `SELECT count(*) FROM events WHERE id > (SELECT last_event_id FROM notify_cursor)`)
			drain("three messages' events to one endpoint", newEvents)
			if got := rowCount(t, db, `SELECT count(*) FROM webhook_deliveries`); got != newEvents {
				t.Errorf("%d deliveries after draining %d events to one endpoint, want %d", got, newEvents, newEvents)
			}
		})
	}
}
