package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// EnvSecret names the environment variable the secret is read from when
// --secret is not given.
const EnvSecret = "PORTDESK_CARRIER_SIM_SECRET"

// Main runs the simulator as a program (portdesk carrier-sim …) until
// SIGINT or SIGTERM and returns its exit code: 0 on a clean stop, 1 when
// it cannot start, 2 for bad flags. Once listening it prints one line,
// "carrier-sim listening on http://ADDR", to stdout.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr)
}

// options are the parsed flags.
type options struct {
	addr    string
	csrFile string
	cfg     Config
}

// parseFlags reads the command line into options.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("carrier-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8090", "address to listen on")
	fs.StringVar(&o.cfg.Secret, "secret", os.Getenv(EnvSecret), "Standard Webhooks secret (whsec_…); default $"+EnvSecret)
	fs.StringVar(&o.csrFile, "csr-file", "", "JSON file of CSR records (default: the demo records)")
	fs.StringVar(&o.cfg.Carrier, "carrier", DefaultCarrier, "carrier name of records that name none")
	fs.DurationVar(&o.cfg.AnswerDelay, "answer-delay", DefaultAnswerDelay, "wait before each batch of callbacks")
	fs.IntVar(&o.cfg.LeadBusinessDays, "lead-days", DefaultLeadBusinessDays, "business days between submission and FOC")
	fs.DurationVar(&o.cfg.Faults.SlowAnswers, "fault-slow", 0, "delay every HTTP answer by this long")
	fs.IntVar(&o.cfg.Faults.Fail5xxFirst, "fault-5xx-first", 0, "answer 503 to the first N calls of each kind")
	fs.Float64Var(&o.cfg.Faults.FailRate, "fault-5xx-rate", 0, "probability (0-1) of answering a call 503")
	fs.Float64Var(&o.cfg.Faults.DropCallbacks, "fault-drop", 0, "probability (0-1) that a callback is never sent")
	fs.BoolVar(&o.cfg.Faults.DuplicateCallbacks, "fault-duplicate", false, "send every callback twice")
	fs.BoolVar(&o.cfg.Faults.ReorderCallbacks, "fault-reorder", false, "send each callback after the next one of its port-in")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return o, nil
}

// run is Main with the stop signal as a context.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "carrier-sim:", err)
		}
		return 2
	}
	if o.csrFile != "" {
		if o.cfg.CSRs, err = LoadRecords(o.csrFile); err != nil {
			fmt.Fprintln(stderr, "carrier-sim:", err)
			return 1
		}
	}
	o.cfg.Log = slog.New(slog.NewTextHandler(stderr, nil))
	s, err := New(o.cfg)
	if err != nil {
		fmt.Fprintln(stderr, "carrier-sim:", err)
		return 1
	}
	defer s.Close()
	if err := serve(ctx, s, o.addr, stdout); err != nil {
		fmt.Fprintln(stderr, "carrier-sim:", err)
		return 1
	}
	return 0
}

// serve listens on addr, announces it, and serves until ctx ends.
func serve(ctx context.Context, s *Sim, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "carrier-sim listening on http://%s\n", ln.Addr())
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
