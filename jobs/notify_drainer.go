package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/workflow"
)

// Timing of the notification drainer.
const (
	// defaultDrainInterval is how often the drainer runs without being
	// woken, to make up for wake-ups lost (another replica's writes, a
	// crash between a commit and its wake-up) and to retry failed events.
	defaultDrainInterval = 10 * time.Second
	// drainBusyRetry is how soon a drainer that found the cursor held by
	// another one tries again: the holder may have read its batch before
	// the writes that woke this one committed.
	drainBusyRetry = 200 * time.Millisecond
	// drainErrorRetry is the first wait after a failed drain, doubled per
	// failure in a row up to the interval.
	drainErrorRetry = time.Second
)

// notifyDrainer fans the event log out to webhooks and email (see
// workflow.Notifications.Drain): when a commit wakes it, every interval,
// and once at start, which catches up on whatever was recorded while no
// drainer ran. It runs on every replica; the cursor lets one drain at a
// time and the others skip.
type notifyDrainer struct {
	svc      *workflow.Service
	interval time.Duration
	logger   *slog.Logger
	wake     chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
}

func newNotifyDrainer(svc *workflow.Service, interval time.Duration, logger *slog.Logger) *notifyDrainer {
	if interval <= 0 {
		interval = defaultDrainInterval
	}
	return &notifyDrainer{svc: svc, interval: interval, logger: logger, wake: make(chan struct{}, 1)}
}

// Wake asks for a drain soon; it never blocks, and wake-ups that arrive
// while one is pending count once.
func (d *notifyDrainer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// start runs the drainer until stop.
func (d *notifyDrainer) start() {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan struct{})
	go d.run(ctx)
}

// stop ends the drainer after the drain in flight, if any, or when ctx
// ends (the drain is then cancelled and its transaction rolled back).
func (d *notifyDrainer) stop(ctx context.Context) {
	if d.cancel == nil {
		return
	}
	d.cancel()
	select {
	case <-d.done:
	case <-ctx.Done():
	}
}

func (d *notifyDrainer) run(ctx context.Context) {
	defer close(d.done)
	tick := time.NewTicker(d.interval)
	defer tick.Stop()
	failures := 0
	for {
		var again <-chan time.Time
		res, err := d.svc.Notifications.Drain(ctx)
		for _, f := range res.Failed {
			d.logger.Error("an event's webhooks and emails could not be queued; it is retried later",
				"event_id", f.EventID, "event_type", f.EventType, "attempts", f.Attempts, "err", f.Err)
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			wait := min(drainErrorRetry<<min(failures-1, 10), d.interval)
			d.logger.Error("notification drain failed", "err", err, "retry_in", wait)
			again = time.After(wait)
		case res.Busy:
			failures = 0
			again = time.After(drainBusyRetry)
		default:
			failures = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-tick.C:
		case <-again:
		}
	}
}

// notifyCollector reports how far notifications are behind, read from the
// database when scraped: at most once per cacheFor (a scrape storm costs
// one read; scrapes that come while it runs wait for it and share it).
type notifyCollector struct {
	read            func(context.Context) (workflow.NotifyStatus, error)
	backlog, failed *prometheus.Desc
	cacheFor        time.Duration

	mu     sync.Mutex
	readAt time.Time // wall time: the cache's age, not a business rule
	status workflow.NotifyStatus
	err    error
}

func newNotifyCollector(svc *workflow.Service, cacheFor time.Duration) *notifyCollector {
	return &notifyCollector{read: svc.Notifications.Status, cacheFor: cacheFor,
		backlog: prometheus.NewDesc("portdesk_notify_backlog_events",
			"Events recorded but not fanned out to webhooks and email yet.", nil, nil),
		failed: prometheus.NewDesc("portdesk_notify_failed_events",
			"Events whose fan-out to webhooks and email failed and waits for a retry.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c *notifyCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.backlog; ch <- c.failed }

// Collect implements prometheus.Collector: a failed read reports an
// invalid metric, which fails the scrape visibly.
func (c *notifyCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if c.readAt.IsZero() || time.Since(c.readAt) >= c.cacheFor {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c.status, c.err = c.read(ctx)
		cancel()
		c.readAt = time.Now()
	}
	st, err := c.status, c.err
	c.mu.Unlock()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.backlog, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(st.Backlog))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(st.Failed))
}
