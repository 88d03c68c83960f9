// Package jobs runs portdesk's background work on River: jobs enqueued by
// the workflow in the same transaction as the change that asks for them,
// run once that transaction commits. The River leader runs periodic jobs,
// so several replicas on one PostgreSQL share the work safely.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/portdesk/portdesk/workflow"
)

// deadlineQueue is the queue of the deadline sweeper.
const deadlineQueue = "deadlines"

// Runner is a working River client: it fetches and runs jobs.
type Runner struct {
	client  *river.Client[*sql.Tx]
	drainer *notifyDrainer
}

// Config configures a Runner.
type Config struct {
	// DB is the database pool jobs are stored in (the store's write pool).
	DB *sql.DB
	// Engine is "sqlite" or "postgres".
	Engine string
	// Service runs the use cases the jobs call.
	Service *workflow.Service
	// Logger receives River's logs, its routine info messages (job counts,
	// maintenance reports) lowered to debug; nil discards them.
	Logger *slog.Logger
	// MaxWorkers bounds concurrent jobs (default 10).
	MaxWorkers int
	// SweepInterval is how often the leader sweeps due deadlines (default
	// 30s; negative disables the periodic sweep, as tests that sweep by
	// hand do).
	SweepInterval time.Duration
	// RetryBase is the first retry delay of webhook deliveries and carrier
	// calls, doubled per attempt up to an hour (default 10s); each delay is
	// moved by up to ±10% at random.
	RetryBase time.Duration
	// CarrierPollInterval is how often the carriers that can be polled are
	// asked for the status of the orders they hold (default 10 minutes;
	// negative disables polling).
	CarrierPollInterval time.Duration
	// NotifyInterval is how often the notification drainer runs without
	// being woken by a commit (default 10s; see WakeNotifications).
	NotifyInterval time.Duration
	// Registerer receives the job metrics; nil registers none.
	Registerer prometheus.Registerer
	// MetricsCache is how long one read of the notification figures
	// serves scrapes (negative: read at every scrape); 0 is 5s.
	MetricsCache time.Duration
	// SweepCompleted, when set, is called after each sweep that completed
	// without error (the operator's metrics record when); its error fails
	// the sweep job, which River retries.
	SweepCompleted func(context.Context) error
	// SoftStopTimeout is how long Stop lets running jobs finish before it
	// cancels their contexts; River then makes each cancelled job
	// available again at once, without counting the attempt, so another
	// replica runs it. Default 15s.
	SoftStopTimeout time.Duration
	// ID names this River client in the jobs it attempts (river_job's
	// attempted_by) and in leader election; it must differ between
	// replicas. Empty lets River pick one from the host name and time.
	ID string
	// RescueAfter is how long a job may stay running before the leader
	// takes it for dead and retries it elsewhere (its replica was killed):
	// never before the job's own timeout has passed (default 2 minutes).
	// Below River's one-minute default job timeout it lowers that timeout
	// to match, for jobs that set none of their own.
	RescueAfter time.Duration
}

// defaultRescueAfter is Config.RescueAfter's default. River's own is an
// hour, during which a job of a dead replica stays running: the deadline
// sweep, unique while running, would not run again for that hour.
const defaultRescueAfter = 2 * time.Minute

