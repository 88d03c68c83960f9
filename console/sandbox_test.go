package console_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/console"
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
	"github.com/portdesk/portdesk/workflow"
)

// Demo users of the fake sessions: one per sandbox principal.
const (
	acmeEmail       = "jane@acme.example"
	bakeryEmail     = "bob@bakery.example"
	specialistEmail = "sam@portdesk.example"
	testPassword    = "correct horse battery staple"
)

// fakeSessions is an in-memory Sessions: fixed users, random secrets.
type fakeSessions struct {
	mu       sync.Mutex
	users    map[string]porting.Principal
	sessions map[string]porting.Principal
	signIns  []string // remote IPs seen, for the rate limit's input
}

func newFakeSessions() *fakeSessions {
	return &fakeSessions{
		users: map[string]porting.Principal{
			acmeEmail:       {Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID, KeyID: "user_jane"},
			bakeryEmail:     {Role: porting.RoleCustomer, AccountID: workflow.DemoBasicAccountID, KeyID: "user_bob"},
			specialistEmail: {Role: porting.RoleSpecialist, KeyID: "user_sam"},
		},
		sessions: map[string]porting.Principal{},
	}
}

func (f *fakeSessions) SignIn(_ context.Context, email, password, remoteIP string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns = append(f.signIns, remoteIP)
	p, ok := f.users[email]
	if !ok || password != testPassword {
		return "", porting.Errorf(porting.EUNAUTHORIZED, "wrong email or password")
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	secret := hex.EncodeToString(b)
	f.sessions[secret] = p
	return secret, nil
}

func (f *fakeSessions) Principal(_ context.Context, secret string) (porting.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.sessions[secret]
	if !ok {
		return porting.Principal{}, porting.Errorf(porting.EUNAUTHORIZED, "no such session")
	}
	return p, nil
}

func (f *fakeSessions) SignOut(_ context.Context, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, secret)
	return nil
}

func (f *fakeSessions) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sessions)
}

// testBundle is a console over a seeded sandbox database.
type testBundle struct {
	svc      *workflow.Service
	sessions *fakeSessions
	srv      *httptest.Server
}

// setup serves console.New over httptest on a fresh SQLite sandbox.
func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with edit applied to the workflow's configuration
// (nil: none) before the service is built.
func setupWith(t *testing.T, edit func(*workflow.Config)) *testBundle {
	t.Helper()
	clock := porting.NewOffsetClock(porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))) // a Monday
	db := storetest.Engines(t)[0].OpenClock(t, clock)
	cfg := workflow.Config{Store: db, Clock: clock, SandboxClock: clock,
		Checker: &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}}
	if edit != nil {
		edit(&cfg)
	}
	svc := workflow.New(cfg)
	if _, err := svc.Sandbox.SeedSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := &testBundle{svc: svc, sessions: newFakeSessions()}
	b.srv = httptest.NewServer(console.New(svc, b.sessions, console.Options{Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))}))
	t.Cleanup(b.srv.Close)
	return b
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
