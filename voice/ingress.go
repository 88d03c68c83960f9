package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/portdesk/portdesk/porting"
)

// IngressOptions configure an Ingress. Only Now is required.
type IngressOptions struct {
	// Now is the clock that dates call records (required).
	Now func() time.Time
	// MaxConcurrent bounds the INVITEs handled at once; beyond it the
	// ingress answers 503 Service Unavailable and records nothing.
	// Default 256.
	MaxConcurrent int
	// RouteTimeout bounds the router's work (RouteCall and RecordCall
	// together) for one INVITE. Default 2s.
	RouteTimeout time.Duration
	// Logger receives the ingress's and sipgo's warnings. Default
	// slog.Default().
	Logger *slog.Logger
}

// Ingress is portdesk's SIP edge, standing in for a contact-center
// platform's: it answers each INVITE from the router's view of the
// dialled number and records the call. It keeps no dialog state: a call
// is over once answered (200 OK with the flow headers); the caller ends
// it with BYE, which the ingress acknowledges with 200 whatever its
// dialog, and ACKs are absorbed.
type Ingress struct {
	router porting.CallRouter
	opts   IngressOptions
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	slots  chan struct{}

	mu      sync.Mutex
	bound   map[string]string // network → bound address, for Contact
	sockets []io.Closer       // closed by Close
}

// NewIngress returns an ingress that asks router about every INVITE.
// Call Listen or Serve to take calls and Close to release it.
func NewIngress(router porting.CallRouter, opts IngressOptions) (*Ingress, error) {
	if router == nil {
		return nil, errors.New("voice: new ingress: router is nil")
	}
	if opts.Now == nil {
		return nil, errors.New("voice: new ingress: options need a clock (Now)")
	}
	opts = opts.withDefaults()
	// sipgo's TCP transport logs through its package-wide logger: it too
	// must never log whole messages (the caller's number).
	QuietLibrary(opts.Logger)
	// An idle TCP connection is dropped after tcpReadTimeout, so clients
	// that connect and say nothing cannot hold sockets for ever.
	tcp := sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerTransports(sip.TransportsConfig{
		TCP: &sip.TransportTCP{ReadTimeout: tcpReadTimeout, WriteTimeout: tcpWriteTimeout}}))
	ua, err := sipgo.NewUA(userAgentOptions(opts.Logger, tcp)...)
	if err != nil {
		return nil, fmt.Errorf("voice: new ingress: user agent: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(opts.Logger))
	if err != nil {
		_ = ua.Close()
		return nil, fmt.Errorf("voice: new ingress: server: %w", err)
	}
	in := &Ingress{
		router: router,
		opts:   opts,
		ua:     ua,
		srv:    srv,
		slots:  make(chan struct{}, opts.MaxConcurrent),
		bound:  map[string]string{},
	}
	in.routeMethods()
	return in, nil
}

// userAgentOptions name portdesk and send the warnings of sipgo's
// transport and transaction layers to logger.
func userAgentOptions(logger *slog.Logger, more ...sipgo.UserAgentOption) []sipgo.UserAgentOption {
	return append([]sipgo.UserAgentOption{
		sipgo.WithUserAgent("portdesk"),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(logger)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(logger)),
	}, more...)
}

// Bounds of a TCP connection's silence.
const (
	tcpReadTimeout  = 30 * time.Second
	tcpWriteTimeout = 10 * time.Second
)

// withDefaults fills the options left at their zero value.
func (o IngressOptions) withDefaults() IngressOptions {
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 256
	}
	if o.RouteTimeout <= 0 {
		o.RouteTimeout = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Logger = Redacting(o.Logger)
	return o
}

// allowedMethods are the methods the ingress handles, for Allow headers.
const allowedMethods = "INVITE, ACK, BYE, CANCEL, OPTIONS"

// routeMethods registers a handler per SIP method and answers any other
// with 405 Method Not Allowed.
func (in *Ingress) routeMethods() {
	in.srv.OnInvite(in.handleInvite)
	in.srv.OnOptions(in.answerOK)
	in.srv.OnBye(in.answerOK)
	in.srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	in.srv.OnCancel(in.answerNoTransaction)
	in.srv.OnNoRoute(in.answerNotAllowed)
}

