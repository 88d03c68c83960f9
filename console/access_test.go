package console_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/console"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// pathOf is the path of an emailed link on the test server.
func (b *testBundle) pathOf(t *testing.T, link string) string {
	t.Helper()
	path, ok := strings.CutPrefix(link, b.srv.URL)
	if !ok {
		t.Fatalf("link %s is not on the console %s", link, b.srv.URL)
	}
	return path
}

// wantNoReferrer checks a token page's Referrer-Policy.
func wantNoReferrer(t *testing.T, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s %s: Referrer-Policy %q, want no-referrer", res.Request.Method, res.Request.URL.Path, got)
	}
}

// TestInvitationEmailLinkWorks: an admin invites on the users page, the
// invitee's email (in the chosen language) links to the accept page, whose
// errors sit next to their fields, and the new user signs in.
func TestInvitationEmailLinkWorks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	adminC := b.client(t)
	b.signIn(t, adminC, adminEmail)
	const newEmail = "lena@acme.example"
	res := b.post(t, adminC, "/settings/users", url.Values{"email": {newEmail}, "role": {"customer"},
		"account_id": {workflow.DemoPremiumAccountID}, "language": {"de"}})
	if page := readBody(t, res); res.StatusCode != http.StatusCreated || !strings.Contains(page, newEmail) || strings.Contains(page, "pdi_") {
		t.Fatalf("invite: %d, want 201 naming the email and showing no token:\n%s", res.StatusCode, page)
	}
	b.deliverEmails(t)
	mails := b.mail.to(newEmail)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "Einladung") {
		t.Fatalf("emails to the invitee: %+v, want one in German", mails)
	}
	link := b.mail.lastLink(t, newEmail)
	path := b.pathOf(t, link)
	if !strings.HasPrefix(path, "/invitations/pdi_") {
		t.Fatalf("link %s, want /invitations/<token>", link)
	}
	if _, page := b.get(t, adminC, "/settings/users"); !strings.Contains(page, "Sent") {
		t.Error("the users page does not show the invitation email as sent")
	}

	c := b.client(t)
	res, page := b.get(t, c, path)
	wantNoReferrer(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, newEmail) {
		t.Fatalf("accept page: %d\n%s", res.StatusCode, page)
	}
	res = b.post(t, c, path, url.Values{"name": {"Lena"}, "password": {"a good Password 1"}, "password_again": {"another one"}})
	wantNoReferrer(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("mismatched passwords: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "accept-password-again", "The two passwords differ")
	res = b.post(t, c, path, url.Values{"name": {" "}, "password": {"a good Password 1"}, "password_again": {"a good Password 1"}})
	wantFieldError(t, readBody(t, res), "accept-name", "name is required")
	res = b.post(t, c, path, url.Values{"name": {"Lena"}, "password": {"short"}, "password_again": {"short"}})
	wantFieldError(t, readBody(t, res), "accept-password", "at least 12")

	res = b.post(t, c, path, url.Values{"name": {"Lena"}, "password": {"a good Password 1"}, "password_again": {"a good Password 1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in?notice=invitation_accepted" {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, page := b.get(t, c, "/sign-in?notice=invitation_accepted"); !strings.Contains(page, "Your account is ready") {
		t.Error("the sign-in page does not say the account is ready")
	}
	res = b.post(t, c, "/sign-in", url.Values{"email": {newEmail}, "password": {"a good Password 1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign in as the new user: %d", res.StatusCode)
	}
	// The link works once.
	res, page = b.get(t, b.client(t), path)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "unknown, already used or expired") {
		t.Errorf("used link: %d, want 401 saying so", res.StatusCode)
	}
}

// dumpTables returns every value of every row of the tables, as text.
func dumpTables(t *testing.T, b *testBundle, tables ...string) []byte {
	t.Helper()
	db := b.svc.Store.(interface{ SQL() *sql.DB }).SQL()
	var out bytes.Buffer
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					out.Write(bs)
				} else {
					fmt.Fprint(&out, v)
				}
				out.WriteByte('|')
			}
		}
		rows.Close()
	}
	return out.Bytes()
}

// TestTokensNotInPlaintext scans the tables an invitation and a password
// reset touch, before and after their emails went out: the tokens are in
// none of them, job arguments included.
func TestTokensNotInPlaintext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tables := []string{"invitations", "password_resets", "river_job", "events", "users", "sessions", "reset_requests"}
	_, invToken, err := b.svc.Users.Invite(context.Background(), testAdmin, workflow.InviteParams{Email: "new@acme.example",
		Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID})
	if err != nil {
		t.Fatal(err)
	}
	res := b.post(t, b.client(t), "/password-reset", url.Values{"email": {acmeEmail}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reset request: %d", res.StatusCode)
	}
	before := dumpTables(t, b, tables...)
	b.deliverEmails(t)
	after := dumpTables(t, b, tables...)
	resetPath := b.pathOf(t, b.mail.lastLink(t, acmeEmail))
	resetToken := strings.TrimPrefix(resetPath, "/password-reset/")
	if invLink := b.mail.lastLink(t, "new@acme.example"); !strings.HasSuffix(invLink, "/invitations/"+invToken) {
		t.Fatalf("invitation link %s does not carry the token", invLink)
	}
	for name, dump := range map[string][]byte{"before sending": before, "after sending": after} {
		for what, token := range map[string]string{"invitation": invToken, "reset": resetToken} {
			if len(token) < 20 {
				t.Fatalf("%s token %q is too short to be one", what, token)
			}
			if bytes.Contains(dump, []byte(token)) {
				t.Errorf("%s: the %s token is in the database in plaintext", name, what)
			}
		}
	}
	if !bytes.Contains(before, []byte(workflow.HashSecret(invToken))) {
		t.Error("the dump does not even hold the invitation's hash: the scan sees nothing")
	}
}

// TestPasswordResetEndToEnd: a forgotten password is reset through the
// emailed link; old sessions end, the old password is refused, the link
// works once, and an expired link (by the injected clock) is refused.
func TestPasswordResetEndToEnd(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.client(t)
	b.signIn(t, old, acmeEmail)

	c := b.client(t)
	if _, page := b.get(t, c, "/sign-in"); !strings.Contains(page, `href="/password-reset"`) {
		t.Fatal("the sign-in page has no forgot-password link")
	}
	if res, _ := b.get(t, c, "/password-reset"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /password-reset: %d", res.StatusCode)
	}
	res := b.post(t, c, "/password-reset", url.Values{"email": {acmeEmail}})
	known := readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(known, "is on its way") {
		t.Fatalf("reset request: %d\n%s", res.StatusCode, known)
	}
	res = b.post(t, c, "/password-reset", url.Values{"email": {"nobody@acme.example"}})
	if unknown := readBody(t, res); res.StatusCode != http.StatusOK || unknown != known {
		t.Errorf("an unknown email got another answer: %d\n%s\nwant\n%s", res.StatusCode, unknown, known)
	}
	res = b.post(t, c, "/password-reset", url.Values{"email": {"not an email"}})
	wantFieldError(t, readBody(t, res), "reset-email", "not an email address")

	b.deliverEmails(t)
	if got := b.mail.to("nobody@acme.example"); len(got) != 0 {
		t.Errorf("an unknown email was mailed: %+v", got)
	}
	path := b.pathOf(t, b.mail.lastLink(t, acmeEmail))
	res, page := b.get(t, c, path)
	wantNoReferrer(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Choose a new password") {
		t.Fatalf("reset page: %d\n%s", res.StatusCode, page)
	}
	res = b.post(t, c, path, url.Values{"password": {"new Password 2026"}, "password_again": {"new Password 2027"}})
	wantNoReferrer(t, res)
	wantFieldError(t, readBody(t, res), "newpw-password-again", "The two passwords differ")
	res = b.post(t, c, path, url.Values{"password": {"alllowercaseletters"}, "password_again": {"alllowercaseletters"}})
	wantFieldError(t, readBody(t, res), "newpw-password", "two kinds")
	res = b.post(t, c, path, url.Values{"password": {"new Password 2026"}, "password_again": {"new Password 2026"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in?notice=password_reset" {
		t.Fatalf("reset: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.get(t, old, "/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
		t.Errorf("the session from before the reset still opens the dashboard: %d", res.StatusCode)
	}
	res = b.post(t, b.client(t), "/sign-in", url.Values{"email": {acmeEmail}, "password": {testPassword}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password: %d, want 401", res.StatusCode)
	}
	res = b.post(t, b.client(t), "/sign-in", url.Values{"email": {acmeEmail}, "password": {"new Password 2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password: %d, want 303", res.StatusCode)
	}
	// Single use.
	res, page = b.get(t, c, path)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "already used or expired") || strings.Contains(page, `name="password"`) {
		t.Errorf("used link: %d, want 401 without the form", res.StatusCode)
	}
	res = b.post(t, c, path, url.Values{"password": {"third Password 1"}, "password_again": {"third Password 1"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("used link posted: %d, want 401", res.StatusCode)
	}
	// Expired, by the clock.
	if res := b.post(t, c, "/password-reset", url.Values{"email": {acmeEmail}}); res.StatusCode != http.StatusOK {
		t.Fatalf("second request: %d", res.StatusCode)
	}
	b.deliverEmails(t)
	late := b.pathOf(t, b.mail.lastLink(t, acmeEmail))
	if late == path {
		t.Fatal("the second request mailed the first link")
	}
	if _, err := b.clock.Advance(porting.PasswordResetLifetime + time.Minute); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get(t, c, late); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired link: %d, want 401", res.StatusCode)
	}
	res = b.post(t, c, late, url.Values{"password": {"late Password 2026"}, "password_again": {"late Password 2026"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired link posted: %d, want 401", res.StatusCode)
	}
}

// TestPasswordResetRateLimited: the reset form is limited like sign-in,
// and for an unknown email exactly as for a known one.
func TestPasswordResetRateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	for _, email := range []string{acmeEmail, "nobody@acme.example"} {
		for i := range porting.MaxResetRequestsPerEmail {
			if res := b.post(t, c, "/password-reset", url.Values{"email": {email}}); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: request %d: %d", email, i+1, res.StatusCode)
			}
		}
		res := b.post(t, c, "/password-reset", url.Values{"email": {email}})
		if page := readBody(t, res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many reset requests") {
			t.Errorf("%s over the limit: %d, want 429 saying so", email, res.StatusCode)
		}
	}
}

func TestSignInLimitSaysSo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	for range porting.MaxLoginFailuresPerEmail {
		b.post(t, c, "/sign-in", url.Values{"email": {acmeEmail}, "password": {"wrong password 1"}})
	}
	res := b.post(t, c, "/sign-in", url.Values{"email": {acmeEmail}, "password": {testPassword}})
	if page := readBody(t, res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many refused sign-ins") {
		t.Errorf("over the login limit: %d, want 429 saying so", res.StatusCode)
	}
}

// TestUsersPage: customers see and manage their own account's users, admins
// everyone's; specialists have no users page.
func TestUsersPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	colleague := b.mustUser(t, workflow.InviteParams{Email: "kim@acme.example", Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID})
	bob, _, err := b.svc.Users.ListUsers(context.Background(), testAdmin, workflow.DemoBasicAccountID)
	if err != nil {
		t.Fatal(err)
	}
	acme, kim, admin, sam := b.client(t), b.client(t), b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, kim, colleague.Email)
	b.signIn(t, admin, adminEmail)
	b.signIn(t, sam, specialistEmail)

	res, page := b.get(t, acme, "/settings/users")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "kim@acme.example") || strings.Contains(page, bakeryEmail) ||
		strings.Contains(page, specialistEmail) || strings.Contains(page, `name="role"`) {
		t.Fatalf("customer's users page: %d, want its account's users only and no role choice\n%s", res.StatusCode, page)
	}
	res = b.post(t, acme, "/settings/users", url.Values{"email": {"new@acme.example"}, "role": {"admin"}, "language": {"es"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("customer invites: %d", res.StatusCode)
	}
	_, invs, err := b.svc.Users.ListUsers(context.Background(), testAdmin, workflow.DemoPremiumAccountID)
	if err != nil || len(invs) != 1 || invs[0].Role != porting.RoleCustomer || invs[0].Language != "es" {
		t.Fatalf("the customer's invitation: %+v, %v; want one customer invitation in Spanish", invs, err)
	}
	res = b.post(t, acme, "/settings/users", url.Values{"email": {"not-an-email"}})
	wantFieldError(t, readBody(t, res), "invite-email", "not an email address")

	for _, u := range bob {
		if res := b.post(t, acme, "/settings/users/"+u.ID+"/disable", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("customer disables another account's user: %d, want 404", res.StatusCode)
		}
	}
	if res := b.post(t, acme, "/settings/users/"+colleague.ID+"/disable", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer disables a colleague: %d", res.StatusCode)
	}
	if res, _ := b.get(t, kim, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", res.StatusCode)
	}

	res, page = b.get(t, admin, "/settings/users")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, bakeryEmail) || !strings.Contains(page, "new@acme.example") ||
		!strings.Contains(page, `name="role"`) {
		t.Errorf("admin's users page: %d, want every user, the open invitation and the role choice", res.StatusCode)
	}
	if res, _ := b.get(t, sam, "/settings/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("specialist's users page: %d, want 403", res.StatusCode)
	}
}

// TestInviteWithoutMailerShowsLink: without a mailer the inviter gets the
// link once, and it works.
func TestInviteWithoutMailerShowsLink(t *testing.T) {
	t.Parallel()
	b := setupWith(t, func(c *workflow.Config) { c.Notifier = nil })
	c := b.client(t)
	b.signIn(t, c, adminEmail)
	res := b.post(t, c, "/settings/users", url.Values{"email": {"ops@portdesk.example"}, "role": {"specialist"}, "language": {"en"}})
	page := readBody(t, res)
	link := regexp.MustCompile(`/invitations/pdi_[A-Za-z0-9_-]+`).FindString(page)
	if res.StatusCode != http.StatusCreated || link == "" {
		t.Fatalf("invite without a mailer: %d, want the link on the page\n%s", res.StatusCode, page)
	}
	wantNoReferrer(t, res)
	if res, _ := b.get(t, b.client(t), link); res.StatusCode != http.StatusOK {
		t.Errorf("the shown link: %d", res.StatusCode)
	}
	if res := b.post(t, b.client(t), "/password-reset", url.Values{"email": {acmeEmail}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("reset without a mailer: %d, want 503", res.StatusCode)
	}
}

// TestTemplateKeysExist: every catalogue key a template or handler names
// has an English text (TestCatalogueComplete checks the translations).
func TestTemplateKeysExist(t *testing.T) {
	t.Parallel()
	key := regexp.MustCompile(`\.T "([a-z_.]+)"|\bT\("([a-z_.]+)"\)`)
	files, _ := filepath.Glob("templates/*.html")
	code, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range append(files, code...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			n++
			if !console.CatalogueHas("en", k) {
				t.Errorf("%s names %s, which the catalogue lacks", f, k)
			}
		}
	}
	if n < 100 {
		t.Fatalf("found only %d keys: the pattern misses them", n)
	}
}
