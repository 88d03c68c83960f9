package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestBadInput is acceptance item 5: malformed or out-of-range input gets a
// 4xx problem+json, never a 500.
func TestBadInput(t *testing.T) {
	_, c := testServer(t, "", false)
	_, key, inst := setupCustomer(t, c, "Acme", "premium")

	many := make([]string, 100_001)
	for i := range many {
		many[i] = fmt.Sprintf("+1212555%04d", i%10000)
	}
	valid := premiumRequest(inst, "+12125550123")
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name, method, path string
		body               any
		wantLocation       string
	}{
		{"malformed json", "POST", "/v1/port-requests", `{"phone_numbers": [`, ""},
		{"not an object", "POST", "/v1/port-requests", `[1,2]`, ""},
		{"wrong type", "POST", "/v1/port-requests", with("phone_numbers", "+12125550123"), "body.phone_numbers"},
		{"wrong item type", "POST", "/v1/portability-checks", map[string]any{"phone_numbers": []any{1, 2}}, "body.phone_numbers[0]"},
		{"unknown severity", "POST", "/v1/port-requests", with("severity", "apocalyptic"), "body.severity"},
		{"unknown plan", "POST", "/v1/accounts", map[string]any{"name": "X", "support_plan": "gold"}, "body.support_plan"},
		{"unknown action", "POST", "/v1/port-orders/po_x/actions/fly", nil, "path.action"},
		{"unknown status filter", "GET", "/v1/port-orders?status=flying", nil, "query.status"},
		{"empty list", "POST", "/v1/port-requests", with("phone_numbers", []string{}), "body.phone_numbers"},
		{"empty check", "POST", "/v1/portability-checks", map[string]any{"phone_numbers": []string{}}, "body.phone_numbers"},
		{"too many numbers", "POST", "/v1/portability-checks", map[string]any{"phone_numbers": many}, "body.phone_numbers"},
		{"too many in intake", "POST", "/v1/port-requests", with("phone_numbers", many), "body.phone_numbers"},
		{"unknown field", "POST", "/v1/accounts", map[string]any{"name": "X", "support_plan": "basic", "colour": "red"}, ""},
		{"missing contact", "POST", "/v1/port-requests", with("authorized_contact", map[string]any{"name": ""}), "body.authorized_contact.name"},
		{"bad email", "POST", "/v1/port-requests", with("authorized_contact", map[string]any{"name": "J", "email": "nope"}), "body.authorized_contact.email"},
		{"bad method", "POST", "/v1/port-requests", with("contact_preferences", map[string]any{"language": "en", "methods": []string{"pigeon"}}), "body.contact_preferences.methods[0]"},
		{"instance of nobody", "POST", "/v1/port-requests", with("instance_id", "inst_nope"), "body.instance_id"},
		{"bad region", "POST", "/v1/instances", map[string]any{"name": "x", "region": "moon"}, "body.region"},
		{"number too long", "POST", "/v1/portability-checks", map[string]any{"phone_numbers": []string{strings.Repeat("1", 65)}}, "body.phone_numbers[0]"},
		{"contact phone too long", "POST", "/v1/port-requests", with("authorized_contact", map[string]any{"name": "J", "phone": strings.Repeat("1", 100)}), "body.authorized_contact.phone"},
		{"bad foc", "POST", "/v1/port-orders/po_x/actions/record_foc", map[string]any{"foc_at": "tomorrow"}, "body.foc_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := key
			if tt.path == "/v1/accounts" {
				key = testAdminToken
			}
			r := c.do(tt.method, tt.path, key, tt.body)
			if r.Status < 400 || r.Status >= 500 {
				t.Fatalf("status %d, want 4xx: %s", r.Status, truncate(r.Body))
			}
			if !strings.HasPrefix(r.ContentType, "application/problem+json") {
				t.Fatalf("content type %q, want application/problem+json", r.ContentType)
			}
			if tt.wantLocation != "" && !strings.Contains(string(r.Body), `"location":"`+tt.wantLocation) {
				t.Errorf("problem does not name %s: %s", tt.wantLocation, truncate(r.Body))
			}
		})
	}
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}
