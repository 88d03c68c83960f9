// Package signature signs and verifies messages by the Standard Webhooks
// scheme: outgoing webhooks, and both directions of the carrier protocol.
package signature

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Standard Webhooks header names. Receivers look them up case-insensitively.
const (
	HeaderWebhookID        = standardwebhooks.HeaderWebhookID
	HeaderWebhookTimestamp = standardwebhooks.HeaderWebhookTimestamp
	HeaderWebhookSignature = standardwebhooks.HeaderWebhookSignature
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
	ErrMissingHeader = standardwebhooks.ErrRequiredHeaders
	// ErrTimestamp means webhook-timestamp is not Unix seconds or is
	// outside the tolerance: a replay or a skewed clock.
	ErrTimestamp = errors.New("webhook timestamp outside tolerance")
	// ErrNoMatchingSignature means no v1 signature matched the payload.
	ErrNoMatchingSignature = standardwebhooks.ErrNoMatchingSignature
)

// NewSecret returns a fresh signing secret: "whsec_" followed by the
// standard base64 of 32 random bytes. The reference library signs and
// verifies but does not make secrets.
func NewSecret() (string, error) {
	key := make([]byte, secretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("signature: new webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// signer is the reference library's signer for a secret. The "whsec_"
// prefix is optional, so a bare base64 key works too. An empty key is
// refused here: the library would sign with it.
func signer(secret string) (*standardwebhooks.Webhook, error) {
	if strings.TrimPrefix(secret, secretPrefix) == "" {
		return nil, errors.New("signature: webhook secret is empty")
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return nil, fmt.Errorf("signature: webhook secret is not whsec_ followed by base64: %w", err)
	}
	return wh, nil
}

// Sign returns the webhook-signature value for one message: "v1," and the
// base64 HMAC-SHA256, keyed with the decoded secret, of
// "msgID.unixSeconds.payload". The payload must be the exact bytes sent.
func Sign(secret, msgID string, ts time.Time, payload []byte) (string, error) {
	wh, err := signer(secret)
	if err != nil {
		return "", err
	}
	return wh.Sign(msgID, ts, payload)
}

// Verify checks a received webhook as a receiver would: the three headers
// are present, at least one of the space-separated "v1,<base64>" entries
// of webhook-signature is the HMAC of the payload (compared in constant
// time; entries of other versions are ignored, which lets a sender add
// schemes later), and webhook-timestamp is within tolerance of now, either
// way (tolerance ≤ 0 means DefaultTolerance). The error wraps
// ErrMissingHeader, ErrTimestamp or ErrNoMatchingSignature, or reports a
// malformed secret.
//
// The reference library checks the timestamp against the wall clock with
// a fixed tolerance, so it checks the headers and the signature and the
// window is checked here, on the receiver's clock.
func Verify(secret string, header http.Header, payload []byte, now time.Time, tolerance time.Duration) error {
	wh, err := signer(secret)
	if err != nil {
		return err
	}
	id, rawTS := header.Get(HeaderWebhookID), header.Get(HeaderWebhookTimestamp)
	if err := wh.VerifyIgnoringTimestamp(payload, header); err != nil {
		if errors.Is(err, standardwebhooks.ErrInvalidHeaders) {
			return fmt.Errorf("signature: verify webhook %s: timestamp %q is not Unix seconds: %w", id, rawTS, ErrTimestamp)
		}
		return fmt.Errorf("signature: verify webhook %s: %w", id, err)
	}
	unix, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return fmt.Errorf("signature: verify webhook %s: timestamp %q is not Unix seconds: %w", id, rawTS, ErrTimestamp)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if skew := now.Sub(time.Unix(unix, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("signature: verify webhook %s: timestamp is %s away from now: %w", id, skew.Round(time.Second), ErrTimestamp)
	}
	return nil
}
