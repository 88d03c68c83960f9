package main

import (
	"github.com/portdesk/portdesk/voice"

	"github.com/portdesk/portdesk/carrier/sim"

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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/portdesk/portdesk/httpapi"
	"github.com/portdesk/portdesk/jobs"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
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
	var sandbox *porting.OffsetClock
	if m.Config.Sandbox {
		sandbox = porting.NewOffsetClock(clock)
		clock = sandbox
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
	m.Service = workflow.New(workflow.Config{
		Store: db, Clock: clock, SandboxClock: sandbox, AdminToken: m.Config.AdminToken, Notifier: notifier,
		WebhookGuard: &notifier.Webhooks, Gateways: gateways, PublicURL: public, TestCaller: caller, SIPIngressURI: ingressURI,
		Checker: portabilityChecker(), Settings: settings,
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Jobs, err = jobs.New(jobs.Config{DB: db.SQL(), Engine: db.Engine(), Service: m.Service, Logger: m.logger,
		SweepInterval: m.Config.SweepInterval, RetryBase: m.Config.RetryBase, CarrierPollInterval: m.Config.CarrierPollInterval,
		Registerer: reg, ID: m.Config.ReplicaName, RescueAfter: m.Config.JobRescueAfter})
	if err != nil {
		return err
	}
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
	var apiOpts []httpapi.Option
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
	defer m.Close()
	if err := m.printBanner(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
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

// Close stops the server, the jobs and the database, in that order.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.HTTP != nil {
		errs = append(errs, m.HTTP.Shutdown(ctx))
	} else if m.ln != nil {
		errs = append(errs, m.ln.Close()) // Open failed after listening
	}
	if m.Metrics != nil {
		errs = append(errs, m.Metrics.Shutdown(ctx))
	}
	if m.Jobs != nil {
		errs = append(errs, m.Jobs.Stop(ctx))
	}
	if m.simHTTP != nil {
		errs = append(errs, m.simHTTP.Shutdown(ctx))
		m.sim.Close()
	}
	if m.ingress != nil {
		errs = append(errs, m.ingress.Close())
	}
	if m.caller != nil {
		errs = append(errs, m.caller.Close())
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
