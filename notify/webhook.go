package notify

import (
	"github.com/portdesk/portdesk/signature"

	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/portdesk/portdesk/netguard"
	"github.com/portdesk/portdesk/porting"
)

// DefaultWebhookTimeout bounds one delivery attempt when the sender's
// client has no timeout of its own: connect, send and read the answer.
const DefaultWebhookTimeout = 10 * time.Second

// maxResponseRead is how much of a receiver's answer is read (and drained
// so the connection can be reused); receivers should answer with nothing.
const maxResponseRead = 64 << 10

// defaultWebhookClient does not follow redirects: a webhook is a POST to
// the URL its owner registered, and a 3xx answer is a failed delivery.
var defaultWebhookClient = &http.Client{
	Timeout:       DefaultWebhookTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// WebhookSender posts signed webhooks (Standard Webhooks). The zero value
// is ready to use. It is safe for concurrent use.
type WebhookSender struct {
	// Client sends the requests. Nil means a client with a 10s timeout
	// that does not follow redirects; a client with no Timeout is bounded
	// by DefaultWebhookTimeout too.
	Client *http.Client
	// UserAgent is sent as User-Agent; empty means "portdesk-webhooks".
	UserAgent string
	// AllowPrivateNetworks lets the default client connect to loopback,
	// private, link-local and other non-public addresses. Off, a customer's
	// endpoint cannot make portdesk call into the network it runs in; the
	// sandbox and tests turn it on to reach receivers on this machine.
	AllowPrivateNetworks bool
}

// guardedClient is defaultWebhookClient whose connections to non-public
// addresses are refused after DNS resolution (netguard.Control), so a
// name that resolves to an internal address is refused too.
var guardedClient = &http.Client{
	Timeout:       DefaultWebhookTimeout,
	CheckRedirect: defaultWebhookClient.CheckRedirect,
	Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: DefaultWebhookTimeout, Control: netguard.Control}).DialContext,
		TLSHandshakeTimeout: DefaultWebhookTimeout,
		MaxIdleConnsPerHost: 4,
	},
}

// SendError is a failed delivery attempt. Status is the receiver's HTTP
// status, 0 when none came back. Retryable tells whether the failure looks
// temporary: network errors, timeouts, 408, 429 and 5xx are; other answers
// (4xx, 3xx) and unusable URLs or secrets are not. Retryable is advice: the
// caller may retry anyway (a receiver may answer 404 while it deploys), and
// should for a bounded number of attempts.
type SendError struct {
	Status    int
	Retryable bool
	// Reason, when set, is what Error says instead of Err: a network
	// failure described without the addresses, resolver or host names
	// that Err holds, since the delivery log is shown to the endpoint's
	// owner.
	Reason string
	Err    error
}

// Error implements the error interface. It never includes the URL, whose
// query string may hold the receiver's own token, nor an address the URL
// resolved to, the resolver's address or a host name a certificate names.
func (e *SendError) Error() string {
	var cause any = e.Err
	if e.Reason != "" {
		cause = e.Reason
	}
	if e.Status != 0 {
		return fmt.Sprintf("notify: webhook answered %d: %v", e.Status, cause)
	}
	return fmt.Sprintf("notify: webhook not delivered: %v", cause)
}

// Unwrap returns the cause.
func (e *SendError) Unwrap() error { return e.Err }

// networkReason describes a failed connection in words safe to show the
// endpoint's owner: the kind of failure, never an address or a name.
func networkReason(err error) string {
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		authErr  x509.UnknownAuthorityError
		invErr   x509.CertificateInvalidError
		alertErr tls.AlertError
		recErr   tls.RecordHeaderError
		netErr   net.Error
	)
	switch {
	case errors.Is(err, netguard.ErrNonPublic):
		return "refused: the endpoint's host is at a non-public address (loopback, private, link-local, …)"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "the endpoint's host name does not resolve"
		}
		return "the endpoint's host name could not be resolved"
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invErr):
		return "the endpoint's TLS certificate is not valid for its host"
	case errors.As(err, &alertErr), errors.As(err, &recErr):
		return "the TLS handshake with the endpoint failed"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "the endpoint did not answer in time"
	case errors.Is(err, context.Canceled):
		return "the attempt was cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the endpoint refused the connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the endpoint closed the connection"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the endpoint's host is unreachable"
	}
	return "the connection to the endpoint failed"
}

