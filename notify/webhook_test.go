package notify

import (
	"github.com/portdesk/portdesk/signature"

	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// received is what a test receiver saw of one request.
type received struct {
	header http.Header
	body   []byte
}

// newReceiver starts a server answering status (after writing answer) and
// passing each request on got.
func newReceiver(t *testing.T, status int, answer string) (*httptest.Server, <-chan received) {
	t.Helper()
	got := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{r.Header.Clone(), b}
		w.Header().Set("Location", "/elsewhere") // a followed redirect would block here
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestWebhookSenderDelivers(t *testing.T) {
	t.Parallel()
	srv, got := newReceiver(t, http.StatusNoContent, "")
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	payload := []byte(`{"type":"port_order.created"}`)
	s := &WebhookSender{UserAgent: "portdesk-test", AllowPrivateNetworks: true}
	if err := s.Send(context.Background(), srv.URL+"/hook", secret, "evt_7", ts, payload); err != nil {
		t.Fatalf("Send = %v, want nil", err)
	}
	r := <-got
	if string(r.body) != string(payload) {
		t.Errorf("body = %s, want %s", r.body, payload)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "User-Agent": "portdesk-test",
		"Webhook-Id": "evt_7", "Webhook-Timestamp": "1777888800"} {
		if v := r.header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if err := signature.Verify(secret, r.header, r.body, ts, time.Minute); err != nil {
		t.Errorf("the receiver cannot verify what was sent: %v", err)
	}
}

func TestWebhookSenderFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		retryable bool
	}{
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusRequestTimeout, true},
		{http.StatusTooManyRequests, true},
		{http.StatusGone, false},
		{http.StatusBadRequest, false},
		{http.StatusFound, false}, // redirects are not followed
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv, got := newReceiver(t, tt.status, "  no\n thanks  ")
			err := (&WebhookSender{AllowPrivateNetworks: true}).Send(context.Background(), srv.URL+"?token=hush", specSecret, "evt_1", time.Now(), []byte(`{}`))
			<-got
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send = %v, want a *SendError", err)
			}
			if se.Status != tt.status || se.Retryable != tt.retryable {
				t.Errorf("SendError{Status: %d, Retryable: %v}, want {%d, %v}", se.Status, se.Retryable, tt.status, tt.retryable)
			}
			if msg := err.Error(); strings.Contains(msg, "no thanks") || strings.Contains(msg, "hush") || !strings.Contains(msg, strconv.Itoa(tt.status)) {
				t.Errorf("error %q should name the status, and neither the answer's body nor the URL's token", msg)
			}
		})
	}
}

func TestWebhookSenderTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	defer close(release)
	s := &WebhookSender{Client: &http.Client{Timeout: 50 * time.Millisecond}}
	err := s.Send(context.Background(), srv.URL, specSecret, "evt_1", time.Now(), []byte(`{}`))
	var se *SendError
	if !errors.As(err, &se) || !se.Retryable || se.Status != 0 {
		t.Fatalf("Send to a silent receiver = %#v, want a retryable *SendError without status", err)
	}
}

func TestWebhookSenderUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	err := (&WebhookSender{AllowPrivateNetworks: true}).Send(context.Background(), url, specSecret, "evt_1", time.Now(), []byte(`{}`))
	var se *SendError
	if !errors.As(err, &se) || !se.Retryable {
		t.Errorf("Send to a closed port = %v, want a retryable *SendError", err)
	}
}

func TestWebhookSenderRefusesUnusableInput(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct{ url, secret string }{
		"ftp URL":        {"ftp://example.com/x", specSecret},
		"no URL":         {"", specSecret},
		"control in URL": {"http://exa\nmple.com", specSecret},
		"bad secret":     {"http://127.0.0.1:1/", "whsec_%%%"},
	} {
		err := (&WebhookSender{}).Send(context.Background(), tt.url, tt.secret, "evt_1", time.Now(), []byte(`{}`))
		var se *SendError
		if !errors.As(err, &se) || se.Retryable {
			t.Errorf("%s: Send = %v, want a *SendError that is not retryable", name, err)
		}
	}
}

func TestWebhookPayload(t *testing.T) {
	t.Parallel()
	e := &porting.Event{
		ID: 42, Type: porting.EventOrderStatusChanged, AccountID: "acc_1", PortRequestID: "req_1", PortOrderID: "po_1",
		Actor:  porting.Principal{Role: porting.RoleSpecialist, KeyID: "key_1"},
		At:     time.Date(2026, 5, 4, 12, 30, 0, 500, time.FixedZone("CEST", 2*3600)),
		Before: json.RawMessage(`{"status":"review"}`), After: json.RawMessage(`{"status":"awaiting_loa"}`),
	}
	b, err := WebhookPayload(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"port_order.status_changed","timestamp":"2026-05-04T10:30:00.0000005Z","data":{"event_id":42,` +
		`"account_id":"acc_1","port_request_id":"req_1","port_order_id":"po_1","actor":{"role":"specialist","key_id":"key_1"},` +
		`"before":{"status":"review"},"after":{"status":"awaiting_loa"}}}`
	if string(b) != want {
		t.Errorf("WebhookPayload =\n%s\nwant\n%s", b, want)
	}
	e.Before, e.PortOrderID = nil, ""
	b, err = WebhookPayload(e)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "before") || strings.Contains(s, "port_order_id") {
		t.Errorf("WebhookPayload = %s, want empty before and blank IDs left out", s)
	}
}

// TestWebhookSenderRefusesPrivateNetworks: by default a customer's endpoint
// cannot make portdesk call loopback, private or link-local addresses, by
// literal IP or by a name that resolves there. The table of ranges is
// tested in netguard.
func TestWebhookSenderRefusesPrivateNetworks(t *testing.T) {
	t.Parallel()
	srv, _ := newReceiver(t, http.StatusNoContent, "")
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, u := range []string{srv.URL, "http://localhost:" + port, "http://169.254.169.254/latest", "http://10.0.0.1:9200/"} {
		err := (&WebhookSender{}).Send(context.Background(), u, specSecret, "evt_1", time.Now(), []byte(`{}`))
		if err == nil || !strings.Contains(err.Error(), "non-public") {
			t.Errorf("Send(%s) = %v, want a refusal of the non-public address", u, err)
		}
		// What the endpoint's owner reads names no address it resolved to.
		if msg := err.Error(); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "::1") || strings.Contains(msg, "10.0.0.1") || strings.Contains(msg, "169.254") {
			t.Errorf("Send(%s) error %q names an address", u, msg)
		}
	}
}

// specSecret is the secret of the Standard Webhooks specification's example.
const specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
