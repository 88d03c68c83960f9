package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestWebhookEndpointRules is issue 8 items 8 and 15: one rule decides who
// registers and who changes an endpoint (a specialist does neither), a
// list shows only what its caller may open, and an account holds at most
// 10 endpoints.
func TestWebhookEndpointRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, _ := setupCustomer(t, c, "Alpha", "premium")
		_, other, _ := setupCustomer(t, c, "Beta", "premium")
		spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
		admin := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "admin"}), "key")

		mine := str(t, c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": "https://alpha.example/hook"}), "id")
		staff := str(t, c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", admin, map[string]any{"url": "https://team.example/hook"}), "id")

		if r := c.do("POST", "/v1/webhook-endpoints", spec, map[string]any{"url": "https://evil.example/"}); r.Status != http.StatusForbidden {
			t.Errorf("specialist POST: %d, want 403", r.Status)
		}
		for _, body := range []map[string]any{{"url": "https://evil.example/"}, {"enabled": false}, {"event_types": []string{"x.y"}}} {
			if r := c.do("PATCH", "/v1/webhook-endpoints/"+mine, spec, body); r.Status != http.StatusForbidden {
				t.Errorf("specialist PATCH %v of a customer's endpoint: %d, want 403: %s", body, r.Status, r.Body)
			}
		}
		if r := c.do("POST", "/v1/webhook-endpoints/"+mine+"/replay", spec, map[string]any{"after": 0}); r.Status != http.StatusForbidden {
			t.Errorf("specialist replay: %d, want 403", r.Status)
		}
		if r := c.do("PATCH", "/v1/webhook-endpoints/"+mine, other, map[string]any{"url": "https://evil.example/"}); r.Status != http.StatusNotFound {
			t.Errorf("other customer PATCH: %d, want 404", r.Status)
		}
		got := list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints", cust, nil), "data")
		if len(got) != 1 || str(t, got, 0, "url") != "https://alpha.example/hook" || got[0].(map[string]any)["enabled"] != true {
			t.Errorf("after the refused changes the customer's endpoints are %v", got)
		}
		c.must(http.StatusOK, "PATCH", "/v1/webhook-endpoints/"+mine, cust, map[string]any{"url": "https://alpha.example/v2"})
		c.must(http.StatusOK, "PATCH", "/v1/webhook-endpoints/"+mine, admin, map[string]any{"enabled": true})

		// Each caller's list holds exactly what it may open by ID.
		for name, key := range map[string]string{"customer": cust, "other customer": other, "specialist": spec, "admin": admin} {
			listed := map[string]bool{}
			for _, w := range list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints", key, nil), "data") {
				listed[str(t, w, "id")] = true
			}
			for _, id := range []string{mine, staff} {
				opens := c.do("GET", "/v1/webhook-endpoints/"+id+"/deliveries", key, nil).Status == http.StatusOK
				if opens != listed[id] {
					t.Errorf("%s: endpoint %s listed %v but opens %v", name, id, listed[id], opens)
				}
			}
		}
		if r := c.do("GET", "/v1/webhook-endpoints/"+staff+"/deliveries", spec, nil); r.Status != http.StatusNotFound {
			t.Errorf("specialist opens the staff endpoint: %d, want 404", r.Status)
		}

		// At most 10 per account; another account is not affected.
		for i := 1; i < 10; i++ {
			c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": fmt.Sprintf("https://alpha.example/%d", i)})
		}
		if r := c.do("POST", "/v1/webhook-endpoints", cust, map[string]any{"url": "https://alpha.example/11"}); r.Status != http.StatusConflict {
			t.Errorf("11th endpoint: %d %s, want 409", r.Status, r.Body)
		}
		c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", other, map[string]any{"url": "https://beta.example/1"})
	})
}

// TestWebhookInternalURLs is issue 8 item 11: without
// --webhook-allow-private, internal URLs are refused when registered (POST
// and PATCH), and delivery errors shown to the customer name no address
// the URL resolved to and no resolver.
func TestWebhookInternalURLs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		shared := func(allow bool) func(*Config) {
			return func(c *Config) { c.DataDir, c.WebhookAllowPrivate = dir, allow }
		}
		// An endpoint on this machine, registered while private networks
		// were allowed (or before portdesk refused them at registration).
		h := startHook(t)
		port := h.srv.URL[strings.LastIndex(h.srv.URL, ":")+1:]
		m1, c1 := testServerWith(t, dbURL, shared(true))
		_, cust, inst := setupCustomer(t, c1, "Alpha", "premium")
		local := str(t, c1.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": "http://localhost:" + port + "/hook"}), "id")
		m1.Close()

		_, c := testServerWith(t, dbURL, shared(false))
		for _, u := range []string{
			"http://127.0.0.1:" + port + "/hook", "http://localhost/hook", "http://[::1]/", "http://10.1.2.3/",
			"http://192.168.0.10:8080/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://100.64.0.1/",
			"http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://api.localhost/",
		} {
			r := c.do("POST", "/v1/webhook-endpoints", cust, map[string]any{"url": u})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "non-public") {
				t.Errorf("POST %s: %d %s, want 422 refusing a non-public address", u, r.Status, r.Body)
			}
			if r := c.do("PATCH", "/v1/webhook-endpoints/"+local, cust, map[string]any{"url": u}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("PATCH to %s: %d %s, want 422", u, r.Status, r.Body)
			}
		}
		// A name that does not resolve passes registration (delivery checks
		// again); its delivery fails in DNS.
		nxdomain := str(t, c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": "http://portdesk-test-nxdomain.invalid/hook"}), "id")
		c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": "https://203.0.113.10/hook"})

		c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123"))
		leak := regexp.MustCompile(`\d+\.\d+\.\d+\.\d+|\[?::1\]?|:53\b|localhost|lookup|dial`)
		for _, id := range []string{local, nxdomain} {
			var lastErr string
			eventually(t, "a failed attempt recorded on "+id, func() bool {
				for _, d := range list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints/"+id+"/deliveries", cust, nil), "data") {
					if lastErr = str(t, d, "last_error"); lastErr != "" {
						return true
					}
				}
				return false
			})
			if leak.MatchString(lastErr) {
				t.Errorf("endpoint %s: the customer sees %q, which names an address, resolver or host", id, lastErr)
			}
			t.Logf("endpoint %s: last_error %q", id, lastErr)
		}
		if h.countType("port_request.created") != 0 {
			t.Errorf("the local endpoint received a webhook with private networks refused")
		}
	})
}
