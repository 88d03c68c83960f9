package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portdesk/portdesk/workflow"
)

// TestNotifyCollectorCaches: a storm of concurrent scrapes reads the
// database once per cache period, and a failed read fails the scrape.
func TestNotifyCollectorCaches(t *testing.T) {
	var reads atomic.Int64
	var fail atomic.Bool
	c := &notifyCollector{cacheFor: time.Hour,
		read: func(context.Context) (workflow.NotifyStatus, error) {
			reads.Add(1)
			time.Sleep(10 * time.Millisecond) // scrapes arriving meanwhile wait and share
			if fail.Load() {
				return workflow.NotifyStatus{}, errors.New("database gone")
			}
			return workflow.NotifyStatus{Backlog: 7, Failed: 2}, nil
		}}
	fresh := newNotifyCollector(&workflow.Service{Notifications: &workflow.Notifications{}}, 0)
	c.backlog, c.failed = fresh.backlog, fresh.failed
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := reg.Gather(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("50 concurrent scrapes read the database %d times, want 1", n)
	}
	if got := testutil.ToFloat64(prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		all := make(chan prometheus.Metric, 2)
		c.Collect(all)
		close(all)
		ch <- <-all
	})); got != 7 {
		t.Errorf("backlog %v, want 7", got)
	}

	c.cacheFor = 0
	fail.Store(true)
	if _, err := reg.Gather(); err == nil {
		t.Error("a failed read did not fail the scrape")
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads after the cache expired, want 2", n)
	}
}
