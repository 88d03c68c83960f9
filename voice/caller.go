package voice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/portdesk/portdesk/porting"
)

// CallerOptions configure a Caller; every field has a default.
type CallerOptions struct {
	// LocalHost is the IP the caller binds and names in Via and Contact.
	// Default "127.0.0.1".
	LocalHost string
	// Timeout bounds the wait for a final answer to an INVITE, and the
	// wait for the answer to the BYE that ends an answered call.
	// Default 5s.
	Timeout time.Duration
	// Now measures a call's duration. Default time.Now: the caller only
	// measures elapsed time and decides nothing from the clock.
	Now func() time.Time
	// Logger receives sipgo's warnings and failed ACKs or BYEs.
	// Default slog.Default().
	Logger *slog.Logger
}

// Caller places test calls over SIP (porting.TestCaller): an INVITE that,
// once answered, is acknowledged and ended with BYE at once. It is safe
// for concurrent use.
type Caller struct {
	opts   CallerOptions
	ua     *sipgo.UserAgent
	dialog *sipgo.DialogUA
}

var _ porting.TestCaller = (*Caller)(nil)

// NewCaller returns a caller bound to opts.LocalHost. Close releases it.
func NewCaller(opts CallerOptions) (*Caller, error) {
	opts = opts.withDefaults()
	if net.ParseIP(opts.LocalHost) == nil {
		return nil, fmt.Errorf("voice: new caller: local host %q is not an IP address", opts.LocalHost)
	}
	ua, err := sipgo.NewUA(userAgentOptions(opts.Logger, sipgo.WithUserAgentHostname(opts.LocalHost))...)
	if err != nil {
		return nil, fmt.Errorf("voice: new caller: user agent: %w", err)
	}
	client, err := sipgo.NewClient(ua,
		sipgo.WithClientHostname(opts.LocalHost),
		sipgo.WithClientConnectionAddr(net.JoinHostPort(opts.LocalHost, "0")),
		sipgo.WithClientLogger(opts.Logger),
	)
	if err != nil {
		_ = ua.Close()
		return nil, fmt.Errorf("voice: new caller: client: %w", err)
	}
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "portdesk", Host: opts.LocalHost}}
	return &Caller{opts: opts, ua: ua, dialog: &sipgo.DialogUA{Client: client, ContactHDR: contact}}, nil
}

// withDefaults fills the options left at their zero value.
func (o CallerOptions) withDefaults() CallerOptions {
	if o.LocalHost == "" {
		o.LocalHost = "127.0.0.1"
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Logger = Redacting(o.Logger)
	return o
}

// Close releases the caller's sockets.
func (c *Caller) Close() error {
	if err := c.ua.Close(); err != nil {
		return fmt.Errorf("voice: close caller: %w", err)
	}
	return nil
}

// PlaceCall sends an INVITE to target, a sip: URI whose user part is the
// number (e164 fills it when target has none; ";transport=tcp" selects
// TCP, UDP otherwise). It waits up to Timeout (or ctx) for a final answer:
// on 2xx it reads the flow headers, ACKs and ends the call with BYE. The
// result's Duration runs from the INVITE to the final answer. The error
// is set only when no final answer came; a failed ACK or BYE is logged.
func (c *Caller) PlaceCall(ctx context.Context, target string, e164 string) (porting.TestCallResult, error) {
	uri, err := callTarget(target, e164)
	if err != nil {
		return porting.TestCallResult{}, err
	}
	start := c.opts.Now()
	// A Contact of its own per call: sipgo fills in the port of the one it
	// is given, so the dialog UA's shared default would race.
	contact := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "portdesk", Host: c.opts.LocalHost}}
	session, err := c.dialog.Invite(ctx, uri, nil, contact)
	if err != nil {
		return porting.TestCallResult{}, fmt.Errorf("voice: test call %s: invite: %w", target, err)
	}
	defer func() { _ = session.Close() }()

	err = c.waitAnswer(ctx, session)
	var refused *sipgo.ErrDialogResponse
	switch {
	case errors.As(err, &refused):
		return porting.TestCallResult{SIPStatus: refused.Res.StatusCode, Duration: c.opts.Now().Sub(start)}, nil
	case err != nil:
		return porting.TestCallResult{}, fmt.Errorf("voice: test call %s: no final answer: %w", target, err)
	}
	res := session.InviteResponse
	result := porting.TestCallResult{
		SIPStatus:       res.StatusCode,
		ContactFlowID:   headerValue(res, porting.HeaderContactFlow),
		ContactFlowName: headerValue(res, porting.HeaderContactFlowName),
		Duration:        c.opts.Now().Sub(start),
	}
	c.hangUp(ctx, session, target)
	return result, nil
}

// waitAnswer waits for the final answer up to Timeout or ctx's end. It
// forces sipgo's wait to return at once then instead of sending CANCEL
// and waiting out the INVITE transaction (up to 32s).
func (c *Caller) waitAnswer(ctx context.Context, session *sipgo.DialogClientSession) error {
	waitCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	timer := time.AfterFunc(c.opts.Timeout, func() { cancel(sipgo.WaitAnswerForceCancelErr) })
	defer timer.Stop()
	stop := context.AfterFunc(ctx, func() { cancel(sipgo.WaitAnswerForceCancelErr) })
	defer stop()
	return session.WaitAnswer(waitCtx, sipgo.AnswerOptions{})
}

// hangUp acknowledges the answer and ends the call.
func (c *Caller) hangUp(ctx context.Context, session *sipgo.DialogClientSession, target string) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	if err := session.Ack(ctx); err != nil {
		c.opts.Logger.Warn("voice: test call: ack", "target", target, "error", err)
		return
	}
	if err := session.Bye(ctx); err != nil {
		c.opts.Logger.Warn("voice: test call: bye", "target", target, "error", err)
	}
}

// callTarget parses target and gives it e164 as user part when it has
// none; only sip: URIs over udp or tcp are accepted.
func callTarget(target, e164 string) (sip.Uri, error) {
	var uri sip.Uri
	if err := sip.ParseUri(target, &uri); err != nil {
		return sip.Uri{}, fmt.Errorf("voice: test call target %q: %w", target, err)
	}
	if uri.Scheme != "sip" || uri.Host == "" {
		return sip.Uri{}, fmt.Errorf("voice: test call target %q: not a sip: URI with a host", target)
	}
	if uri.User == "" {
		uri.User = e164
	}
	if transport, ok := uri.UriParams.Get("transport"); ok {
		if t := strings.ToLower(transport); t != "udp" && t != "tcp" {
			return sip.Uri{}, fmt.Errorf("voice: test call target %q: transport %q is neither udp nor tcp", target, transport)
		}
	}
	return uri, nil
}

// headerValue returns the value of res's header name, "" without one.
func headerValue(res *sip.Response, name string) string {
	if h := res.GetHeader(name); h != nil {
		return strings.TrimSpace(h.Value())
	}
	return ""
}
