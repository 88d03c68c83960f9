package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/jobs"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
	"github.com/portdesk/portdesk/workflow"
)

// countingNotifier counts the webhooks and team emails sent per event.
type countingNotifier struct {
	mu       sync.Mutex
	webhooks map[string]int // by webhook-id
	emails   map[int64]int  // by event
}

func (n *countingNotifier) Webhook(_ context.Context, _ *porting.WebhookEndpoint, _ *porting.Event, msgID string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.webhooks[msgID]++
	return nil
}

func (n *countingNotifier) Email(_ context.Context, _, _ string, _ *time.Location, e *porting.Event) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.emails[e.ID]++
	return true, nil
}

func (n *countingNotifier) MailsCustomer(string) bool { return false }
func (n *countingNotifier) MailsTeam(string) bool     { return true }
func (n *countingNotifier) MailsUsers() bool          { return false }
func (n *countingNotifier) UserEmail(context.Context, string, string, porting.UserEmail) error {
	return nil
}

// counts returns how many webhooks and emails event id got.
func (n *countingNotifier) counts(id int64) (int, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.webhooks[fmt.Sprintf("evt_%d", id)], n.emails[id]
}

// TestUpgradeWithQueuedNotifyJobs: a database of the release before the
// notification cursor holds events whose notify_event jobs (one per
// event, and one merged) are still queued when it is upgraded. After the
// upgrade, new events get no job; one more old-style job arrives for a new
// event (a replica not upgraded yet). With the runner working, every
// event, old and new, sends exactly one webhook and one team email.
func TestUpgradeWithQueuedNotifyJobs(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := porting.NewFixedClock(storetest.Epoch)
			db := e.OpenAt(t, clock, "0017_pending_deadlines_by_order")
			acct := storetest.MustCreateAccount(t, db, nil)
			storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{AccountID: acct.ID, Enabled: true})
			fake := &countingNotifier{webhooks: map[string]int{}, emails: map[int64]int{}}
			svc := workflow.New(workflow.Config{Store: db, Clock: clock, Notifier: fake,
				Settings: workflow.Settings{TeamEmail: "team@example.com"}})

			var ids []int64
			write := func(job func(id int64) porting.Job) {
				t.Helper()
				storetest.MustInTx(t, db, func(tx porting.Tx) error {
					ev := &porting.Event{Type: porting.EventMessageCreated, AccountID: acct.ID, Actor: porting.SystemPrincipal}
					if err := tx.AppendEvent(ctx, ev); err != nil {
						return err
					}
					ids = append(ids, ev.ID)
					if job == nil {
						return nil
					}
					return tx.Enqueue(ctx, job(ev.ID))
				})
			}
			oldJob := func(id int64) porting.Job { return porting.NotifyEventJob{EventID: id} }
			for range 4 { // the old release: a job per event
				write(oldJob)
			}
			write(nil)
			write(nil)
			storetest.MustInTx(t, db, func(tx porting.Tx) error { // and a merged one
				return tx.Enqueue(ctx, porting.NotifyEventJob{EventIDs: ids[len(ids)-2:]})
			})
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for range 3 { // the new release: no job
				write(nil)
			}
			write(oldJob) // a replica still on the old release

			r, err := jobs.New(jobs.Config{DB: db.SQL(), Engine: db.Engine(), Service: svc, SweepInterval: -1,
				CarrierPollInterval: -1, RetryBase: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			db.OnEventsCommitted(r.WakeNotifications)
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = r.Stop(sctx)
			})
			write(nil) // wakes the drainer

			// Every job finished: nothing more can be sent.
			settled := `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`
			deadline := time.Now().Add(60 * time.Second)
			for {
				var open int
				if err := db.SQL().QueryRow(settled).Scan(&open); err != nil {
					t.Fatal(err)
				}
				var backlog int
				if err := db.SQL().QueryRow(`SELECT count(*) FROM events WHERE id > (SELECT last_event_id FROM notify_cursor)`).Scan(&backlog); err != nil {
					t.Fatal(err)
				}
				if open == 0 && backlog == 0 && storetest.CountJobs(t, db, "deliver_webhook") >= len(ids) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 60s: %d jobs not finished, %d events not drained", open, backlog)
				}
				time.Sleep(50 * time.Millisecond)
			}
			var discarded int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM river_job WHERE state = 'discarded'`).Scan(&discarded); err != nil || discarded != 0 {
				t.Errorf("%d jobs discarded (%v)", discarded, err)
			}
			for _, id := range ids {
				if w, m := fake.counts(id); w != 1 || m != 1 {
					t.Errorf("event %d: %d webhooks and %d team emails, want 1 and 1", id, w, m)
				}
			}
			if len(ids) != 11 {
				t.Errorf("%d events written, want 11", len(ids))
			}
		})
	}
}

// TestCommitWakesDrainer: with the periodic run an hour away, a commit
// that records an event wakes the drainer, which fans the event out (its
// webhook is sent) within seconds; on PostgreSQL and on SQLite's group
// commit alike.
func TestCommitWakesDrainer(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := porting.NewFixedClock(storetest.Epoch)
			db := e.OpenClock(t, clock)
			acct := storetest.MustCreateAccount(t, db, nil)
			storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{AccountID: acct.ID, Enabled: true})
			fake := &countingNotifier{webhooks: map[string]int{}, emails: map[int64]int{}}
			svc := workflow.New(workflow.Config{Store: db, Clock: clock, Notifier: fake})
			r, err := jobs.New(jobs.Config{DB: db.SQL(), Engine: db.Engine(), Service: svc, SweepInterval: -1,
				CarrierPollInterval: -1, NotifyInterval: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			db.OnEventsCommitted(r.WakeNotifications)
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = r.Stop(sctx)
			})
			// The run at start has caught up once the fixtures' events are behind the cursor.
			waitFor(t, "the drain at start", func() bool {
				var backlog int
				_ = db.SQL().QueryRow(`SELECT count(*) FROM events WHERE id > (SELECT last_event_id FROM notify_cursor)`).Scan(&backlog)
				return backlog == 0
			})
			ev := storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventMessageCreated, AccountID: acct.ID})
			waitFor(t, "the webhook of an event committed after start", func() bool {
				w, _ := fake.counts(ev.ID)
				return w == 1
			})
		})
	}
}
