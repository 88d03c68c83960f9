// Package metrics holds the Prometheus metrics an operator alerts on
// beyond HTTP requests and jobs: the database-wide figures of port orders,
// attention flags, deadlines and webhook deliveries (read at scrape time),
// and counters of webhook attempts and carrier gateway calls made by this
// replica. Names and meanings are listed in README.md (Operations).
package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/porting"
)

// shared ends the help of every database-wide figure: replicas sharing a
// database all report it, so dashboards and alerts must not add them up.
const shared = " Database-wide: every replica reports the same figure; aggregate with max() across instances, never sum()."

// OperationsConfig configures an OperationsCollector.
type OperationsConfig struct {
	// Store reads the figures.
	Store porting.OperationsStore
	// Clock is the rules' clock: overdue and ages are measured on it.
	Clock porting.Clock
	// Wall times the cache and the reads; nil uses Clock.
	Wall porting.Clock
	// CacheFor is how long one read serves scrapes (default 5s; negative
	// reads at every scrape), so a scrape storm costs one read per period.
	CacheFor time.Duration
	// Timeout bounds one read (default 3s).
	Timeout time.Duration
	// Logger receives the reads that fail; nil discards them.
	Logger *slog.Logger
}

// OperationsCollector is a prometheus.Collector of the database-wide
// figures (porting.Operations), read when scraped. A failed read counts in
// portdesk_metrics_scrape_errors_total and leaves the figures out of the
// scrape: an operator sees no figure, never a false zero.
type OperationsCollector struct {
	cfg OperationsConfig

	mu       sync.Mutex // held during a read: concurrent scrapes share it
	ops      *porting.Operations
	err      error
	readAt   time.Time // on cfg.Wall
	duration time.Duration

	errors                                 prometheus.Counter
	success, readSeconds                   *prometheus.Desc
	orders, attention, overdue, overdueAge *prometheus.Desc
	sweepAt, sweepAge                      *prometheus.Desc
	retrying, givenUp, disabled            *prometheus.Desc
}

// NewOperationsCollector returns a collector reading cfg.Store; register
// it on the registry /metrics serves.
func NewOperationsCollector(cfg OperationsConfig) *OperationsCollector {
	if cfg.Wall == nil {
		cfg.Wall = cfg.Clock
	}
	if cfg.CacheFor == 0 {
		cfg.CacheFor = 5 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &OperationsCollector{
		cfg: cfg,
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "portdesk_metrics_scrape_errors_total",
			Help: "Reads of the database-wide figures that failed (timeout, database down); the figures are left out of that scrape."}),
		success:     d("portdesk_metrics_scrape_success", "1 when the database-wide figures of this scrape were read, 0 when the read failed."),
		readSeconds: d("portdesk_metrics_scrape_duration_seconds", "How long the last read of the database-wide figures took (wall time)."),
		orders: d("portdesk_port_orders", "Port orders in each active status, with whose move it is (waiting_on)."+shared,
			"status", "waiting_on"),
		attention: d("portdesk_attention_flags", "Attention flags on port orders (work that failed and needs a person), by code and, for failed deadlines, deadline kind; counted over at most 10,000 flagged orders."+shared,
			"code", "deadline_kind"),
		overdue:    d("portdesk_deadlines_overdue", "Pending deadlines due on the desk's clock but not fired yet (counted up to 100,000)."+shared),
		overdueAge: d("portdesk_deadlines_overdue_oldest_age_seconds", "How long ago the oldest overdue deadline came due, on the desk's clock (the sweep's lag); 0 when none is overdue."+shared),
		sweepAt:    d("portdesk_deadline_sweep_last_completed_timestamp_seconds", "When a deadline sweep last completed without error, on the clock of the replica that ran it (Unix seconds); absent before the first sweep."+shared),
		sweepAge:   d("portdesk_deadline_sweep_age_seconds", "Time since a deadline sweep last completed without error, on the desk's clock; absent before the first sweep."+shared),
		retrying:   d("portdesk_webhook_deliveries_retrying", "Webhook deliveries that failed at least once and will be tried again (counted up to 100,000)."+shared),
		givenUp:    d("portdesk_webhook_deliveries_given_up", "Webhook deliveries that failed for good in the last 24 hours on the desk's clock."+shared),
		disabled:   d("portdesk_webhook_endpoints_disabled", "Webhook endpoints disabled after failing deliveries in a row, until their owner enables them."+shared),
	}
}

// Describe implements prometheus.Collector.
func (c *OperationsCollector) Describe(ch chan<- *prometheus.Desc) {
	c.errors.Describe(ch)
	for _, d := range []*prometheus.Desc{c.success, c.readSeconds, c.orders, c.attention, c.overdue, c.overdueAge,
		c.sweepAt, c.sweepAge, c.retrying, c.givenUp, c.disabled} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *OperationsCollector) Collect(ch chan<- prometheus.Metric) {
	ops, duration, err := c.read()
	c.errors.Collect(ch)
	ch <- prometheus.MustNewConstMetric(c.readSeconds, prometheus.GaugeValue, duration.Seconds())
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, 1)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, s := range porting.States {
		if n, ok := ops.OrdersByStatus[s]; ok {
			gauge(c.orders, float64(n), string(s), string(s.WaitingOn()))
		}
	}
	for _, a := range ops.Attention {
		gauge(c.attention, float64(a.Flags), a.Code, string(a.DeadlineKind))
	}
	now := c.cfg.Clock.Now()
	gauge(c.overdue, float64(ops.OverdueDeadlines))
	age := 0.0
	if ops.OldestOverdueDueAt != nil {
		age = max(0, now.Sub(*ops.OldestOverdueDueAt).Seconds())
	}
	gauge(c.overdueAge, age)
	if ops.LastSweepAt != nil {
		gauge(c.sweepAt, float64(ops.LastSweepAt.UnixMicro())/1e6)
		gauge(c.sweepAge, max(0, now.Sub(*ops.LastSweepAt).Seconds()))
	}
	gauge(c.retrying, float64(ops.WebhookDeliveriesRetrying))
	gauge(c.givenUp, float64(ops.WebhookDeliveriesGivenUp))
	gauge(c.disabled, float64(ops.WebhookEndpointsDisabled))
}

// read returns the cached figures, reading them again once they are
// older than CacheFor. A failure is cached as long, so a database in
// trouble is not asked again by every scrape.
func (c *OperationsCollector) read() (*porting.Operations, time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := c.cfg.Wall.Now()
	if (c.ops != nil || c.err != nil) && c.cfg.CacheFor > 0 && start.Sub(c.readAt) < c.cfg.CacheFor {
		return c.ops, c.duration, c.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	c.ops, c.err = c.cfg.Store.ReadOperations(ctx, c.cfg.Clock.Now())
	c.readAt = start
	c.duration = c.cfg.Wall.Now().Sub(start)
	if c.err != nil {
		c.ops = nil
		c.errors.Inc()
		c.cfg.Logger.Warn("metrics: the database-wide figures could not be read", "err", c.err)
	}
	return c.ops, c.duration, c.err
}
