// Package simtest is a stand-in for a desk's callback endpoint, for tests
// that drive the carrier simulator: it verifies each callback's signature
// and records what it received, in order.
package simtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

// CallbackPath is where the desk takes callbacks, as a real desk does:
// /v1/carrier-callbacks/{carrier_id}.
const CallbackPath = "/v1/carrier-callbacks/"

// Desk is a callback endpoint on 127.0.0.1.
type Desk struct {
	// URL is the desk's base URL.
	URL    string
	secret string

	mu        sync.Mutex
	got       []protocol.Callback
	seen      map[string]bool
	failNext  int
	attempts  int
	forged    int
	malformed int
}

// NewDesk starts a desk that checks signatures with secret; it stops with
// the test.
func NewDesk(tb testing.TB, secret string) *Desk {
	tb.Helper()
	d := &Desk{secret: secret, seen: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(d.serve))
	tb.Cleanup(srv.Close)
	d.URL = srv.URL
	return d
}

// CallbackURL is the callback URL of a carrier entry.
func (d *Desk) CallbackURL(carrierID string) string { return d.URL + CallbackPath + carrierID }

// FailNext makes the next n callbacks get a 503.
func (d *Desk) FailNext(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failNext = n
}

// serve takes one callback.
func (d *Desk) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, CallbackPath) {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxBody))
	d.mu.Lock()
	defer d.mu.Unlock()
	d.attempts++
	if d.failNext > 0 {
		d.failNext--
		http.Error(w, "desk down (simulated)", http.StatusServiceUnavailable)
		return
	}
	if err != nil || protocol.Verify(d.secret, r.Header, body, time.Now()) != nil {
		d.forged++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var cb protocol.Callback
	if err := json.Unmarshal(body, &cb); err != nil || cb.ID == "" {
		d.malformed++
		http.Error(w, "malformed callback", http.StatusBadRequest)
		return
	}
	outcome := porting.OutcomeApplied
	if d.seen[cb.ID] {
		outcome = porting.OutcomeDuplicate
	}
	d.seen[cb.ID] = true
	d.got = append(d.got, cb)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(protocol.CallbackAnswer{Outcome: string(outcome)})
}

// Callbacks returns the verified callbacks received so far, in order.
func (d *Desk) Callbacks() []protocol.Callback {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]protocol.Callback{}, d.got...)
}

// Attempts counts every POST received, failed ones included.
func (d *Desk) Attempts() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.attempts
}

// Refused counts the callbacks refused for a bad signature or body.
func (d *Desk) Refused() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.forged + d.malformed
}

// Wait polls until at least n verified callbacks arrived, failing the test
// after timeout, and returns them.
func (d *Desk) Wait(tb testing.TB, n int, timeout time.Duration) []protocol.Callback {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := d.Callbacks()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("got %d callbacks within %s, want %d: %+v", len(got), timeout, n, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Quiet fails the test when another callback arrives within d: a quiet
// period the caller derives from the simulator's answer schedule.
func (d *Desk) Quiet(tb testing.TB, wait time.Duration) {
	tb.Helper()
	n := len(d.Callbacks())
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if got := d.Callbacks(); len(got) != n {
			tb.Fatalf("callbacks after the quiet period began: %+v", got[n:])
		}
		time.Sleep(5 * time.Millisecond)
	}
}
