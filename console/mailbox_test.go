package console_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server on loopback that keeps what it receives,
// the console tests' inbox.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

// received is one email: its recipient, subject and decoded text.
type received struct {
	To, Subject, Text string
}

// startMailbox runs a mailbox and returns it with its SMTP URL.
func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb, "smtp://" + ln.Addr().String() + "?from=desk%40portdesk.test&tls=none"
}

// to returns the emails received for addr, oldest first.
func (mb *mailbox) to(addr string) []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []received
	for _, m := range mb.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// linkPattern matches a console link in an email's text.
var linkPattern = regexp.MustCompile(`https?://\S+/(invitations|password-reset)/\S+`)

// lastLink returns the link of the last email to addr, failing without one.
func (mb *mailbox) lastLink(t *testing.T, addr string) string {
	t.Helper()
	got := mb.to(addr)
	if len(got) == 0 {
		t.Fatalf("no email to %s", addr)
	}
	link := linkPattern.FindString(got[len(got)-1].Text)
	if link == "" {
		t.Fatalf("the last email to %s has no link:\n%s", addr, got[len(got)-1].Text)
	}
	return link
}

type mailSession struct {
	mb *mailbox
	to string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, received{To: s.to, Subject: subject, Text: strings.ReplaceAll(string(body), "\r\n", "\n")})
	s.mb.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
