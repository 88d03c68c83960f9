package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRescheduleRefusalOffersLaterWindows: a reschedule refused for its
// date offers windows from the date asked for on, never the order's current
// date or an earlier one.
func TestRescheduleRefusalOffersLaterWindows(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) { cfg.Sandbox = true })
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	path := submittedOrder(t, c)
	windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=20", cust, nil), "data")
	foc := str(t, windows[5], "start")
	c.must(http.StatusOK, "POST", path+"/actions/record_foc", spec, map[string]any{"foc_at": foc})
	later, _ := time.Parse(time.RFC3339, str(t, windows[15], "start"))
	saturday := later
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDate(0, 0, 1)
	}
	r := c.do("POST", path+"/actions/reschedule", cust, map[string]any{"foc_at": saturday.Format(time.RFC3339)})
	next := list(t, r.JSON(t), "next_windows")
	if r.Status != http.StatusUnprocessableEntity || len(next) == 0 {
		t.Fatalf("reschedule to a Saturday: %d %s", r.Status, r.Body)
	}
	for _, w := range next {
		start, _ := time.Parse(time.RFC3339, str(t, w, "start"))
		if start.Before(saturday.Add(-24*time.Hour)) || str(t, w, "start") == foc {
			t.Errorf("offered %s for a reschedule asked for %s (current FOC %s)", start, saturday, foc)
		}
	}
}

// TestNoReminderAfterTheAnswerDate: when the sweep runs only after the
// answer date (downtime, or a clock moved far), the customer gets the
// outcome, not a reminder dated in the past.
func TestNoReminderAfterTheAnswerDate(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) { cfg.Sandbox = true })
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	id := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", "+12125550188")), "port_orders", 0, "id")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", spec, nil)
	advance(t, c, "31d")
	got := eventTypes(t, c, cust, id)
	if got["deadline.respond_reminder"] != 0 || got["deadline.respond_by_passed"] != 1 || got["port_order.attention_raised"] != 0 {
		t.Fatalf("after 31 days at once: %v; want no reminder and the outcome", got)
	}
}

// TestQueryErrorsNameTheQuery: a refused list or requirements parameter is
// located in the query, not the body.
func TestQueryErrorsNameTheQuery(t *testing.T) {
	_, c := testServer(t, "", true)
	for _, path := range []string{"/v1/port-orders?due_before=2199-01-01T00:00:00Z", "/v1/port-requests?cursor=bm90IGpzb24",
		"/v1/requirements?country=IT&number_kind=mobile"} {
		r := c.do("GET", path, "pd_sandbox_specialist", nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"location":"query.`) {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
}
