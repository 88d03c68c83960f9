package store_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// testSecret is a webhook secret distinctive enough that finding it, or
// its key part, in a raw row cannot be a coincidence.
const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func findEndpoint(t *testing.T, db porting.Store, id string) *porting.WebhookEndpoint {
	t.Helper()
	var w *porting.WebhookEndpoint
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		w, err = tx.FindWebhookEndpoint(ctx, id)
		return err
	})
	return w
}

func endpointIDs(ws []*porting.WebhookEndpoint) []string {
	ids := []string{}
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	return ids
}

func testWebhookEndpoint(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := storetest.MustCreateAccount(t, db, nil)
	w := &porting.WebhookEndpoint{AccountID: a.ID, URL: "https://hooks.example.com/a",
		EventTypes: []string{porting.EventOrderStatusChanged}, Secret: testSecret, Enabled: true}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateWebhookEndpoint(ctx, w) })
	if !strings.HasPrefix(w.ID, "whe_") || w.CreatedAt != storetest.Epoch {
		t.Errorf("after create: ID %q, created %v; want whe_… and the clock", w.ID, w.CreatedAt)
	}
	if got := findEndpoint(t, db, w.ID); !reflect.DeepEqual(got, w) {
		t.Errorf("FindWebhookEndpoint =\n%+v\nwant\n%+v", got, w)
	}

	// A staff endpoint: no account, no event types (all of them).
	staff := &porting.WebhookEndpoint{ID: "whe_staff", URL: "https://ops.example.com/hook", Secret: "whsec_staff",
		CreatedAt: storetest.Epoch.Add(-time.Hour)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateWebhookEndpoint(ctx, staff) })
	if staff.EventTypes == nil {
		t.Error("CreateWebhookEndpoint left EventTypes nil, want the empty list a read returns")
	}
	if got := findEndpoint(t, db, staff.ID); !reflect.DeepEqual(got, staff) || got.AccountID != "" {
		t.Errorf("FindWebhookEndpoint(staff) =\n%+v\nwant\n%+v", got, staff)
	}

	// Update changes what may change; the secret is not one of them.
	disabled := storetest.Epoch.Add(90 * time.Minute)
	w.URL, w.EventTypes, w.Enabled, w.ConsecutiveFailures, w.DisabledAt = "https://hooks.example.com/b", nil, false, 5, &disabled
	w.Secret = "whsec_changed"
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateWebhookEndpoint(ctx, w) })
	w.Secret = testSecret
	if got := findEndpoint(t, db, w.ID); !reflect.DeepEqual(got, w) {
		t.Errorf("after update =\n%+v\nwant\n%+v", got, w)
	}
	w.Enabled, w.ConsecutiveFailures, w.DisabledAt = true, 0, nil
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateWebhookEndpoint(ctx, w) })
	if got := findEndpoint(t, db, w.ID); !reflect.DeepEqual(got, w) {
		t.Errorf("after enabling again =\n%+v\nwant\n%+v", got, w)
	}

	// Listing: an account's own, or all (staff ones first here: older).
	b := storetest.MustCreateAccount(t, db, nil)
	wb := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{AccountID: b.ID, CreatedAt: storetest.Epoch.Add(time.Minute)})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, tc := range []struct {
			account string
			want    []string
		}{
			{"", []string{staff.ID, w.ID, wb.ID}},
			{a.ID, []string{w.ID}},
			{b.ID, []string{wb.ID}},
			{"acct_nope", []string{}},
		} {
			got, err := tx.FindWebhookEndpoints(ctx, tc.account)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(endpointIDs(got), tc.want) {
				t.Errorf("FindWebhookEndpoints(%q) = %v, want %v", tc.account, endpointIDs(got), tc.want)
			}
		}
		_, err := tx.FindWebhookEndpoint(ctx, "whe_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.UpdateWebhookEndpoint(ctx, &porting.WebhookEndpoint{ID: "whe_nope", URL: "https://x.example"})
	})
	wantCode(t, err, porting.ENOTFOUND)
	for _, tc := range []struct {
		name string
		w    *porting.WebhookEndpoint
		want string
	}{
		{"unknown account", &porting.WebhookEndpoint{AccountID: "acct_nope", URL: "https://x.example"}, porting.EINVALID},
		{"duplicate id", &porting.WebhookEndpoint{ID: staff.ID, URL: "https://x.example"}, porting.ECONFLICT},
		{"negative failures", &porting.WebhookEndpoint{URL: "https://x.example", ConsecutiveFailures: -1}, porting.EINVALID},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateWebhookEndpoint(ctx, tc.w) })
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

