package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// drainFaults makes a drain's transaction fail on demand: the endpoint
// lookups of one account (an event whose fan-out keeps failing), moving
// the cursor (a batch that rolls back after queuing its deliveries), or a
// panic while fanning out (a crash mid-batch).
type drainFaults struct {
	failAccount  atomic.Value // string: FindEventEndpoints of it fails
	failAdvance  atomic.Bool
	panicFanOut  atomic.Bool
	endpointHits atomic.Int64
}

type faultyStore struct {
	porting.Store
	f *drainFaults
}

type faultyTx struct {
	porting.Tx
	f *drainFaults
}

func (s faultyStore) InTx(ctx context.Context, fn func(porting.Tx) error) error {
	return s.Store.InTx(ctx, func(tx porting.Tx) error { return fn(faultyTx{tx, s.f}) })
}

func (s faultyStore) View(ctx context.Context, fn func(porting.Tx) error) error {
	return s.Store.View(ctx, func(tx porting.Tx) error { return fn(faultyTx{tx, s.f}) })
}

func (t faultyTx) FindEventEndpoints(ctx context.Context, accountID string) ([]*porting.WebhookEndpoint, error) {
	t.f.endpointHits.Add(1)
	if t.f.panicFanOut.Load() {
		panic("crash while fanning out")
	}
	if a, _ := t.f.failAccount.Load().(string); a != "" && a == accountID {
		return nil, errors.New("endpoint table unreadable")
	}
	return t.Tx.FindEventEndpoints(ctx, accountID)
}

func (t faultyTx) AdvanceNotifyCursor(ctx context.Context, id int64) error {
	if t.f.failAdvance.Load() {
		return errors.New("connection reset while moving the cursor")
	}
	return t.Tx.AdvanceNotifyCursor(ctx, id)
}

// drainCounts are what the database says about the fan-out, counted with
// SQL of the test's own, not with the code under test.
type drainCounts struct {
	events     int // events of the account whose endpoint wants everything
	deliveries int // webhook_deliveries rows
	jobs       int // deliver_webhook jobs
	dupJobs    int // deliver_webhook jobs beyond one per delivery
	backlog    int // events after the cursor
	cursor     int
}

func countDrain(t *testing.T, db *store.DB, accountID string) drainCounts {
	t.Helper()
	deliveryOf := `args->>'delivery_id'`
	if db.Engine() == store.EngineSQLite {
		deliveryOf = `json_extract(json(args), '$.delivery_id')` // River keeps SQLite JSONB
	}
	var c drainCounts
	for _, q := range []struct {
		n     *int
		query string
	}{
		{&c.events, fmt.Sprintf(`SELECT count(*) FROM events WHERE account_id = '%s'`, accountID)},
		{&c.deliveries, `SELECT count(*) FROM webhook_deliveries`},
		{&c.jobs, `SELECT count(*) FROM river_job WHERE kind = 'deliver_webhook'`},
		{&c.dupJobs, `SELECT count(*) - count(DISTINCT ` + deliveryOf + `) FROM river_job WHERE kind = 'deliver_webhook'`},
		{&c.backlog, `SELECT count(*) FROM events WHERE id > (SELECT last_event_id FROM notify_cursor)`},
		{&c.cursor, `SELECT last_event_id FROM notify_cursor`},
	} {
		*q.n = rowCount(t, db, q.query)
	}
	return c
}

// drainBundle is a bundle whose premium account has an endpoint that
// wants every event, and a service over a faulty store.
func drainBundle(t *testing.T, e storetest.Engine) (*testBundle, *store.DB, *Service, *drainFaults) {
	clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))
	db := e.OpenClock(t, clock)
	f := &drainFaults{}
	cfg := Config{Store: faultyStore{db, f}, Clock: clock, Checker: &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}}
	svc := New(cfg)
	b := setup(t, svc, clock)
	storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{AccountID: b.premium.AccountID, Enabled: true})
	return b, db, svc, f
}

// writeMessages posts n messages on a new premium request: events for the
// premium account.
func writeMessages(t *testing.T, b *testBundle, n int) *porting.PortOrder {
	t.Helper()
	ctx := context.Background()
	req, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := b.svc.Requests.AddMessage(ctx, b.premium, req.ID, fmt.Sprintf("message %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	return orders[0]
}

// TestDrainFansOutEachEventOnce: a drain queues one delivery, and one
// delivery job, per event of the subscribed account, moves the cursor to
// the last event, and a second drain finds nothing to do.
func TestDrainFansOutEachEventOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			b, db, svc, _ := drainBundle(t, e)
			writeMessages(t, b, 5)
			res, err := svc.Notifications.Drain(context.Background())
			if err != nil || res.Busy || len(res.Failed) != 0 {
				t.Fatalf("drain = %+v, %v", res, err)
			}
			c := countDrain(t, db, b.premium.AccountID)
			if c.deliveries != c.events || c.jobs != c.events || c.dupJobs != 0 || c.backlog != 0 {
				t.Errorf("after a drain %+v, want a delivery and a job per event and no backlog", c)
			}
			if last := rowCount(t, db, `SELECT max(id) FROM events`); c.cursor != last || res.Events != last {
				t.Errorf("cursor at %d after %d events, want at the last event %d", c.cursor, res.Events, last)
			}
			if res, err := svc.Notifications.Drain(context.Background()); err != nil || res.Events != 0 {
				t.Errorf("second drain = %+v, %v; want nothing to do", res, err)
			}
			if got := countDrain(t, db, b.premium.AccountID); got != c {
				t.Errorf("second drain changed %+v to %+v", c, got)
			}
		})
	}
}

