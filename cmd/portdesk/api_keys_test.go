package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAPIKeyRevocation is issue 8 item 6: keys are listed, revoked keys
// answer 401 at once on every replica sharing the database, and only the
// account's customers and admins manage an account's keys.
func TestAPIKeyRevocation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		m, c := testServer(t, dbURL, false)
		_, other := testReplica(t, m)
		acct, keyA, _ := setupCustomer(t, c, "Alpha", "premium")
		_, keyB, _ := setupCustomer(t, c, "Beta", "premium")
		spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
		admin := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "admin"}), "key")

		second := c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", keyA, map[string]any{"role": "customer"})
		id, secret := str(t, second, "id"), str(t, second, "key")
		// The key works on both replicas (a cache, if any, is now warm).
		c.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)
		other.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)

		// The account's key list, for its customer and for an admin, shows
		// both keys and when the new one was used; never a secret.
		for _, path := range []string{"/v1/api-keys", "/v1/accounts/" + acct + "/api-keys"} {
			r := c.do("GET", path, keyA, nil)
			if r.Status != http.StatusOK || bytes.Contains(r.Body, []byte(secret)) {
				t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
			}
			keys := list(t, r.JSON(t), "data")
			if len(keys) != 2 || str(t, keys, 1, "id") != id || str(t, keys, 1, "last_used_at") == "" || str(t, keys, 1, "prefix") != secret[:11] {
				t.Errorf("GET %s as the customer = %s, want its 2 keys, the second used", path, r.Body)
			}
		}
		if keys := list(t, c.must(http.StatusOK, "GET", "/v1/accounts/"+acct+"/api-keys", admin, nil), "data"); len(keys) != 2 {
			t.Errorf("admin lists %d keys of the account, want 2", len(keys))
		}
		// Another customer neither sees nor revokes them; a specialist
		// manages no keys.
		for _, call := range [][3]string{
			{"GET", "/v1/accounts/" + acct + "/api-keys", keyB},
			{"DELETE", "/v1/api-keys/" + id, keyB},
		} {
			if r := c.do(call[0], call[1], call[2], nil); r.Status != http.StatusNotFound {
				t.Errorf("other customer %s %s: %d, want 404: %s", call[0], call[1], r.Status, r.Body)
			}
		}
		if keys := list(t, c.must(http.StatusOK, "GET", "/v1/api-keys", keyB, nil), "data"); len(keys) != 1 {
			t.Errorf("other customer lists %d keys, want only its own 1", len(keys))
		}
		for _, call := range [][2]string{{"GET", "/v1/api-keys"}, {"GET", "/v1/accounts/" + acct + "/api-keys"}, {"DELETE", "/v1/api-keys/" + id}} {
			if r := c.do(call[0], call[1], spec, nil); r.Status != http.StatusForbidden {
				t.Errorf("specialist %s %s: %d, want 403: %s", call[0], call[1], r.Status, r.Body)
			}
		}

		revoked := c.must(http.StatusOK, "DELETE", "/v1/api-keys/"+id, keyA, nil)
		if str(t, revoked, "revoked_at") == "" {
			t.Errorf("DELETE answered %v, want the key with revoked_at", revoked)
		}
		for name, cl := range map[string]*client{"this replica": c, "the other replica": other} {
			if r := cl.do("GET", "/v1/port-orders", secret, nil); r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), "revoked") {
				t.Errorf("revoked key on %s: %d %s, want 401 saying revoked", name, r.Status, r.Body)
			}
		}
		c.must(http.StatusOK, "GET", "/v1/port-orders", keyA, nil) // the other key still works
		if keys := list(t, c.must(http.StatusOK, "GET", "/v1/api-keys", keyA, nil), "data"); len(keys) != 1 {
			t.Errorf("after the revocation the customer lists %d keys, want 1", len(keys))
		}
		// Revoking again changes nothing; an admin may revoke any key.
		if again := c.must(http.StatusOK, "DELETE", "/v1/api-keys/"+id, admin, nil); str(t, again, "revoked_at") != str(t, revoked, "revoked_at") {
			t.Errorf("second revocation moved revoked_at: %v, then %v", revoked, again)
		}
		if r := c.do("DELETE", "/v1/api-keys/key_nope", admin, nil); r.Status != http.StatusNotFound {
			t.Errorf("revoking an unknown key: %d, want 404", r.Status)
		}
	})
}

// testReplica opens a second server on the database of m, as another
// replica of the same deployment.
func testReplica(t *testing.T, m *Main) (*Main, *client) {
	t.Helper()
	cfg := m.Config
	return testServerWith(t, cfg.DatabaseURL, func(c *Config) { *c = cfg; c.Addr = "127.0.0.1:0" })
}

