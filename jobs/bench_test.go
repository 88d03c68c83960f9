package jobs_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/jobs"
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
	"github.com/portdesk/portdesk/workflow"
)

// Sizes of BenchmarkDeadlineLag.
const (
	lagNear     = 1000                   // deadlines due during each round, all awaited
	lagFar      = 1_000_000              // pending deadlines due years ahead, never fired
	lagSpread   = 2 * time.Second        // the near deadlines fall due evenly over this
	lagInterval = 250 * time.Millisecond // the runner's SweepInterval
	lagOrders   = 10                     // orders the deadlines are spread over
	lagWait     = 60 * time.Second       // how long a round may take before the benchmark fails
	lagBatch    = 1000                   // rows per INSERT while filling the table
	lagTxRows   = 100_000                // rows per transaction while filling the table
)

// lagFarFrom is when the far deadlines begin, one a second from then on.
var lagFarFrom = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkDeadlineLag measures, end to end, how late deadlines fire: a
// jobs.Runner sweeping every 250 ms runs workflow.SweepDeadlines on the
// wall clock, and each round inserts 1,000 respond_reminder deadlines
// falling due evenly over the next 2 seconds, then waits until all have
// fired. The lag of a deadline is its fired_at − due_at; it is reported
// as ms-lag-mean, ms-lag-p99 and ms-lag-max over every round, beside
// ms-sweep-interval, the bound a healthy sweeper stays near. "1M_pending"
// runs over a table that also holds 1,000,000 pending deadlines due in
// 2030 and later; "due_only", the baseline, over the near ones alone.
// SQLite always, PostgreSQL when PORTDESK_TEST_DATABASE_URL is set.
//
// Filling the table is not timed. One round takes over 2 seconds, so run
// it with -benchtime 1x: go test -run '^$' -bench DeadlineLag -benchtime 1x ./jobs/
func BenchmarkDeadlineLag(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, size := range []struct {
			name string
			far  int
		}{
			{"due_only", 0},
			{"1M_pending", lagFar},
		} {
			b.Run(e.Name+"/"+size.name, func(b *testing.B) { benchmarkDeadlineLag(b, e, size.far) })
		}
	}
}

func benchmarkDeadlineLag(b *testing.B, e storetest.Engine, far int) {
	// The lag is a wall-clock quantity: River schedules the sweep on the
	// wall clock, so the store and the service read it too, instead of the
	// stopped clock tests use.
	wall := porting.ClockFunc(time.Now)
	db, orders := openLagDB(b, e, wall, far)
	startRunner(b, db, workflow.New(workflow.Config{Store: db, Clock: wall, Checker: &numbers.Checker{}}))
	var (
		lags  []time.Duration
		queue sweepQueue
	)
	for b.Loop() {
		b.StopTimer()
		lastJob := maxJobID(b, db)
		t0 := wall.Now()
		first, last := insertDeadlines(b, db, orders, lagNear, func(i int) time.Time {
			return t0.Add(lagSpread * time.Duration(i+1) / lagNear)
		})
		b.StartTimer()
		waitFor(b, fmt.Sprintf("deadlines %d to %d to fire", first, last), func() bool {
			return countPending(b, db, first, last) == 0
		})
		b.StopTimer()
		lags = append(lags, readLags(b, db, first, last)...)
		queue.add(readSweepQueue(b, db, lastJob))
		b.StartTimer()
	}
	checkFired(b, db, len(lags), far)
	reportLags(b, lags)
	b.Logf("%d far deadlines pending; %d near fired, lag min %v, median %v; %s",
		far, len(lags), lags[0], lags[len(lags)/2], queue)
}

// openLagDB opens a migrated database on clock with lagOrders orders
// holding far pending deadlines due from lagFarFrom on, one a second.
func openLagDB(b *testing.B, e storetest.Engine, clock porting.Clock, far int) (*store.DB, []*porting.PortOrder) {
	b.Helper()
	db := e.OpenClock(b, clock)
	req := storetest.MustCreatePortRequest(b, db, nil)
	respondBy := lagFarFrom.AddDate(1, 0, 0)
	orders := make([]*porting.PortOrder, lagOrders)
	for i := range orders {
		// Waiting on the customer with a respond-by date, so a
		// respond_reminder fires for real: an event and a thread message.
		orders[i] = storetest.MustCreatePortOrder(b, db, &porting.PortOrder{
			PortRequestID: req.ID, Status: porting.StateAwaitingLOA, RespondBy: &respondBy})
	}
	insertDeadlines(b, db, orders, far, func(i int) time.Time { return lagFarFrom.Add(time.Duration(i) * time.Second) })
	// Settle the fill, as store's BenchmarkSweep does: statistics for
	// PostgreSQL's planner; on SQLite the WAL copied into the database
	// file, so the first sweep does not pay for the fill's checkpoint.
	settle := `PRAGMA wal_checkpoint(TRUNCATE)`
	if db.Engine() == store.EnginePostgres {
		settle = `ANALYZE deadlines`
	}
	if _, err := db.SQL().ExecContext(context.Background(), settle); err != nil {
		b.Fatal(err)
	}
	return db, orders
}

// startRunner starts a runner sweeping every lagInterval, stops it when
// the benchmark ends, and returns once it works: its leader elected, the
// sweep that runs on start done.
func startRunner(b *testing.B, db *store.DB, svc *workflow.Service) {
	b.Helper()
	ctx := context.Background()
	runner, err := jobs.New(jobs.Config{DB: db.SQL(), Engine: db.Engine(), Service: svc, SweepInterval: lagInterval})
	if err != nil {
		b.Fatal(err)
	}
	if err := runner.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { // before the store closes: cleanups run last in, first out
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			b.Errorf("stop runner: %v", err)
		}
	})
	waitFor(b, "the first sweep", func() bool { return countSweeps(b, db) > 0 })
}

// reportLags reports the mean, 99th percentile and maximum of lags, and
// the sweep interval to compare them with. A negative lag, a deadline
// fired before it was due, fails the benchmark.
func reportLags(b *testing.B, lags []time.Duration) {
	b.Helper()
	slices.Sort(lags)
	if lags[0] < 0 {
		b.Errorf("a deadline fired %v before it was due", -lags[0])
	}
	var sum time.Duration
	for _, l := range lags {
		sum += l
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(sum/time.Duration(len(lags))), "ms-lag-mean")
	b.ReportMetric(ms(lags[int(math.Ceil(0.99*float64(len(lags))))-1]), "ms-lag-p99")
	b.ReportMetric(ms(lags[len(lags)-1]), "ms-lag-max")
	b.ReportMetric(ms(lagInterval), "ms-sweep-interval")
}
