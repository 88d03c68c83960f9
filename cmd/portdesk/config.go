package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/workflow"
)

// Config is what serve, migrate and admin read from flags and environment.
type Config struct {
	// Addr is where serve listens (default 127.0.0.1:8080; :0 picks a port).
	Addr string
	// MetricsAddr, when set, is where GET /metrics is served instead of
	// Addr (which then answers 404 for it); empty serves it on Addr.
	MetricsAddr string
	// MetricsCache is how long one read of the database-wide metrics
	// serves scrapes (default 5s; negative reads at every scrape).
	MetricsCache time.Duration
	// DataDir holds the embedded SQLite database (default ./portdesk-data).
	DataDir string
	// DatabaseURL selects PostgreSQL instead of SQLite when set.
	DatabaseURL string
	// Sandbox runs with an advanceable clock and demo data.
	Sandbox bool
	// AdminToken is accepted as an admin key while no admin key exists.
	AdminToken string
	// SecretKey encrypts documents and PINs at rest: 64 hex characters or
	// base64 of 32 bytes, from PORTDESK_SECRET_KEY only (never a flag, so it
	// stays out of process lists). SQLite generates one into the data
	// directory when it is empty; PostgreSQL requires it.
	SecretKey string
	// LogLevel is debug, info, warn or error (default info).
	LogLevel string
	// SMTPURL sends customer emails (smtp://user:pass@host:587?from=desk@example.com);
	// empty sends none.
	SMTPURL string
	// TeamEmail is the porting team's address for orders that need a
	// person (attention flags); empty sends none.
	TeamEmail string
	// SweepInterval is how often due deadlines are swept (default 30s).
	SweepInterval time.Duration
	// NotifyInterval is how often the notification drainer runs without a
	// commit waking it (default 10s): it catches up after lost wake-ups
	// and retries events whose fan-out failed.
	NotifyInterval time.Duration
	// SilencePolicy is what happens after 30 days without a customer
	// answer: cancel (default), restart or hold.
	SilencePolicy string
	// RetryBase is the first webhook retry delay (default 10s), doubled per
	// attempt up to an hour, each delay moved by up to ±10% at random.
	RetryBase time.Duration
	// LoadLeadBusinessDays is how many business days before the FOC the
	// numbers are loaded into the instance: 3 (default) or 4.
	LoadLeadBusinessDays int
	// LeadBusinessDays is the minimum notice from asking for a port date to
	// the port day; 0 uses each country's default (5 in North America, 10
	// elsewhere).
	LeadBusinessDays int
	// GroupCommit is how many concurrent writes one SQLite commit carries
	// at most (default store.DefaultGroupCommit; 1: one commit per write).
	GroupCommit int
	// DatabaseMaxConns bounds the replica's PostgreSQL connections
	// (default store.DefaultMaxConns).
	DatabaseMaxConns int
	// TestCallSample is how many numbers of an order a test-call run calls
	// at most (default 20).
	TestCallSample int
	// VerifyWithinDays is how long a customer has to verify a port before
	// the order completes with a note (default 14).
	VerifyWithinDays int
	// SIPAddr is where the SIP ingress listens (UDP and TCP); empty runs
	// none (the sandbox then picks a loopback port).
	SIPAddr string
	// PublicURL is the desk's base URL as carriers reach it (their
	// callbacks and document links); default the listen address.
	PublicURL string
	// OperatorName and OperatorAddress are the legal name and address of
	// the operator: the gaining side on LOAs and submissions.
	OperatorName    string
	OperatorAddress string
	// CarrierPollInterval is how often carriers that can be polled are
	// asked for the status of their orders (default 10m; negative: never).
	CarrierPollInterval time.Duration
	// SimAnswerDelay is how long the sandbox's carrier simulator waits
	// before each answer (default 2s).
	SimAnswerDelay time.Duration
	// ShutdownTimeout bounds a graceful stop (SIGTERM, SIGINT): /readyz
	// answers 503 at once, in-flight requests and running jobs get until
	// then to finish; jobs still running a few seconds before it are
	// cancelled and handed back to River for another replica (default 20s).
	ShutdownTimeout time.Duration
	// DrainDelay is how long, within ShutdownTimeout, a stopping server
	// keeps accepting requests while /readyz answers 503, so that a load
	// balancer's health checks take it out first (default 0).
	DrainDelay time.Duration
	// WebhookAllowPrivate lets webhook endpoints be on loopback or private
	// networks (always so in the sandbox); off, portdesk refuses to call
	// into the network it runs in on a customer's behalf.
	WebhookAllowPrivate bool
	// ReplicaName names this replica's job runner in the jobs it attempts
	// and in leader election (unique per replica); empty: River picks one.
	ReplicaName string
	// JobRescueAfter is how long a job may stay running before it is taken
	// for dead (its replica gone) and retried by another (default 2m;
	// never before the job's own timeout).
	JobRescueAfter time.Duration
}

