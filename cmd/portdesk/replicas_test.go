package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// requirePostgres returns a fresh PostgreSQL schema's URL for a test that
// only means something there. Without PORTDESK_TEST_DATABASE_URL it skips,
// or fails when CI is set.
func requirePostgres(t *testing.T) string {
	t.Helper()
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI", storetest.EnvDatabaseURL)
		}
		t.Skipf("needs PostgreSQL: set %s", storetest.EnvDatabaseURL)
	}
	return storetest.PostgresURL(t)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestReplicasShareState is issue 15's "no local state on a replica": two
// servers on one PostgreSQL database, one of them with no usable data
// directory at all. Whatever a client did on A works the same on B: a
// console session, an API key, an idempotent request's replay, a
// document, and the sandbox clock (within store.SandboxClockRefresh).
func TestReplicasShareState(t *testing.T) {
	dbURL := requirePostgres(t)
	sandbox := func(dataDir string) func(*Config) {
		return func(c *Config) { c.Sandbox, c.DataDir = true, dataDir }
	}
	// A's data directory cannot be created; B has none configured.
	noDir := t.TempDir() + "/file"
	if err := os.WriteFile(noDir, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	mA, a := testServerWith(t, dbURL, sandbox(noDir+"/portdesk-data"))
	_, b := testServerWith(t, dbURL, sandbox(""))

	// A console session started on A is signed in on B.
	email := mA.sandbox.Keys[0].Email
	resp, err := noRedirect.Get(mA.signInLink(email))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "portdesk_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in on A set no session cookie (%d)", resp.StatusCode)
	}
	dashboard := func(c *http.Cookie) int {
		req, _ := http.NewRequest("GET", b.base+"/", nil)
		if c != nil {
			req.AddCookie(c)
		}
		r, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if got := dashboard(nil); got != http.StatusSeeOther {
		t.Fatalf("B's dashboard without a session: %d, want 303 to sign-in", got)
	}
	if got := dashboard(session); got != http.StatusOK {
		t.Errorf("B's dashboard with A's session: %d, want 200", got)
	}

	// An API key made on A works on B; an idempotent request made on A
	// replays on B, and B refuses the key for another body.
	const admin = "pd_sandbox_admin"
	acct := str(t, a.must(http.StatusCreated, "POST", "/v1/accounts", admin, map[string]any{"name": "Replicated", "support_plan": "premium"}), "id")
	key := str(t, a.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", admin, map[string]any{"role": "customer"}), "key")
	inst := str(t, b.must(http.StatusCreated, "POST", "/v1/instances", key, map[string]any{"name": "Replicated center", "region": "us-east-1"}), "id")
	body := premiumRequest(inst, "+12125550123")
	first := a.doWithHeader("POST", "/v1/port-requests", key, body, "Idempotency-Key", "replica-1")
	replay := b.doWithHeader("POST", "/v1/port-requests", key, body, "Idempotency-Key", "replica-1")
	if first.Status != http.StatusCreated || replay.Status != http.StatusCreated {
		t.Fatalf("idempotent POST on A then B: %d, %d: %s", first.Status, replay.Status, replay.Body)
	}
	if str(t, first.JSON(t), "id") != str(t, replay.JSON(t), "id") {
		t.Errorf("B's replay created another request")
	}
	if r := b.doWithHeader("POST", "/v1/port-requests", key, premiumRequest(inst, "+12015550123"), "Idempotency-Key", "replica-1"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("B accepted A's key for another body: %d %s", r.Status, r.Body)
	}

	// A document uploaded on A downloads from B, byte for byte.
	order := str(t, first.JSON(t), "port_orders", 0, "id")
	pdf := fakePDF("uploaded on replica A")
	up := a.upload(key, order, "invoice", "bill.pdf", pdf)
	if up.Status != http.StatusCreated {
		t.Fatalf("upload on A: %d %s", up.Status, up.Body)
	}
	got := b.do("GET", "/v1/port-orders/"+order+"/documents/"+str(t, up.JSON(t), "id"), key, nil)
	if got.Status != http.StatusOK || !bytes.Equal(got.Body, pdf) {
		t.Errorf("download from B: %d, %d bytes, want the %d uploaded on A", got.Status, len(got.Body), len(pdf))
	}

	// A clock advance on A is seen by B within the refresh bound.
	b.must(http.StatusOK, "GET", "/v1/sandbox/clock", admin, nil)
	adv := a.must(http.StatusOK, "POST", "/v1/sandbox/clock", admin, map[string]any{"advance": "72h"})
	if got := adv["offset_seconds"].(float64); got != 72*3600 {
		t.Fatalf("A's offset after advancing 72h: %vs", got)
	}
	start := time.Now()
	for {
		r := b.must(http.StatusOK, "GET", "/v1/sandbox/clock", admin, nil)
		if r["offset_seconds"].(float64) == 72*3600 {
			break
		}
		if time.Since(start) > store.SandboxClockRefresh+2*time.Second {
			t.Fatalf("B's clock offset is %vs %v after A advanced it", r["offset_seconds"], time.Since(start))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("B saw A's clock advance after %v (bound %v plus one query)", time.Since(start).Round(time.Millisecond), store.SandboxClockRefresh)
	if _, err := os.Stat(noDir + "/portdesk-data"); err == nil {
		t.Errorf("A made a data directory")
	}
}

// TestSandboxClockSurvivesRestart checks on each engine that a sandbox
// clock advance is kept across a restart of the server.
func TestSandboxClockSurvivesRestart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		tune := func(c *Config) { c.Sandbox, c.DataDir = true, dir }
		m, c := testServerWith(t, dbURL, tune)
		c.must(http.StatusOK, "POST", "/v1/sandbox/clock", "pd_sandbox_admin", map[string]any{"advance": "3d"})
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		_, c = testServerWith(t, dbURL, tune)
		if got := c.must(http.StatusOK, "GET", "/v1/sandbox/clock", "pd_sandbox_admin", nil)["offset_seconds"].(float64); got != 3*86400 {
			t.Errorf("offset after a restart: %vs, want %d", got, 3*86400)
		}
	})
}

