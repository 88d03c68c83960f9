package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testEnqueue(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	kind := porting.SubmitToCarrierJob{}.Kind()
	o := storetest.MustCreatePortOrder(t, db, nil)

	// Rolled back with the state change: no job.
	rollback := errors.New("rollback")
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		o.Status = porting.StateSubmitted
		if err := tx.UpdatePortOrder(ctx, o); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, porting.SubmitToCarrierJob{PortOrderID: o.ID}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("InTx = %v", err)
	}
	if n := storetest.CountJobs(t, db, kind); n != 0 {
		t.Fatalf("%d jobs after rollback, want 0", n)
	}

	// Committed with the state change: one job, with the order's ID.
	o.Version = 1
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.UpdatePortOrder(ctx, o); err != nil {
			return err
		}
		return tx.Enqueue(ctx, porting.SubmitToCarrierJob{PortOrderID: o.ID})
	})
	if n := storetest.CountJobs(t, db, kind); n != 1 {
		t.Fatalf("%d jobs after commit, want 1", n)
	}
	query := `SELECT args FROM river_job WHERE kind = $1`
	if db.Engine() == "sqlite" {
		query = `SELECT json(args) FROM river_job WHERE kind = $1` // River keeps SQLite JSONB
	}
	var args []byte
	if err := db.SQL().QueryRow(query, kind).Scan(&args); err != nil {
		t.Fatal(err)
	}
	var got porting.SubmitToCarrierJob
	if err := json.Unmarshal(args, &got); err != nil || got.PortOrderID != o.ID {
		t.Errorf("job args %s, want port_order_id %s (%v)", args, o.ID, err)
	}
}