// TestDrainRollsBackMidBatch: a drain whose transaction fails after it
// queued a batch's deliveries (an error moving the cursor), or crashes
// while fanning out (a panic), leaves nothing behind: no delivery, no
// job, the cursor where it was. The next drain does the batch once.
func TestDrainRollsBackMidBatch(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			b, db, svc, f := drainBundle(t, e)
			writeMessages(t, b, 4)
			before := countDrain(t, db, b.premium.AccountID)

			f.failAdvance.Store(true)
			if _, err := svc.Notifications.Drain(context.Background()); err == nil {
				t.Fatal("a drain whose cursor could not move succeeded")
			}
			if got := countDrain(t, db, b.premium.AccountID); got != before {
				t.Errorf("after a failed drain %+v, want %+v (rolled back)", got, before)
			}
			f.failAdvance.Store(false)

			f.panicFanOut.Store(true)
			func() {
				defer func() {
					if recover() == nil {
						t.Error("the crash did not reach the caller")
					}
				}()
				_, _ = svc.Notifications.Drain(context.Background())
			}()
			f.panicFanOut.Store(false)
			if got := countDrain(t, db, b.premium.AccountID); got != before {
				t.Errorf("after a crashed drain %+v, want %+v (rolled back)", got, before)
			}

			if _, err := svc.Notifications.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			c := countDrain(t, db, b.premium.AccountID)
			if c.deliveries != c.events || c.jobs != c.events || c.dupJobs != 0 || c.backlog != 0 {
				t.Errorf("after the retry %+v, want a delivery and a job per event", c)
			}
		})
	}
}

// TestDrainFailingEventIsFlagged: events whose fan-out keeps failing do
// not hold the log up: the cursor moves past them, other accounts' events
// go out, the failures are kept, and their order carries an attention
// flag, announced by an attention_raised event. Once the cause is gone,
// the retry after the schedule's first delay (not before) fans them out
// once each and the flag clears.
func TestDrainFailingEventIsFlagged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			b, db, svc, f := drainBundle(t, e)
			ctx := context.Background()
			storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{AccountID: b.basic.AccountID, Enabled: true})
			_, _ = svc.Notifications.Drain(ctx) // the fixtures' events
			base := countDrain(t, db, b.premium.AccountID)

			f.failAccount.Store(b.premium.AccountID)
			o := writeMessages(t, b, 3)
			const basicEvents = 4
			var basicIDs []string
			for range basicEvents {
				e := storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventMessageCreated, AccountID: b.basic.AccountID})
				basicIDs = append(basicIDs, fmt.Sprint(e.ID))
			}
			res, err := svc.Notifications.Drain(ctx)
			if err != nil {
				t.Fatalf("a drain with failing events: %v", err)
			}
			c := countDrain(t, db, b.premium.AccountID)
			if c.backlog != 0 {
				t.Errorf("backlog %d after the drain, want 0: failing events hold the log up", c.backlog)
			}
			if got := rowCount(t, db, `SELECT count(*) FROM webhook_deliveries WHERE event_id IN (`+strings.Join(basicIDs, ", ")+`)`); got != basicEvents {
				t.Errorf("the other account's events: %d deliveries for %d events", got, basicEvents)
			}
			failed := rowCount(t, db, `SELECT count(*) FROM notify_failures`)
			premiumNew := c.events - base.events
			if failed != premiumNew || len(res.Failed) != failed {
				t.Errorf("%d failures kept, %d reported, for %d failing events", failed, len(res.Failed), premiumNew)
			}
			if c.deliveries != base.deliveries+basicEvents {
				t.Errorf("%d deliveries, want %d: a failing event queued some", c.deliveries, base.deliveries+basicEvents)
			}
			if o, err = svc.Orders.GetPortOrder(ctx, spec, o.ID); err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(o.Attention, isNotificationFlag) {
				t.Fatalf("order attention %+v, want %s", o.Attention, AttentionNotificationFailed)
			}
			raised := fmt.Sprintf(`SELECT count(*) FROM events WHERE type = '%s' AND port_order_id = '%s'`, porting.EventAttentionRaised, o.ID)
			if n := rowCount(t, db, raised); n != 1 {
				t.Errorf("%d attention_raised events, want 1", n)
			}

			// Still failing at the retry: kept, not flagged twice.
			b.clock.Advance(notifyRetryFirst)
			if res, err = svc.Notifications.Drain(ctx); err != nil || res.Retried != 0 || len(res.Failed) == 0 {
				t.Errorf("retry while failing = %+v, %v", res, err)
			}
			if n := rowCount(t, db, raised); n != 1 {
				t.Errorf("%d attention_raised events after a failed retry, want 1", n)
			}

			f.failAccount.Store("")
			if res, err = svc.Notifications.Drain(ctx); err != nil || res.Retried != 0 {
				t.Errorf("a drain before the next retry = %+v, %v; want no retry yet", res, err)
			}
			b.clock.Advance(2 * notifyRetryFirst)
			if res, err = svc.Notifications.Drain(ctx); err != nil || len(res.Failed) != 0 || res.Retried == 0 {
				t.Fatalf("retry once fixed = %+v, %v", res, err)
			}
			c = countDrain(t, db, b.premium.AccountID)
			if n := rowCount(t, db, `SELECT count(*) FROM notify_failures`); n != 0 {
				t.Errorf("%d failures left after the fix", n)
			}
			premiumDeliveries := rowCount(t, db, fmt.Sprintf(`SELECT count(*) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE e.account_id = '%s'`, b.premium.AccountID))
			if premiumDeliveries != c.events || c.jobs != c.deliveries || c.dupJobs != 0 || c.backlog != 0 {
				t.Errorf("after the fix %+v with %d deliveries of the account's events, want one delivery and one job per event", c, premiumDeliveries)
			}
			o, err = svc.Orders.GetPortOrder(ctx, spec, o.ID)
			if err != nil || slices.ContainsFunc(o.Attention, isNotificationFlag) {
				t.Errorf("order attention after the fix %+v, %v; want the flag cleared", o.Attention, err)
			}
		})
	}
}

