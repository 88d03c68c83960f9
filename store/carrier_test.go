package store_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func findCarrier(t *testing.T, db porting.Store, id string) *porting.Carrier {
	t.Helper()
	var c *porting.Carrier
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		c, err = tx.FindCarrier(ctx, id)
		return err
	})
	return c
}

// testCarrier: the registry keeps entries as given, secrets sealed and
// named in SecretsSet, versions checked; answers are stored once per ID;
// an order is found by its carrier reference.
func testCarrier(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	c := &porting.Carrier{Name: "Old Telco", Aliases: []string{"OldTel"}, Countries: []string{"US"}, Gateway: porting.GatewayHTTP,
		Settings: map[string]string{porting.SettingBaseURL: "https://carrier.example/v1"},
		Secrets:  map[string]string{porting.SecretSigning: testSecret, "api_token": "tok-7f3a9c"},
		Routes:   []porting.CarrierRoute{{Country: "US", LosingCarrier: "Old Telco"}}, Enabled: true}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateCarrier(ctx, c) })
	if !strings.HasPrefix(c.ID, "car_") || c.Version != 1 || !reflect.DeepEqual(c.SecretsSet, []string{"api_token", porting.SecretSigning}) {
		t.Fatalf("after create: %+v", c)
	}
	if got := findCarrier(t, db, c.ID); !reflect.DeepEqual(got, c) {
		t.Fatalf("FindCarrier =\n%+v\nwant\n%+v", got, c)
	}
	if raw := rawRow(t, db, "carriers", c.ID); bytes.Contains(raw, []byte("tok-7f3a9c")) || bytes.Contains(raw, []byte(testSecret[6:18])) {
		t.Errorf("carriers row holds a secret: %q", raw)
	}

	// Same name in another case: refused.
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateCarrier(ctx, &porting.Carrier{Name: "OLD TELCO", Gateway: porting.GatewayManual, Enabled: true})
	})
	wantCode(t, err, porting.ECONFLICT)

	// Update: the version moves; a stale one is refused; secrets may go.
	stale := *c
	c.Enabled, c.Secrets = false, map[string]string{porting.SecretSigning: testSecret}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateCarrier(ctx, c) })
	if got := findCarrier(t, db, c.ID); got.Version != 2 || got.Enabled || !reflect.DeepEqual(got.SecretsSet, []string{porting.SecretSigning}) {
		t.Fatalf("after update: %+v", got)
	}
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateCarrier(ctx, &stale) })
	wantCode(t, err, porting.ECONFLICT)
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.UpdateCarrier(ctx, &porting.Carrier{ID: "car_nope", Name: "x", Gateway: porting.GatewayManual, Version: 1})
	})
	wantCode(t, err, porting.ENOTFOUND)
	second := &porting.Carrier{Name: "Twilio", Gateway: porting.GatewayTwilio, Enabled: true, CreatedAt: storetest.Epoch.Add(time.Hour)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateCarrier(ctx, second) })
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		all, err := tx.FindCarriers(ctx)
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != c.ID || all[1].ID != second.ID || len(all[1].Secrets) != 0 {
			t.Errorf("FindCarriers = %+v", all)
		}
		return nil
	})

	// Answers: once per (carrier, answer ID); the order by its reference.
	o := storetest.MustCreatePortOrder(t, db, nil)
	o.Carrier = &porting.CarrierLink{CarrierID: c.ID, CarrierName: c.Name, Gateway: porting.GatewayHTTP, Reference: "REF-1", Submissions: 1}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })
	a := &porting.CarrierAnswer{ID: "cb-1", Kind: porting.AnswerFOC, Reference: "REF-1", Sequence: 2, OccurredAt: storetest.Epoch}
	for i, want := range []bool{true, false} {
		var fresh bool
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
			fresh, err = tx.RecordCarrierAnswer(ctx, c.ID, o.ID, a, porting.OutcomeApplied)
			return err
		})
		if fresh != want {
			t.Errorf("RecordCarrierAnswer #%d = %v, want %v", i+1, fresh, want)
		}
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		fresh, err := tx.RecordCarrierAnswer(ctx, second.ID, o.ID, a, porting.OutcomeStale)
		if err == nil && !fresh {
			t.Error("the same answer ID of another carrier counted as a duplicate")
		}
		return err
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindOrderByCarrierReference(ctx, c.ID, "REF-1")
		if err != nil {
			return err
		}
		if got.ID != o.ID || got.Carrier == nil || got.Carrier.Reference != "REF-1" {
			t.Errorf("FindOrderByCarrierReference = %+v", got)
		}
		_, err = tx.FindOrderByCarrierReference(ctx, second.ID, "REF-1")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
}
