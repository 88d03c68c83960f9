package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestCustomerIsolation is acceptance item 4: another customer gets 404 for
// everything of the first, and a customer gets 403 for staff actions.
func TestCustomerIsolation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		acctA, keyA, instA := setupCustomer(t, c, "Alpha", "premium")
		_, keyB, _ := setupCustomer(t, c, "Beta", "premium")
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", keyA, premiumRequest(instA, "+1 212 555 0123"))
		reqID := str(t, req, "id")
		orderID := str(t, req, "port_orders", 0, "id")

		for _, path := range []string{
			"/v1/port-requests/" + reqID,
			"/v1/port-orders/" + orderID,
			"/v1/port-orders/" + orderID + "/timeline",
			"/v1/instances/" + instA,
			"/v1/instances/" + instA + "/phone-numbers",
			"/v1/accounts/" + acctA,
		} {
			if r := c.do("GET", path, keyB, nil); r.Status != http.StatusNotFound {
				t.Errorf("B GET %s: %d, want 404: %s", path, r.Status, r.Body)
			}
		}
		for _, call := range []struct {
			method, path string
			body         map[string]any
		}{
			{"POST", "/v1/port-requests/" + reqID + "/messages", map[string]any{"body": "hi"}},
			{"POST", "/v1/port-orders/" + orderID + "/actions/cancel", map[string]any{"reason": "mine now"}},
			{"PATCH", "/v1/port-orders/" + orderID, map[string]any{"instance_id": instA}},
		} {
			if r := c.do(call.method, call.path, keyB, call.body); r.Status != http.StatusNotFound {
				t.Errorf("B %s %s: %d, want 404: %s", call.method, call.path, r.Status, r.Body)
			}
		}
		if r := c.do("GET", "/v1/port-orders?port_request_id="+reqID, keyB, nil); r.Status != http.StatusOK || len(list(t, r.JSON(t), "data")) != 0 {
			t.Errorf("B lists A's orders: %d %s", r.Status, r.Body)
		}
		evs := c.must(http.StatusOK, "GET", "/v1/events?limit=1000", keyB, nil)
		for _, e := range list(t, evs, "data") {
			if str(t, e, "account_id") == acctA || str(t, e, "port_order_id") == orderID {
				t.Errorf("B sees A's event %v", e)
			}
		}
		if n := len(list(t, c.must(http.StatusOK, "GET", "/v1/events?limit=1000", keyA, nil), "data")); n == 0 {
			t.Errorf("A sees no events of its own")
		}

		// Staff actions are 403 for the owner, with a problem body.
		for _, action := range []string{"approve", "mark_not_portable", "approve_loa", "record_foc", "pass_testing"} {
			r := c.do("POST", "/v1/port-orders/"+orderID+"/actions/"+action, keyA, nil)
			if r.Status != http.StatusForbidden || !strings.HasPrefix(r.ContentType, "application/problem+json") {
				t.Errorf("A %s: %d %s, want 403 problem", action, r.Status, r.ContentType)
			}
		}
		// A refused transition is 409 naming what is allowed now.
		r := c.do("POST", "/v1/port-orders/"+orderID+"/actions/verify", keyA, nil)
		if r.Status != http.StatusConflict {
			t.Fatalf("verify in review: %d %s", r.Status, r.Body)
		}
		if got := r.JSON(t)["allowed_actions"]; len(got.([]any)) != 1 || got.([]any)[0] != "cancel" {
			t.Errorf("allowed_actions = %v, want [cancel]", got)
		}
		if r := c.do("POST", "/v1/api-keys", keyA, map[string]any{"role": "admin"}); r.Status != http.StatusForbidden {
			t.Errorf("customer creating an admin key: %d %s", r.Status, r.Body)
		}
		if r := c.do("POST", "/v1/accounts", keyA, map[string]any{"name": "X", "support_plan": "basic"}); r.Status != http.StatusForbidden {
			t.Errorf("customer creating an account: %d", r.Status)
		}
		if r := c.do("GET", "/v1/port-orders", "not-a-key", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("unknown key: %d", r.Status)
		}
		if r := c.do("GET", "/v1/port-orders", "", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("no key: %d", r.Status)
		}
	})
}
