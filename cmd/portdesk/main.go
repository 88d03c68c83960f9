// Command portdesk is the number-porting desk: one binary that serves the
// API, migrates the database and administers accounts and keys.
package main

import (
	"github.com/portdesk/portdesk/carrier/sim"

	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // porting windows need time zones even where the host has none
)

const usage = `portdesk — a number-porting desk for cloud contact centers

Usage:
  portdesk serve   [--addr 127.0.0.1:8080] [--metrics-addr ADDR] [--data-dir ./portdesk-data] [--database-url postgres://…] [--sandbox]
  portdesk migrate [--data-dir …] [--database-url …]
  portdesk carrier-sim [--addr 127.0.0.1:8090] [--secret whsec_…] [--csr-file FILE] [--answer-delay 2s] [--fault-…]
  portdesk check   [--format csv|ndjson] [-o FILE] [--default-country US] [--current-carrier NAME] FILE|-
  portdesk admin create-account --name NAME --plan basic|premium
  portdesk admin create-key --role admin|specialist|customer [--account ID] [--expires-at RFC3339]
  portdesk admin revoke-key --id KEY_ID
  portdesk version

Every flag can also be set by an environment variable: --data-dir is
PORTDESK_DATA_DIR, and so on. PORTDESK_ADMIN_TOKEN=<secret> makes <secret>
an admin API key while the database holds no admin key.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first signal starts a graceful stop (see Main.Close); a
		// second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "portdesk:", err)
		}
		os.Exit(2)
	}
}

// run dispatches a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		m := NewMain(stdout, stderr)
		if err := m.ParseFlags(args[1:]); err != nil {
			return err
		}
		return m.Serve(ctx)
	case "carrier-sim":
		if code := sim.Main(args[1:], stdout, stderr); code != 0 {
			return fmt.Errorf("carrier-sim exited with status %d", code)
		}
		return nil
	case "migrate":
		return runMigrate(ctx, args[1:], stdout, stderr)
	case "check":
		return runCheck(ctx, args[1:], os.Stdin, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "portdesk", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
