package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSandbox checks the sandbox's banner, demo keys and clock, and that
// the clock does not exist outside the sandbox.
func TestSandbox(t *testing.T) {
	var out bytes.Buffer
	m := NewMain(&out, &bytes.Buffer{})
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Sandbox: true, LogLevel: "warn"}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.printBanner(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{m.URL(), "pd_sandbox_admin", "pd_sandbox_acme", "inst_demo_acme"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
	c := &client{t: t, base: m.URL()}
	c.must(http.StatusOK, "GET", "/v1/instances/inst_demo_acme", "pd_sandbox_acme", nil)
	if r := c.do("GET", "/v1/instances/inst_demo_acme", "pd_sandbox_bakery", nil); r.Status != http.StatusNotFound {
		t.Errorf("bakery sees acme's instance: %d", r.Status)
	}

	before := c.must(http.StatusOK, "GET", "/v1/sandbox/clock", "pd_sandbox_admin", nil)
	after := c.must(http.StatusOK, "POST", "/v1/sandbox/clock", "pd_sandbox_admin", map[string]any{"advance": "3d"})
	t0, _ := time.Parse(time.RFC3339Nano, str(t, before, "now"))
	t1, _ := time.Parse(time.RFC3339Nano, str(t, after, "now"))
	if d := t1.Sub(t0); d < 72*time.Hour || d > 73*time.Hour {
		t.Errorf("advancing 3d moved the clock by %v", d)
	}
	// What the clock moves: a request filed now carries the sandbox time.
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", "+12125550123"))
	created, _ := time.Parse(time.RFC3339Nano, str(t, req, "created_at"))
	if created.Before(t1.Add(-time.Minute)) {
		t.Errorf("request created at %v, before the sandbox clock %v", created, t1)
	}
	if r := c.do("POST", "/v1/sandbox/clock", "pd_sandbox_acme", map[string]any{"advance": "1h"}); r.Status != http.StatusForbidden {
		t.Errorf("customer moved the clock: %d", r.Status)
	}
	if r := c.do("POST", "/v1/sandbox/clock", "pd_sandbox_admin", map[string]any{"advance": "-1h"}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("clock moved backwards: %d", r.Status)
	}

	// A restart keeps the demo data and seeds nothing twice.
	if _, err := m.Service.Sandbox.SeedSandbox(context.Background()); err != nil {
		t.Fatalf("second seed: %v", err)
	}

	_, plain := testServer(t, "", false)
	if r := plain.do("POST", "/v1/sandbox/clock", testAdminToken, map[string]any{"advance": "1h"}); r.Status != http.StatusNotFound {
		t.Errorf("clock outside the sandbox: %d, want 404", r.Status)
	}
}

// TestHealthAndMetrics checks the probes and the metrics page.
func TestHealthAndMetrics(t *testing.T) {
	_, c := testServer(t, "", false)
	for _, path := range []string{"/healthz", "/readyz", "/openapi.json"} {
		if r := c.do("GET", path, "", nil); r.Status != http.StatusOK {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	c.do("GET", "/v1/port-orders", "nope", nil)
	c.must(http.StatusCreated, "POST", "/v1/accounts", testAdminToken, map[string]any{"name": "Metered", "support_plan": "basic"})
	var r response
	eventually(t, "a worked job in the metrics", func() bool {
		r = c.do("GET", "/metrics", "", nil)
		return strings.Contains(string(r.Body), "portdesk_jobs_worked_total")
	})
	if !strings.Contains(string(r.Body), `route="POST /v1/accounts"`) {
		t.Errorf("requests are not counted by route:\n%s", truncate(r.Body))
	}
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "portdesk_http_requests_total") || !strings.Contains(string(r.Body), "portdesk_jobs_worked_total") {
		t.Errorf("metrics: %d %s", r.Status, truncate(r.Body))
	}
	// The drainer catches up with the account's events: no backlog, no failure.
	eventually(t, "notifications caught up in the metrics", func() bool {
		r = c.do("GET", "/metrics", "", nil)
		return strings.Contains(string(r.Body), "\nportdesk_notify_backlog_events 0\n") &&
			strings.Contains(string(r.Body), "\nportdesk_notify_failed_events 0\n")
	})
}

// TestIdempotencyKey checks that a retried creating POST answers the same
// and creates nothing twice, and that the key cannot be reused for another body.
func TestIdempotencyKey(t *testing.T) {
	_, c := testServer(t, "", false)
	_, key, inst := setupCustomer(t, c, "Acme", "premium")
	post := func(idem string, body any) response {
		return c.doWithHeader("POST", "/v1/port-requests", key, body, "Idempotency-Key", idem)
	}
	body := premiumRequest(inst, "+12125550123")
	first := post("k-1", body)
	second := post("k-1", body)
	if first.Status != http.StatusCreated || second.Status != http.StatusCreated {
		t.Fatalf("statuses %d, %d: %s", first.Status, second.Status, second.Body)
	}
	if str(t, first.JSON(t), "id") != str(t, second.JSON(t), "id") {
		t.Fatalf("retry created a second request")
	}
	if r := post("k-1", premiumRequest(inst, "+12015550123")); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("key reused for another body: %d %s", r.Status, r.Body)
	}
	// Without the key the same body is a new request, and its number is
	// already held by the first one's order: with nothing to port, it is
	// refused, saying why.
	r := c.do("POST", "/v1/port-requests", key, body)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("second intake of a held number: %d %s", r.Status, r.Body)
	}
	if got := str(t, r.JSON(t), "rejected_numbers", 0, "reasons", 0); got != "already_on_active_order" {
		t.Fatalf("reason %q, want already_on_active_order", got)
	}
}
