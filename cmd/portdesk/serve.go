package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/singleflight"

	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/httpapi"
	"github.com/portdesk/portdesk/jobs"
	"github.com/portdesk/portdesk/metrics"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/voice"
	"github.com/portdesk/portdesk/workflow"
)

// Main is the running program: configuration and the pieces it wires.
type Main struct {
	Config Config
	// Clock is the time the rules read (the sandbox clock runs over it);
	// nil is the wall clock. Tests set it to run the program at a pinned
	// hour.
	Clock porting.Clock

	DB      *store.DB
	Service *workflow.Service
	Jobs    *jobs.Runner
	HTTP    *http.Server
	ln      net.Listener
	// Metrics serves GET /metrics on --metrics-addr; nil when it is
	// served on the main listener.
	Metrics   *http.Server
	metricsLn net.Listener

	stdout, stderr io.Writer
	logger         *slog.Logger
	sandbox        *workflow.SandboxData
	// ingress is the SIP ingress on sipAddr (nil without --sip-addr);
	// caller places test calls.
	ingress *voice.Ingress
	caller  *voice.Caller
	sipAddr string
	// sim is the sandbox's in-process carrier simulator, served by simHTTP
	// at simURL.
	sim     *sim.Sim
	simHTTP *http.Server
	simURL  string
	// sandboxClock is the sandbox's clock, kept in the database (nil
	// outside the sandbox).
	sandboxClock *store.SandboxClock
	// draining is set when shutdown begins: /readyz answers 503 from then.
	draining atomic.Bool
	// readyChecks lets concurrent /readyz probes share one database check.
	readyChecks singleflight.Group
	closeOnce   sync.Once
	closeErr    error
}

// NewMain returns a Main writing its banner to stdout and logs to stderr.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{stdout: stdout, stderr: stderr}
}

// ParseFlags reads serve's flags and environment.
func (m *Main) ParseFlags(args []string) error {
	return parse(newFlagSet("serve", m.stderr, &m.Config, true), args)
}

// wallClock is the one place portdesk reads the wall clock.
var wallClock = porting.ClockFunc(time.Now)

