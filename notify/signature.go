package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks header names. Receivers look them up case-insensitively.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// secretPrefix starts every signing secret portdesk hands out.
const secretPrefix = "whsec_"

// secretBytes is the length of a new signing key: the specification asks
// for 24 to 64 bytes, and 32 is the size of a SHA-256 output.
const secretBytes = 32

// DefaultTolerance is how far a webhook-timestamp may be from the
// receiver's clock, either way, when Verify is given no tolerance. It is
// the specification's recommendation.
const DefaultTolerance = 5 * time.Minute

// Errors Verify wraps, so a receiver can tell why a request was refused.
var (
	// ErrMissingHeader means webhook-id, webhook-timestamp or
	// webhook-signature is absent.
	ErrMissingHeader = errors.New("missing webhook header")
	// ErrTimestamp means webhook-timestamp is not Unix seconds or is
	// outside the tolerance: a replay or a skewed clock.
	ErrTimestamp = errors.New("webhook timestamp outside tolerance")
	// ErrNoMatchingSignature means no v1 signature matched the payload.
	ErrNoMatchingSignature = errors.New("no matching webhook signature")
)

// NewSecret returns a fresh signing secret: "whsec_" followed by the
// standard base64 of 32 random bytes.
func NewSecret() (string, error) {
	key := make([]byte, secretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("notify: new webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// signingKey decodes the HMAC key of a secret. The "whsec_" prefix is
// optional, as in the reference libraries, so a bare base64 key works too.
func signingKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("notify: webhook secret is not whsec_ followed by base64: %w", err)
	}
	if len(key) == 0 {
		return nil, errors.New("notify: webhook secret is empty")
	}
	return key, nil
}

// Sign returns the webhook-signature value for one message: "v1," and the
// base64 HMAC-SHA256, keyed with the decoded secret, of
// "msgID.unixSeconds.payload". The payload must be the exact bytes sent.
func Sign(secret, msgID string, ts time.Time, payload []byte) (string, error) {
	key, err := signingKey(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, msgID, ts.Unix(), payload)), nil
}

func mac(key []byte, msgID string, unix int64, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msgID))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, unix, 10))
	h.Write([]byte{'.'})
	h.Write(payload)
	return h.Sum(nil)
}

// Verify checks a received webhook as a receiver would: the three headers
// are present, webhook-timestamp is within tolerance of now (either way;
// tolerance ≤ 0 means DefaultTolerance), and at least one of the
// space-separated "v1,<base64>" entries of webhook-signature is the HMAC of
// the payload, compared in constant time. Entries of other versions are
// ignored, which lets a sender add schemes later. The error wraps
// ErrMissingHeader, ErrTimestamp or ErrNoMatchingSignature, or reports a
// malformed secret.
func Verify(secret string, header http.Header, payload []byte, now time.Time, tolerance time.Duration) error {
	id, rawTS, sigs := header.Get(HeaderWebhookID), header.Get(HeaderWebhookTimestamp), header.Get(HeaderWebhookSignature)
	for i, v := range []string{id, rawTS, sigs} {
		if v == "" {
			name := []string{HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature}[i]
			return fmt.Errorf("notify: verify webhook: %s: %w", name, ErrMissingHeader)
		}
	}
	key, err := signingKey(secret)
	if err != nil {
		return err
	}
	unix, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return fmt.Errorf("notify: verify webhook: timestamp %q is not Unix seconds: %w", rawTS, ErrTimestamp)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if skew := now.Sub(time.Unix(unix, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("notify: verify webhook: timestamp is %s away from now: %w", skew.Round(time.Second), ErrTimestamp)
	}
	want := mac(key, id, unix, payload)
	for _, entry := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("notify: verify webhook %s: %w", id, ErrNoMatchingSignature)
}
