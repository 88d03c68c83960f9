// Package pgcluster runs a private PostgreSQL cluster for tests that must
// restart or cut off the database: initdb and pg_ctl in a temporary
// directory, on a free port, as the postgres OS user (initdb refuses root),
// stopped and removed when the test ends. Other tests keep the machine's
// shared cluster to themselves.
package pgcluster

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BinDir is where Debian installs PostgreSQL 15's server programs.
const BinDir = "/usr/lib/postgresql/15/bin"

// IdleInTransactionTimeout is the cluster's
// idle_in_transaction_session_timeout.
const IdleInTransactionTimeout = 5 * time.Second

// Options shape the cluster.
type Options struct {
	// Listen are the addresses the server listens on besides 127.0.0.1
	// (each must exist on this machine when the cluster starts).
	Listen []string
	// Trust are the networks (CIDR) allowed in without a password besides
	// loopback.
	Trust []string
}

// Cluster is a running private cluster.
type Cluster struct {
	// Dir is the data directory; its log is Dir/server.log.
	Dir  string
	Port int
	cred *syscall.Credential
}

// Require fails the test under CI and skips it elsewhere when the private
// cluster cannot run here (no PostgreSQL programs, not root).
func Require(tb testing.TB, tools ...string) {
	tb.Helper()
	missing := func(why string) {
		if os.Getenv("CI") != "" {
			tb.Fatal("CI is set and " + why)
		}
		tb.Skip(why)
	}
	for _, p := range []string{filepath.Join(BinDir, "initdb"), filepath.Join(BinDir, "pg_ctl")} {
		if _, err := os.Stat(p); err != nil {
			missing(p + " is missing (Debian's postgresql-15)")
		}
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			missing(t + " is missing from PATH")
		}
	}
	if os.Geteuid() != 0 {
		missing("the private cluster runs as the postgres user, which needs root")
	}
	if _, err := user.Lookup("postgres"); err != nil {
		missing("there is no postgres OS user: " + err.Error())
	}
}

// Start initializes and starts a cluster; it is stopped (immediately) and
// removed when the test ends.
func Start(tb testing.TB, opts Options) *Cluster {
	tb.Helper()
	u, err := user.Lookup("postgres")
	if err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// Not t.TempDir: its parent is root's and closed to the postgres user.
	dir, err := os.MkdirTemp("", "pgcluster-")
	if err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chown(dir, uid, gid); err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
	c := &Cluster{Dir: filepath.Join(dir, "data"), Port: freePort(tb),
		cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	c.run(tb, "initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	listen := append([]string{"127.0.0.1"}, opts.Listen...)
	// fsync off: the tests restart the server cleanly (a fast shutdown
	// checkpoints); they never crash the machine. A client cut off in the
	// middle of a transaction leaves its session idle in it, holding its
	// row locks, until the server notices (with default TCP keepalives,
	// hours): idle_in_transaction_session_timeout ends it, as an operator
	// running replicas should (see TestFaultCutReplicaOff).
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '%s'\nunix_socket_directories = ''\nmax_connections = 200\nfsync = off\nfull_page_writes = off\n"+
		"idle_in_transaction_session_timeout = '%s'\n", c.Port, strings.Join(listen, ","), IdleInTransactionTimeout)
	appendFile(tb, filepath.Join(c.Dir, "postgresql.conf"), conf)
	var hba strings.Builder
	for _, n := range opts.Trust {
		fmt.Fprintf(&hba, "host all all %s trust\n", n)
	}
	appendFile(tb, filepath.Join(c.Dir, "pg_hba.conf"), hba.String())
	c.run(tb, "pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", filepath.Join(dir, "server.log"))
	tb.Cleanup(func() { c.ctl("stop", "-m", "immediate", "-w", "-D", c.Dir) })
	return c
}

// URL is the connection URL of the postgres database on host.
func (c *Cluster) URL(host string) string {
	return fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable",
		net.JoinHostPort(host, strconv.Itoa(c.Port)))
}

// Stop stops the server with a fast shutdown (sessions are ended,
// committed work is checkpointed); Resume starts it again.
func (c *Cluster) Stop(tb testing.TB) {
	tb.Helper()
	c.run(tb, "pg_ctl", "stop", "-m", "fast", "-w", "-t", "60", "-D", c.Dir)
}

// Resume starts a stopped server and waits until it accepts connections.
func (c *Cluster) Resume(tb testing.TB) {
	tb.Helper()
	c.run(tb, "pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", filepath.Join(filepath.Dir(c.Dir), "server.log"))
}

// Log is the server's log so far, for a failing test's message.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(c.Dir), "server.log"))
	return string(b)
}

func (c *Cluster) ctl(args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(BinDir, "pg_ctl"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

func (c *Cluster) run(tb testing.TB, prog string, args ...string) {
	tb.Helper()
	cmd := exec.Command(filepath.Join(BinDir, prog), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.Dir = "/" // the postgres user may not enter the test's directory
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pgcluster: %s %s: %v\n%s\n%s", prog, strings.Join(args, " "), err, out, c.Log())
	}
}

func appendFile(tb testing.TB, path, text string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		tb.Fatalf("pgcluster: %v", err)
	}
	if err := f.Close(); err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
}

// freePort is a loopback TCP port nobody listens on (yet).
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("pgcluster: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
