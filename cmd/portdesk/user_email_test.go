package main

import (
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestInvitationAndResetEmails: through the real binary, an invitation
// made with the API reaches the invitee by SMTP (the job runner sends it)
// in the chosen language, its link opens the console's accept page, and a
// password reset asked on the console arrives the same way. The SMTP
// server refuses the first send: the job runner retries it.
func TestInvitationAndResetEmails(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		mb, smtpURL := startMailbox(t)
		mb.reject = 1 // the first send fails: the job runner tries again
		m, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.SMTPURL = smtpURL })
		const email = "ana@desk.example"
		inv := c.must(http.StatusCreated, "POST", "/v1/invitations", testAdminToken,
			map[string]any{"email": email, "role": "specialist", "language": "es"})
		token := str(t, inv, "token")
		eventually(t, "the invitation email arrives on the second attempt", func() bool { return len(mb.messagesTo(email)) == 1 })
		mb.mu.Lock()
		rejected := mb.rejected
		mb.mu.Unlock()
		if rejected != 1 {
			t.Fatalf("%d refused sends, want the first", rejected)
		}
		msg := mb.messagesTo(email)[0]
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatal(err)
		}
		link := strings.TrimRight(m.URL(), "/") + "/invitations/" + token
		if !strings.Contains(string(body), link) || !strings.Contains(string(body), "Le invitamos") {
			t.Fatalf("the invitation email does not carry %s in Spanish:\n%s", link, body)
		}
		res, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("GET the emailed link: %d, Referrer-Policy %q", res.StatusCode, res.Header.Get("Referrer-Policy"))
		}
		form := url.Values{"name": {"Ana"}, "password": {"a Good password 1"}, "password_again": {"a Good password 1"}}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if res, err := noRedirect.PostForm(link, form); err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %v %v", res, err)
		}
		if res, err := noRedirect.PostForm(m.URL()+"/password-reset", url.Values{"email": {email}}); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("reset request: %v %v", res, err)
		}
		eventually(t, "the reset email arrives", func() bool { return len(mb.messagesTo(email)) == 2 })
		body, _ = io.ReadAll(quotedprintable.NewReader(mb.messagesTo(email)[1].Body))
		if !regexp.MustCompile(regexp.QuoteMeta(strings.TrimRight(m.URL(), "/")) + `/password-reset/pdr_\S+`).Match(body) {
			t.Errorf("the reset email has no link:\n%s", body)
		}
	})
}
