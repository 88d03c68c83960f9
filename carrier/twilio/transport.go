package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
	numbers "github.com/twilio/twilio-go/rest/numbers/v1"

	"github.com/portdesk/portdesk/porting"
)

// call is one use of the Numbers API: twilio-go's service bound to the
// caller's context and the configured base URL, and the HTTP status of
// the last answer, which classifies errors the library does not type.
type call struct {
	api       *numbers.ApiService
	transport *rewriteTransport
}

// numbersAPI returns a Numbers API service for one call. twilio-go builds
// its requests without a context and always for numbers.twilio.com, so a
// transport of ours binds ctx and sends them to the configured base URL.
// The request handler is built without the TWILIO_EDGE and TWILIO_REGION
// variables: the base URL alone says where requests go.
func (g *Gateway) numbersAPI(ctx context.Context) *call {
	t := &rewriteTransport{ctx: ctx, base: g.baseURL, next: g.httpClient.Transport}
	if t.next == nil {
		t.next = http.DefaultTransport
	}
	hc := *g.httpClient
	hc.Transport = t
	c := &client.Client{Credentials: client.NewCredentials(g.username, g.password), HTTPClient: &hc}
	c.SetAccountSid(g.cfg.AccountSID)
	return &call{api: numbers.NewApiService(&client.RequestHandler{Client: c}), transport: t}
}

// rewriteTransport sends twilio-go's requests to base (scheme, host and
// path prefix) under ctx, and remembers the status of the last answer.
type rewriteTransport struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper

	mu     sync.Mutex
	status int
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(t.ctx)
	out.URL.Scheme = t.base.Scheme
	out.URL.Host = t.base.Host
	out.URL.Path = strings.TrimSuffix(t.base.Path, "/") + req.URL.Path
	out.URL.RawPath = ""
	out.Host = ""
	resp, err := t.next.RoundTrip(out)
	if err == nil {
		t.mu.Lock()
		t.status = resp.StatusCode
		t.mu.Unlock()
	}
	return resp, err
}

// lastStatus returns the HTTP status of the last answer (0: none).
func (c *call) lastStatus() int {
	c.transport.mu.Lock()
	defer c.transport.mu.Unlock()
	return c.transport.status
}

// apiError turns an error of a Twilio call into a domain error: network
// failures, 429 and 5xx are EUNAVAILABLE (retry later), 401 and 403
// EUNAUTHORIZED (the credentials are wrong), 404 ENOTFOUND, other 4xx
// EINVALID (Twilio refused the request, with its message).
func apiError(op string, status int, err error) error {
	var rest *client.TwilioRestError
	if errors.As(err, &rest) && rest.Status != 0 {
		status = rest.Status
	}
	message := fmt.Sprintf("twilio: %s failed", op)
	if rest != nil && rest.Message != "" {
		message = fmt.Sprintf("twilio: %s: %s (error %d)", op, rest.Message, rest.Code)
	}
	code := statusCode(status)
	return &porting.Error{Code: code, Message: message, Err: fmt.Errorf("twilio: %s: %w", op, err)}
}

// statusCode classifies an HTTP status; 0 means no answer came (a network
// failure or a cancelled context), which is worth retrying.
func statusCode(status int) string {
	switch {
	case status == 0:
		return porting.EUNAVAILABLE
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return porting.EUNAUTHORIZED
	case status == http.StatusNotFound:
		return porting.ENOTFOUND
	case status == http.StatusTooManyRequests || status >= 500:
		return porting.EUNAVAILABLE
	case status >= 400:
		return porting.EINVALID
	}
	return porting.EINTERNAL
}