// TestAPIKeyLimits is issue 8 item 6: an optional expiry, bounded; expired
// keys answer 401; last use is written at most once a minute; an account
// holds at most 20 keys that are not revoked.
func TestAPIKeyLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, true)
		const admin, acct, cust = "pd_sandbox_admin", "acc_demo_acme", "pd_sandbox_acme"
		now := time.Now().UTC()
		for _, bad := range []string{now.Add(-time.Minute).Format(time.RFC3339), now.AddDate(2, 1, 0).Format(time.RFC3339)} {
			r := c.do("POST", "/v1/accounts/"+acct+"/api-keys", cust, map[string]any{"role": "customer", "expires_at": bad})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "expires_at") {
				t.Errorf("expires_at %s: %d %s, want 422 on expires_at", bad, r.Status, r.Body)
			}
		}
		k := c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", cust,
			map[string]any{"role": "customer", "expires_at": now.Add(time.Hour).Format(time.RFC3339)})
		secret := str(t, k, "key")
		if str(t, k, "expires_at") == "" {
			t.Errorf("created key %v has no expires_at", k)
		}
		lastUsed := func() string {
			for _, key := range list(t, c.must(http.StatusOK, "GET", "/v1/api-keys", cust, nil), "data") {
				if str(t, key, "id") == str(t, k, "id") {
					return str(t, key, "last_used_at")
				}
			}
			t.Fatalf("key %s not listed", str(t, k, "id"))
			return ""
		}
		c.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)
		first := lastUsed()
		c.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)
		advance(t, c, "30s")
		c.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)
		if first == "" || lastUsed() != first {
			t.Errorf("last_used_at %q then %q: want it set once and kept within the minute", first, lastUsed())
		}
		advance(t, c, "2m")
		c.must(http.StatusOK, "GET", "/v1/port-orders", secret, nil)
		if got := lastUsed(); got == first {
			t.Errorf("last_used_at still %q two minutes later", got)
		}
		advance(t, c, "2h")
		if r := c.do("GET", "/v1/port-orders", secret, nil); r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), "expired") {
			t.Errorf("expired key: %d %s, want 401 saying expired", r.Status, r.Body)
		}

		// The cap counts keys not revoked, expired ones included.
		held := len(list(t, c.must(http.StatusOK, "GET", "/v1/accounts/"+acct+"/api-keys", admin, nil), "data"))
		var last string
		for i := held; i < 20; i++ {
			last = str(t, c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", cust, map[string]any{"role": "customer"}), "id")
		}
		for _, who := range []string{cust, admin} {
			if r := c.do("POST", "/v1/accounts/"+acct+"/api-keys", who, map[string]any{"role": "customer"}); r.Status != http.StatusConflict {
				t.Errorf("21st key by %s: %d %s, want 409", who, r.Status, r.Body)
			}
		}
		c.must(http.StatusOK, "DELETE", "/v1/api-keys/"+last, cust, nil)
		c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", cust, map[string]any{"role": "customer"})
		// Staff keys are not an account's and are not capped by it.
		c.must(http.StatusCreated, "POST", "/v1/api-keys", admin, map[string]any{"role": "specialist", "expires_at": now.Add(24 * time.Hour).Format(time.RFC3339)})
	})
}

// TestCLIRevokeKey is issue 8 item 6: the operator revokes a key with the
// CLI while the server runs, and the server refuses it at once.
func TestCLIRevokeKey(t *testing.T) {
	m, c := testServer(t, "", false)
	acct, key, _ := setupCustomer(t, c, "Alpha", "basic")
	k := c.must(http.StatusCreated, "POST", "/v1/accounts/"+acct+"/api-keys", key, map[string]any{"role": "customer"})
	c.must(http.StatusOK, "GET", "/v1/port-orders", str(t, k, "key"), nil)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"admin", "revoke-key", "--data-dir", m.Config.DataDir, "--id", str(t, k, "id")}, &out, &errOut); err != nil {
		t.Fatalf("revoke-key: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), `"revoked_at"`) {
		t.Errorf("revoke-key printed %q, want the key with revoked_at", out.String())
	}
	if r := c.do("GET", "/v1/port-orders", str(t, k, "key"), nil); r.Status != http.StatusUnauthorized {
		t.Errorf("key revoked by the CLI: %d, want 401", r.Status)
	}
	c.must(http.StatusOK, "GET", "/v1/port-orders", key, nil)
	for _, bad := range [][]string{
		{"admin", "revoke-key", "--data-dir", m.Config.DataDir},
		{"admin", "revoke-key", "--data-dir", m.Config.DataDir, "--id", "key_nope"},
	} {
		if err := run(context.Background(), bad, &out, &errOut); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}