// CheckWebhookURL implements porting.WebhookGuard: unless the sender may
// reach private networks, a URL whose host is a non-public address, a
// localhost name or a name resolving to any non-public address is
// EINVALID. A name that does not resolve now passes; every dial checks the
// address again, so a name that moves later is still refused then.
func (s *WebhookSender) CheckWebhookURL(ctx context.Context, rawURL string) error {
	if s.AllowPrivateNetworks {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return porting.FieldErrorf("url", "url must be an absolute http(s) URL")
	}
	ctx, cancel := context.WithTimeout(ctx, registrationLookupTimeout)
	defer cancel()
	if err := netguard.CheckHost(ctx, nil, u.Hostname()); err != nil {
		return porting.FieldErrorf("url", "url points to a loopback, private, link-local or other non-public address; portdesk delivers webhooks to public addresses only")
	}
	return nil
}

// registrationLookupTimeout bounds the DNS lookup of CheckWebhookURL.
const registrationLookupTimeout = 3 * time.Second

var _ porting.WebhookGuard = (*WebhookSender)(nil)

// Send posts payload to url as JSON, signed with secret under message ID
// msgID at time ts. Use the same msgID for every attempt of one delivery so
// the receiver can drop duplicates; ts should be the attempt's time, since
// receivers refuse old timestamps. Any 2xx answer is success; every
// failure is a *SendError.
func (s *WebhookSender) Send(ctx context.Context, url, secret, msgID string, ts time.Time, payload []byte) error {
	sig, err := signature.Sign(secret, msgID, ts, payload)
	if err != nil {
		return &SendError{Err: err}
	}
	client := s.Client
	if client == nil && !s.AllowPrivateNetworks {
		client = guardedClient
	}
	if client == nil {
		client = defaultWebhookClient
	}
	if client.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWebhookTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return &SendError{Err: fmt.Errorf("bad endpoint URL: %w", unwrapURLError(err))}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &SendError{Err: fmt.Errorf("endpoint URL scheme %q is not http or https", req.URL.Scheme)}
	}
	ua := s.UserAgent
	if ua == "" {
		ua = "portdesk-webhooks"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", ua)
	req.Header.Set(signature.HeaderWebhookID, msgID)
	req.Header.Set(signature.HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(signature.HeaderWebhookSignature, sig)

	resp, err := client.Do(req)
	if err != nil {
		err = unwrapURLError(err)
		return &SendError{Retryable: true, Reason: networkReason(err), Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseRead))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	_ = body // drained for reuse; not quoted: the delivery log is shown to the endpoint's owner
	return &SendError{Status: resp.StatusCode, Retryable: retryableStatus(resp.StatusCode), Err: errors.New("the endpoint answered " + resp.Status)}
}

// retryableStatus reports whether an answer with this status is worth
// another attempt later.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// unwrapURLError drops the *url.Error layer, which quotes the full URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// webhookEnvelope is Standard Webhooks' recommended payload shape.
type webhookEnvelope struct {
	Type      string      `json:"type"`
	Timestamp string      `json:"timestamp"`
	Data      webhookData `json:"data"`
}

// webhookData is the event itself, as the events API shows it.
type webhookData struct {
	EventID       int64             `json:"event_id"`
	AccountID     string            `json:"account_id,omitempty"`
	PortRequestID string            `json:"port_request_id,omitempty"`
	PortOrderID   string            `json:"port_order_id,omitempty"`
	Actor         porting.Principal `json:"actor"`
	Before        json.RawMessage   `json:"before,omitempty"`
	After         json.RawMessage   `json:"after,omitempty"`
}

// WebhookPayload is the body sent for event e: {"type", "timestamp" (when
// the event happened, RFC 3339 in UTC with the fraction of a second when
// there is one), "data": {"event_id", "account_id", "port_request_id",
// "port_order_id", "actor", "before", "after"}}. IDs left blank on the event
// and empty before/after are omitted. The bytes are what Sign must see.
func WebhookPayload(e *porting.Event) ([]byte, error) {
	b, err := json.Marshal(webhookEnvelope{
		Type:      e.Type,
		Timestamp: e.At.UTC().Format(time.RFC3339Nano),
		Data: webhookData{
			EventID: e.ID, AccountID: e.AccountID, PortRequestID: e.PortRequestID, PortOrderID: e.PortOrderID,
			Actor: e.Actor, Before: e.Before, After: e.After,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("notify: webhook payload of event %d: %w", e.ID, err)
	}
	return b, nil
}
