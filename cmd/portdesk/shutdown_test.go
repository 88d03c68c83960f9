package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portdesk/portdesk/signature"
)

// TestSIGTERMDrainsAndFinishesInFlightRequests runs the real binary on each
// engine, starts a request whose body arrives slowly, and sends SIGTERM in
// the middle of it: /readyz answers 503 at once (during --drain-delay), the
// request completes with its answer, and the process exits with status 0
// within --shutdown-timeout.
func TestSIGTERMDrainsAndFinishesInFlightRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals the real binary")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		args := []string{"--data-dir", t.TempDir()}
		if dbURL != "" {
			args = []string{"--database-url", dbURL}
		}
		const bound = 5 * time.Second
		args = append(args, "--shutdown-timeout", bound.String(), "--drain-delay", "1s")
		cmd, base := startProcess(t, args...)
		c := &client{t: t, base: base}
		if r := c.do("GET", "/readyz", "", nil); r.Status != http.StatusOK {
			t.Fatalf("readyz before SIGTERM: %d %s", r.Status, r.Body)
		}

		// The request's body is sent in two halves, SIGTERM between them.
		body, half := io.Pipe()
		answer := make(chan *http.Response, 1)
		go func() {
			req, _ := http.NewRequest("POST", base+"/v1/portability-checks", body)
			req.Header.Set("Authorization", "Bearer "+testAdminToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
			if err != nil {
				t.Errorf("in-flight request: %v", err)
			}
			answer <- resp
		}()
		if _, err := half.Write([]byte(`{"phone_numbers": ["+12125550123", `)); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		signalled := time.Now()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		go func() { exited <- cmd.Wait() }()

		// /readyz fails at once while the listener still accepts.
		probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
		for {
			resp, err := probe.Get(base + "/readyz")
			if err != nil {
				t.Fatalf("readyz during the drain delay: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				if !strings.Contains(string(b), "shutting down") {
					t.Errorf("readyz while draining says: %s", b)
				}
				t.Logf("readyz 503 %v after SIGTERM", time.Since(signalled).Round(time.Millisecond))
				break
			}
			if time.Since(signalled) > 500*time.Millisecond {
				t.Fatalf("readyz still %d %v after SIGTERM", resp.StatusCode, time.Since(signalled))
			}
			time.Sleep(10 * time.Millisecond)
		}

		// The listener closes after the drain delay; the request in
		// flight still gets its answer.
		time.Sleep(1500 * time.Millisecond)
		if resp, err := probe.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			t.Errorf("a new connection was accepted after the drain delay: %d", resp.StatusCode)
		}
		if _, err := half.Write([]byte(`"+12125550124"]}`)); err != nil {
			t.Fatal(err)
		}
		half.Close()
		resp := <-answer
		if resp == nil {
			t.FailNow()
		}
		var got struct {
			Results []struct {
				PhoneNumber string `json:"phone_number"`
			} `json:"results"`
		}
		err := json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || len(got.Results) != 2 {
			t.Errorf("in-flight request answered %d, %d results, %v; want 200 with 2", resp.StatusCode, len(got.Results), err)
		}

		select {
		case err := <-exited:
			took := time.Since(signalled)
			var exit *exec.ExitError
			if errors.As(err, &exit) || err != nil {
				t.Errorf("exit after SIGTERM: %v", err)
			}
			if took > bound+time.Second {
				t.Errorf("exited %v after SIGTERM, bound %v", took, bound)
			}
			t.Logf("exited with status 0 %v after SIGTERM (bound %v)", took.Round(time.Millisecond), bound)
		case <-time.After(bound + 5*time.Second):
			t.Fatalf("still running %v after SIGTERM", bound+5*time.Second)
		}
	})
}

// blockingHook is a webhook endpoint whose first requests hang until the
// caller gives up; from the moment one is abandoned, it answers 204.
type blockingHook struct {
	secret    string // the endpoint's signing secret, once known
	mu        sync.Mutex
	abandoned bool
	started   map[string]int // webhook-id → requests begun
	accepted  map[string]int // webhook-id → requests answered 204
	begun     chan struct{}  // closed at the first request
	once      sync.Once
}

