package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// testConcurrentWrites runs 20 creators and 20 updaters of one order at
// once, with readers beside them. On SQLite, where writers queue on one
// connection, nothing may fail: no SQLITE_BUSY and no version conflict. On
// PostgreSQL updaters may meet version conflicts and retry.
func testConcurrentWrites(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	shared := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID})
	const n = 20
	var wg sync.WaitGroup
	var conflicts atomic.Int64
	for i := range n {
		wg.Go(func() { // creator
			err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
				o := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: porting.StateReview,
					Country: "US", LosingCarrier: "X", NumberKind: porting.KindDID,
					PhoneNumbers: storetest.Numbers(fmt.Sprintf("+1720555%04d", i))}
				if err := tx.CreatePortOrder(ctx, o); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, &porting.Event{Type: porting.EventOrderCreated, PortOrderID: o.ID, Actor: porting.SystemPrincipal}); err != nil {
					return err
				}
				return tx.Enqueue(ctx, porting.SubmitToCarrierJob{PortOrderID: o.ID})
			})
			if err != nil {
				t.Errorf("creator %d: %v", i, err)
			}
		})
		wg.Go(func() { // updater: read, change, save; retry on a version conflict
			for {
				err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
					o, err := tx.FindPortOrder(ctx, shared.ID)
					if err != nil {
						return err
					}
					o.StatusReason = fmt.Sprintf("updater %d", i)
					if err := tx.UpdatePortOrder(ctx, o); err != nil {
						return err
					}
					return tx.AppendEvent(ctx, &porting.Event{Type: porting.EventOrderUpdated, PortOrderID: o.ID, Actor: porting.SystemPrincipal})
				})
				if porting.ErrorCode(err) == porting.ECONFLICT && e.Name != "sqlite" {
					conflicts.Add(1)
					continue
				}
				if err != nil {
					t.Errorf("updater %d: %v", i, err)
				}
				return
			}
		})
		wg.Go(func() { // reader
			view(t, db, func(ctx context.Context, tx porting.Tx) error {
				_, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{PortRequestID: r.ID})
				return err
			})
		})
	}
	wg.Wait()
	t.Logf("%s: %d version conflicts retried", e.Name, conflicts.Load())

	if got := findOrder(t, db, shared.ID).Version; got != n+1 {
		t.Errorf("shared order version = %d, want %d", got, n+1)
	}
	if got := storetest.CountJobs(t, db, ""); got != n {
		t.Errorf("%d jobs, want %d", got, n)
	}
	if got := len(findEvents(t, db, porting.EventFilter{})); got != 2*n {
		t.Errorf("%d events, want %d", got, 2*n)
	}
}
