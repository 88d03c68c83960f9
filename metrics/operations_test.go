package metrics

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portdesk/portdesk/porting"
)

// fakeOperations is an OperationsStore returning ops (or err), counting
// reads; block, when set, holds each read until it is closed or the
// read's context ends.
type fakeOperations struct {
	ops   porting.Operations
	err   error
	block chan struct{}
	reads atomic.Int32
}

func (f *fakeOperations) ReadOperations(ctx context.Context, now time.Time) (*porting.Operations, error) {
	f.reads.Add(1)
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	ops := f.ops
	ops.ReadAt = now
	return &ops, nil
}

func (f *fakeOperations) RecordSweep(context.Context, time.Time) error { return nil }

var t0 = time.Date(2027, 3, 2, 14, 0, 0, 0, time.UTC)

func setup(t *testing.T, store *fakeOperations, cacheFor time.Duration) (*prometheus.Registry, *porting.OffsetClock, *porting.OffsetClock) {
	t.Helper()
	clock, wall := porting.NewFixedClock(t0), porting.NewFixedClock(t0)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewOperationsCollector(OperationsConfig{Store: store, Clock: clock, Wall: wall, CacheFor: cacheFor, Timeout: 100 * time.Millisecond}))
	return reg, clock, wall
}

func TestOperationsCollectorFigures(t *testing.T) {
	due, swept := t0.Add(-90*time.Second), t0.Add(-40*time.Second)
	store := &fakeOperations{ops: porting.Operations{
		OrdersByStatus:   map[porting.State]int{porting.StateReview: 3, porting.StateSubmitted: 2},
		Attention:        []porting.AttentionCount{{Code: "deadline_failed", DeadlineKind: porting.DeadlineLoadNumbers, Flags: 4}},
		OverdueDeadlines: 7, OldestOverdueDueAt: &due, LastSweepAt: &swept,
		WebhookDeliveriesRetrying: 5, WebhookDeliveriesGivenUp: 1, WebhookEndpointsDisabled: 2,
	}}
	reg, _, _ := setup(t, store, time.Second)
	want := `
# HELP portdesk_port_orders Port orders in each active status, with whose move it is (waiting_on).` + shared + `
# TYPE portdesk_port_orders gauge
portdesk_port_orders{status="review",waiting_on="team"} 3
portdesk_port_orders{status="submitted",waiting_on="carrier"} 2
# HELP portdesk_deadlines_overdue_oldest_age_seconds How long ago the oldest overdue deadline came due, on the desk's clock (the sweep's lag); 0 when none is overdue.` + shared + `
# TYPE portdesk_deadlines_overdue_oldest_age_seconds gauge
portdesk_deadlines_overdue_oldest_age_seconds 90
# HELP portdesk_deadline_sweep_age_seconds Time since a deadline sweep last completed without error, on the desk's clock; absent before the first sweep.` + shared + `
# TYPE portdesk_deadline_sweep_age_seconds gauge
portdesk_deadline_sweep_age_seconds 40
# HELP portdesk_metrics_scrape_success 1 when the database-wide figures of this scrape were read, 0 when the read failed.
# TYPE portdesk_metrics_scrape_success gauge
portdesk_metrics_scrape_success 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "portdesk_port_orders",
		"portdesk_deadlines_overdue_oldest_age_seconds", "portdesk_deadline_sweep_age_seconds", "portdesk_metrics_scrape_success"); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(reg, "portdesk_attention_flags", "portdesk_deadlines_overdue", "portdesk_webhook_deliveries_retrying",
		"portdesk_webhook_deliveries_given_up", "portdesk_webhook_endpoints_disabled", "portdesk_deadline_sweep_last_completed_timestamp_seconds"); err != nil || n != 6 {
		t.Errorf("%d of the other figures gathered (%v), want 6", n, err)
	}
}

// TestOperationsCollectorCache: scrapes within CacheFor share one read;
// the next read comes once the wall clock has moved past it, whatever the
// desk's clock does.
func TestOperationsCollectorCache(t *testing.T) {
	store := &fakeOperations{ops: porting.Operations{OrdersByStatus: map[porting.State]int{}}}
	reg, clock, wall := setup(t, store, 5*time.Second)
	gather := func() {
		t.Helper()
		if _, err := reg.Gather(); err != nil {
			t.Fatal(err)
		}
	}
	gather()
	gather()
	if _, err := clock.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := wall.Advance(4 * time.Second); err != nil {
		t.Fatal(err)
	}
	gather()
	if got := store.reads.Load(); got != 1 {
		t.Fatalf("%d reads within the cache period, want 1", got)
	}
	if _, err := wall.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	gather()
	if got := store.reads.Load(); got != 2 {
		t.Fatalf("%d reads once the cache period passed, want 2", got)
	}
}

// TestOperationsCollectorConcurrentScrapes: a scrape storm while a read is
// slow makes one read, not one per scrape.
func TestOperationsCollectorConcurrentScrapes(t *testing.T) {
	store := &fakeOperations{ops: porting.Operations{OrdersByStatus: map[porting.State]int{}}, block: make(chan struct{})}
	reg, _, _ := setup(t, store, 5*time.Second)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := reg.Gather(); err != nil {
				t.Error(err)
			}
		})
	}
	for deadline := time.Now().Add(5 * time.Second); store.reads.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no read started")
		}
	}
	close(store.block)
	wg.Wait()
	if got := store.reads.Load(); got != 1 {
		t.Fatalf("%d reads for 20 concurrent scrapes, want 1", got)
	}
}

// TestOperationsCollectorFailure: a failed or timed-out read is counted,
// shows as scrape_success 0, and leaves the figures out instead of
// showing zeros; the failure is cached like a success.
func TestOperationsCollectorFailure(t *testing.T) {
	for name, store := range map[string]*fakeOperations{
		"error":   {err: errors.New("connection refused")},
		"timeout": {block: make(chan struct{})}, // never closed: the 100ms timeout ends it
	} {
		t.Run(name, func(t *testing.T) {
			reg, _, wall := setup(t, store, 5*time.Second)
			for range 2 {
				if _, err := reg.Gather(); err != nil {
					t.Fatal(err)
				}
			}
			want := `
# HELP portdesk_metrics_scrape_errors_total Reads of the database-wide figures that failed (timeout, database down); the figures are left out of that scrape.
# TYPE portdesk_metrics_scrape_errors_total counter
portdesk_metrics_scrape_errors_total 1
# HELP portdesk_metrics_scrape_success 1 when the database-wide figures of this scrape were read, 0 when the read failed.
# TYPE portdesk_metrics_scrape_success gauge
portdesk_metrics_scrape_success 0
`
			if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "portdesk_metrics_scrape_errors_total", "portdesk_metrics_scrape_success"); err != nil {
				t.Error(err)
			}
			if n, _ := testutil.GatherAndCount(reg, "portdesk_port_orders", "portdesk_deadlines_overdue", "portdesk_webhook_deliveries_retrying"); n != 0 {
				t.Errorf("%d figures exposed after a failed read, want none", n)
			}
			if _, err := wall.Advance(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			if _, err := reg.Gather(); err != nil {
				t.Fatal(err)
			}
			if got := store.reads.Load(); got != 2 {
				t.Errorf("%d reads, want 2 (a failure is cached for the period, then read again)", got)
			}
		})
	}
}
