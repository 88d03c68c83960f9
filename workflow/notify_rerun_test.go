package workflow

import (
	"context"
	"database/sql"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestNotifyJobRunAgainSendsNothingTwice: a notify job whose transaction
// committed runs again when its replica died before River recorded it done
// (the fault test kills a replica so). The second run must leave the
// delivery it made alone, delivered or not, and queue no second attempt; a
// replay still sends it again, on purpose.
func TestNotifyJobRunAgainSendsNothingTwice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		db := b.svc.Store.(interface{ SQL() *sql.DB }).SQL()
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		const jobs = `SELECT count(*) FROM river_job WHERE kind = 'deliver_webhook'`
		storetest.MustInTx(t, b.svc.Store, func(tx porting.Tx) error {
			return tx.CreateWebhookEndpoint(ctx, &porting.WebhookEndpoint{ID: "whe_rerun", AccountID: b.premium.AccountID,
				URL: "https://hooks.example.com/portdesk", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: b.clock.Now()})
		})
		if _, err := b.svc.Instances.CreateInstance(ctx, b.premium, CreateInstanceParams{Name: "second", Region: "eu-west-2"}); err != nil {
			t.Fatal(err)
		}
		var last int64
		if err := db.QueryRowContext(ctx, `SELECT max(id) FROM events`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		// notify_event jobs fan out only events recorded before the
		// cursor took over (legacy_until); make this one such an event.
		if _, err := db.ExecContext(ctx, `UPDATE notify_cursor SET last_event_id = $1, legacy_until = $1`, last); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.Notifications.NotifyEvents(ctx, []int64{last}); err != nil {
			t.Fatal(err)
		}
		if got := count(jobs); got != 1 {
			t.Fatalf("%d delivery jobs after the first run, want 1", got)
		}
		storetest.MustInTx(t, b.svc.Store, func(tx porting.Tx) error {
			d, err := tx.FindDelivery(ctx, deliveryID("whe_rerun", last))
			if err != nil {
				return err
			}
			d.State, d.Attempts = porting.DeliveryDelivered, 1
			return tx.UpdateDelivery(ctx, d)
		})

		if err := b.svc.Notifications.NotifyEvents(ctx, []int64{last}); err != nil {
			t.Fatal(err)
		}
		if got := count(jobs); got != 1 {
			t.Errorf("%d delivery jobs after the job ran again, want 1", got)
		}
		if got := count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'`); got != 1 {
			t.Errorf("%d deliveries still delivered after the job ran again, want 1", got)
		}

		if _, err := b.svc.Webhooks.ReplayWebhooks(ctx, b.premium, "whe_rerun", last-1, 10); err != nil {
			t.Fatal(err)
		}
		if got := count(jobs); got != 2 {
			t.Errorf("%d delivery jobs after a replay, want 2", got)
		}
	})
}
