package console_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/console"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

var specialist = porting.Principal{Role: porting.RoleSpecialist, KeyID: "user_sam"}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(string(b))
}

// wantFieldError checks that the page shows msg next to the input with the
// given id, linked to it by aria-describedby and marked invalid.
func wantFieldError(t *testing.T, page, id, msg string) {
	t.Helper()
	errID := id + "-error"
	if !regexp.MustCompile(`<p class="error" id="` + errID + `">[^<]*` + regexp.QuoteMeta(msg)).MatchString(page) {
		t.Fatalf("no error %q with id %s on the page:\n%s", msg, errID, page)
	}
	input := regexp.MustCompile(`<(input|textarea|select) id="` + id + `"[^>]*>`).FindString(page)
	if input == "" {
		t.Fatalf("no input with id %s", id)
	}
	if !strings.Contains(input, errID) || !strings.Contains(input, `aria-invalid="true"`) {
		t.Fatalf("input %s is not described by its error: %s", id, input)
	}
}

func TestSignInRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	for _, path := range []string{"/", "/requests/new", "/port-orders/po_x", "/port-requests/pr_x", "/no-such-page"} {
		res, _ := b.get(t, c, path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
			t.Errorf("GET %s signed out: %d %s, want 303 to /sign-in", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res := b.post(t, c, "/port-orders/po_x/actions/cancel", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
		t.Errorf("POST signed out: %d, want 303 to /sign-in", res.StatusCode)
	}
	res = b.post(t, c, "/sign-in", url.Values{"email": {acmeEmail}, "password": {"wrong"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "signin-password", "The email or password is not right.")
	if len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Errorf("a refused sign-in must clear the cookie, got %v", res.Cookies())
	}

	res = b.post(t, c, "/sign-in", url.Values{"email": {acmeEmail}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Cookies()[0]
	if ck.Name != console.CookieName || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", ck)
	}
	if res, _ := b.get(t, c, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("dashboard signed in: %d", res.StatusCode)
	}
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	h := console.New(b.svc, console.UserSessions(b.svc.Users), console.Options{SecureCookies: true})
	req, _ := http.NewRequest(http.MethodPost, "/sign-in", strings.NewReader(url.Values{"email": {acmeEmail}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := newRecorder()
	h.ServeHTTP(rec, req)
	if cks := rec.Result().Cookies(); len(cks) != 1 || !cks[0].Secure {
		t.Fatalf("cookies = %v, want one Secure cookie", cks)
	}
}

func TestCustomerCannotOpenAnotherAccountsOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)

	if res, page := b.get(t, acme, "/port-orders/"+o.ID); res.StatusCode != http.StatusOK || !strings.Contains(page, "+12125550123") {
		t.Fatalf("owner: %d", res.StatusCode)
	}
	for _, path := range []string{"/port-orders/" + o.ID, "/port-requests/" + o.PortRequestID, "/port-orders/" + o.ID + "/documents/doc_x"} {
		res, page := b.get(t, bakery, path)
		if res.StatusCode != http.StatusNotFound || strings.Contains(page, "+12125550123") {
			t.Errorf("GET %s as another account: %d, want 404 without the order's data", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/port-orders/" + o.ID + "/actions/cancel", "/port-orders/" + o.ID + "/loa", "/port-requests/" + o.PortRequestID + "/messages"} {
		res := b.post(t, bakery, path, url.Values{"reason": {"mine now"}, "entity_name": {"x"}, "body": {"hello"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s as another account: %d, want 404", path, res.StatusCode)
		}
	}
	if _, page := b.get(t, bakery, "/"); strings.Contains(page, o.ID) {
		t.Error("another account's dashboard lists the order")
	}
	got, err := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID)
	if err != nil || got.Status != porting.StateReview {
		t.Fatalf("order after the other account's posts: %v %v, want review", got.Status, err)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	for _, path := range []string{"/port-orders/" + o.ID + "/actions/cancel", "/sign-out", "/sign-in"} {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader("reason=csrf"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	if got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID); got.Status != porting.StateReview {
		t.Fatalf("status after a cross-site cancel = %s, want review", got.Status)
	}
	if b.sessionCount(t) != 1 {
		t.Fatal("a cross-site sign-out ended the session")
	}
	// The same post from the console's own pages goes through.
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/port-orders/"+o.ID+"/actions/cancel", strings.NewReader("reason=changed+our+mind"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin cancel: %d, want 303", res.StatusCode)
	}
	if got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID); got.Status != porting.StateCancelled {
		t.Fatalf("status after the cancel = %s, want cancelled", got.Status)
	}
}

func TestSignOutEndsSession(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	u, _ := url.Parse(b.srv.URL)
	first := c.Jar.Cookies(u)[0].Value

	// Signing in again (or over a planted cookie) issues a new secret and
	// ends the old session: no fixation.
	b.signIn(t, c, acmeEmail)
	second := c.Jar.Cookies(u)[0].Value
	if second == first {
		t.Fatal("a second sign-in kept the session secret")
	}
	if _, _, err := b.svc.Users.Session(context.Background(), first); err == nil {
		t.Fatal("the session before sign-in is still valid")
	}

	res := b.post(t, c, "/sign-out", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
		t.Fatalf("sign out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if b.sessionCount(t) != 0 {
		t.Fatal("sign-out left the session")
	}
	// The old cookie, replayed, no longer opens a page.
	replay := b.client(t)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: console.CookieName, Value: second}})
	if res, _ := b.get(t, replay, "/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
		t.Fatalf("replayed cookie after sign-out: %d, want 303 to /sign-in", res.StatusCode)
	}
}

func TestIntakeFormPlainPost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	form := url.Values{
		"instance_id": {workflow.DemoInstanceID}, "severity": {"normal"}, "subject": {"Move our lines"},
		"current_carrier": {"Old Telco"}, "default_country": {"US"}, "authorized_contact.name": {"Jane Roe"},
		"contact_preferences.language": {"en"}, "contact_preferences.time_zone": {"Europe/Berlin"},
		"phone_numbers": {"+1 212 555 0123\r\n\r\n+1 212 555 0124\r\n12345\r\n"},
	}

	form.Set("op", "preview")
	res := b.post(t, c, "/requests/new", form)
	page := readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "+12125550123, +12125550124") || !strings.Contains(page, "12345") {
		t.Fatalf("preview: %d\n%s", res.StatusCode, page)
	}
	if p, _ := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{}); len(p.Orders) != 0 {
		t.Fatal("the preview created orders")
	}

	missing := url.Values{}
	for k, v := range form {
		missing[k] = v
	}
	missing.Set("op", "file")
	missing.Set("authorized_contact.name", "")
	res = b.post(t, c, "/requests/new", missing)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no contact: %d, want 422", res.StatusCode)
	}
	page = readBody(t, res)
	wantFieldError(t, page, "request-authorized-contact-name", "authorized contact")
	if !strings.Contains(page, "+1 212 555 0124") {
		t.Error("the refused form lost the numbers typed")
	}

	form.Set("op", "file")
	res = b.post(t, c, "/requests/new", form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/port-requests/") {
		t.Fatalf("file: %d %s\n%s", res.StatusCode, loc, readBody(t, res))
	}
	res, page = b.get(t, c, loc)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "/port-orders/") || !strings.Contains(page, "CET") {
		t.Fatalf("request page: %d\n%s", res.StatusCode, page)
	}
	if p, _ := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{}); len(p.Orders) != 1 {
		t.Fatalf("orders after filing = %d, want 1", len(p.Orders))
	}

	res = b.post(t, c, loc+"/messages", url.Values{"body": {"When is the port?"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d", res.StatusCode)
	}
	if _, page := b.get(t, c, loc); !strings.Contains(page, "When is the port?") {
		t.Fatal("the message is not in the thread")
	}
}

func TestLOAFormFieldError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	if _, err := b.svc.Orders.Act(context.Background(), specialist, o.ID, porting.ActionApprove, workflow.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	loa := url.Values{"entity_name": {"Acme Support Ltd"}, "service_address.street": {"1 Main St"}, "service_address.city": {"New York"},
		"service_address.postal_code": {"10001"}, "service_address.country": {"US"}, "authorized_person.name": {"Jane Roe"},
		"account_number": {"A-1"}, "signed_on": {"1999-01-01"}}
	res := b.post(t, c, "/port-orders/"+o.ID+"/loa", loa)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("implausible date: %d, want 422", res.StatusCode)
	}
	page := readBody(t, res)
	wantFieldError(t, page, "loa-signed-on", "not a plausible signing date")
	if !strings.Contains(page, `value="Acme Support Ltd"`) {
		t.Error("the refused form lost the values typed")
	}

	loa.Set("signed_on", "2026-11-15")
	res = b.post(t, c, "/port-orders/"+o.ID+"/loa", loa)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("LOA: %d\n%s", res.StatusCode, readBody(t, res))
	}
	got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID)
	if got.LOA == nil || got.LOA.EntityName != "Acme Support Ltd" || got.LOA.SignedOn.String() != "2026-11-15" {
		t.Fatalf("LOA on file = %+v", got.LOA)
	}
	// A finding about a field is shown next to it.
	_, page = b.get(t, c, "/port-orders/"+o.ID)
	for _, f := range got.Findings {
		if f.Field == "entity_name" || f.Field == "service_address.street" {
			id := "loa-" + strings.NewReplacer(".", "-", "_", "-").Replace(f.Field) + "-findings"
			if !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("finding %s on %s is not next to its field", f.Code, f.Field)
			}
		}
	}
}

func TestStaffQueueFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	c := b.client(t)
	b.signIn(t, c, specialistEmail)
	if res, page := b.get(t, c, "/?waiting_on=team&country=us"); res.StatusCode != http.StatusOK || !strings.Contains(page, o.ID) {
		t.Fatalf("queue waiting on the team: %d", res.StatusCode)
	}
	if _, page := b.get(t, c, "/?waiting_on=customer"); strings.Contains(page, o.ID) {
		t.Fatal("an order in review is listed as waiting on the customer")
	}
	res, page := b.get(t, c, "/?country=U1")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad country: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, page, "filter-country", "ISO 3166-1")
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/sign-in", nil)
	req.Header.Set("Accept-Language", "fr-FR, de-DE;q=0.8, en;q=0.5")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, res)
	res.Body.Close()
	if !strings.Contains(page, `<html lang="de">`) || !strings.Contains(page, "Passwort") {
		t.Fatalf("German sign-in page expected:\n%s", page)
	}
}
