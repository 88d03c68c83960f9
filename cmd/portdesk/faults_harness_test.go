package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portdesk/portdesk/internal/pgcluster"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// Settings the replicas of the fault tests run with: sweeps and retries
// fast, and a job of a dead replica taken over after faultRescueAfter
// (or its own timeout, when longer).
const (
	faultSweepInterval = 200 * time.Millisecond
	faultRescueAfter   = 5 * time.Second
)

// requireFaults skips the fault tests unless PostgreSQL is switched on
// (PORTDESK_TEST_DATABASE_URL, as .ci/run does); they run on a private
// cluster of their own, and under CI a missing tool fails them.
func requireFaults(t *testing.T, tools ...string) {
	t.Helper()
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		t.Skip("a PostgreSQL fault test: set " + storetest.EnvDatabaseURL)
	}
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and several real servers")
	}
	pgcluster.Require(t, tools...)
}

// faultSummary prints one line of a fault test's counts, starting with
// "FAULTS", to the test binary's stdout: .ci/run's `go test -v` shows it
// whether the test passes or fails (go test without -v shows a passing
// package's output to nobody, t.Log's included).
func faultSummary(t *testing.T, format string, args ...any) {
	t.Helper()
	fmt.Fprintf(os.Stdout, "FAULTS %s: "+format+"\n", append([]any{t.Name()}, args...)...)
}

// replica is one `portdesk serve` process of a fault test.
type replica struct {
	name string
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	c    *client
	// exited is closed once the process has ended (a goroutine waits
	// for it from the start); ended then says how. killed is set when
	// the test ends it.
	exited chan struct{}
	ended  string
	killed atomic.Bool
}

// startReplica runs `portdesk serve` named name on dbURL, listening on
// addr ("127.0.0.1:0": any port), in the namespace ns when it is not nil;
// flags override the fault tests' settings. A failing test prints the end
// of each replica's log.
func startReplica(t *testing.T, name, dbURL, addr string, ns *pgcluster.Namespace, flags ...string) *replica {
	t.Helper()
	args := []string{"serve", "--addr", addr, "--database-url", dbURL, "--replica-name", name,
		"--sweep-interval", faultSweepInterval.String(), "--job-rescue-after", faultRescueAfter.String(),
		"--webhook-retry-base", testRetryBase.String(), "--webhook-allow-private", "--log-level", "info"}
	args = append(args, flags...)
	var cmd *exec.Cmd
	if ns != nil {
		cmd = ns.Command(binary(t), args...)
	} else {
		cmd = exec.Command(binary(t), args...)
	}
	cmd.Env = append(os.Environ(), "PORTDESK_ADMIN_TOKEN="+testAdminToken, "PORTDESK_SECRET_KEY="+testSecretKey)
	r := &replica{name: name, cmd: cmd, logs: &lockedBuffer{}}
	cmd.Stderr = r.logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.exited = make(chan struct{})
	go func() {
		err := cmd.Wait()
		r.ended = fmt.Sprint(err)
		close(r.exited)
	}()
	t.Cleanup(func() {
		onItsOwn := r.endedOnItsOwn()
		r.kill()
		if t.Failed() || onItsOwn {
			log := r.logs.String()
			if len(log) > 4000 {
				log = log[len(log)-4000:]
			}
			if onItsOwn {
				log += "\n(the process had ended on its own: " + r.ended + ")"
			}
			t.Logf("replica %s log (end):\n%s", name, log)
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), " listening on "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case r.base = <-urls:
	case <-time.After(60 * time.Second):
		t.Fatalf("replica %s did not print its address within 60s:\n%s", name, r.logs.String())
	}
	r.c = &client{t: t, base: r.base}
	return r
}

// kill ends the replica with SIGKILL (no shutdown of any kind) and waits.
func (r *replica) kill() {
	r.killed.Store(true)
	if r.alive() {
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-r.exited
}

// alive reports whether the process still runs.
func (r *replica) alive() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// endedOnItsOwn reports whether the process ended without the test
// killing it.
func (r *replica) endedOnItsOwn() bool { return !r.killed.Load() && !r.alive() }

// ready is the replica's /readyz status code (0 when it does not answer).
func (r *replica) ready() int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.base+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// openFaultStore opens the private cluster's database for fixtures and
// for counting what the replicas did.
func openFaultStore(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	key, err := store.ParseSecretKey(testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), store.Config{DatabaseURL: dbURL, Clock: porting.ClockFunc(time.Now), SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// silentOrders creates n orders of account acct waiting on the customer
// whose answer date has passed: each has a respond_by deadline, due in an
// hour (makeDue brings them all due at once), whose firing cancels the
// order (the silence policy).
func silentOrders(t *testing.T, db *store.DB, acct string, n, from int) []string {
	t.Helper()
	ctx := context.Background()
	past := time.Now().UTC().Add(-time.Minute)
	req := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: acct, CaseType: porting.CaseLimitIncrease,
		AuthorizedContact: porting.Contact{Name: "Jo"}, ContactPreferences: porting.ContactPreferences{Language: "en", Methods: []string{"web"}}})
	ids := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: acct, PortRequestID: req.ID, Status: porting.StateAwaitingLOA,
			Country: "US", LosingCarrier: "Old", NumberKind: porting.KindDID, RespondBy: &past,
			PhoneNumbers: storetest.Numbers(fmt.Sprintf("+1212555%04d", i))})
		storetest.MustInTx(t, db, func(tx porting.Tx) error {
			_, err := tx.ChangeDeadlines(ctx, o.ID, []porting.Deadline{{PortOrderID: o.ID, AccountID: acct,
				Kind: porting.DeadlineRespondBy, DueAt: past.Add(time.Hour)}}, nil)
			return err
		})
		ids = append(ids, o.ID)
	}
	return ids
}

