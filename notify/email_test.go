package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	cfg, err := ParseSMTPURL("smtp://desk%40example.com:p%40ss@mail.example.com:2525?from=Porting%20Desk%20%3Cdesk@example.com%3E&tls=starttls")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "mail.example.com" || cfg.Port != "2525" || cfg.Username != "desk@example.com" || cfg.Password != "p@ss" ||
		cfg.From.Address != "desk@example.com" || cfg.From.Name != "Porting Desk" || cfg.TLS != TLSStartTLS {
		t.Errorf("ParseSMTPURL = %+v", cfg)
	}
	if s := cfg.String(); strings.Contains(s, "p%40ss") || !strings.Contains(s, "REDACTED") {
		t.Errorf("String() = %q, want the password redacted", s)
	}
	if again, err := ParseSMTPURL(cfg.String()); err != nil || again.From.Address != cfg.From.Address || again.TLS != cfg.TLS {
		t.Errorf("ParseSMTPURL(String()) = %+v, %v; want the same configuration", again, err)
	}
	cfg, err = ParseSMTPURL("smtp://relay.internal?from=desk@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != "587" || cfg.Username != "" || cfg.TLS != TLSAuto {
		t.Errorf("defaults: %+v, want port 587, no user, tls auto", cfg)
	}

	bad := []struct{ url, says string }{
		{"", "empty"},
		{"http://mail.example.com?from=desk@example.com", "scheme"},
		{"smtp://?from=desk@example.com", "no host"},
		{"smtp://mail.example.com:http?from=desk@example.com", "port"}, // url.Parse refuses it first
		{"smtp://mail.example.com:99999?from=desk@example.com", "port"},
		{"smtp://mail.example.com", "from="},
		{"smtp://mail.example.com?from=not-an-address", "not an email address"},
		{"smtp://mail.example.com?from=desk@example.com&tls=yes", "tls="},
		{"smtp://mail.example.com?from=desk@example.com&form=x", `"form" is unknown`},
		{"smtp://user:s3cret@mail.example.com:bad?from=desk@example.com", "port"},
	}
	for _, tt := range bad {
		_, err := ParseSMTPURL(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ParseSMTPURL(%q) = %v, want an error saying %q", tt.url, err, tt.says)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseSMTPURL(%q) error quotes the password: %v", tt.url, err)
		}
	}
}

// captured is one message the test SMTP server accepted.
type captured struct {
	tls  bool   // the session was upgraded with STARTTLS
	user string // authenticated user, if any
	from string
	to   []string
	data []byte
}

// smtpSession captures one SMTP session for the test server.
type smtpSession struct {
	conn       *smtp.Conn
	user, pass string // required credentials; empty: none
	got        chan<- captured
	msg        captured
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.user || pass != s.pass {
			return errors.New("invalid credentials")
		}
		s.msg.user = user
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.user != "" && s.msg.user == "" {
		return smtp.ErrAuthRequired
	}
	s.msg.from = from
	_, s.msg.tls = s.conn.TLSConnectionState()
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = b
	s.got <- s.msg
	return nil
}

func (s *smtpSession) Reset()        { s.msg = captured{user: s.msg.user, tls: s.msg.tls} }
func (s *smtpSession) Logout() error { return nil }

// startSMTP runs an SMTP server on loopback, without TLS, that requires
// user/pass when user is set. It returns the address and the messages.
func startSMTP(t *testing.T, user, pass string) (string, <-chan captured) {
	t.Helper()
	return startSMTPOn(t, "127.0.0.1", user, pass, nil)
}

// startSMTPOn runs an SMTP server on host that requires user/pass when
// user is set and offers STARTTLS when tlsConfig is set.
func startSMTPOn(t *testing.T, host, user, pass string, tlsConfig *tls.Config) (string, <-chan captured) {
	t.Helper()
	got := make(chan captured, 4)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{conn: c, user: user, pass: pass, got: got}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = tlsConfig
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), got
}

// testCertificate is a certificate for 127.0.0.1 and the pool that trusts it.
func testCertificate(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return &tls.Config{Certificates: ts.TLS.Certificates}, pool
}