// Open opens and migrates the database, wires the service, starts the job
// runner and listens. It returns once the server accepts connections.
func (m *Main) Open(ctx context.Context) error {
	m.logger = slog.New(slog.NewTextHandler(m.stderr, &slog.HandlerOptions{Level: logLevel(m.Config.LogLevel)}))
	slog.SetDefault(m.logger)
	var clock porting.Clock = wallClock
	if m.Clock != nil {
		clock = m.Clock
	}
	if m.Config.Sandbox {
		// The offset lives in the database: every replica reads the same
		// time, and an advance survives a restart.
		m.sandboxClock = store.NewSandboxClock(clock)
		clock = m.sandboxClock
	}
	if m.Config.ShutdownTimeout < 0 || m.Config.DrainDelay < 0 {
		return fmt.Errorf("--shutdown-timeout and --drain-delay cannot be negative")
	}
	settings := m.Config.settings()
	if err := settings.Validate(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	cfg, err := m.Config.storeConfig(clock)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return err
	}
	m.DB = db
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	var sandbox porting.AdvanceableClock // nil outside the sandbox
	if m.sandboxClock != nil {
		if err := m.sandboxClock.Attach(ctx, db, m.logger); err != nil {
			return err
		}
		sandbox = m.sandboxClock
	}
	notifier, err := newNotifier(m.Config)
	if err != nil {
		return err
	}
	// Listen before wiring: carriers are told the desk's address.
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	public := m.Config.PublicURL
	if public == "" {
		public = m.URL()
	}
	if m.Config.Sandbox && m.Config.SIPAddr == "" {
		m.Config.SIPAddr = "127.0.0.1:0" // the sandbox rehearses port day with its own SIP ingress
	}
	ingressURI, caller, err := m.startVoice(ctx, clock)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(metrics.NewOperationsCollector(metrics.OperationsConfig{Store: db, Clock: clock, Wall: wallClock,
		CacheFor: m.Config.MetricsCache, Logger: m.logger}))
	countedNotifier, err := metrics.CountWebhooks(notifier, reg)
	if err != nil {
		return err
	}
	gatewayMetrics, err := metrics.NewGatewayMetrics(reg)
	if err != nil {
		return err
	}
	m.Service = workflow.New(workflow.Config{
		Store: db, Clock: clock, SandboxClock: sandbox, AdminToken: m.Config.AdminToken, Notifier: countedNotifier,
		WebhookGuard: &notifier.Webhooks, Gateways: gatewayMetrics.Wrap(gateways), PublicURL: public, TestCaller: caller,
		SIPIngressURI: ingressURI, Checker: portabilityChecker(), Settings: settings,
	})
	m.Jobs, err = jobs.New(jobs.Config{DB: db.SQL(), Engine: db.Engine(), Service: m.Service, Logger: m.logger,
		SweepInterval: m.Config.SweepInterval, RetryBase: m.Config.RetryBase, CarrierPollInterval: m.Config.CarrierPollInterval,
		NotifyInterval: m.Config.NotifyInterval, Registerer: reg, SweepCompleted: func(ctx context.Context) error { return db.RecordSweep(ctx, clock.Now()) },
		SoftStopTimeout: m.jobSoftStop(), RescueAfter: m.Config.JobRescueAfter, ID: m.Config.ReplicaName,
		MetricsCache: m.Config.MetricsCache})
	if err != nil {
		return err
	}
	// A commit that recorded events wakes the notification drainer.
	db.OnEventsCommitted(m.Jobs.WakeNotifications)
	if m.Config.Sandbox {
		if m.sandbox, err = m.Service.Sandbox.SeedSandbox(ctx); err != nil {
			return err
		}
		if err := m.startSandboxCarrier(ctx); err != nil {
			return err
		}
	}
	if err := m.Jobs.Start(ctx); err != nil {
		return err
	}
	apiOpts := []httpapi.Option{httpapi.WithReadiness(m.ready)}
	if m.Config.MetricsAddr != "" {
		apiOpts = append(apiOpts, httpapi.WithoutMetrics())
		if err := m.listenMetrics(reg); err != nil {
			return err
		}
	}
	m.HTTP = &http.Server{
		Handler:           m.site(httpapi.NewServer(m.Service, reg, apiOpts...)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.HTTP.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.logger.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// listenMetrics serves GET /metrics, and nothing else, on --metrics-addr.
func (m *Main) listenMetrics(reg *prometheus.Registry) error {
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("--metrics-addr %s: %w", m.Config.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", httpapi.MetricsHandler(reg))
	m.metricsLn = ln
	m.Metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := m.Metrics.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.logger.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}

// MetricsURL is the base URL of the metrics listener, "" without
// --metrics-addr.
func (m *Main) MetricsURL() string {
	if m.metricsLn == nil {
		return ""
	}
	return "http://" + m.metricsLn.Addr().String()
}

// URL is the server's base URL once Open has returned.
func (m *Main) URL() string {
	return "http://" + m.ln.Addr().String()
}

// Serve opens, prints where to go, and runs until ctx ends.
func (m *Main) Serve(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	if err := m.printBanner(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.logger.Info("shutting down", "timeout", m.shutdownTimeout().String())
	return m.Close()
}

// ready is GET /readyz's check: not while shutting down, nor while the
// database does not answer or lacks a migration this version carries.
func (m *Main) ready(ctx context.Context) error {
	if m.draining.Load() {
		return porting.Errorf(porting.EUNAVAILABLE, "the server is shutting down")
	}
	// /readyz is open to anyone: probes that arrive while a check runs
	// share its answer, so a flood costs the database one check at a time.
	ch := m.readyChecks.DoChan("ready", func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		return nil, m.DB.Ready(ctx)
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return porting.Errorf(porting.EUNAVAILABLE, "the database does not answer")
	}
}

func (m *Main) printBanner(ctx context.Context) error {
	fmt.Fprintf(m.stdout, "portdesk %s listening on %s (%s)\n", version(), m.URL(), m.dataLocation())
	fmt.Fprintln(m.stdout, "  stop: press Ctrl-C (or send SIGTERM); the data stays for the next start")
	fmt.Fprintf(m.stdout, "  API docs: %s/docs   OpenAPI: %s/openapi.json   health: %s/healthz\n", m.URL(), m.URL(), m.URL())
	if m.sipAddr != "" {
		fmt.Fprintf(m.stdout, "  SIP ingress: sip:%s (UDP and TCP): calls to numbers of the instances reach their contact flows; test calls go there\n", m.sipAddr)
	}
	if u := m.MetricsURL(); u != "" {
		fmt.Fprintf(m.stdout, "  metrics: %s/metrics (not on the API's address)\n", u)
	}
	if !m.Config.Sandbox {
		if m.Config.AdminToken != "" {
			fmt.Fprintln(m.stdout, "  admin: PORTDESK_ADMIN_TOKEN is an admin key until an admin key is created")
		}
		return nil
	}
	data := m.sandbox
	fmt.Fprintln(m.stdout, "  sandbox: clock advances with POST /v1/sandbox/clock {\"advance\":\"72h\"}; demo data loaded")
	fmt.Fprintf(m.stdout, "  demo instance: %s\n", data.InstanceID)
	for _, k := range data.Keys {
		fmt.Fprintf(m.stdout, "  key %-22s %s\n", k.Secret, k.Who)
	}
	fmt.Fprintf(m.stdout, "  web console: %s/ — sign in as a demo user with these links:\n", m.URL())
	for _, k := range data.Keys {
		fmt.Fprintf(m.stdout, "    %-34s %s\n", k.Who, m.signInLink(k.Email))
	}
	fmt.Fprintf(m.stdout, "  carrier simulator %q at %s: Acme's numbers %s are on its account 7700123401 (PIN 4321); it answers submissions with an FOC or a rejection, and activates on the port day\n",
		sandboxCarrier, m.simURL, demoSimNumbers)
	fmt.Fprintf(m.stdout, "  try: curl -H 'Authorization: Bearer pd_sandbox_acme' %s/v1/port-orders\n", m.URL())
	return nil
}

// dataLocation says where the data lives: the SQLite file's directory, or
// the PostgreSQL server and database (without the credentials).
func (m *Main) dataLocation() string {
	if m.DB.Engine() != "postgres" {
		dir, err := filepath.Abs(m.Config.DataDir)
		if err != nil {
			dir = m.Config.DataDir
		}
		return "data: SQLite in " + dir
	}
	u, err := url.Parse(m.Config.DatabaseURL)
	if err != nil || u.Host == "" {
		return "data: PostgreSQL"
	}
	return fmt.Sprintf("data: PostgreSQL database %s on %s", strings.TrimPrefix(u.Path, "/"), u.Host)
}

// shutdownTimeout is --shutdown-timeout or its default.
func (m *Main) shutdownTimeout() time.Duration {
	return cmp.Or(m.Config.ShutdownTimeout, defaultShutdownTimeout)
}

// jobCancelGrace is how long before the end of a shutdown running jobs are
// cancelled: the time their workers have to return and River to record
// them as available again.
func (m *Main) jobCancelGrace() time.Duration {
	return min(5*time.Second, m.shutdownTimeout()/4)
}

// jobSoftStop is how long running jobs may finish on their own during a
// shutdown.
func (m *Main) jobSoftStop() time.Duration {
	return m.shutdownTimeout() - m.jobCancelGrace()
}

// Close stops the server gracefully within --shutdown-timeout and then
// closes the database; calls after the first return the first's result.
//
// At once /readyz answers 503 and River stops fetching jobs. After
// --drain-delay the listeners close and in-flight requests finish. Running
// jobs have until jobCancelGrace before the bound to finish; then their
// contexts are cancelled and River makes them available again for another
// replica (the attempt not counted). Whatever still runs at the bound is
// cut: open connections are closed, and a job whose worker ignores its
// cancelled context stays running in the database until the leader's
// rescuer takes it back (--job-rescue-after).
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.shutdown() })
	return m.closeErr
}

func (m *Main) shutdown() error {
	m.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), m.shutdownTimeout())
	defer cancel()
	var (
		wg      sync.WaitGroup
		jobsErr error
	)
	if m.Jobs != nil {
		wg.Go(func() { jobsErr = m.Jobs.Stop(ctx) })
	}
	var errs []error
	if m.HTTP != nil {
		if d := min(m.Config.DrainDelay, m.jobSoftStop()); d > 0 {
			time.Sleep(d) // keep serving while balancers see /readyz fail
		}
		if err := m.HTTP.Shutdown(ctx); err != nil {
			m.logger.Warn("shutdown: requests still running at the bound are cut", "err", err)
			errs = append(errs, m.HTTP.Close())
		}
	} else if m.ln != nil {
		errs = append(errs, m.ln.Close()) // Open failed after listening
	}
	if m.Metrics != nil {
		if err := m.Metrics.Shutdown(ctx); err != nil {
			errs = append(errs, m.Metrics.Close())
		}
	}
	wg.Wait()
	if jobsErr != nil {
		m.logger.Warn("shutdown: jobs still running at the bound; the leader's rescuer will run them again", "err", jobsErr)
	}
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelClose()
	if m.simHTTP != nil {
		errs = append(errs, m.simHTTP.Shutdown(closeCtx))
		m.sim.Close()
	}
	if m.ingress != nil {
		errs = append(errs, m.ingress.Close())
	}
	if m.caller != nil {
		errs = append(errs, m.caller.Close())
	}
	if m.sandboxClock != nil {
		m.sandboxClock.Close()
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func logLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
