package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestRequestPortingNothingIsRefused is issue 10 item 2: a request none of
// whose numbers can be ported is a 422 naming why for each number, and
// nothing is filed.
func TestRequestPortingNothingIsRefused(t *testing.T) {
	_, c := testServer(t, "", true)
	const cust = "pd_sandbox_acme"
	before := len(list(t, c.must(http.StatusOK, "GET", "/v1/port-orders", cust, nil), "data"))
	r := c.do("POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", "not a number", "+1 900 234 5678"))
	body := r.JSON(t)
	rejected := list(t, body, "rejected_numbers")
	if r.Status != http.StatusUnprocessableEntity || len(rejected) != 2 {
		t.Fatalf("a request porting nothing: %d %s", r.Status, r.Body)
	}
	if got := str(t, rejected[1], "phone_number"); got != "+19002345678" || !strings.Contains(string(r.Body), "number_type_not_supported") {
		t.Errorf("rejected_numbers = %v", rejected)
	}
	if after := len(list(t, c.must(http.StatusOK, "GET", "/v1/port-orders", cust, nil), "data")); after != before {
		t.Errorf("a refused request left %d orders behind", after-before)
	}
}

// TestRequirementsAnswers is issue 10 item 3: an unknown country is a 404
// problem, case does not matter, and an unsupported country lists no
// documents but why and what to do instead.
func TestRequirementsAnswers(t *testing.T) {
	_, c := testServer(t, "", true)
	const cust = "pd_sandbox_acme"
	if r := c.do("GET", "/v1/requirements?country=XX&number_kind=did", cust, nil); r.Status != http.StatusNotFound ||
		!strings.HasPrefix(r.ContentType, "application/problem+json") {
		t.Errorf("unknown country: %d %s", r.Status, r.Body)
	}
	upper := c.must(http.StatusOK, "GET", "/v1/requirements?country=IT&number_kind=DID", cust, nil)
	lower := c.must(http.StatusOK, "GET", "/v1/requirements?country=it&number_kind=did", cust, nil)
	if str(t, upper, "number_kind") != "did" || len(list(t, upper, "documents")) == 0 || len(list(t, upper, "documents")) != len(list(t, lower, "documents")) {
		t.Errorf("IT/DID %v vs it/did %v", upper, lower)
	}
	hk := c.must(http.StatusOK, "GET", "/v1/requirements?country=HK&number_kind=did", cust, nil)
	if hk["supported"] != false || len(list(t, hk, "documents")) != 0 || !strings.Contains(strings.ToLower(fmtAny(hk["notes"])), "instead") &&
		!strings.Contains(fmtAny(hk["notes"]), "forward") {
		t.Errorf("HK: %v", hk)
	}
}

// TestDeadlinesLivePlanByDefault is issue 10 item 5: an order's deadlines
// are its live plan unless the history is asked for.
func TestDeadlinesLivePlanByDefault(t *testing.T) {
	_, c := testServer(t, "", true)
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	id := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", "+12125550199")), "port_orders", 0, "id")
	path := "/v1/port-orders/" + id
	c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
	// A customer message moves respond_by: the old reminders are superseded.
	advance(t, c, "1d")
	req := c.must(http.StatusOK, "GET", path, cust, nil)
	c.must(http.StatusCreated, "POST", "/v1/port-requests/"+str(t, req, "port_request_id")+"/messages", cust, map[string]any{"body": "On it."})
	states := func(q string) map[string]int {
		out := map[string]int{}
		for _, d := range list(t, c.must(http.StatusOK, "GET", path+"/deadlines"+q, cust, nil), "data") {
			out[str(t, d, "state")]++
		}
		return out
	}
	if live := states(""); live["cancelled"] != 0 || live["pending"] == 0 {
		t.Errorf("default deadlines: %v, want the live plan only", live)
	}
	if all := states("?include=history"); all["cancelled"] == 0 {
		t.Errorf("deadlines with history: %v, want the superseded rows too", all)
	}
}

func fmtAny(v any) string {
	var b strings.Builder
	for _, s := range v.([]any) {
		b.WriteString(s.(string) + " ")
	}
	return b.String()
}
