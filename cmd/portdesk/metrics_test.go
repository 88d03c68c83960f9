package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsAddr is issue 8 item 15: with --metrics-addr, /metrics is
// served there and no longer on the API's listener; without it, on the API's
// listener as before.
func TestMetricsAddr(t *testing.T) {
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	m, _ := testServerWith(t, "", func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
	get(m.URL() + "/healthz")
	if status, _ := get(m.URL() + "/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the API's address with --metrics-addr: %d, want 404", status)
	}
	if m.MetricsURL() == "" || m.MetricsURL() == m.URL() {
		t.Fatalf("MetricsURL() = %q beside URL() %q", m.MetricsURL(), m.URL())
	}
	if status, body := get(m.MetricsURL() + "/metrics"); status != http.StatusOK || !strings.Contains(body, "portdesk_http_requests_total") {
		t.Errorf("/metrics on --metrics-addr: %d, want 200 with the HTTP metrics", status)
	}
	if status, _ := get(m.MetricsURL() + "/v1/port-orders"); status != http.StatusNotFound {
		t.Errorf("the metrics address serves the API: %d", status)
	}

	plain, _ := testServer(t, "", false)
	if status, _ := get(plain.URL() + "/metrics"); status != http.StatusOK || plain.MetricsURL() != "" {
		t.Errorf("/metrics without --metrics-addr: %d, want 200 on the API's address", status)
	}
}

// TestSecretKeyFileMode is issue 8 item 15: the data dir's secret.key is
// mode 0600, and an existing key file others may read is tightened.
func TestSecretKeyFileMode(t *testing.T) {
	ctx := context.Background()
	fresh := t.TempDir()
	if err := run(ctx, []string{"migrate", "--data-dir", fresh}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	loose := t.TempDir()
	path := filepath.Join(loose, "secret.key")
	if err := os.WriteFile(path, []byte(testSecretKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if err := run(ctx, []string{"migrate", "--data-dir", loose}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(fresh, "secret.key"), path} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", p, got)
		}
	}
}
