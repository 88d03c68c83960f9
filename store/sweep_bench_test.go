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

// Sizes of BenchmarkSweep.
const (
	sweepDue      = 1000      // deadlines due, all read and fired by one sweep
	sweepPending  = 1_000_000 // pending deadlines in the big table, the due ones included
	sweepBatch    = 1000      // rows per INSERT while filling the table
	sweepTxRows   = 100_000   // rows per transaction while filling the table
	sweepNotDueAt = time.Hour // how long after the clock the first deadline not due lies
	sweepClaim    = 100       // deadlines per ClaimDueDeadlines, as workflow's sweeper claims them
)

// BenchmarkSweep measures one sweep of the deadline sweeper, in one
// transaction: FindDueDeadlines(now, 1000) and FireDeadline for each of
// the 1,000 due deadlines (ms/sweep, one round trip per deadline), and
// beside it in the same iteration the batched sweep, ClaimDueDeadlines of
// 100 at a time (batched_ms/sweep: one claim and one next-deadline
// statement per 100), with the ratio of the two. It runs over a table of 1,000,000 pending
// deadlines ("1M") and, as the baseline, over one of only the 1,000 due
// ones ("due_only"): the partial index should make the two cost about the
// same. SQLite always, PostgreSQL when PORTDESK_TEST_DATABASE_URL is set.
// Filling the table takes a while and is not timed; neither is putting
// the fired deadlines back to pending between sweeps. Each run logs the
// sweep query's plan on the filled table (PostgreSQL: the generic plan,
// after ANALYZE).
func BenchmarkSweep(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, size := range []struct {
			name   string
			notDue int
		}{
			{"due_only", 0},
			{"1M", sweepPending - sweepDue},
		} {
			b.Run(e.Name+"/"+size.name, func(b *testing.B) { benchmarkSweep(b, e, size.notDue) })
		}
	}
}

func benchmarkSweep(b *testing.B, e storetest.Engine, notDue int) {
	ctx := context.Background()
	db := e.Open(b)
	o := storetest.MustCreatePortOrder(b, db, nil)
	now := storetest.Epoch
	// The due deadlines go in first, so they are the IDs up to lastDue.
	fillDeadlines(b, db, o, sweepDue, now.Add(-sweepDue*time.Second))
	var lastDue int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT max(id) FROM deadlines`).Scan(&lastDue); err != nil {
		b.Fatal(err)
	}
	fillDeadlines(b, db, o, notDue, now.Add(sweepNotDueAt))
	// Settle the fill: statistics for PostgreSQL's planner, and on SQLite
	// the WAL copied into the database file, so the first sweep's commit
	// does not pay for the fill's checkpoint.
	settle := `PRAGMA wal_checkpoint(TRUNCATE)`
	if db.Engine() == store.EnginePostgres {
		settle = `ANALYZE deadlines`
	}
	if _, err := db.SQL().ExecContext(ctx, settle); err != nil {
		b.Fatal(err)
	}
	plan := explainDueDeadlines(b, db, false)
	checkDueDeadlinesPlan(b, plan)
	b.Logf("%d pending deadlines; plan: %s", sweepDue+notDue, strings.Join(plan, " / "))

	reset := func() {
		if _, err := db.SQL().ExecContext(ctx, `UPDATE deadlines SET state = 'pending', fired_at = NULL
			WHERE id <= $1 AND state = 'fired'`, lastDue); err != nil {
			b.Fatal(err)
		}
	}
	var oneByOne, batched time.Duration
	for b.Loop() {
		b.StopTimer()
		reset()
		b.StartTimer()
		start := time.Now()
		fired := 0
		err := db.InTx(ctx, func(tx porting.Tx) error {
			due, err := tx.FindDueDeadlines(ctx, now, sweepDue)
			if err != nil {
				return err
			}
			for _, d := range due {
				ok, err := tx.FireDeadline(ctx, d.ID, now)
				if err != nil {
					return err
				}
				if ok {
					fired++
				}
			}
			return nil
		})
		if err != nil || fired != sweepDue {
			b.Fatalf("sweep fired %d deadlines, want %d (%v)", fired, sweepDue, err)
		}
		oneByOne += time.Since(start)
		b.StopTimer()
		reset()
		b.StartTimer()
		start = time.Now()
		fired = 0
		err = db.InTx(ctx, func(tx porting.Tx) error {
			for {
				claimed, err := tx.ClaimDueDeadlines(ctx, now, sweepClaim)
				if err != nil || len(claimed) == 0 {
					return err
				}
				fired += len(claimed)
			}
		})
		if err != nil || fired != sweepDue {
			b.Fatalf("batched sweep fired %d deadlines, want %d (%v)", fired, sweepDue, err)
		}
		batched += time.Since(start)
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64(oneByOne/n)/float64(time.Millisecond), "ms/sweep")
	b.ReportMetric(float64(oneByOne/n)/float64(time.Microsecond)/sweepDue, "µs/deadline")
	b.ReportMetric(float64(batched/n)/float64(time.Millisecond), "batched_ms/sweep")
	b.ReportMetric(float64(oneByOne)/float64(batched), "speedup")
}

// fillDeadlines inserts n pending deadlines of order o, one a second from
// first on, past the store: multi-row INSERTs of sweepBatch rows in
// transactions of sweepTxRows.
func fillDeadlines(b *testing.B, db *store.DB, o *porting.PortOrder, n int, first time.Time) {
	b.Helper()
	ctx := context.Background()
	for start := 0; start < n; start += sweepTxRows {
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for batch := start; batch < min(start+sweepTxRows, n); batch += sweepBatch {
			rows := min(sweepBatch, n-batch)
			var q strings.Builder
			q.WriteString(`INSERT INTO deadlines (port_order_id, account_id, kind, due_at, state, created_at) VALUES `)
			args := []any{o.ID, o.AccountID, store.Arg(db, storetest.Epoch)}
			for i := range rows {
				if i > 0 {
					q.WriteString(", ")
				}
				args = append(args, store.Arg(db, first.Add(time.Duration(batch+i)*time.Second)))
				kind := porting.DeadlineKinds[(batch+i)%len(porting.DeadlineKinds)]
				fmt.Fprintf(&q, "($1, $2, '%s', $%d, 'pending', $3)", kind, len(args))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				tx.Rollback()
				b.Fatalf("fill deadlines: %v", err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
