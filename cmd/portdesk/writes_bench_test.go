package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/store"
)

// Sizes of BenchmarkWrites.
const (
	writeClients  = 32              // concurrent API clients, one keep-alive connection each
	writeRequests = 32              // port requests the messages go to, round robin
	writePhase    = 3 * time.Second // how long each measurement runs
)

// BenchmarkWrites measures small writes near the disk's limit on SQLite
// at synchronous=FULL: writeClients clients post messages (each with an
// Idempotency-Key) through the real server on loopback for writePhase,
// and, beside it in the same run, a bare loop commits single-row
// transactions on the same database file (its own table) for as long: the
// disk's floor. "plain" commits each write alone (--group-commit 1),
// "group" gathers concurrent writes into one commit (the default). It
// reports writes/s with p50 and p99 latency, the bare loop's commits/s and
// their ratio, how many events still waited for their notification at the
// end of the burst (recorded, not fanned out yet: after the notification
// cursor) and how long after the burst the drainer took to fan them all
// out. Run it with -benchtime 1x; each iteration is one round of both.
func BenchmarkWrites(b *testing.B) {
	for _, mode := range []struct {
		name  string
		group int
	}{{"plain", 1}, {"group", store.DefaultGroupCommit}} {
		b.Run(mode.name, func(b *testing.B) { benchmarkWrites(b, mode.group) })
	}
}

func benchmarkWrites(b *testing.B, group int) {
	m := NewMain(io.Discard, io.Discard)
	m.Clock = testClock
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), AdminToken: testAdminToken, LogLevel: "warn",
		SweepInterval: -1, RetryBase: testRetryBase, SIPAddr: "127.0.0.1:0", Sandbox: true, GroupCommit: group}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		b.Fatalf("open: %v", err)
	}
	b.Cleanup(func() { m.Close() })
	c := &client{t: b, base: m.URL()}
	const cust = "pd_sandbox_acme"
	paths := make([]string, writeRequests)
	for i := range paths {
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust,
			premiumRequest("inst_demo_acme", fmt.Sprintf("+1212555%04d", 2000+i)))
		paths[i] = "/v1/port-requests/" + str(b, req, "id") + "/messages"
	}
	bare := openBare(b, filepath.Join(m.Config.DataDir, "portdesk.db"))

	var (
		w       writeRound
		backlog int
		drain   time.Duration
	)
	for b.Loop() {
		commits := bareCommits(b, bare, writePhase)
		w = postMessages(b, m.URL(), cust, paths, writePhase)
		w.bare = commits
		backlog, drain = drainTime(b, bare)
	}
	b.ReportMetric(w.bare, "bare_commits/s")
	b.ReportMetric(w.rate, "writes/s")
	b.ReportMetric(w.p50.Seconds()*1000, "p50_ms")
	b.ReportMetric(w.p99.Seconds()*1000, "p99_ms")
	b.ReportMetric(w.rate/w.bare, "writes/bare")
	b.ReportMetric(float64(backlog), "notify_backlog_events")
	b.ReportMetric(drain.Seconds(), "notify_drain_s")
}

// notifyBacklog counts the events recorded but not fanned out yet.
const notifyBacklog = `SELECT count(*) FROM events WHERE id > (SELECT last_event_id FROM notify_cursor)`

// drainTime returns the notification backlog at the end of a burst and how
// long it then takes to reach zero (polled every 10 ms, at most a minute).
func drainTime(b *testing.B, db *sql.DB) (int, time.Duration) {
	start := time.Now()
	backlog := count(b, db, notifyBacklog)
	for n := backlog; n > 0; n = count(b, db, notifyBacklog) {
		if time.Since(start) > time.Minute {
			b.Fatalf("%d events still not fanned out a minute after the burst", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return backlog, time.Since(start)
}

// writeRound is one measurement of BenchmarkWrites.
type writeRound struct {
	rate, bare float64 // writes/s through the API, commits/s of the bare loop
	p50, p99   time.Duration
}

// openBare opens the database file at path as the store does (WAL,
// synchronous=FULL, one connection) with a table of its own.
func openBare(b *testing.B, path string) *sql.DB {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}).String())
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS bench_commits (id INTEGER PRIMARY KEY, at TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	return db
}

// bareCommits commits single-row INSERTs, one transaction each, for d and
// returns how many per second.
func bareCommits(b *testing.B, db *sql.DB, d time.Duration) float64 {
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO bench_commits (at) VALUES ($1)`, time.Now().String()); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// postMessages has writeClients clients post messages to paths for d and
// measures each post's latency.
func postMessages(b *testing.B, base, key string, paths []string, d time.Duration) writeRound {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: writeClients}}
	defer hc.CloseIdleConnections()
	var (
		mu     sync.Mutex
		lat    []time.Duration
		seq    atomic.Int64
		failed atomic.Value
		wg     sync.WaitGroup
	)
	stop := time.Now().Add(d)
	start := time.Now()
	for range writeClients {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(stop) {
				i := seq.Add(1)
				body := fmt.Appendf(nil, `{"body": "Message %d: the bill is attached."}`, i)
				req, err := http.NewRequest("POST", base+paths[int(i)%len(paths)], bytes.NewReader(body))
				if err != nil {
					failed.Store(err.Error())
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Store(fmt.Sprintf("status %d", resp.StatusCode))
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f != nil {
		b.Fatalf("a message post failed: %v", f)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return writeRound{rate: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99)}
}

// count runs a counting query on db.
func count(b *testing.B, db *sql.DB, query string) int {
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		b.Fatalf("%s: %v", query, err)
	}
	return n
}
