package main

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBannerSaysHowToStopAndWhereDataLives checks the start-up banner on
// each engine: it says how to stop the server and where the data is, and
// never prints the database password.
func TestBannerSaysHowToStopAndWhereDataLives(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		m, _ := testServer(t, dbURL, false)
		var out bytes.Buffer
		m.stdout = &out
		if err := m.printBanner(context.Background()); err != nil {
			t.Fatal(err)
		}
		banner := out.String()
		want := []string{"listening on " + m.URL(), "Ctrl-C"}
		if dbURL == "" {
			dir, err := filepath.Abs(m.Config.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, "SQLite in "+dir)
		} else {
			u, err := url.Parse(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, "PostgreSQL database "+strings.TrimPrefix(u.Path, "/")+" on "+u.Host)
			if p, ok := u.User.Password(); ok && strings.Contains(banner, p) {
				t.Errorf("banner shows the database password:\n%s", banner)
			}
		}
		for _, w := range want {
			if !strings.Contains(banner, w) {
				t.Errorf("banner lacks %q:\n%s", w, banner)
			}
		}
	})
}

// TestRiverJobCountsAreDebug runs the server at debug level until River
// reports its job counts (every 5 seconds once jobs have run: the purge
// runs at start) and checks that the report is a debug line, so that at
// the default level it stays out of the log.
func TestRiverJobCountsAreDebug(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's 5-second report")
	}
	logs := &lockedBuffer{}
	m := NewMain(&bytes.Buffer{}, logs)
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogLevel: "debug", SweepInterval: -1}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		for line := range strings.Lines(logs.String()) {
			if !strings.Contains(line, "Producer job counts") {
				continue
			}
			if !strings.Contains(line, "level=DEBUG") {
				t.Fatalf("River's job counts are logged above debug: %s", line)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("River reported no job counts within 30s; log:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
