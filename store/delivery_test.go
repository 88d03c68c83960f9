package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func findDelivery(t *testing.T, db porting.Store, id string) *porting.Delivery {
	t.Helper()
	var d *porting.Delivery
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		d, err = tx.FindDelivery(ctx, id)
		return err
	})
	return d
}

func testDelivery(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	w := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{Enabled: true})
	ev := storetest.MustAppendEvent(t, db, nil)
	d := &porting.Delivery{EndpointID: w.ID, EventID: ev.ID, MessageID: "msg_1"}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateDelivery(ctx, d) })
	if !strings.HasPrefix(d.ID, "dlv_") || d.State != porting.DeliveryPending || d.CreatedAt != storetest.Epoch ||
		d.UpdatedAt != storetest.Epoch {
		t.Errorf("after create = %+v, want a dlv_… ID, pending, created and updated at the clock", d)
	}
	if got := findDelivery(t, db, d.ID); !reflect.DeepEqual(got, d) {
		t.Errorf("FindDelivery =\n%+v\nwant\n%+v", got, d)
	}

	d.State, d.Attempts, d.LastError, d.UpdatedAt = porting.DeliveryFailed, 3, "503 Service Unavailable", storetest.Epoch.Add(time.Hour)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateDelivery(ctx, d) })
	if got := findDelivery(t, db, d.ID); !reflect.DeepEqual(got, d) {
		t.Errorf("after update =\n%+v\nwant\n%+v", got, d)
	}

	// A second delivery of the event to the endpoint is ECONFLICT, and the
	// transaction goes on (on PostgreSQL too): a replay resets the
	// existing delivery in the same transaction.
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		err := tx.CreateDelivery(ctx, &porting.Delivery{EndpointID: w.ID, EventID: ev.ID, MessageID: "msg_2"})
		wantCode(t, err, porting.ECONFLICT)
		err = tx.CreateDelivery(ctx, &porting.Delivery{ID: d.ID, EndpointID: w.ID, EventID: ev.ID + 1000, MessageID: "msg_3"})
		wantCode(t, err, porting.ECONFLICT)
		again, err := tx.FindDelivery(ctx, d.ID)
		if err != nil {
			return err
		}
		again.State, again.LastError, again.UpdatedAt = porting.DeliveryPending, "", storetest.Epoch.Add(2*time.Hour)
		return tx.UpdateDelivery(ctx, again)
	})
	if err != nil {
		t.Fatalf("replay after ECONFLICT: %v", err)
	}
	if got := findDelivery(t, db, d.ID); got.State != porting.DeliveryPending || got.Attempts != 3 || got.MessageID != "msg_1" {
		t.Errorf("after the replay = %+v, want pending, 3 attempts, msg_1", got)
	}

	other := storetest.MustAppendEvent(t, db, nil)
	for _, tc := range []struct {
		name string
		d    *porting.Delivery
		want string
	}{
		{"unknown endpoint", &porting.Delivery{EndpointID: "whe_nope", EventID: other.ID}, porting.EINVALID},
		{"unknown event", &porting.Delivery{EndpointID: w.ID, EventID: other.ID + 1000}, porting.EINVALID},
		{"bad state", &porting.Delivery{EndpointID: w.ID, EventID: other.ID, State: "lost"}, porting.EINVALID},
		{"negative attempts", &porting.Delivery{EndpointID: w.ID, EventID: other.ID, Attempts: -1}, porting.EINVALID},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateDelivery(ctx, tc.d) })
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.UpdateDelivery(ctx, &porting.Delivery{ID: "dlv_nope", State: porting.DeliveryDelivered})
	})
	wantCode(t, err, porting.ENOTFOUND)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindDelivery(ctx, "dlv_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
}

// testFindDeliveries lists an endpoint's deliveries newest first. Most
// share a creation time, as after a replay: the newer event comes first.
// (The delivery IDs are random, so they cannot be what orders them.)
func testFindDeliveries(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	w := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{Enabled: true})
	x := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{Enabled: true})
	var events []*porting.Event
	for range 12 {
		events = append(events, storetest.MustAppendEvent(t, db, nil))
	}
	replayAt := storetest.Epoch.Add(time.Hour)
	var want []string // newest first
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for i, ev := range events {
			d := &porting.Delivery{EndpointID: w.ID, EventID: ev.ID, MessageID: "m", CreatedAt: replayAt}
			if i == 0 {
				d.CreatedAt = storetest.Epoch.Add(2 * time.Hour) // the newest, whatever its event
			}
			if err := tx.CreateDelivery(ctx, d); err != nil {
				return err
			}
			want = append([]string{d.ID}, want...)
			if err := tx.CreateDelivery(ctx, &porting.Delivery{EndpointID: x.ID, EventID: ev.ID, MessageID: "m"}); err != nil {
				return err
			}
		}
		return nil
	})
	want = append([]string{want[len(want)-1]}, want[:len(want)-1]...)

	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, tc := range []struct {
			endpoint string
			limit    int
			want     []string
		}{
			{w.ID, 100, want},
			{w.ID, 0, want},
			{w.ID, 3, want[:3]},
			{"whe_nope", 10, []string{}},
		} {
			got, err := tx.FindDeliveries(ctx, tc.endpoint, tc.limit)
			if err != nil {
				return err
			}
			ids := []string{}
			for _, d := range got {
				ids = append(ids, d.ID)
				if d.EndpointID != tc.endpoint {
					t.Errorf("FindDeliveries(%s) returned a delivery of %s", tc.endpoint, d.EndpointID)
				}
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("FindDeliveries(%s, %d) = %v, want %v", tc.endpoint, tc.limit, ids, tc.want)
			}
		}
		return nil
	})
}