// testWebhookSecretSealed looks at the stored row: the secret is
// encrypted, bound to its endpoint, and a value that does not open is
// EINTERNAL.
func testWebhookSecretSealed(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{Secret: testSecret, Enabled: true})
	b := storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{Secret: testSecret, Enabled: true})

	key := strings.TrimPrefix(testSecret, "whsec_")
	if raw := rawRow(t, db, "webhook_endpoints", a.ID); bytes.Contains(raw, []byte(key[:12])) {
		t.Errorf("webhook_endpoints row holds the secret: %q", raw)
	}
	sealedA := sealedSecret(t, db, a.ID)
	if want := len(testSecret) + 28; len(sealedA) != want {
		t.Errorf("secret_sealed is %d bytes, want %d (nonce, ciphertext, tag)", len(sealedA), want)
	}
	if got := findEndpoint(t, db, a.ID).Secret; got != testSecret {
		t.Errorf("Secret read = %q, want %q", got, testSecret)
	}

	// A's sealed secret moved onto B's row does not open: it is bound to
	// A's ID. Neither does a changed byte. Listings fail the same way.
	setRaw(t, db, `UPDATE webhook_endpoints SET secret_sealed = $1 WHERE id = $2`, sealedA, b.ID)
	setRaw(t, db, `UPDATE webhook_endpoints SET secret_sealed = $1 WHERE id = $2`, flipByte(sealedA, 14), a.ID)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindWebhookEndpoint(ctx, b.ID)
		wantSealError(t, err)
		_, err = tx.FindWebhookEndpoint(ctx, a.ID)
		wantSealError(t, err)
		_, err = tx.FindWebhookEndpoints(ctx, "")
		wantSealError(t, err)
		_, err = tx.FindEventEndpoints(ctx, "")
		wantSealError(t, err)
		return nil
	})
}

// sealedSecret returns an endpoint's secret_sealed column as stored.
func sealedSecret(t *testing.T, db *store.DB, id string) []byte {
	t.Helper()
	return rawBytes(t, db, `SELECT secret_sealed FROM webhook_endpoints WHERE id = $1`, id)
}

// testEventEndpoints checks who receives an account's events: its own
// enabled endpoints and the enabled staff ones.
func testEventEndpoints(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := storetest.MustCreateAccount(t, db, nil)
	b := storetest.MustCreateAccount(t, db, nil)
	at := func(m int) time.Time { return storetest.Epoch.Add(time.Duration(m) * time.Minute) }
	mk := func(id, account string, enabled bool, m int) {
		storetest.MustCreateWebhookEndpoint(t, db, &porting.WebhookEndpoint{ID: id, AccountID: account, Enabled: enabled, CreatedAt: at(m)})
	}
	mk("whe_b1", b.ID, true, 1)
	mk("whe_staff2", "", true, 2)
	mk("whe_a2", a.ID, true, 3)
	mk("whe_a1", a.ID, true, 3) // same time as a2: the ID breaks the tie
	mk("whe_aoff", a.ID, false, 4)
	mk("whe_staffoff", "", false, 5)
	mk("whe_staff1", "", true, 6)

	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, tc := range []struct {
			account string
			want    []string
		}{
			{a.ID, []string{"whe_staff2", "whe_a1", "whe_a2", "whe_staff1"}},
			{b.ID, []string{"whe_b1", "whe_staff2", "whe_staff1"}},
			{"", []string{"whe_staff2", "whe_staff1"}},
			{"acct_nope", []string{"whe_staff2", "whe_staff1"}},
		} {
			got, err := tx.FindEventEndpoints(ctx, tc.account)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(endpointIDs(got), tc.want) {
				t.Errorf("FindEventEndpoints(%q) = %v, want %v", tc.account, endpointIDs(got), tc.want)
			}
			for _, w := range got {
				if w.Secret == "" {
					t.Errorf("FindEventEndpoints(%q): endpoint %s without its secret", tc.account, w.ID)
				}
			}
		}
		return nil
	})
}