// Listen binds network ("udp" or "tcp") on addr and serves calls until
// ctx ends or the ingress is closed. It returns the bound address, so
// addr may be "127.0.0.1:0".
func (in *Ingress) Listen(ctx context.Context, network, addr string) (string, error) {
	bound, serve, closer, err := in.listen(network, addr)
	if err != nil {
		return "", err
	}
	context.AfterFunc(ctx, func() { _ = closer.Close() })
	go func() {
		if err := serve(); stoppedByError(ctx, err) {
			in.opts.Logger.Warn("voice: ingress stopped serving", "network", network, "addr", bound, "error", err)
		}
	}()
	return bound, nil
}

// Serve binds network ("udp" or "tcp") on addr and serves calls until
// ctx ends or the ingress is closed; it returns nil then, or the error
// that stopped it earlier.
func (in *Ingress) Serve(ctx context.Context, network, addr string) error {
	bound, serve, closer, err := in.listen(network, addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = closer.Close() })
	defer stop()
	if err := serve(); stoppedByError(ctx, err) {
		return fmt.Errorf("voice: serve %s %s: %w", network, bound, err)
	}
	return nil
}

// stoppedByError reports whether serving stopped for another reason than
// ctx's end or Close.
func stoppedByError(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && !errors.Is(err, net.ErrClosed)
}

// listen binds the socket and returns how to serve it and close it.
func (in *Ingress) listen(network, addr string) (string, func() error, io.Closer, error) {
	switch network {
	case "udp":
		conn, err := net.ListenPacket("udp", addr)
		if err != nil {
			return "", nil, nil, fmt.Errorf("voice: listen udp %s: %w", addr, err)
		}
		bound := in.remember("udp", conn.LocalAddr().String(), conn)
		return bound, func() error { return in.srv.ServeUDP(conn) }, conn, nil
	case "tcp":
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return "", nil, nil, fmt.Errorf("voice: listen tcp %s: %w", addr, err)
		}
		bound := in.remember("tcp", l.Addr().String(), l)
		return bound, func() error { return in.srv.ServeTCP(l) }, l, nil
	}
	return "", nil, nil, fmt.Errorf("voice: listen %q: network is neither udp nor tcp", network)
}

// remember keeps the bound address of network for the Contact header
// and its socket for Close.
func (in *Ingress) remember(network, bound string, socket io.Closer) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.bound[network] = bound
	in.sockets = append(in.sockets, socket)
	return bound
}

// boundAddr returns the address bound for network, "" when none.
func (in *Ingress) boundAddr(network string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.bound[strings.ToLower(network)]
}

// Close stops every listener and releases the SIP stack.
func (in *Ingress) Close() error {
	in.mu.Lock()
	for _, socket := range in.sockets {
		_ = socket.Close() // already closed when its context ended
	}
	in.sockets = nil
	in.mu.Unlock()
	if err := in.ua.Close(); err != nil {
		return fmt.Errorf("voice: close ingress: %w", err)
	}
	return nil
}

// answerOK answers 200 OK: OPTIONS (a health probe) and BYE (the
// ingress keeps no dialog, so every call it answered is already over).
func (in *Ingress) answerOK(req *sip.Request, tx sip.ServerTransaction) {
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowedMethods))
	in.respond(tx, res)
}

// answerNoTransaction answers a CANCEL that matched no pending INVITE
// (sipgo answers those that do): 481 Call/Transaction Does Not Exist.
func (in *Ingress) answerNoTransaction(req *sip.Request, tx sip.ServerTransaction) {
	in.respond(tx, sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
}

// answerNotAllowed answers a method the ingress does not handle.
func (in *Ingress) answerNotAllowed(req *sip.Request, tx sip.ServerTransaction) {
	if tx == nil { // an ACK-like request outside any transaction
		return
	}
	res := sip.NewResponseFromRequest(req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowedMethods))
	in.respond(tx, res)
}

// respond sends res on tx, logging a failure (the caller retransmits or
// gives up; there is no one else to tell).
func (in *Ingress) respond(tx sip.ServerTransaction, res *sip.Response) {
	if err := tx.Respond(res); err != nil {
		in.opts.Logger.Warn("voice: respond", "status", res.StatusCode, "error", err)
	}
}