// TestReadyzNamesTheCause checks /readyz on each engine: ready when
// migrated; 503 problem+json naming the missing migration while the schema
// is behind; ready again once it is there; 503 while shutting down; and
// 503 naming the database once it does not answer.
func TestReadyzNamesTheCause(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		m, c := testServer(t, dbURL, false)
		ctx := context.Background()
		if r := c.do("GET", "/readyz", "", nil); r.Status != http.StatusOK {
			t.Fatalf("readyz when migrated: %d %s", r.Status, r.Body)
		}
		s, err := m.DB.Schema(ctx)
		if err != nil || len(s.Missing) != 0 {
			t.Fatalf("Schema: %+v, %v", s, err)
		}
		var last string
		if err := m.DB.SQL().QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		var appliedAt any
		if err := m.DB.SQL().QueryRowContext(ctx, `SELECT applied_at FROM schema_migrations WHERE version = $1`, last).Scan(&appliedAt); err != nil {
			t.Fatal(err)
		}
		if _, err := m.DB.SQL().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, last); err != nil {
			t.Fatal(err)
		}
		notReady := func(want string) {
			t.Helper()
			r := c.do("GET", "/readyz", "", nil)
			if r.Status != http.StatusServiceUnavailable || r.ContentType != "application/problem+json" || !strings.Contains(str(t, r.JSON(t), "detail"), want) {
				t.Errorf("readyz: %d %s %s; want 503 problem+json naming %q", r.Status, r.ContentType, r.Body, want)
			}
		}
		notReady(last)
		if _, err := m.DB.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, last, appliedAt); err != nil {
			t.Fatal(err)
		}
		if r := c.do("GET", "/readyz", "", nil); r.Status != http.StatusOK {
			t.Errorf("readyz with the migration back: %d %s", r.Status, r.Body)
		}
		m.draining.Store(true)
		notReady("shutting down")
		m.draining.Store(false)
		if err := m.Jobs.Stop(ctx); err != nil { // River first, or it retries against the closed pool
			t.Fatal(err)
		}
		m.DB.Close()
		notReady("database does not answer")
	})
}

// TestServeRefusesNewerSchema runs the real binary against a database that
// a newer version migrated (schema_migrations holds a version this one
// does not know): it exits with status 2 and says why, on each engine.
func TestServeRefusesNewerSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		cfg := store.Config{DataDir: dir, DatabaseURL: dbURL, Clock: porting.NewFixedClock(storetest.Epoch)}
		args := []string{"--data-dir", dir}
		if dbURL != "" {
			key, err := store.ParseSecretKey(testSecretKey)
			if err != nil {
				t.Fatal(err)
			}
			cfg.SecretKey, args = key, []string{"--database-url", dbURL}
		}
		ctx := context.Background()
		db, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Migrate(ctx)
		if err == nil {
			_, err = db.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_newer', $1)`,
				storetest.Epoch.Format("2006-01-02T15:04:05.000000Z"))
		}
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		cmd.Env = append(os.Environ(), "PORTDESK_SECRET_KEY="+testSecretKey)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 2 {
			t.Fatalf("serve on a newer schema: %v, exit status %d, want 2; stderr:\n%s", err, code, stderr.String())
		}
		if msg := stderr.String(); !strings.Contains(msg, "newer than this portdesk") || !strings.Contains(msg, "9999_newer") {
			t.Errorf("stderr does not say why:\n%s", msg)
		}
	})
}
