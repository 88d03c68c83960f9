package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// secretOn finds the secret a creation page shows in its <code class="secret">.
func secretOn(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`<code class="secret">([^<]+)</code>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no secret on the creation page:\n%s", page)
	}
	return m[1]
}

func TestWebhookSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)

	res := b.post(t, acme, "/settings/webhooks", url.Values{"url": {"not a url"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad URL: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "webhook-url", "absolute http(s) URL")

	res = b.post(t, acme, "/settings/webhooks", url.Values{"url": {"https://hooks.acme.example/portdesk"}, "event_types": {"port_order.status_changed"}})
	page := readBody(t, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d\n%s", res.StatusCode, page)
	}
	secret := secretOn(t, page)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret = %q, want whsec_…", secret)
	}
	res, page = b.get(t, acme, "/settings/webhooks")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "https://hooks.acme.example/portdesk") {
		t.Fatalf("list: %d\n%s", res.StatusCode, page)
	}
	if strings.Contains(page, secret) {
		t.Fatal("the list shows the signing secret again")
	}
	if _, page := b.get(t, bakery, "/settings/webhooks"); strings.Contains(page, "hooks.acme.example") {
		t.Fatal("another account's list shows Acme's endpoint")
	}

	acmeP := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	eps, err := b.svc.Webhooks.WebhookEndpoints(context.Background(), acmeP)
	if err != nil || len(eps) != 1 {
		t.Fatalf("Acme's endpoints: %v %v", eps, err)
	}
	id := eps[0].ID
	if res := b.post(t, bakery, "/settings/webhooks/"+id+"/enabled", url.Values{"enabled": {"false"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another account disables Acme's endpoint: %d, want 404", res.StatusCode)
	}
	for _, want := range []bool{false, true} {
		res := b.post(t, acme, "/settings/webhooks/"+id+"/enabled", url.Values{"enabled": {strconv.FormatBool(want)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/webhooks" {
			t.Fatalf("enabled=%v: %d %s", want, res.StatusCode, res.Header.Get("Location"))
		}
		eps, _ := b.svc.Webhooks.WebhookEndpoints(context.Background(), acmeP)
		if eps[0].Enabled != want {
			t.Fatalf("enabled after the form = %v, want %v", eps[0].Enabled, want)
		}
	}
}

func TestAPIKeySettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)

	res := b.post(t, acme, "/settings/api-keys", url.Values{"expires_at": {"2020-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("past expiry: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "apikey-expires-at", "in the future")

	res = b.post(t, acme, "/settings/api-keys", url.Values{"expires_at": {"2027-06-30"}})
	page := readBody(t, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d\n%s", res.StatusCode, page)
	}
	secret := secretOn(t, page)
	p, err := b.svc.Accounts.Authenticate(context.Background(), secret)
	if err != nil || p.AccountID != workflow.DemoPremiumAccountID || p.Role != porting.RoleCustomer {
		t.Fatalf("the key shown authenticates as %+v (%v), want an Acme customer", p, err)
	}
	_, page = b.get(t, acme, "/settings/api-keys")
	if strings.Contains(page, secret) {
		t.Fatal("the list shows the key again")
	}
	keys, err := b.svc.Accounts.APIKeys(context.Background(), p, "")
	if err != nil {
		t.Fatal(err)
	}
	var id, prefix string
	for _, k := range keys {
		if strings.HasPrefix(secret, k.Prefix) {
			id, prefix = k.ID, k.Prefix
		}
	}
	if id == "" || !strings.Contains(page, prefix) {
		t.Fatalf("the new key (prefix %q) is not listed", prefix)
	}
	if _, page := b.get(t, bakery, "/settings/api-keys"); strings.Contains(page, prefix) {
		t.Fatal("another account's list shows Acme's key")
	}
	if res := b.post(t, bakery, "/settings/api-keys/"+id+"/revoke", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another account revokes Acme's key: %d, want 404", res.StatusCode)
	}
	res = b.post(t, acme, "/settings/api-keys/"+id+"/revoke", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/api-keys" {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := b.svc.Accounts.Authenticate(context.Background(), secret); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
		t.Fatalf("revoked key authenticates: %v", err)
	}
	if _, page := b.get(t, acme, "/settings/api-keys"); strings.Contains(page, prefix) {
		t.Error("the revoked key is still listed")
	}
}

func TestQuotaSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, bakery, sam := b.client(t), b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)
	b.signIn(t, sam, specialistEmail)
	quotas := "/instances/" + workflow.DemoInstanceID + "/quotas"

	if _, page := b.get(t, acme, "/instances"); !strings.Contains(page, `href="`+quotas+`"`) {
		t.Fatal("Acme's instance list does not link to its quotas")
	}
	if _, page := b.get(t, bakery, "/instances"); strings.Contains(page, workflow.DemoInstanceID) {
		t.Fatal("another account's instance list shows Acme's instance")
	}
	if res, _ := b.get(t, bakery, quotas); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another account's quotas: %d, want 404", res.StatusCode)
	}
	if res := b.post(t, bakery, "/instances/"+workflow.DemoInstanceID+"/quota-requests", url.Values{"quota": {"phone_numbers"}, "value": {"99999"}, "reason": {"mine"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another account asks for Acme's quota: %d, want 404", res.StatusCode)
	}
	res, page := b.get(t, acme, quotas)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Phone numbers") {
		t.Fatalf("quotas: %d\n%s", res.StatusCode, page)
	}

	acmeP := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	before, err := b.svc.Instances.Quotas(context.Background(), acmeP, workflow.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	want := before.Quotas[0].Value + 100
	form := url.Values{"quota": {"phone_numbers"}, "value": {strconv.Itoa(want)}}
	res = b.post(t, acme, "/instances/"+workflow.DemoInstanceID+"/quota-requests", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no reason: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "quota-reason", "say why")
	form.Set("reason", "A second contact centre opens in March.")
	res = b.post(t, acme, "/instances/"+workflow.DemoInstanceID+"/quota-requests", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d\n%s", res.StatusCode, readBody(t, res))
	}
	q, _ := b.svc.Instances.Quotas(context.Background(), acmeP, workflow.DemoInstanceID)
	if len(q.OpenRequests) != 1 {
		t.Fatalf("open requests = %d, want 1", len(q.OpenRequests))
	}
	qr := q.OpenRequests[0]
	if _, page := b.get(t, acme, quotas); !strings.Contains(page, "A second contact centre") || strings.Contains(page, "/quota-requests/"+qr.ID+"/approve") {
		t.Fatal("the customer should see the open request without the team's forms")
	}
	if res := b.post(t, acme, "/quota-requests/"+qr.ID+"/approve", nil); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Fatalf("a customer approves: %d, want 403 or 404", res.StatusCode)
	}

	if _, page := b.get(t, sam, quotas); !strings.Contains(page, `action="/quota-requests/`+qr.ID+`/deny"`) {
		t.Fatal("the team sees no deny form")
	}
	res = b.post(t, sam, "/quota-requests/"+qr.ID+"/deny", url.Values{"reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("deny without reason: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "deny-"+strings.ReplaceAll(qr.ID, "_", "-")+"-reason", "say why")
	res = b.post(t, sam, "/quota-requests/"+qr.ID+"/approve", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != quotas+"#requests" {
		t.Fatalf("approve: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	after, _ := b.svc.Instances.Quotas(context.Background(), acmeP, workflow.DemoInstanceID)
	if after.Quotas[0].Value != want || len(after.OpenRequests) != 0 {
		t.Fatalf("after approval: %+v, want phone_numbers %d and no open request", after.Quotas[0], want)
	}
}

func TestSettingsCrossOriginRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	acmeP := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	ctx := context.Background()
	keysBefore, err := b.svc.Accounts.APIKeys(ctx, acmeP, "")
	if err != nil {
		t.Fatal(err)
	}
	for path, form := range map[string]string{
		"/settings/webhooks": "url=https%3A%2F%2Fevil.example%2F",
		"/settings/api-keys": "",
		"/instances/" + workflow.DemoInstanceID + "/quota-requests": "quota=phone_numbers&value=99999&reason=csrf",
	} {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form))
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
	eps, _ := b.svc.Webhooks.WebhookEndpoints(ctx, acmeP)
	keys, _ := b.svc.Accounts.APIKeys(ctx, acmeP, "")
	q, _ := b.svc.Instances.Quotas(ctx, acmeP, workflow.DemoInstanceID)
	if len(eps) != 0 || len(keys) != len(keysBefore) || len(q.OpenRequests) != 0 {
		t.Fatalf("cross-site posts left %d endpoints, %d keys (before %d) and %d quota requests", len(eps), len(keys), len(keysBefore), len(q.OpenRequests))
	}
}
