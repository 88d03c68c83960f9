package main

import (
	"net/http"
	"testing"
)

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
