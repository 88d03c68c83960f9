package notify

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

func TestRenderUserEmailEveryLanguage(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	for _, purpose := range []string{porting.PurposeInvitation, porting.PurposePasswordReset} {
		for _, lang := range Languages {
			link := "https://desk.example.com/x/pdi_TOKEN"
			m, err := RenderUserEmail(porting.UserEmail{Purpose: purpose, Link: link, ExpiresAt: expires, Role: porting.RoleSpecialist}, lang)
			if err != nil {
				t.Fatalf("%s in %s: %v", purpose, lang, err)
			}
			if m.Subject == "" || !strings.Contains(m.Text, link) || !strings.Contains(m.Text, "2026-11-23 14:00 UTC") {
				t.Errorf("%s in %s: subject %q, text:\n%s", purpose, lang, m.Subject, m.Text)
			}
		}
	}
	es, _ := RenderUserEmail(porting.UserEmail{Purpose: porting.PurposeInvitation, Link: "l", ExpiresAt: expires, Role: porting.RoleCustomer}, "es-MX")
	if !strings.Contains(es.Text, "invitamos") || !strings.Contains(es.Text, "cliente") {
		t.Errorf("es-MX invitation is not Spanish:\n%s", es.Text)
	}
	if _, err := RenderUserEmail(porting.UserEmail{Purpose: "other"}, "en"); err == nil {
		t.Error("an unknown purpose rendered")
	}
}

func TestNotifierSendsUserEmailThroughSMTP(t *testing.T) {
	t.Parallel()
	addr, got := startSMTP(t, "", "")
	n := &Notifier{Clock: porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC)),
		Mailer: &Mailer{URL: "smtp://" + addr + "?from=" + url.QueryEscape("desk@example.com") + "&tls=none"}}
	if !n.MailsUsers() || (&Notifier{}).MailsUsers() {
		t.Error("MailsUsers does not follow the mailer")
	}
	link := "https://desk.example.com/password-reset/pdr_abc"
	if err := n.UserEmail(context.Background(), "pat@example.org", "de", porting.UserEmail{Purpose: porting.PurposePasswordReset,
		Link: link, ExpiresAt: time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	c := <-got
	msg, err := mail.ReadMessage(strings.NewReader(string(c.data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.to) != 1 || c.to[0] != "pat@example.org" || !strings.Contains(msg.Header.Get("Subject"), "Passwort") {
		t.Errorf("envelope to %v, subject %q", c.to, msg.Header.Get("Subject"))
	}
	if !strings.Contains(string(c.data), "password-reset/pdr_abc") {
		t.Errorf("the message does not carry the link:\n%s", c.data)
	}
}
