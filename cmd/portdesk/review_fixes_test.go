package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestExpiringKeyCannotMintALongerOne: a key created with a key that
// expires expires with it at the latest, so a short-lived key cannot leave
// a permanent one behind.
func TestExpiringKeyCannotMintALongerOne(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, true)
		const acct = "acc_demo_acme"
		expires := testNow().UTC().Add(time.Hour).Truncate(time.Second)
		short := str(t, c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", "pd_sandbox_admin",
			map[string]any{"role": "customer", "expires_at": expires.Format(time.RFC3339)}), "key")
		child := c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", short, map[string]any{"role": "customer"})
		if got, _ := time.Parse(time.RFC3339, str(t, child, "expires_at")); !got.Equal(expires) {
			t.Errorf("a key made by a key expiring at %s expires at %q", expires, str(t, child, "expires_at"))
		}
		r := c.do("POST", "/v1/accounts/"+acct+"/api-keys", short, map[string]any{"role": "customer",
			"expires_at": expires.Add(time.Hour).Format(time.RFC3339)})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "expires_at") {
			t.Errorf("a key outliving its creator: %d %s, want 422 on expires_at", r.Status, r.Body)
		}
	})
}

// TestStaffWebhookCapUnderConcurrency: the staff's endpoints are capped
// like an account's, also when many are created at once.
func TestStaffWebhookCapUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, true)
		const n = 20
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created int
		)
		for range n {
			wg.Go(func() {
				r := c.do("POST", "/v1/webhook-endpoints", "pd_sandbox_admin", map[string]any{"url": "https://hooks.example.com/portdesk"})
				mu.Lock()
				defer mu.Unlock()
				if r.Status == http.StatusCreated {
					created++
				}
			})
		}
		wg.Wait()
		listed := len(list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints", "pd_sandbox_admin", nil), "data"))
		if created > 10 || listed > 10 {
			t.Fatalf("%d staff endpoints created, %d listed, of %d concurrent requests; the cap is 10", created, listed, n)
		}
	})
}

// TestCSVFormulaInAnotherLocale: a carrier name that hides a formula after
// a ";" (the separator of locales that do not split on commas) is defused
// in the attachment CSV, and a number list with a byte-order mark before a
// formula is refused on upload.
func TestCSVFormulaInAnotherLocale(t *testing.T) {
	_, c := testServer(t, "", true)
	const cust = "pd_sandbox_acme"
	req := premiumRequest("inst_demo_acme", "+12125550155")
	req["current_carrier"] = "Old Telco;=1+cmd|' /C calc'!A0"
	id := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, req), "port_orders", 0, "id")
	csv := c.do("GET", "/v1/port-orders/"+id+"/loa-attachment.csv", cust, nil)
	if csv.Status != http.StatusOK || strings.Contains(string(csv.Body), ";=1") || !strings.Contains(string(csv.Body), ";'=1") {
		t.Fatalf("attachment CSV: %d\n%s", csv.Status, csv.Body)
	}
	r := c.upload(cust, id, "number_list", "numbers.csv", []byte("\ufeff=HYPERLINK(\"http://evil.example/\"),x\n+12125550155,y\n"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a number list with a byte-order mark before a formula: %d %s", r.Status, r.Body)
	}
}
