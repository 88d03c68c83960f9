package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/internal/pgcluster"
)

// TestFaultRestartPostgres is issue 15's fault test 2: PostgreSQL stops
// (a fast shutdown, as pg_ctl restart -m fast does) and starts again while
// several goroutines write through two replicas. The replicas are not
// restarted: /readyz answers 503 while the database is away and 200 once
// it is back, writes succeed again by themselves, and every write that was
// acknowledged with 201 is there afterwards, read back by its ID. The
// outage is held open until every replica has reported it, so the test
// does not depend on how fast the machine restarts the server.
func TestFaultRestartPostgres(t *testing.T) {
	requireFaults(t)
	started := time.Now()
	cluster := pgcluster.Start(t, pgcluster.Options{})
	dbURL := cluster.URL("127.0.0.1")
	openFaultStore(t, dbURL) // migrates before the replicas start
	reps := []*replica{startReplica(t, "restart-r0", dbURL, "127.0.0.1:0", nil), startReplica(t, "restart-r1", dbURL, "127.0.0.1:0", nil)}
	pids := []int{reps[0].cmd.Process.Pid, reps[1].cmd.Process.Pid}

	// Probe each replica's /readyz all along.
	var (
		probeMu sync.Mutex
		probes  = make([]map[int]int, len(reps)) // status → count
		last    = make([]int, len(reps))
	)
	stopProbes := make(chan struct{})
	var probesDone sync.WaitGroup
	for i, r := range reps {
		probes[i] = map[int]int{}
		probesDone.Add(1)
		go func() {
			defer probesDone.Done()
			for {
				select {
				case <-stopProbes:
					return
				case <-time.After(20 * time.Millisecond):
				}
				st := r.ready()
				probeMu.Lock()
				probes[i][st]++
				last[i] = st
				probeMu.Unlock()
			}
		}()
	}
	lastReady := func(i int) int {
		probeMu.Lock()
		defer probeMu.Unlock()
		return last[i]
	}

	// Six writers, each on one replica, each creating accounts as fast as
	// it can.
	const writers = 6
	var (
		mu      sync.Mutex
		acked   []string
		refused atomic.Int64
		wg      sync.WaitGroup
		// isDown is set from the moment the server is stopped until it
		// is started again; ackedDuringOutage counts writes begun and
		// acknowledged wholly inside that span, which cannot be.
		isDown            atomic.Bool
		ackedDuringOutage atomic.Int64
	)
	stop := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := reps[w%len(reps)].base
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				begunDown := isDown.Load()
				id, ok := createAccount(base, fmt.Sprintf("Restart %d-%d", w, i))
				if ok && begunDown && isDown.Load() {
					ackedDuringOutage.Add(1)
				}
				if !ok {
					refused.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	ackedNow := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	eventually(t, "100 writes acknowledged before the outage", func() bool { return ackedNow() >= 100 })
	for i := range reps {
		if st := lastReady(i); st != http.StatusOK {
			t.Fatalf("replica %s /readyz %d before the outage", reps[i].name, st)
		}
	}

	before := ackedNow()
	down := time.Now()
	cluster.Stop(t)
	isDown.Store(true)
	for i := range reps {
		eventually(t, reps[i].name+" /readyz answers 503 while PostgreSQL is down", func() bool { return lastReady(i) == http.StatusServiceUnavailable })
	}
	refusedDown := refused.Load()
	ackedDown := ackedNow()
	isDown.Store(false)
	cluster.Resume(t)
	up := time.Now()
	for i := range reps {
		eventually(t, reps[i].name+" /readyz answers 200 again", func() bool { return lastReady(i) == http.StatusOK })
	}
	eventually(t, "writes acknowledged again after the restart", func() bool { return ackedNow() >= ackedDown+100 })
	recovered := time.Since(up)
	close(stop)
	wg.Wait()
	close(stopProbes)
	probesDone.Wait()

	for i, r := range reps {
		if !r.alive() || r.cmd.Process.Pid != pids[i] {
			t.Errorf("replica %s was restarted or exited: %s", r.name, r.ended)
		}
	}
	mu.Lock()
	ids := append([]string(nil), acked...)
	mu.Unlock()
	missing := 0
	for n, id := range ids {
		if r := reps[n%len(reps)].c.do("GET", "/v1/accounts/"+id, testAdminToken, nil); r.Status != http.StatusOK {
			missing++
			t.Errorf("acknowledged account %s: GET %d", id, r.Status)
		}
	}
	if n := ackedDuringOutage.Load(); n > 0 {
		// A write begun after the server stopped cannot commit before it
		// starts again: an acknowledgement then would be a lie.
		t.Errorf("%d writes begun and acknowledged while PostgreSQL was down", n)
	}
	probeMu.Lock()
	summary := fmt.Sprintf("%d writes acknowledged (%d before the stop, %d after the restart), %d refused while down (%.1fs from the stop to the start), all %d read back (%d missing); "+
		"/readyz %s %v, %s %v; writes back %.1fs after the start; total %.1fs",
		len(ids), before, len(ids)-ackedDown, refusedDown, up.Sub(down).Seconds(), len(ids), missing,
		reps[0].name, probes[0], reps[1].name, probes[1], recovered.Seconds(), time.Since(started).Seconds())
	probeMu.Unlock()
	faultSummary(t, "%s", summary)
}