func (h *blockingHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("webhook-id")
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.started[id]++
	blocking := !h.abandoned
	h.mu.Unlock()
	h.once.Do(func() { close(h.begun) })
	if blocking {
		<-r.Context().Done()
		h.mu.Lock()
		h.abandoned = true
		h.mu.Unlock()
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// The replica that delivers signs with the secret the other stored,
	// sealed, in the database.
	if err := signature.Verify(h.secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.accepted[id]++
	w.WriteHeader(http.StatusNoContent)
}

// TestShutdownHandsRunningJobToAnotherReplica is issue 15's graceful
// shutdown for jobs: replica A is delivering a webhook to an endpoint that
// hangs when it is told to stop; its job gets the soft stop time, is then
// cancelled and handed back to River, and replica B delivers it, signed
// with the secret A stored. A's stop
// takes no longer than --shutdown-timeout, the delivery is recorded once
// with one attempt (the interrupted one does not count), and the endpoint
// accepts the message once.
func TestShutdownHandsRunningJobToAnotherReplica(t *testing.T) {
	dbURL := requirePostgres(t)
	const bound = 2 * time.Second
	mA, a := testServerWith(t, dbURL, func(c *Config) { c.ShutdownTimeout = bound })
	_, cust, inst := setupCustomer(t, a, "Handover", "premium")
	h := &blockingHook{started: map[string]int{}, accepted: map[string]int{}, begun: make(chan struct{})}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ep := a.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": srv.URL, "event_types": []string{"port_request.message_created"}})
	h.mu.Lock()
	h.secret = str(t, ep, "secret")
	h.mu.Unlock()
	req := a.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123"))
	a.must(http.StatusCreated, "POST", "/v1/port-requests/"+str(t, req, "id")+"/messages", cust, map[string]any{"body": "hello"})
	select {
	case <-h.begun:
	case <-time.After(30 * time.Second):
		t.Fatal("A delivered nothing within 30s")
	}

	_, b := testServer(t, dbURL, false)
	start := time.Now()
	if err := mA.Close(); err != nil {
		t.Errorf("A's close: %v", err)
	}
	took := time.Since(start)
	soft := bound - min(5*time.Second, bound/4)
	if took > bound+time.Second || took < soft {
		t.Errorf("A stopped in %v; want between the soft stop %v and the bound %v", took, soft, bound)
	}
	t.Logf("A stopped in %v (soft stop %v, bound %v)", took.Round(time.Millisecond), soft, bound)

	deliveries := func() []any {
		return list(t, b.must(http.StatusOK, "GET", "/v1/webhook-endpoints/"+str(t, ep, "id")+"/deliveries", cust, nil), "data")
	}
	eventually(t, "B delivers the message A was cancelled in", func() bool {
		ds := deliveries()
		return len(ds) == 1 && str(t, ds[0], "state") == "delivered"
	})
	if got := deliveries()[0].(map[string]any)["attempts"].(float64); got != 1 {
		t.Errorf("delivery recorded %v attempts, want 1 (the interrupted one not counted)", got)
	}
	var (
		state   string
		attempt int
	)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eventually(t, "B's job recorded completed", func() bool {
		err := db.QueryRowContext(context.Background(), `SELECT state, attempt FROM river_job WHERE kind = 'deliver_webhook'`).Scan(&state, &attempt)
		if err != nil {
			t.Fatal(err)
		}
		return state == "completed"
	})
	if attempt != 1 {
		t.Errorf("river job completed at attempt %d; want 1 (A's interrupted attempt given back)", attempt)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.accepted) != 1 {
		t.Errorf("endpoint accepted %v, want one webhook-id once", h.accepted)
	}
	for id, n := range h.accepted {
		if n != 1 || h.started[id] != 2 {
			t.Errorf("webhook-id %s: %d requests begun, %d accepted; want 2 and 1", id, h.started[id], n)
		}
	}
}
