package twilio_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/twilio"
	"github.com/portdesk/portdesk/carrier/twilio/twiliotest"
	"github.com/portdesk/portdesk/porting"
)

// webhookPath is where the receiver listens.
const webhookPath = "/carriers/twilio/webhook"

// parsed is what the receiver got from ParseWebhook.
type parsed struct {
	answers []porting.CarrierAnswer
	err     error
}

// receiver starts a webhook endpoint that parses with gw and hands each
// result on; it answers 204, or the error's status.
func receiver(t *testing.T, gw *twilio.Gateway) (string, <-chan parsed) {
	t.Helper()
	got := make(chan parsed, 10)
	var publicURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers, err := gw.ParseWebhook(r, publicURL)
		got <- parsed{answers, err}
		switch porting.ErrorCode(err) {
		case "":
			w.WriteHeader(http.StatusNoContent)
		case porting.EUNAUTHORIZED:
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	publicURL = srv.URL + webhookPath
	return publicURL, got
}

// receive waits for the receiver's next result.
func receive(t *testing.T, got <-chan parsed) parsed {
	t.Helper()
	select {
	case p := <-got:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook reached the receiver")
		return parsed{}
	}
}

func TestWebhookSignedByTwilioGivesSameAnswerAsPoll(t *testing.T) {
	t.Parallel()
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		state string
		foc   *time.Time
	}{
		{"waiting_for_signature", nil}, {"submitted", nil}, {"pending", &foc},
		{"rejected", nil}, {"action_required", nil}, {"expired", nil},
		{"completed", nil}, {"canceled", nil},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			url, got := receiver(t, b.gw)
			sid := b.mustSubmit(t)
			if err := b.srv.SetStatus(sid, tt.state, tt.foc); err != nil {
				t.Fatal(err)
			}
			status, err := b.srv.SendWebhook(url, sid)
			if err != nil || status != http.StatusNoContent {
				t.Fatalf("SendWebhook = %d, %v; want 204", status, err)
			}
			hook := receive(t, got)
			poll, err := b.gw.Status(context.Background(), porting.CarrierTicket{Reference: sid})
			if hook.err != nil || err != nil || len(hook.answers) != 1 {
				t.Fatalf("webhook %+v, %v; poll %v", hook.answers, hook.err, err)
			}
			h, p := hook.answers[0], poll[0]
			if h.ID != p.ID || h.Kind != p.Kind || h.Sequence != p.Sequence {
				t.Errorf("webhook answer %s %s %d, poll %s %s %d; want the same", h.ID, h.Kind, h.Sequence, p.ID, p.Kind, p.Sequence)
			}
		})
	}
}

func TestWebhookForEarlierStateIsStale(t *testing.T) {
	t.Parallel()
	b := setup(t)
	url, got := receiver(t, b.gw)
	sid := b.mustSubmit(t)
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	mustWebhook(t, b.srv, url, sid, "pending", &foc)
	focAnswer := receive(t, got).answers[0]
	mustWebhook(t, b.srv, url, sid, "waiting_for_signature", nil)
	late := receive(t, got).answers[0]
	if focAnswer.Kind != porting.AnswerFOC || late.Sequence >= focAnswer.Sequence {
		t.Errorf("foc seq %d, late waiting_for_signature seq %d; want the late one lower", focAnswer.Sequence, late.Sequence)
	}
}

// mustWebhook moves a request to state and sends its webhook.
func mustWebhook(t *testing.T, srv *twiliotest.Server, url, sid, state string, foc *time.Time) {
	t.Helper()
	if err := srv.SetStatus(sid, state, foc); err != nil {
		t.Fatal(err)
	}
	if status, err := srv.SendWebhook(url, sid); err != nil || status != http.StatusNoContent {
		t.Fatalf("SendWebhook(%s) = %d, %v", state, status, err)
	}
}

func TestForgedWebhookIsUnauthorized(t *testing.T) {
	t.Parallel()
	b := setup(t)
	url, got := receiver(t, b.gw)
	sid := b.mustSubmit(t)
	if err := b.srv.SetStatus(sid, "completed", nil); err != nil {
		t.Fatal(err)
	}
	status, err := b.srv.SendForgedWebhook(url, sid)
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("forged webhook answered %d, %v; want 401", status, err)
	}
	if p := receive(t, got); porting.ErrorCode(p.err) != porting.EUNAUTHORIZED || p.answers != nil {
		t.Errorf("ParseWebhook = %+v, %v; want no answers and %q", p.answers, p.err, porting.EUNAUTHORIZED)
	}
}

func TestWebhookSentToAnotherURLIsUnauthorized(t *testing.T) {
	t.Parallel()
	b := setup(t)
	url, got := receiver(t, b.gw)
	sid := b.mustSubmit(t)
	if err := b.srv.SetStatus(sid, "completed", nil); err != nil {
		t.Fatal(err)
	}
	// Signed for another path, so not for the public URL the desk gave.
	status, err := b.srv.SendWebhook(strings.Replace(url, webhookPath, "/elsewhere", 1), sid)
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("webhook for another URL answered %d, %v; want 401", status, err)
	}
	receive(t, got)
}

func TestWebhookSignatureChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const publicURL = "https://desk.example/carriers/twilio/webhook"
	body := `{"port_in_request_sid":"KW0123","status":"PortInCompleted"}`
	tests := []struct {
		name      string
		body      string
		signature func(full string) string
		wantCode  string
	}{
		{"missing signature", body, func(string) string { return "" }, porting.EUNAUTHORIZED},
		{"tampered body", `{"port_in_request_sid":"KW9999","status":"PortInCompleted"}`, func(full string) string { return twiliotest.Sign(authToken, full) }, porting.EUNAUTHORIZED},
		{"malformed but signed", "{not json", func(full string) string { return twiliotest.Sign(authToken, full) }, porting.EINVALID},
		{"no status", `{"port_in_request_sid":"KW0123"}`, func(full string) string { return twiliotest.Sign(authToken, full) }, porting.EINVALID},
		{"valid", body, func(full string) string { return twiliotest.Sign(authToken, full) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The bodySHA256 is of the original body; a tampered one no
			// longer matches it.
			query := "bodySHA256=" + sha256Hex(tt.body)
			if tt.name == "tampered body" {
				query = "bodySHA256=" + sha256Hex(body)
			}
			r := httptest.NewRequest(http.MethodPost, "http://10.0.0.1:8080/carriers/twilio/webhook?"+query, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/json")
			if sig := tt.signature(publicURL + "?" + query); sig != "" {
				r.Header.Set(twilio.HeaderSignature, sig)
			}
			answers, err := b.gw.ParseWebhook(r, publicURL)
			if code := porting.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("ParseWebhook error = %v (code %q), want %q", err, code, tt.wantCode)
			}
			if tt.wantCode == "" && (len(answers) != 1 || answers[0].Kind != porting.AnswerActivated) {
				t.Errorf("answers = %+v, want one activated", answers)
			}
		})
	}
}

// sha256Hex returns the hex SHA-256 of s, as Twilio's bodySHA256.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
