package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/portdesk/portdesk/store/storetest"
)

const testAdminToken = "test-admin-token"

// testSecretKey is the document key of tests on PostgreSQL.
const testSecretKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// testServer runs the real program's Main on :0 against a fresh database
// of the given engine and returns a client for it.
func testServer(t *testing.T, databaseURL string, sandbox bool) (*Main, *client) {
	t.Helper()
	return testServerWith(t, databaseURL, func(c *Config) { c.Sandbox = sandbox })
}

// testRetryBase is the test servers' first webhook retry delay.
const testRetryBase = 100 * time.Millisecond

// testServerWith is testServer with the configuration adjusted by tune.
func testServerWith(t *testing.T, databaseURL string, tune func(*Config)) (*Main, *client) {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	if testing.Verbose() {
		m.stderr = os.Stderr
	}
	m.Clock = testClock
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: databaseURL, AdminToken: testAdminToken, LogLevel: "warn",
		SweepInterval: -1, RetryBase: testRetryBase, WebhookAllowPrivate: true, SIPAddr: "127.0.0.1:0"}
	if databaseURL != "" {
		m.Config.SecretKey = testSecretKey
	}
	tune(&m.Config)
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, &client{t: t, base: m.URL()}
}

// forEachEngine runs fn on SQLite and, when PORTDESK_TEST_DATABASE_URL is
// set, on PostgreSQL in a fresh schema.
func forEachEngine(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "") })
	if os.Getenv("PORTDESK_TEST_DATABASE_URL") != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresURL(t)) })
	}
}