// portingOrders creates n orders of account acct whose numbers are loaded
// and which the carrier entry carrierID holds (reference REF-<i>): each has
// a port_window_opens deadline, due in an hour (see makeDue), whose firing
// starts the port and asks the carrier to activate.
func portingOrders(t *testing.T, db *store.DB, acct, carrierID string, n int) []string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	req := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: acct, CaseType: porting.CaseLimitIncrease,
		AuthorizedContact: porting.Contact{Name: "Jo"}, ContactPreferences: porting.ContactPreferences{Language: "en", Methods: []string{"web"}}})
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: acct, PortRequestID: req.ID, Status: porting.StateNumbersLoaded,
			Country: "US", LosingCarrier: "Old", NumberKind: porting.KindDID, FOCAt: &now,
			Carrier: &porting.CarrierLink{CarrierID: carrierID, CarrierName: "Slowtel", Gateway: porting.GatewayHTTP,
				Reference: fmt.Sprintf("REF-%d", i), Submissions: 1, SubmittedAt: &now},
			PhoneNumbers: storetest.Numbers(fmt.Sprintf("+1415555%04d", i))})
		storetest.MustInTx(t, db, func(tx porting.Tx) error {
			_, err := tx.ChangeDeadlines(ctx, o.ID, []porting.Deadline{{PortOrderID: o.ID, AccountID: acct,
				Kind: porting.DeadlinePortWindowOpens, DueAt: now.Add(time.Hour)}}, nil)
			return err
		})
		ids = append(ids, o.ID)
	}
	return ids
}

// makeDue makes every pending deadline of kind due now, in one statement.
func makeDue(t *testing.T, db *store.DB, kind porting.DeadlineKind) int {
	t.Helper()
	res, err := db.SQL().Exec(`UPDATE deadlines SET due_at = now() - interval '1 second' WHERE state = 'pending' AND kind = $1`, string(kind))
	if err != nil {
		t.Fatal(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// queryInt runs a counting query on the fault test's database.
func queryInt(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// jobsRunningOn counts, by kind, the jobs River shows running on replica.
func jobsRunningOn(t *testing.T, db *store.DB, name string) map[string]int {
	t.Helper()
	return countJobs(t, db, `SELECT kind, count(*) FROM river_job
		WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1 GROUP BY kind`, name)
}

// jobStates counts River's jobs by kind and state, for failure messages.
func jobStates(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	return countJobs(t, db, `SELECT kind || '/' || state, count(*) FROM river_job GROUP BY 1`)
}

func countJobs(t *testing.T, db *store.DB, query string, args ...any) map[string]int {
	t.Helper()
	rows, err := db.SQL().Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
