package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/portdesk/portdesk/store/storetest"
)

// BenchmarkIntake files port requests through the API of a sandbox server:
// 100,000 numbers (issue 14: ≤ 1 s end to end — check, split, numbers,
// events, deadlines) beside 1,000 numbers in the same run, on SQLite and,
// with PORTDESK_TEST_DATABASE_URL, on PostgreSQL.
//
//	go test -run '^$' -bench Intake -benchtime 3x ./cmd/portdesk/
func BenchmarkIntake(b *testing.B) {
	engines := []struct{ name, url string }{{"sqlite", ""}}
	if os.Getenv(storetest.EnvDatabaseURL) != "" {
		engines = append(engines, struct{ name, url string }{"postgres", storetest.PostgresURL(b)})
	}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			m := NewMain(io.Discard, io.Discard)
			m.Clock = testClock
			m.Config = Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), DatabaseURL: e.url, AdminToken: testAdminToken, LogLevel: "warn",
				SweepInterval: -1, RetryBase: testRetryBase, SIPAddr: "127.0.0.1:0", Sandbox: true}
			if e.url != "" {
				m.Config.SecretKey = testSecretKey
			}
			if err := m.Open(context.Background()); err != nil {
				m.Close()
				b.Fatalf("open: %v", err)
			}
			b.Cleanup(func() { m.Close() })
			c := &client{t: b, base: m.URL()}
			next := 2_000_000 // distinct New York numbers for every request
			file := func(n int) time.Duration {
				nums := make([]string, n)
				for i := range nums {
					nums[i] = fmt.Sprintf("+1212%07d", next)
					next++
				}
				start := time.Now()
				req := c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", nums...))
				took := time.Since(start)
				if str(b, req, "id") == "" {
					b.Fatal("no request ID")
				}
				return took
			}
			var small, large time.Duration
			for b.Loop() {
				small += file(1_000)
				large += file(100_000)
			}
			b.ReportMetric(small.Seconds()*1000/float64(b.N), "ms/1k-request")
			b.ReportMetric(large.Seconds()*1000/float64(b.N), "ms/100k-request")
			b.ReportMetric(float64(large)/float64(small), "100k/1k")
		})
	}
}
