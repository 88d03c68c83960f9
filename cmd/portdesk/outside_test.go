package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/portdesk/portdesk/signature"
)

// mailbox is a real SMTP server on loopback that keeps what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
	to   []string
	// reject is how many messages to refuse (451) before taking any;
	// rejected counts the refused ones.
	reject, rejected int
}

func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb, "smtp://" + ln.Addr().String() + "?from=desk%40portdesk.test&tls=none"
}

// to returns the messages received for addr.
func (mb *mailbox) messagesTo(addr string) []*mail.Message {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []*mail.Message
	for i, m := range mb.msgs {
		if mb.to[i] == addr {
			out = append(out, m)
		}
	}
	return out
}

type mailSession struct {
	mb *mailbox
	to string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	s.mb.mu.Lock()
	if s.mb.reject > 0 {
		s.mb.reject--
		s.mb.rejected++
		s.mb.mu.Unlock()
		_, _ = io.Copy(io.Discard, r)
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	s.mb.mu.Unlock()
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	m.Body = strings.NewReader(string(body))
	s.mb.mu.Lock()
	s.mb.msgs, s.mb.to = append(s.mb.msgs, m), append(s.mb.to, s.to)
	s.mb.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// hook is a webhook receiver that verifies signatures and counts what it
// accepted per webhook-id. While down it answers 503.
type hook struct {
	mu         sync.Mutex
	secret     string
	down       bool
	accepted   map[string]int    // webhook-id → accepted deliveries
	types      map[string]string // webhook-id → event type
	refused    int
	refusedIDs map[string]bool
	bad        int
	srv        *httptest.Server
}

func startHook(t *testing.T) *hook {
	t.Helper()
	h := &hook{accepted: map[string]int{}, types: map[string]string{}, refusedIDs: map[string]bool{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.down {
			h.refused++
			h.refusedIDs[r.Header.Get("webhook-id")] = true
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if err := signature.Verify(h.secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
			h.bad++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		id := r.Header.Get("webhook-id")
		h.accepted[id]++
		var env struct{ Type string }
		_ = jsonUnmarshal(body, &env)
		h.types[id] = env.Type
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) setDown(down bool) {
	h.mu.Lock()
	h.down = down
	h.mu.Unlock()
}

// countType counts accepted messages of an event type.
func (h *hook) countType(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for id, t := range h.types {
		if t == typ {
			n += h.accepted[id]
		}
	}
	return n
}

// eventually polls cond for up to 30s: notifications go out from jobs after
// their transaction commits.
// quietFor checks that cond holds throughout d, polling as eventually
// does: the way to show that nothing more happens (no stray retry, no
// second firing) without trusting a fixed sleep to be long enough. Size d
// from the schedule that could still produce the event.
func quietFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if !cond() {
			t.Fatalf("within the quiet period of %v: %s", d, what)
		}
		if time.Now().After(end) {
			return
		}
	}
}

// jobFetchMargin is how late a due job or sweep may start: River's fetch
// poll interval (jobs.Config, 200ms) with room for a slow, shared machine.
const jobFetchMargin = time.Second

// retryDelay is the webhook retry schedule written out for the tests:
// attempt n (from 1) that failed is retried base·2^(n−1) later, at most an
// hour, plus up to 10% jitter.
func retryDelay(base time.Duration, attempt int) time.Duration {
	d := base << (attempt - 1)
	if attempt > 30 || d > time.Hour {
		d = time.Hour
	}
	return d + d/10
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 30s: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
