package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestConcurrentSweepsFireOnce runs two sweepers at the same time on one
// database over 100 due reminders per order: each fires exactly once. On
// PostgreSQL their transactions really race on separate connections (the
// two-process version is cmd/portdesk's TestTwoServersFireEachDeadlineOnce).
func TestConcurrentSweepsFireOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123", "+12015550123", "+18005550199"))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orders {
			walk(t, b, o, spec, porting.ActionApprove, ActionInput{})
			var plan []porting.Deadline
			for j := 0; j < 100; j++ {
				plan = append(plan, porting.Deadline{PortOrderID: o.ID, AccountID: o.AccountID, Kind: porting.DeadlineRespondReminder,
					DueAt: b.clock.Now().Add(-time.Duration(j+1) * time.Minute)})
			}
			storetest.MustInTx(t, b.svc.Store, func(tx porting.Tx) error { _, err := tx.ChangeDeadlines(ctx, o.ID, plan, nil); return err })
		}
		other := New(b.svc.Config) // the same settings and clock; a second sweeper
		var (
			wg    sync.WaitGroup
			total = make([]int, 2)
			errs  = make([]error, 2)
		)
		for i, svc := range []*Service{b.svc, other} {
			wg.Add(1)
			go func(i int, svc *Service) {
				defer wg.Done()
				total[i], errs[i] = svc.Deadlines.SweepDeadlines(ctx)
			}(i, svc)
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		want := 100 * len(orders)
		if total[0]+total[1] != want {
			t.Fatalf("sweepers fired %d + %d, want %d in all", total[0], total[1], want)
		}
		seen := map[string]int{}
		evs, err := b.svc.Events.Events(ctx, admin, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Type == porting.EventRespondReminder {
				seen[string(e.After)]++
			}
		}
		if len(seen) != want {
			t.Fatalf("%d distinct reminder events, want %d", len(seen), want)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("reminder %s recorded %d times", k, n)
			}
		}
	})
}

// fakeNotifier fails webhooks while down and counts what it sent.
type fakeNotifier struct {
	mu   sync.Mutex
	down bool
	sent map[string]int
}

func (f *fakeNotifier) Webhook(_ context.Context, _ *porting.WebhookEndpoint, _ *porting.Event, msgID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return fmt.Errorf("connection refused")
	}
	f.sent[msgID]++
	return nil
}
func (f *fakeNotifier) Email(context.Context, string, string, *time.Location, *porting.Event) (bool, error) {
	return false, nil
}
func (f *fakeNotifier) MailsCustomer(string) bool { return false }
func (f *fakeNotifier) MailsTeam(string) bool     { return false }
func (f *fakeNotifier) MailsUsers() bool          { return false }
func (f *fakeNotifier) UserEmail(context.Context, string, string, porting.UserEmail) error {
	return nil
}

// TestWebhookDisableEnableReplay: deliveries that fail for good in a row
// disable the endpoint; its owner enables it again and replays the events.
func TestWebhookDisableEnableReplay(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))
			fake := &fakeNotifier{down: true, sent: map[string]int{}}
			svc := New(Config{Store: e.OpenClock(t, clock), Clock: clock, Checker: &numbers.Checker{}, Notifier: fake,
				Settings: Settings{WebhookMaxAttempts: 2, WebhookDisableAfter: 3}})
			b := setup(t, svc, clock)
			w, secret, err := svc.Webhooks.CreateWebhookEndpoint(ctx, b.premium, WebhookParams{URL: "https://hooks.example.com/x", EventTypes: []string{porting.EventMessageCreated}})
			if err != nil || secret == "" {
				t.Fatalf("create endpoint: %v", err)
			}
			req, _, err := svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams("+12125550123"))
			if err != nil {
				t.Fatal(err)
			}
			var eventIDs []int64
			for i := 0; i < 3; i++ {
				if _, err := svc.Requests.AddMessage(ctx, b.premium, req.ID, fmt.Sprintf("m%d", i)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.Notifications.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			evs, _ := svc.Events.Events(ctx, admin, 0, 1000)
			for _, ev := range evs {
				if ev.Type == porting.EventMessageCreated {
					eventIDs = append(eventIDs, ev.ID)
				}
			}
			for _, id := range eventIDs {
				d := deliveryID(w.ID, id)
				if err := svc.Notifications.DeliverWebhook(ctx, d, 1); err == nil {
					t.Fatal("a failed first attempt did not ask for a retry")
				}
				if err := svc.Notifications.DeliverWebhook(ctx, d, 2); err != nil {
					t.Fatalf("the last attempt still asks for a retry: %v", err)
				}
			}
			eps, _ := svc.Webhooks.WebhookEndpoints(ctx, b.premium)
			if len(eps) != 1 || eps[0].Enabled || eps[0].DisabledAt == nil {
				t.Fatalf("endpoint after 3 failed deliveries: %+v", eps[0])
			}
			if _, err := svc.Webhooks.ReplayWebhooks(ctx, b.premium, w.ID, 0, 100); porting.ErrorCode(err) != porting.ECONFLICT {
				t.Fatalf("replay to a disabled endpoint: %v", err)
			}
			if _, err := svc.Webhooks.UpdateWebhookEndpoint(ctx, b.basic, w.ID, WebhookParams{Enabled: &yes}); porting.ErrorCode(err) != porting.ENOTFOUND {
				t.Fatalf("another customer enabled the endpoint: %v", err)
			}
			fake.down = false
			if w, err = svc.Webhooks.UpdateWebhookEndpoint(ctx, b.premium, w.ID, WebhookParams{Enabled: &yes}); err != nil || !w.Enabled || w.ConsecutiveFailures != 0 {
				t.Fatalf("re-enable: %+v, %v", w, err)
			}
			n, err := svc.Webhooks.ReplayWebhooks(ctx, b.premium, w.ID, 0, 100)
			if err != nil || n != 3 {
				t.Fatalf("replay queued %d, %v; want 3", n, err)
			}
			for _, id := range eventIDs {
				if err := svc.Notifications.DeliverWebhook(ctx, deliveryID(w.ID, id), 1); err != nil {
					t.Fatal(err)
				}
				if fake.sent[messageID(id)] != 1 {
					t.Errorf("event %d sent %d times", id, fake.sent[messageID(id)])
				}
			}
		})
	}
}