func TestMailerSendsThroughSMTP(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, user, pass, query string }{
		{"with auth, TLS off", "desk", "pa ss:wörd", "from=desk%40example.com&tls=none"},
		{"without auth, STARTTLS if offered", "", "", "from=desk%40example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, got := startSMTP(t, tt.user, tt.pass)
			u := url.URL{Scheme: "smtp", Host: addr, RawQuery: tt.query}
			if tt.user != "" {
				u.User = url.UserPassword(tt.user, tt.pass)
			}
			m := &Mailer{URL: u.String()}
			email := Email{To: "Ana Pérez <ana@example.org>", Subject: "Orden de portabilidad po_1: ¿lista?\r\nBcc: evil@example.net",
				Text: "Hola:\n\nSu orden está lista.\n.\nUna línea muy larga " + strings.Repeat("x", 120) + "\n", Date: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}
			if err := m.Send(context.Background(), email); err != nil {
				t.Fatalf("Send = %v", err)
			}
			c := <-got
			if c.tls {
				t.Error("the session was upgraded, the server offers no STARTTLS")
			}
			if c.user != tt.user || c.from != "desk@example.com" || len(c.to) != 1 || c.to[0] != "ana@example.org" {
				t.Errorf("envelope: user %q from %q to %q", c.user, c.from, c.to)
			}
			msg, err := mail.ReadMessage(strings.NewReader(string(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if want := "Orden de portabilidad po_1: ¿lista? Bcc: evil@example.net"; subject != want {
				t.Errorf("Subject = %q, want %q (on one line)", subject, want)
			}
			if msg.Header.Get("Bcc") != "" {
				t.Error("the subject injected a Bcc header")
			}
			if to, err := msg.Header.AddressList("To"); err != nil || to[0].Address != "ana@example.org" || to[0].Name != "Ana Pérez" {
				t.Errorf("To = %v, %v", to, err)
			}
			if d, err := msg.Header.Date(); err != nil || !d.Equal(email.Date) {
				t.Errorf("Date = %v, %v; want %v", d, err, email.Date)
			}
			body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != email.Text {
				t.Errorf("body =\n%q\nwant\n%q", got, email.Text)
			}
		})
	}
}

// TestMailerStartTLS: a server that offers STARTTLS gets the message over
// TLS, in auto and starttls modes, with the password; a certificate that
// does not verify stops the session before anything is sent.
func TestMailerStartTLS(t *testing.T) {
	t.Parallel()
	serverTLS, pool := testCertificate(t)
	addr, got := startSMTPOn(t, "127.0.0.1", "desk", "s3cret", serverTLS)
	for _, mode := range []string{"", "&tls=auto", "&tls=starttls"} {
		m := &Mailer{URL: "smtp://desk:s3cret@" + addr + "?from=desk@example.com" + mode, rootCAs: pool}
		if err := m.Send(context.Background(), shortEmail); err != nil {
			t.Fatalf("%q: Send = %v", mode, err)
		}
		if c := <-got; !c.tls || c.user != "desk" || c.to[0] != "ana@example.org" {
			t.Errorf("%q: tls %v, user %q, to %q; want the message over TLS from desk", mode, c.tls, c.user, c.to)
		}
	}
	err := (&Mailer{URL: "smtp://desk:s3cret@" + addr + "?from=desk@example.com"}).Send(context.Background(), shortEmail)
	if err == nil || !strings.Contains(err.Error(), "starttls") || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send with an untrusted certificate = %v, want a starttls certificate error", err)
	}
	wantNothingAccepted(t, got)
}

// TestMailerKeepsPasswordsOffPlainText: without TLS the password is sent
// to localhost only, as net/smtp's PlainAuth allowed.
func TestMailerKeepsPasswordsOffPlainText(t *testing.T) {
	t.Parallel()
	addr, got := startSMTPOn(t, "127.0.0.2", "desk", "s3cret", nil)
	err := (&Mailer{URL: "smtp://desk:s3cret@" + addr + "?from=desk@example.com"}).Send(context.Background(), shortEmail)
	if err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("Send with a password in the clear to %s = %v, want a refusal", addr, err)
	}
	wantNothingAccepted(t, got)
}

// shortEmail is an email whose content does not matter to the test.
var shortEmail = Email{To: "ana@example.org", Subject: "s", Text: "t"}

// wantNothingAccepted fails if the test server accepted a message. Send
// returns after the server answered DATA, by which time the server has
// passed on what it accepted.
func wantNothingAccepted(t *testing.T, got <-chan captured) {
	t.Helper()
	select {
	case c := <-got:
		t.Errorf("a message was accepted: %+v", c)
	default:
	}
}

func TestMailerFailures(t *testing.T) {
	t.Parallel()
	addr, _ := startSMTP(t, "desk", "right")
	plain, _ := startSMTP(t, "", "")
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never greets
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })

	tests := []struct{ name, url, to, says string }{
		{"wrong password", "smtp://desk:wrong@" + addr + "?from=desk@example.com&tls=none", "a@example.org", "auth"},
		{"STARTTLS required but not offered", "smtp://" + plain + "?from=desk@example.com&tls=starttls", "a@example.org", "STARTTLS"},
		{"no server greeting", "smtp://" + silent.Addr().String() + "?from=desk@example.com", "a@example.org", "timeout"},
		{"bad recipient", "smtp://" + plain + "?from=desk@example.com", "not an address", "recipient"},
		{"bad URL", "smtp://" + plain, "a@example.org", "from="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			err := (&Mailer{URL: tt.url}).Send(ctx, Email{To: tt.to, Subject: "s", Text: "t"})
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Send = %v, want an error saying %q", err, tt.says)
			}
		})
	}
}