// TestConcurrentDrainers: on PostgreSQL three drainers run beside four
// writers; one holds the cursor at a time, the others skip (Busy, no
// error), and in the end each event has exactly one delivery and one
// delivery job: none queued twice, none skipped.
func TestConcurrentDrainers(t *testing.T) {
	var pg *storetest.Engine
	for _, e := range storetest.Engines(t) {
		if e.Name == store.EnginePostgres {
			pg = &e
		}
	}
	if pg == nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: concurrent drainers need PostgreSQL", storetest.EnvDatabaseURL)
		}
		t.Skipf("%s is not set", storetest.EnvDatabaseURL)
	}
	b, db, svc, _ := drainBundle(t, *pg)
	ctx := context.Background()

	// A drainer that finds the cursor held skips without error.
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = db.InTx(ctx, func(tx porting.Tx) error {
			_, _, err := tx.ClaimNotifyCursor(ctx)
			close(held)
			<-release
			return err
		})
	}()
	<-held
	storetest.MustAppendEvent(t, db, &porting.Event{AccountID: b.premium.AccountID})
	res, err := svc.Notifications.Drain(ctx)
	close(release)
	if err != nil || !res.Busy || res.Events != 0 {
		t.Fatalf("drain while the cursor is held = %+v, %v; want busy", res, err)
	}

	const writers, writes, perWrite = 4, 40, 5
	var (
		wg, dg sync.WaitGroup
		done   atomic.Bool
		busy   atomic.Int64
		runs   atomic.Int64
	)
	for range 3 {
		dg.Go(func() {
			for !done.Load() {
				res, err := svc.Notifications.Drain(ctx)
				if err != nil {
					t.Errorf("drain: %v", err)
					return
				}
				runs.Add(1)
				if res.Busy {
					busy.Add(1)
				}
			}
		})
	}
	for range writers {
		wg.Go(func() {
			for range writes {
				err := db.InTx(ctx, func(tx porting.Tx) error {
					for range perWrite {
						if err := tx.AppendEvent(ctx, &porting.Event{Type: porting.EventMessageCreated, AccountID: b.premium.AccountID, Actor: porting.SystemPrincipal}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Errorf("write: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	done.Store(true)
	dg.Wait()
	if _, err := svc.Notifications.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	c := countDrain(t, db, b.premium.AccountID)
	t.Logf("%d drains, %d of them busy; %+v", runs.Load(), busy.Load(), c)
	if c.events < writers*writes*perWrite || c.deliveries != c.events || c.jobs != c.events || c.dupJobs != 0 || c.backlog != 0 {
		t.Errorf("after concurrent drains %+v, want one delivery and one job per event", c)
	}
}
