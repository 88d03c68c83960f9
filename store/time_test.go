package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// testTimes stores times given in another zone and with nanoseconds: both
// engines return them in UTC at microsecond precision, and the caller's
// struct already holds what a read returns.
func testTimes(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	tokyo := time.FixedZone("JST", 9*60*60)
	created := time.Date(2026, 3, 1, 9, 30, 15, 123456789, tokyo)
	a := &porting.Account{Name: "Zoned", SupportPlan: porting.PlanBasic, CreatedAt: created}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateAccount(ctx, a) })

	want := time.Date(2026, 3, 1, 0, 30, 15, 123456000, time.UTC)
	if a.CreatedAt != want {
		t.Errorf("CreatedAt after create = %v, want %v", a.CreatedAt, want)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		if got.CreatedAt != want || got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt read = %v (%v), want %v in UTC", got.CreatedAt, got.CreatedAt.Location(), want)
		}
		return nil
	})
}
