package console_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/console"
	"github.com/portdesk/portdesk/notify"
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
	"github.com/portdesk/portdesk/workflow"
)

// The console's users in the tests: real workflow users, invited by an
// admin and signed in through the sign-in form with testPassword.
const (
	acmeEmail       = "jane@acme.example"
	bakeryEmail     = "bob@bakery.example"
	specialistEmail = "sam@portdesk.example"
	adminEmail      = "ada@portdesk.example"
	testPassword    = "correct horse battery staple"
)

// testAdmin invites the test users.
var testAdmin = porting.Principal{Role: porting.RoleAdmin, KeyID: "key_test_admin"}

// testUsers are the users every bundle starts with, by email.
var testUsers = []workflow.InviteParams{
	{Email: acmeEmail, Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID},
	{Email: bakeryEmail, Role: porting.RoleCustomer, AccountID: workflow.DemoBasicAccountID},
	{Email: specialistEmail, Role: porting.RoleSpecialist},
	{Email: adminEmail, Role: porting.RoleAdmin},
}

// testBundle is a console over a seeded sandbox database, with real users
// and sessions (workflow.Users) and emails sent to an SMTP mailbox.
type testBundle struct {
	svc   *workflow.Service
	clock *porting.OffsetClock
	mail  *mailbox
	srv   *httptest.Server
	// sentJobs are the send_user_email jobs deliverEmails ran already.
	sentJobs map[int64]bool
}

// setup serves console.New over httptest on a fresh SQLite sandbox whose
// test users exist already (invited and accepted through the workflow).
func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with edit applied to the workflow's configuration
// (nil: none) before the service is built.
func setupWith(t *testing.T, edit func(*workflow.Config)) *testBundle {
	t.Helper()
	return setupInviting(t, edit)
}

// setupInviting is setupWith where the test users with the pending emails
// are only invited, their invitation emails sent to the mailbox: the test
// accepts them (in the browser).
func setupInviting(t *testing.T, edit func(*workflow.Config), pending ...string) *testBundle {
	t.Helper()
	b := setupBare(t, edit)
	for _, in := range testUsers {
		if !slices.Contains(pending, in.Email) {
			b.mustUser(t, in)
		} else if _, _, err := b.svc.Users.Invite(context.Background(), testAdmin, in); err != nil {
			t.Fatalf("invite %s: %v", in.Email, err)
		}
	}
	b.deliverEmails(t)
	return b
}

// setupBare is setupWith without the test users.
func setupBare(t *testing.T, edit func(*workflow.Config)) *testBundle {
	t.Helper()
	clock := porting.NewOffsetClock(porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))) // a Monday
	db := storetest.Engines(t)[0].OpenClock(t, clock)
	mb, smtpURL := startMailbox(t)
	b := &testBundle{clock: clock, mail: mb, sentJobs: map[int64]bool{}}
	// The server starts first: the emails' links point at its URL.
	var h http.Handler = http.NotFoundHandler()
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(b.srv.Close)
	cfg := workflow.Config{Store: db, Clock: clock, SandboxClock: clock, PublicURL: b.srv.URL,
		Notifier: &notify.Notifier{Clock: clock, Mailer: &notify.Mailer{URL: smtpURL}},
		Checker:  &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}}
	if edit != nil {
		edit(&cfg)
	}
	b.svc = workflow.New(cfg)
	if _, err := b.svc.Sandbox.SeedSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	h = console.New(b.svc, console.UserSessions(b.svc.Users), console.Options{Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	return b
}

// mustUser invites in as the test admin and accepts the invitation with
// testPassword through the workflow.
func (b *testBundle) mustUser(tb testing.TB, in workflow.InviteParams) *porting.User {
	tb.Helper()
	ctx := context.Background()
	_, token, err := b.svc.Users.Invite(ctx, testAdmin, in)
	if err != nil {
		tb.Fatalf("invite %s: %v", in.Email, err)
	}
	u, err := b.svc.Users.AcceptInvitation(ctx, token, "Test "+string(in.Role), testPassword)
	if err != nil {
		tb.Fatalf("accept the invitation of %s: %v", in.Email, err)
	}
	return u
}

// deliverEmails runs the send_user_email jobs queued since the last call,
// as the job runner's worker would, and fails on an error.
func (b *testBundle) deliverEmails(t *testing.T) {
	t.Helper()
	db := b.svc.Store.(interface{ SQL() *sql.DB })
	rows, err := db.SQL().Query(`SELECT id, json(args) FROM river_job WHERE kind = $1 ORDER BY id`, porting.SendUserEmailJob{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		id   int64
		args porting.SendUserEmailJob
	}
	var jobs []job
	for rows.Next() {
		var j job
		var raw []byte
		if err := rows.Scan(&j.id, &raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &j.args); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if b.sentJobs[j.id] {
			continue
		}
		b.sentJobs[j.id] = true
		if err := b.svc.Users.SendUserEmail(context.Background(), workflow.UserEmailAttempt{Job: j.args, Attempt: 1, MaxAttempts: 5}); err != nil {
			t.Fatalf("send %s email %s: %v", j.args.Purpose, j.args.ID, err)
		}
	}
}

// sessionCount counts the sessions in the database.
func (b *testBundle) sessionCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.svc.Store.(interface{ SQL() *sql.DB }).SQL().QueryRow(`SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// client is a browser-like client: cookies kept, redirects not followed.
func (b *testBundle) client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs c in as email and checks the redirect to the dashboard.
func (b *testBundle) signIn(t *testing.T, c *http.Client, email string) {
	t.Helper()
	res := b.post(t, c, "/sign-in", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign in as %s: %d %s, want 303 to /", email, res.StatusCode, res.Header.Get("Location"))
	}
}

func (b *testBundle) post(t *testing.T, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(b.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func (b *testBundle) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(b.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, html.UnescapeString(string(body))
}

// mustFile files a premium request for Acme through the workflow and
// returns its first order.
func (b *testBundle) mustFile(t *testing.T, nums ...string) *porting.PortOrder {
	t.Helper()
	p := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	_, orders, err := b.svc.Intake.CreatePortRequest(context.Background(), p, workflow.CreatePortRequestParams{
		InstanceID: workflow.DemoInstanceID, Severity: porting.SeverityNormal, Subject: "port",
		CurrentCarrier: "Old Telco", AuthorizedContact: porting.Contact{Name: "Jane Roe"}, PhoneNumbers: nums,
	})
	if err != nil {
		t.Fatal(err)
	}
	return orders[0]
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// testLog writes the console's log to the test's output.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) { l.t.Log(string(b)); return len(b), nil }