// defaultShutdownTimeout is --shutdown-timeout's default.
const defaultShutdownTimeout = 20 * time.Second

// envName turns a flag name into its environment variable.
func envName(flagName string) string {
	return "PORTDESK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlagSet returns a flag set whose defaults come from PORTDESK_*
// variables, so a flag beats its variable, which beats the default.
func newFlagSet(name string, stderr io.Writer, cfg *Config, serve bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, n, def, help string) {
		if v, ok := os.LookupEnv(envName(n)); ok {
			def = v
		}
		fs.StringVar(p, n, def, help+" (env "+envName(n)+")")
	}
	str(&cfg.DataDir, "data-dir", "./portdesk-data", "directory of the embedded SQLite database; unused with --database-url")
	str(&cfg.DatabaseURL, "database-url", "", "PostgreSQL URL; empty uses SQLite in --data-dir")
	if serve {
		str(&cfg.Addr, "addr", "127.0.0.1:8080", "listen address")
		str(&cfg.MetricsAddr, "metrics-addr", "", "serve GET /metrics on this address only, not on --addr; empty serves it on --addr")
		str(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
		str(&cfg.SMTPURL, "smtp-url", "", "SMTP server for customer emails, smtp://user:pass@host:587?from=desk@example.com; empty sends none")
		str(&cfg.TeamEmail, "team-email", "", "the porting team's address: orders needing a person (attention flags) are mailed there; needs --smtp-url")
		str(&cfg.SilencePolicy, "silence-policy", "cancel", "after 30 days without a customer answer: cancel, restart or hold")
		dur := func(p *time.Duration, n string, def time.Duration, help string) {
			if v, ok := os.LookupEnv(envName(n)); ok {
				if d, err := time.ParseDuration(v); err == nil {
					def = d
				}
			}
			fs.DurationVar(p, n, def, help+" (env "+envName(n)+")")
		}
		num := func(p *int, n string, def int, help string) {
			if v, ok := os.LookupEnv(envName(n)); ok {
				if i, err := strconv.Atoi(v); err == nil {
					def = i
				}
			}
			fs.IntVar(p, n, def, help+" (env "+envName(n)+")")
		}
		num(&cfg.LoadLeadBusinessDays, "load-lead-business-days", 3, "business days before the FOC the numbers are loaded: 3 or 4")
		num(&cfg.LeadBusinessDays, "lead-business-days", 0, "minimum business days from asking for a port date to the port; 0 = the country's default")
		dur(&cfg.SweepInterval, "sweep-interval", 30*time.Second, "how often due deadlines are swept")
		dur(&cfg.MetricsCache, "metrics-cache", 5*time.Second, "how long one read of the database-wide metrics serves scrapes, so a scrape storm costs one query per period; negative: read at every scrape")
		dur(&cfg.NotifyInterval, "notify-interval", 10*time.Second, "how often the event log is fanned out to webhooks and email without a write waking it (catching up after lost wake-ups, retrying failed events)")
		dur(&cfg.RetryBase, "webhook-retry-base", 10*time.Second, "first retry delay of webhook deliveries and carrier calls, doubled per attempt up to an hour, ±10% at random")
		num(&cfg.DatabaseMaxConns, "database-max-conns", store.DefaultMaxConns, "PostgreSQL: the most connections this replica opens (requests and jobs share them); replicas × this must stay under the server's max_connections")
		num(&cfg.GroupCommit, "group-commit", store.DefaultGroupCommit, "SQLite: the most concurrent writes one durable commit carries, each under its own savepoint; 1 commits each write alone")
		num(&cfg.TestCallSample, "test-call-sample", 20, "how many numbers of an order a test-call run calls at most, spread over the order")
		num(&cfg.VerifyWithinDays, "verify-within-days", 14, "days a customer has to verify a port before the order completes with a note (reminders before)")
		str(&cfg.SIPAddr, "sip-addr", "", "SIP ingress address (UDP and TCP), standing in for the contact-center platform's edge; empty: none (the sandbox picks a loopback port)")
		str(&cfg.PublicURL, "public-url", "", "the desk's base URL as carriers reach it (callbacks, document links, the links of invitation and password reset emails); empty: http://<listen address>")
		str(&cfg.OperatorName, "operator-name", "", "the operator's legal name: the gaining side printed on LOAs and sent to carriers")
		str(&cfg.OperatorAddress, "operator-address", "", "the operator's legal address, beside --operator-name")
		dur(&cfg.CarrierPollInterval, "carrier-poll-interval", 10*time.Minute, "how often carriers that can be polled are asked for their orders' status (a fallback for lost callbacks); negative: never")
		dur(&cfg.ShutdownTimeout, "shutdown-timeout", defaultShutdownTimeout, "on SIGTERM/SIGINT: the most time in-flight requests and running jobs get before the process exits; unfinished jobs are handed to another replica")
		dur(&cfg.DrainDelay, "drain-delay", 0, "on SIGTERM/SIGINT: keep serving this long (within --shutdown-timeout) while /readyz answers 503, so a load balancer drains the replica first")
		str(&cfg.ReplicaName, "replica-name", "", "this replica's name in the jobs it runs and in leader election, unique per replica; empty: generated")
		dur(&cfg.JobRescueAfter, "job-rescue-after", 2*time.Minute, "how long a job may run before it is taken for dead (its replica gone) and retried by another; never before the job's own timeout")
		dur(&cfg.SimAnswerDelay, "sim-answer-delay", 2*time.Second, "sandbox only: how long the built-in carrier simulator waits before each answer")
		def := false
		if v, ok := os.LookupEnv(envName("sandbox")); ok {
			def = v == "1" || strings.EqualFold(v, "true")
		}
		fs.BoolVar(&cfg.Sandbox, "sandbox", def, "sandbox: advanceable clock and demo data (env PORTDESK_SANDBOX)")
		allow := false
		if v, ok := os.LookupEnv(envName("webhook-allow-private")); ok {
			allow = v == "1" || strings.EqualFold(v, "true")
		}
		fs.BoolVar(&cfg.WebhookAllowPrivate, "webhook-allow-private", allow, "let webhook endpoints be on loopback or private networks; on in the sandbox (env PORTDESK_WEBHOOK_ALLOW_PRIVATE)")
	}
	cfg.AdminToken = os.Getenv("PORTDESK_ADMIN_TOKEN")
	cfg.SecretKey = os.Getenv("PORTDESK_SECRET_KEY")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// settings are the desk's rules as the flags set them; Settings.Validate
// checks them.
func (c Config) settings() workflow.Settings {
	return workflow.Settings{SilencePolicy: c.SilencePolicy, TeamEmail: c.TeamEmail,
		OperatorName: c.OperatorName, OperatorAddress: c.OperatorAddress, TestCallSample: c.TestCallSample,
		VerifyWithinDays: c.VerifyWithinDays, Plan: calendar.PlanRules{
			LoadLeadBusinessDays: c.LoadLeadBusinessDays, LeadBusinessDays: c.LeadBusinessDays}}
}

// storeConfig turns the configuration into the store's.
func (c Config) storeConfig(clock porting.Clock) (store.Config, error) {
	cfg := store.Config{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL, Clock: clock, GroupCommit: c.GroupCommit, MaxConns: c.DatabaseMaxConns}
	if c.SecretKey != "" {
		key, err := store.ParseSecretKey(c.SecretKey)
		if err != nil {
			return cfg, fmt.Errorf("PORTDESK_SECRET_KEY: %w", err)
		}
		cfg.SecretKey = key
	}
	return cfg, nil
}
