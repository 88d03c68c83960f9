package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestInvitations is the foundation of issue 13: POST /v1/invitations
// answers the token once, follows the invitation rules per role, and the
// token, accepted in the workflow (the console's part), makes a user who
// signs in as a principal of its role and account.
func TestInvitations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		m, c := testServer(t, dbURL, true)
		ctx := context.Background()

		inv := c.must(http.StatusCreated, "POST", "/v1/invitations", "pd_sandbox_acme",
			map[string]any{"email": " Jane.Roe@Acme.Example ", "role": "customer"})
		token := str(t, inv, "token")
		if !strings.HasPrefix(token, "pdi_") || str(t, inv, "email") != "jane.roe@acme.example" ||
			str(t, inv, "account_id") != "acc_demo_acme" || str(t, inv, "expires_at") == "" {
			t.Fatalf("invitation %v", inv)
		}
		if _, ok := inv["hash"]; ok {
			t.Errorf("the answer shows the token's hash: %v", inv)
		}
		c.must(http.StatusCreated, "POST", "/v1/invitations", "pd_sandbox_admin", map[string]any{"email": "ops@portdesk.example", "role": "specialist"})

		for _, tc := range []struct {
			key  string
			body map[string]any
			want int
		}{
			{"pd_sandbox_acme", map[string]any{"email": "x@acme.example", "role": "customer", "account_id": "acc_demo_bakery"}, http.StatusNotFound},
			{"pd_sandbox_acme", map[string]any{"email": "x@acme.example", "role": "admin"}, http.StatusForbidden},
			{"pd_sandbox_specialist", map[string]any{"email": "x@acme.example", "role": "customer", "account_id": "acc_demo_acme"}, http.StatusForbidden},
			{"pd_sandbox_admin", map[string]any{"email": "x@acme.example", "role": "customer"}, http.StatusUnprocessableEntity},
			{"pd_sandbox_admin", map[string]any{"email": "not an email", "role": "admin"}, http.StatusUnprocessableEntity},
			{"pd_sandbox_admin", map[string]any{"email": strings.Repeat("a", 250) + "@x.example", "role": "admin"}, http.StatusUnprocessableEntity},
			{"pd_sandbox_admin", map[string]any{"email": "x@acme.example", "role": "system"}, http.StatusUnprocessableEntity},
			{"", map[string]any{"email": "x@acme.example", "role": "admin"}, http.StatusUnauthorized},
		} {
			r := c.do("POST", "/v1/invitations", tc.key, tc.body)
			if r.Status != tc.want {
				t.Errorf("%s POST /v1/invitations %v: %d, want %d: %s", tc.key, tc.body, r.Status, tc.want, r.Body)
			}
		}
		// Refusals name the field at fault.
		for field, body := range map[string]map[string]any{
			"body.email":      {"email": "not an email", "role": "admin"},
			"body.account_id": {"email": "x@acme.example", "role": "customer"},
		} {
			r := c.do("POST", "/v1/invitations", "pd_sandbox_admin", body)
			if !bytes.Contains(r.Body, []byte(`"location":"`+field+`"`)) {
				t.Errorf("%v: the problem does not name %s: %s", body, field, r.Body)
			}
		}

		// The token is shown once: neither the event log nor any list holds it.
		if ev := c.do("GET", "/v1/events?limit=500", "pd_sandbox_admin", nil); bytes.Contains(ev.Body, []byte(token)) {
			t.Error("the event log holds the invitation token")
		}

		// The console's part, through the workflow: accept, sign in.
		u, err := m.Service.Users.AcceptInvitation(ctx, token, "Jane Roe", "Correct horse 42")
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := m.Service.Users.SignIn(ctx, "jane.roe@acme.example", "Correct horse 42", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := m.Service.Users.Session(ctx, secret)
		if err != nil || p.Role != "customer" || p.AccountID != "acc_demo_acme" || p.KeyID != u.ID {
			t.Errorf("session principal %+v, %v", p, err)
		}
		if _, err := m.Service.Users.AcceptInvitation(ctx, token, "Jane Roe", "Correct horse 42"); err == nil {
			t.Error("the token was accepted twice")
		}
	})
}
