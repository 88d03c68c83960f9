package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// DefaultWebhookTimeout bounds one delivery attempt when the sender's
// client has no timeout of its own: connect, send and read the answer.
const DefaultWebhookTimeout = 10 * time.Second

// maxResponseRead is how much of a receiver's answer is read (and drained
// so the connection can be reused); receivers should answer with nothing.
const maxResponseRead = 64 << 10

// maxErrorBody is how much of a failed answer's body the error quotes.
const maxErrorBody = 200

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
// addresses are refused after DNS resolution, so a name that resolves to
// an internal address is refused too.
var guardedClient = &http.Client{
	Timeout:       DefaultWebhookTimeout,
	CheckRedirect: defaultWebhookClient.CheckRedirect,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: (&net.Dialer{Timeout: DefaultWebhookTimeout, Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return err
			}
			if !publicAddr(ip) {
				return fmt.Errorf("refusing to deliver to the non-public address %s", ip)
			}
			return nil
		}}).DialContext,
		TLSHandshakeTimeout: DefaultWebhookTimeout,
		MaxIdleConnsPerHost: 4,
	},
}

// publicAddr reports whether ip is routable on the public internet. IPv6
// forms that carry an IPv4 address (NAT64, 6to4, IPv4-compatible) are
// judged by that address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip) || ipv4Compatible.Contains(ip):
			return publicAddr(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(ip):
			return publicAddr(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var (
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	ipv4Compatible = netip.MustParsePrefix("::/96")
	// nonPublic are special-purpose ranges IsGlobalUnicast lets through.
	nonPublic = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fec0::/10"),
	}
)

// SendError is a failed delivery attempt. Status is the receiver's HTTP
// status, 0 when none came back. Retryable tells whether the failure looks
// temporary: network errors, timeouts, 408, 429 and 5xx are; other answers
// (4xx, 3xx) and unusable URLs or secrets are not. Retryable is advice: the
// caller may retry anyway (a receiver may answer 404 while it deploys), and
// should for a bounded number of attempts.
type SendError struct {
	Status    int
	Retryable bool
	Err       error
}

// Error implements the error interface. It never includes the URL, whose
// query string may hold the receiver's own token.
func (e *SendError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("notify: webhook answered %d: %v", e.Status, e.Err)
	}
	return fmt.Sprintf("notify: webhook not delivered: %v", e.Err)
}

// Unwrap returns the cause.
func (e *SendError) Unwrap() error { return e.Err }

// Send posts payload to url as JSON, signed with secret under message ID
// msgID at time ts. Use the same msgID for every attempt of one delivery so
// the receiver can drop duplicates; ts should be the attempt's time, since
// receivers refuse old timestamps. Any 2xx answer is success; every
// failure is a *SendError.
func (s *WebhookSender) Send(ctx context.Context, url, secret, msgID string, ts time.Time, payload []byte) error {
	sig, err := Sign(secret, msgID, ts, payload)
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
	req.Header.Set(HeaderWebhookID, msgID)
	req.Header.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderWebhookSignature, sig)

	resp, err := client.Do(req)
	if err != nil {
		return &SendError{Retryable: true, Err: unwrapURLError(err)}
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

// answerSummary is the status line and the start of the body, on one line.
func answerSummary(status string, body []byte) string {
	text := strings.Join(strings.Fields(string(body)), " ")
	if len(text) > maxErrorBody {
		text = strings.ToValidUTF8(text[:maxErrorBody], "") + "…"
	}
	if text == "" {
		return status
	}
	return status + ": " + text
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
