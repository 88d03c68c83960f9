package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestNULInTextIsAFieldError sends U+0000 in text fields of several
// operations, at the top level, nested and inside lists, on each engine:
// every one is a 422 naming the field, and nothing is stored. SQLite used
// to store the character; PostgreSQL refused it without naming the field.
func TestNULInTextIsAFieldError(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Acme", "premium")
		created := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123"))
		order := "/v1/port-orders/" + str(t, created, "port_orders", 0, "id")
		c.must(http.StatusOK, "POST", order+"/actions/approve", testAdminToken, nil) // the LOA may change now

		request := func(change func(map[string]any)) map[string]any {
			b := premiumRequest(inst, "+12125550124", "+12125550125")
			change(b)
			return b
		}
		loa := loaBody("Acme\x00 Inc", "10001")
		tests := []struct {
			name, method, path string
			body               any
			location           string
		}{
			{"top level", "POST", "/v1/port-requests", request(func(b map[string]any) { b["description"] = "Moving\x00" }), "body.description"},
			{"nested", "POST", "/v1/port-requests", request(func(b map[string]any) {
				b["authorized_contact"] = map[string]any{"name": "Jane\x00Roe", "email": "jane@example.com"}
			}), "body.authorized_contact.name"},
			{"in a list", "POST", "/v1/port-requests", request(func(b map[string]any) {
				b["phone_numbers"] = []string{"+12125550124", "+1212555\x000125"}
			}), "body.phone_numbers[1]"},
			{"only character", "POST", "/v1/instances", map[string]any{"name": "\x00", "region": "us-east-1"}, "body.name"},
			{"patch", "PATCH", order, map[string]any{"loa": loa}, "body.loa.entity_name"},
		}
		for _, tt := range tests {
			r := c.do(tt.method, tt.path, cust, tt.body)
			wantProblem(t, tt.name, r, http.StatusUnprocessableEntity, tt.location)
			if !strings.Contains(string(r.Body), "NUL") {
				t.Errorf("%s: the problem does not say what is wrong: %s", tt.name, truncate(r.Body))
			}
		}
		// A key sent twice is refused for that first, as without the NUL.
		dup := `{"name":"a\u0000","NAME":"b","region":"us-east-1"}`
		wantProblem(t, "duplicate key", c.do("POST", "/v1/instances", cust, dup), http.StatusBadRequest, "body")
		if n := len(list(t, c.must(http.StatusOK, "GET", "/v1/port-orders", cust, nil), "data")); n != 1 {
			t.Errorf("%d orders after the refused requests, want 1", n)
		}
		if o := c.must(http.StatusOK, "GET", order, cust, nil); o["loa"] != nil {
			t.Errorf("the refused LOA was stored: %v", o["loa"])
		}

		// Without the character the same bodies pass; the six characters
		// \u0000 written out are text like any other.
		c.must(http.StatusOK, "PATCH", order, cust, map[string]any{"loa": loaBody("Acme Inc", "10001")})
		c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, request(func(b map[string]any) { b["description"] = `C:\u0000` }))
	})
}

// TestBasicPlanRefusesPremiumFields: a basic-plan request that sends a
// severity or a subject, which only premium technical cases have, is a
// field error instead of a request filed without them.
func TestBasicPlanRefusesPremiumFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Bakery", "basic")
		basic := func(extra map[string]any) map[string]any {
			b := premiumRequest(inst, "+12125550177")
			delete(b, "severity")
			delete(b, "subject")
			b["limit_requests"] = []map[string]any{{"region": "us-east-1", "new_limit_value": 1}}
			for k, v := range extra {
				b[k] = v
			}
			return b
		}
		tests := []struct {
			name     string
			extra    map[string]any
			location string
		}{
			{"severity", map[string]any{"severity": "urgent"}, "body.severity"},
			{"subject", map[string]any{"subject": "Port our lines"}, "body.subject"},
		}
		for _, tt := range tests {
			r := c.do("POST", "/v1/port-requests", cust, basic(tt.extra))
			wantProblem(t, tt.name, r, http.StatusUnprocessableEntity, tt.location)
		}
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, basic(nil))
		if got := str(t, req, "case_type"); got != "limit_increase" {
			t.Errorf("case_type %q, want limit_increase", got)
		}
	})
}
