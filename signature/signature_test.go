package signature

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The example published with the Standard Webhooks specification and
// checked by its reference libraries.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specPayload   = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignPublishedVector(t *testing.T) {
	t.Parallel()
	got, err := Sign(specSecret, specMsgID, time.Unix(specTimestamp, 0), []byte(specPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != specSignature {
		t.Errorf("Sign = %q, want the published %q", got, specSignature)
	}
	// The prefix is optional, as in the reference libraries.
	bare, err := Sign(strings.TrimPrefix(specSecret, "whsec_"), specMsgID, time.Unix(specTimestamp, 0), []byte(specPayload))
	if err != nil || bare != specSignature {
		t.Errorf("Sign without whsec_ = %q, %v; want %q", bare, err, specSignature)
	}
}

func TestVerifyPublishedVector(t *testing.T) {
	t.Parallel()
	h := webhookHeader(specMsgID, strconv.Itoa(specTimestamp), specSignature)
	now := time.Unix(specTimestamp, 0).Add(time.Minute)
	if err := Verify(specSecret, h, []byte(specPayload), now, 0); err != nil {
		t.Errorf("Verify(published example) = %v, want nil", err)
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two NewSecret calls returned the same %q", a)
	}
	rest, ok := strings.CutPrefix(a, "whsec_")
	if !ok {
		t.Fatalf("NewSecret() = %q, want the whsec_ prefix", a)
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) < 24 || len(key) > 64 {
		t.Errorf("NewSecret() key decodes to %d bytes (err %v), want 24 to 64", len(key), err)
	}
	ts := time.Unix(1700000000, 0)
	sig, err := Sign(a, "msg_1", ts, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(a, webhookHeader("msg_1", "1700000000", sig), []byte(`{}`), ts, time.Minute); err != nil {
		t.Errorf("Verify(own signature) = %v", err)
	}
}

func TestSignRefusesBadSecret(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"", "whsec_", "whsec_not base64!"} {
		if _, err := Sign(secret, "msg", time.Unix(1, 0), nil); err == nil {
			t.Errorf("Sign(secret %q) = nil error, want one", secret)
		}
	}
}

func TestVerifyFailures(t *testing.T) {
	t.Parallel()
	ts := time.Unix(specTimestamp, 0)
	good := webhookHeader(specMsgID, strconv.Itoa(specTimestamp), specSignature)
	otherSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	without := func(name string) http.Header {
		h := good.Clone()
		h.Del(name)
		return h
	}
	tests := []struct {
		name    string
		secret  string
		header  http.Header
		payload string
		now     time.Time
		want    error // nil: any error
	}{
		{"tampered payload", specSecret, good, `{"test": 2432232315}`, ts, ErrNoMatchingSignature},
		{"wrong secret", otherSecret, good, specPayload, ts, ErrNoMatchingSignature},
		{"old timestamp", specSecret, good, specPayload, ts.Add(6 * time.Minute), ErrTimestamp},
		{"timestamp from the future", specSecret, good, specPayload, ts.Add(-6 * time.Minute), ErrTimestamp},
		{"timestamp not a number", specSecret, webhookHeader(specMsgID, "yesterday", specSignature), specPayload, ts, ErrTimestamp},
		{"missing id", specSecret, without("webhook-id"), specPayload, ts, ErrMissingHeader},
		{"missing timestamp", specSecret, without("webhook-timestamp"), specPayload, ts, ErrMissingHeader},
		{"missing signature", specSecret, without("webhook-signature"), specPayload, ts, ErrMissingHeader},
		{"other message id", specSecret, webhookHeader("msg_other", strconv.Itoa(specTimestamp), specSignature), specPayload, ts, ErrNoMatchingSignature},
		{"only another version", specSecret, webhookHeader(specMsgID, strconv.Itoa(specTimestamp), strings.Replace(specSignature, "v1,", "v2,", 1)), specPayload, ts, ErrNoMatchingSignature},
		{"garbage signature", specSecret, webhookHeader(specMsgID, strconv.Itoa(specTimestamp), "v1,@@@"), specPayload, ts, ErrNoMatchingSignature},
		{"malformed secret", "whsec_***", good, specPayload, ts, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.header, []byte(tt.payload), tt.now, 5*time.Minute)
			if err == nil {
				t.Fatal("Verify = nil, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyAcceptsAnyListedSignature(t *testing.T) {
	t.Parallel()
	sigs := "v1,Zm9vYmFyYmF6 v2,whatever " + specSignature
	h := webhookHeader(specMsgID, strconv.Itoa(specTimestamp), sigs)
	if err := Verify(specSecret, h, []byte(specPayload), time.Unix(specTimestamp, 0), time.Minute); err != nil {
		t.Errorf("Verify(%q) = %v, want nil", sigs, err)
	}
}

// webhookHeader builds the three Standard Webhooks headers, in the
// lower case senders use; http.Header.Get canonicalizes them.
func webhookHeader(id, ts, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", sig)
	return h
}
