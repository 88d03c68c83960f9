package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// Sizes of BenchmarkReadOperations.
const (
	opsOrders  = 100_000   // active orders, spread over the active states
	opsFlagged = 1000      // of them with an attention flag
	opsOverdue = 1000      // overdue deadlines
	opsPending = 1_000_000 // pending deadlines, the overdue ones included
)

// BenchmarkReadOperations measures one read of the operator's figures (a
// scrape with the cache cold) over a big database — 100,000 active orders
// of which 1,000 flagged, 1,000,000 pending deadlines of which 1,000
// overdue ("big") — and, as the baselines in the same run, over one with
// only the flagged orders and the overdue deadlines ("small") and one with
// the 1,000,000 deadlines but only the flagged orders ("deadlines"). The
// deadlines and deliveries are read through partial indexes and cost the
// same in both; counting orders by status reads port_orders_status over
// the active orders, so it grows with them.
func BenchmarkReadOperations(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, size := range []struct {
			name            string
			orders, pending int
		}{
			{"small", opsFlagged, opsOverdue},
			{"deadlines", opsFlagged, opsPending},
			{"big", opsOrders, opsPending},
		} {
			b.Run(e.Name+"/"+size.name, func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b)
				o := storetest.MustCreatePortOrder(b, db, nil)
				now := storetest.Epoch
				fillDeadlines(b, db, o, opsOverdue, now.Add(-opsOverdue*time.Second))
				fillDeadlines(b, db, o, size.pending-opsOverdue, now.Add(time.Hour))
				fillOrders(b, db, o, size.orders)
				analyze := `ANALYZE`
				if db.Engine() == store.EnginePostgres {
					analyze = `VACUUM ANALYZE` // as autovacuum leaves a table: index-only scans need the visibility map
				}
				if _, err := db.SQL().ExecContext(ctx, analyze); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					ops, err := db.ReadOperations(ctx, now)
					if err != nil {
						b.Fatal(err)
					}
					if ops.OverdueDeadlines != opsOverdue {
						b.Fatalf("%d overdue, want %d", ops.OverdueDeadlines, opsOverdue)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/read")
			})
		}
	}
}

// fillOrders inserts n orders like o, under new IDs, spread over the
// active states; the first opsFlagged carry an attention flag.
func fillOrders(b *testing.B, db *store.DB, o *porting.PortOrder, n int) {
	b.Helper()
	ctx := context.Background()
	var active []string
	for _, s := range porting.States {
		if s.Active() {
			active = append(active, "'"+string(s)+"'")
		}
	}
	const cols = `port_request_id, account_id, country, losing_carrier, number_kind, version, created_at, updated_at`
	flag := `[{"code":"deadline_failed","deadline_kind":"load_numbers","message":"x","since":"2026-01-01T00:00:00Z"}]`
	for start := 0; start < n; start += sweepTxRows {
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for batch := start; batch < min(start+sweepTxRows, n); batch += sweepBatch {
			var q strings.Builder
			q.WriteString(`WITH v (id, status, attention) AS (VALUES `)
			for i := range min(sweepBatch, n-batch) {
				if i > 0 {
					q.WriteString(", ")
				}
				attention := "'[]'"
				if batch+i < opsFlagged {
					attention = "'" + flag + "'"
				}
				if db.Engine() == store.EnginePostgres {
					attention += "::jsonb"
				}
				fmt.Fprintf(&q, "('ord_bench%07d', %s, %s)", batch+i, active[(batch+i)%len(active)], attention)
			}
			fmt.Fprintf(&q, `) INSERT INTO port_orders (id, status, attention, %s)
				SELECT v.id, v.status, v.attention, %s FROM port_orders, v WHERE port_orders.id = '%s'`, cols, cols, o.ID)
			if _, err := tx.ExecContext(ctx, q.String()); err != nil {
				tx.Rollback()
				b.Fatalf("fill orders: %v", err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
