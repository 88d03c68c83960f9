package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// send runs the SMTP session with go-smtp's client. The connection is
// bounded by ctx (see ctxConn): go-smtp sets its own deadline per command,
// minutes long, which would outlive the caller's.
func (cfg *SMTPConfig) send(ctx context.Context, to string, msg []byte, rootCAs *x509.CertPool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultSMTPTimeout)
		defer cancel()
	}
	c, err := cfg.dial(ctx, &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: rootCAs})
	if err != nil {
		return err
	}
	defer c.Close()
	_, encrypted := c.TLSConnectionState()
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the URL has a user but the server offers no AUTH")
		}
		// As net/smtp's PlainAuth did: the password goes in the clear
		// only to this very host.
		if !encrypted && !isLocalhost(cfg.Host) {
			return errors.New("auth: refusing to send the password over an unencrypted connection to a host other than localhost")
		}
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(cfg.From.Address, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

// dial opens the session, upgraded with STARTTLS as cfg.TLS says. go-smtp
// upgrades only a session it has just opened (NewClientStartTLS), so in
// auto mode a first session asks whether the server offers STARTTLS and,
// when it does, is ended and a second one is opened and upgraded; a server
// without STARTTLS keeps the first, in the clear.
func (cfg *SMTPConfig) dial(ctx context.Context, tlsConfig *tls.Config) (*smtp.Client, error) {
	conn, err := dialContext(ctx, net.JoinHostPort(cfg.Host, cfg.Port))
	if err != nil {
		return nil, err
	}
	if cfg.TLS == TLSStartTLS {
		c, err := cfg.startTLS(conn, tlsConfig)
		if err != nil {
			return nil, fmt.Errorf("%w (the URL requires it: tls=starttls)", err)
		}
		return c, nil
	}
	// Greeting first, so a silent or refusing server is reported as such
	// rather than as a missing extension.
	c := smtp.NewClient(conn)
	if err := c.Hello("localhost"); err != nil {
		c.Close()
		return nil, err
	}
	if ok, _ := c.Extension("STARTTLS"); !ok || cfg.TLS == TLSNone {
		return c, nil
	}
	_ = c.Quit()
	if conn, err = dialContext(ctx, net.JoinHostPort(cfg.Host, cfg.Port)); err != nil {
		return nil, err
	}
	return cfg.startTLS(conn, tlsConfig)
}

// startTLS opens a session on conn and upgrades it with STARTTLS. The
// handshake is made here, by greeting the server again, so a certificate
// that does not verify is reported as a STARTTLS failure.
func (cfg *SMTPConfig) startTLS(conn net.Conn, tlsConfig *tls.Config) (*smtp.Client, error) {
	c, err := smtp.NewClientStartTLS(conn, tlsConfig)
	if err != nil {
		return nil, fmt.Errorf("starttls: %w", err)
	}
	if err := c.Hello("localhost"); err != nil {
		c.Close()
		return nil, fmt.Errorf("starttls: %w", err)
	}
	return c, nil
}

// isLocalhost reports whether host names this machine, as net/smtp's
// PlainAuth judged it.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// dialContext connects to addr, bounded by ctx for as long as the
// connection lives.
func dialContext(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	c := &ctxConn{Conn: conn, deadline: deadline}
	_ = c.SetDeadline(time.Time{})
	// Cancelling ctx unblocks whatever read or write is in progress, and
	// every later one.
	stop := context.AfterFunc(ctx, c.expire)
	c.stop = stop
	return c, nil
}

// ctxConn is a connection whose deadlines never pass its context's: go-smtp
// sets a deadline of several minutes per command and clears it after, and
// each is cut to the context's deadline, or to the past once the context
// is done.
type ctxConn struct {
	net.Conn
	stop func() bool

	mu       sync.Mutex
	deadline time.Time // zero: none
	expired  bool
}

// expire makes every read and write fail from now on.
func (c *ctxConn) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expired = true
	_ = c.Conn.SetDeadline(time.Unix(1, 0))
}

// bound is t cut to the context's deadline.
func (c *ctxConn) bound(t time.Time) time.Time {
	switch {
	case c.expired:
		return time.Unix(1, 0)
	case c.deadline.IsZero():
		return t
	case t.IsZero() || t.After(c.deadline):
		return c.deadline
	}
	return t
}

// SetDeadline implements net.Conn.
func (c *ctxConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.bound(t))
}

// SetReadDeadline implements net.Conn.
func (c *ctxConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.bound(t))
}

// SetWriteDeadline implements net.Conn.
func (c *ctxConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.bound(t))
}

// Close implements net.Conn; it also stops watching the context.
func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}
