package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/store/storetest"
)

// BenchmarkReplicas drives a mix of reads and writes with wrk (Debian's)
// through a round-robin front (httputil.ReverseProxy) at one replica and
// then at three replicas of `portdesk serve`, real processes on one
// PostgreSQL database, in the same run. Each step reports requests/s and
// wrk's latency percentiles; "3-vs-1" is the ratio of the throughputs.
//
//	PORTDESK_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench Replicas -benchtime 1x ./cmd/portdesk/
//
// PORTDESK_LOAD_DURATION (default 10s) and PORTDESK_LOAD_CONNECTIONS
// (default 32) set wrk's -d and -c.
func BenchmarkReplicas(b *testing.B) {
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		b.Skip("PostgreSQL only: set " + storetest.EnvDatabaseURL)
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (Debian package wrk)")
	}
	duration := envOr("PORTDESK_LOAD_DURATION", "10s")
	conns := envOr("PORTDESK_LOAD_CONNECTIONS", "32")
	dbURL := storetest.PostgresURL(b)
	args := []string{"--database-url", dbURL, "--sandbox", "--log-level", "warn"}
	// The first replica migrates and seeds the sandbox; the others find
	// both done.
	_, first := startProcess(b, args...)
	replicas := []string{first}
	for range 2 {
		_, u := startProcess(b, args...)
		replicas = append(replicas, u)
	}

	// Twenty port requests of the demo customer: writes spread over them
	// as a contact center's agents' would.
	c := &client{t: b, base: first}
	var requests []string
	for i := range 20 {
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme",
			premiumRequest("inst_demo_acme", fmt.Sprintf("+1212%07d", 3_000_000+i)))
		requests = append(requests, str(b, req, "id"))
	}
	script := filepath.Join(b.TempDir(), "mix.lua")
	if err := os.WriteFile(script, []byte(loadMix), 0o600); err != nil {
		b.Fatal(err)
	}

	var single float64
	for b.Loop() {
		for _, n := range []int{1, 3} {
			front := roundRobin(b, replicas[:n])
			out, err := exec.Command(wrk, "-t2", "-c"+conns, "-d"+duration, "--latency", "-s", script,
				front.URL, "--", strings.Join(requests, ",")).CombinedOutput()
			front.Close()
			if err != nil {
				b.Fatalf("wrk: %v\n%s", err, out)
			}
			r := parseWrk(b, string(out))
			if r.errors > 0 {
				b.Fatalf("%d replicas: %d answers were not 2xx or 3xx (or failed)\n%s", n, r.errors, out)
			}
			b.ReportMetric(r.rate, fmt.Sprintf("req/s-%d", n))
			b.ReportMetric(r.p50, fmt.Sprintf("p50_ms-%d", n))
			b.ReportMetric(r.p99, fmt.Sprintf("p99_ms-%d", n))
			if n == 1 {
				single = r.rate
			} else {
				b.ReportMetric(r.rate/single, "3-vs-1")
			}
		}
	}
}

// loadMix is wrk's script: per ten requests, six list the customer's
// orders, two read a port request and two post a message to one (each with
// an Idempotency-Key of its own). The request IDs come after "--".
const loadMix = `
local requests = {}
local n = 0
local prefix = ""
local failed = 0

function init(args)
  for id in string.gmatch(args[1], "[^,]+") do
    table.insert(requests, id)
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  prefix = string.format("load-%08x", math.random(0, 0x7fffffff))
end

function request()
  n = n + 1
  local id = requests[(n % #requests) + 1]
  local h = {["Authorization"] = "Bearer pd_sandbox_acme"}
  local k = n % 10
  if k < 6 then
    return wrk.format("GET", "/v1/port-orders?limit=20", h)
  elseif k < 8 then
    return wrk.format("GET", "/v1/port-requests/" .. id, h)
  end
  h["Content-Type"] = "application/json"
  h["Idempotency-Key"] = prefix .. "-" .. n
  return wrk.format("POST", "/v1/port-requests/" .. id .. "/messages", h, '{"body":"Any news on the port date?"}')
end
`

// roundRobin is the load balancer of the benchmark: each request goes to
// the next replica in turn.
func roundRobin(tb testing.TB, replicas []string) *httptest.Server {
	tb.Helper()
	var targets []*url.URL
	for _, r := range replicas {
		u, err := url.Parse(r)
		if err != nil {
			tb.Fatal(err)
		}
		targets = append(targets, u)
	}
	var next atomic.Uint64
	transport := &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[next.Add(1)%uint64(len(targets))])
		},
		Transport: transport,
		ErrorLog:  log.New(io.Discard, "", 0), // wrk hangs up mid-request when its time is up
	}
	s := httptest.NewServer(proxy)
	tb.Cleanup(func() { s.Close(); transport.CloseIdleConnections() })
	return s
}

type wrkResult struct {
	rate, p50, p99 float64
	errors         int
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)\.?0*%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads the rate, the 50th and 99th percentile latencies (ms) and
// the failed answers from wrk's report.
func parseWrk(tb testing.TB, out string) wrkResult {
	tb.Helper()
	var r wrkResult
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		tb.Fatalf("no Requests/sec in wrk's report:\n%s", out)
	}
	r.rate, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errors += n
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.errors += n
		}
	}
	return r
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
