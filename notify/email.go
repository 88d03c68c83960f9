package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultSMTPTimeout bounds one email's whole SMTP exchange when ctx has no
// deadline.
const DefaultSMTPTimeout = 30 * time.Second

// TLSMode says whether the SMTP connection is upgraded with STARTTLS.
type TLSMode string

// TLS modes, the values of an SMTP URL's tls parameter.
const (
	// TLSAuto upgrades when the server offers STARTTLS (the default).
	TLSAuto TLSMode = "auto"
	// TLSStartTLS requires STARTTLS and fails against a server without it.
	TLSStartTLS TLSMode = "starttls"
	// TLSNone never upgrades: for a relay on the same host or in tests.
	TLSNone TLSMode = "none"
)

// SMTPConfig is a parsed SMTP URL.
type SMTPConfig struct {
	Host     string
	Port     string
	Username string // empty: no authentication
	Password string
	From     *mail.Address
	TLS      TLSMode
}

// String returns the configuration as an SMTP URL with the password
// redacted, fit for logs.
func (c *SMTPConfig) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(c.Host, c.Port),
		RawQuery: url.Values{"from": {c.From.String()}, "tls": {string(c.TLS)}}.Encode()}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "REDACTED")
	}
	return u.String()
}

// ParseSMTPURL parses smtp://[user[:password]@]host[:port]?from=ADDRESS[&tls=auto|starttls|none].
// The port defaults to 587 (message submission). User and password are
// percent-decoded; from may carry a display name ("Porting Desk
// <desk@example.com>", percent-encoded). Errors never quote the password.
func ParseSMTPURL(raw string) (*SMTPConfig, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("notify: SMTP URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP URL does not parse: %w", unwrapURLError(err))
	}
	if u.Scheme != "smtp" {
		return nil, fmt.Errorf("notify: SMTP URL scheme is %q, want smtp://", u.Scheme)
	}
	cfg := &SMTPConfig{Host: u.Hostname(), Port: u.Port(), TLS: TLSAuto}
	if cfg.Host == "" {
		return nil, errors.New("notify: SMTP URL has no host")
	}
	if cfg.Port == "" {
		cfg.Port = "587"
	}
	if p, err := strconv.Atoi(cfg.Port); err != nil || p < 1 || p > 65535 {
		return nil, fmt.Errorf("notify: SMTP URL port %q is not a TCP port", cfg.Port)
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "from" && k != "tls" {
			return nil, fmt.Errorf("notify: SMTP URL parameter %q is unknown (known: from, tls)", k)
		}
	}
	if q.Get("from") == "" {
		return nil, errors.New("notify: SMTP URL needs ?from=<sender address>")
	}
	if cfg.From, err = mail.ParseAddress(q.Get("from")); err != nil {
		return nil, fmt.Errorf("notify: SMTP URL from %q is not an email address: %w", q.Get("from"), err)
	}
	switch mode := TLSMode(q.Get("tls")); mode {
	case "":
	case TLSAuto, TLSStartTLS, TLSNone:
		cfg.TLS = mode
	default:
		return nil, fmt.Errorf("notify: SMTP URL tls=%q, want auto, starttls or none", mode)
	}
	return cfg, nil
}

// Email is one plain-text message to one recipient.
type Email struct {
	To      string // "addr@example.com" or "Name <addr@example.com>"
	Subject string
	Text    string
	// Date is the Date header; zero leaves it to the submission server.
	Date time.Time
}

// Mailer sends emails through one SMTP server, described by URL (see
// ParseSMTPURL), with go-smtp's client. It authenticates with PLAIN only
// when the URL has a user, and only over TLS or to localhost. The zero Mailer
// fails every Send. It is safe for concurrent use.
type Mailer struct {
	URL string

	// rootCAs, when set, are trusted instead of the system's roots: tests
	// run a STARTTLS server with their own certificate.
	rootCAs *x509.CertPool
}

// Send delivers e: one SMTP session, dialled and bounded by ctx (or by
// DefaultSMTPTimeout when ctx has no deadline).
func (m *Mailer) Send(ctx context.Context, e Email) error {
	cfg, err := ParseSMTPURL(m.URL)
	if err != nil {
		return err
	}
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return fmt.Errorf("notify: email recipient %q: %w", e.To, err)
	}
	msg, err := buildMessage(cfg.From, to, e)
	if err != nil {
		return err
	}
	if err := cfg.send(ctx, to.Address, msg, m.rootCAs); err != nil {
		return fmt.Errorf("notify: send email to %s via %s: %w", to.Address, net.JoinHostPort(cfg.Host, cfg.Port), err)
	}
	return nil
}

// buildMessage writes the headers and the quoted-printable UTF-8 body.
// Auto-Submitted keeps vacation responders from answering a notification.
func buildMessage(from, to *mail.Address, e Email) ([]byte, error) {
	subject := strings.Join(strings.Fields(e.Subject), " ") // no header injection
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("notify: message id: %w", err)
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	if !e.Date.IsZero() {
		header("Date", e.Date.Format(time.RFC1123Z))
	}
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(e.Text)); err != nil {
		return nil, fmt.Errorf("notify: encode email body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("notify: encode email body: %w", err)
	}
	return b.Bytes(), nil
}