// New builds a Runner; Start begins working.
func New(cfg Config) (*Runner, error) {
	workers := river.NewWorkers()
	for _, add := range []func() error{
		func() error {
			return river.AddWorkerSafely(workers, &submitWorker{svc: cfg.Service, retry: newRetryPolicy(cfg.RetryBase)})
		},
		func() error {
			return river.AddWorkerSafely(workers, &activateWorker{svc: cfg.Service, retry: newRetryPolicy(cfg.RetryBase)})
		},
		func() error { return river.AddWorkerSafely(workers, &pollWorker{svc: cfg.Service}) },
		func() error { return river.AddWorkerSafely(workers, &testCallsWorker{svc: cfg.Service}) },
		func() error { return river.AddWorkerSafely(workers, &notifyWorker{svc: cfg.Service}) },
		func() error {
			return river.AddWorkerSafely(workers, &deliverWorker{svc: cfg.Service, retry: newRetryPolicy(cfg.RetryBase)})
		},
		func() error { return river.AddWorkerSafely(workers, &emailWorker{svc: cfg.Service}) },
		func() error {
			return river.AddWorkerSafely(workers, &userEmailWorker{svc: cfg.Service, retry: newRetryPolicy(cfg.RetryBase)})
		},
		func() error {
			return river.AddWorkerSafely(workers, &sweepWorker{svc: cfg.Service, completed: cfg.SweepCompleted})
		},
		func() error {
			return river.AddWorkerSafely(workers, &cancelWorker{svc: cfg.Service, retry: newRetryPolicy(cfg.RetryBase)})
		},
		func() error { return river.AddWorkerSafely(workers, &purgeWorker{svc: cfg.Service}) },
	} {
		if err := add(); err != nil {
			return nil, fmt.Errorf("jobs: register workers: %w", err)
		}
	}
	max := cfg.MaxWorkers
	if max <= 0 {
		max = 10
	}
	logger := slog.New(slog.DiscardHandler)
	if cfg.Logger != nil {
		logger = slog.New(riverLogHandler{cfg.Logger.Handler()})
	}
	var mw []rivertype.Middleware
	if cfg.Registerer != nil {
		m, err := newJobMetrics(cfg.Registerer)
		if err != nil {
			return nil, err
		}
		mw = append(mw, m)
		if err := cfg.Registerer.Register(newNotifyCollector(cfg.Service, metricsCache(cfg.MetricsCache))); err != nil {
			return nil, err
		}
	}
	rc := &river.Config{
		Middleware: mw,
		Logger:     logger,
		// Deadlines get their own queue with one worker, so a sweep never
		// waits behind the notifications the last sweep produced, and never
		// runs beside another sweep competing for the same rows.
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max}, deadlineQueue: {MaxWorkers: 1}},
		// Without LISTEN/NOTIFY (database/sql drivers) River polls; poll
		// often enough that a due deadline waits well under a second.
		FetchPollInterval: 200 * time.Millisecond,
		Workers:           workers,
		// A stopping replica hands unfinished jobs back (see Stop); one
		// that died is found by the leader's rescuer, which waits for each
		// job's own timeout before it reschedules the job.
		SoftStopTimeout: cmp.Or(cfg.SoftStopTimeout, 15*time.Second),
		ID:              cfg.ID,
	}
	rc.RescueStuckJobsAfter = cfg.RescueAfter
	if rc.RescueStuckJobsAfter <= 0 {
		rc.RescueStuckJobsAfter = defaultRescueAfter
	}
	if rc.RescueStuckJobsAfter < river.JobTimeoutDefault {
		rc.JobTimeout = rc.RescueStuckJobsAfter
	}
	interval := cfg.SweepInterval
	if interval == 0 {
		interval = 30 * time.Second
	}
	if interval > 0 {
		// Periodic jobs are inserted by the elected leader only, so with N
		// replicas the sweep still runs once per interval.
		rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) {
				// One sweep queued or running at a time: a sweep already
				// waiting will find whatever came due since.
				return SweepDeadlinesJob{}, &river.InsertOpts{Queue: deadlineQueue, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
					rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
					rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
			},
			&river.PeriodicJobOpts{RunOnStart: true})}
	}
	poll := cfg.CarrierPollInterval
	if poll == 0 {
		poll = 10 * time.Minute
	}
	if poll > 0 {
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(poll),
			func() (river.JobArgs, *river.InsertOpts) {
				return pollArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
					rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
					rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
			}, nil))
	}
	rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeJob{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	var (
		client *river.Client[*sql.Tx]
		err    error
	)
	switch cfg.Engine {
	case "sqlite":
		client, err = river.NewClient(riversqlite.New(cfg.DB), rc)
	case "postgres":
		client, err = river.NewClient(riverdatabasesql.New(cfg.DB), rc)
	default:
		return nil, fmt.Errorf("jobs: unknown engine %q", cfg.Engine)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: new river client: %w", err)
	}
	return &Runner{client: client, drainer: newNotifyDrainer(cfg.Service, cfg.NotifyInterval, logger)}, nil
}

// WakeNotifications asks the notification drainer to fan out the events
// just committed; it never blocks. Wire it to the store's
// OnEventsCommitted.
func (r *Runner) WakeNotifications() { r.drainer.Wake() }

// Start begins fetching and running jobs until Stop.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.drainer.start()
	return nil
}

// Stop stops fetching jobs at once and waits for the running ones: they
// have Config.SoftStopTimeout to finish, then their contexts are cancelled
// and, once their workers return, River makes them available for another
// replica. Stop returns ctx's error if ctx ends first (jobs still running
// then are rescued by the leader after Config.RescueAfter).
func (r *Runner) Stop(ctx context.Context) error {
	r.drainer.stop(ctx)
	if err := r.client.Stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// metricsCache is Config.MetricsCache with its default: 5s, and 0 for a
// negative setting (read at every scrape).
func metricsCache(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return 5 * time.Second
	}
	return d
}
