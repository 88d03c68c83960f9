package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// quotaFinding returns the order's QUOTA_SHORTFALL finding, or nil.
func quotaFinding(t *testing.T, order map[string]any) map[string]any {
	t.Helper()
	for _, f := range list(t, order, "findings") {
		if f := f.(map[string]any); f["code"] == "QUOTA_SHORTFALL" {
			return f
		}
	}
	return nil
}

// TestQuotaShortfallUntilApproved is issue 12 acceptance item 3: a
// 12-number order on an instance with the default quota of 5 numbers shows
// the blocking quota item until a quota request is approved.
func TestQuotaShortfallUntilApproved(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const cust, other, spec = "pd_sandbox_acme", "pd_sandbox_bakery", "pd_sandbox_specialist"
		const inst = "/v1/instances/inst_demo_acme"
		var nums []string
		for i := range 12 {
			nums = append(nums, fmt.Sprintf("+1 646 555 01%02d", 40+i))
		}
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", nums...))
		orders := list(t, req, "port_orders")
		if len(orders) != 1 || len(list(t, orders[0], "phone_numbers")) != 12 {
			t.Fatalf("port orders = %v, want one of 12 numbers", orders)
		}
		order := "/v1/port-orders/" + str(t, orders[0], "id")
		f := quotaFinding(t, orders[0].(map[string]any))
		if f == nil || f["severity"] != "blocking" || f["field"] != "instance_id" || !strings.Contains(str(t, f, "hint"), "before the FOC is set") {
			t.Fatalf("at intake: QUOTA_SHORTFALL = %v, want blocking on instance_id, due before the FOC is set", f)
		}
		q := c.must(http.StatusOK, "GET", inst+"/quotas", cust, nil)
		pn := list(t, q, "quotas")[0].(map[string]any)
		if pn["quota"] != "phone_numbers" || pn["value"] != float64(5) || pn["in_use"].(float64) < 12 {
			t.Fatalf("phone_numbers = %v, want 5 with at least 12 in use", pn)
		}

		// Another account's customer sees nothing of the instance.
		c.must(http.StatusNotFound, "GET", inst+"/quotas", other, nil)
		c.must(http.StatusNotFound, "POST", inst+"/quota-requests", other, map[string]any{"quota": "phone_numbers", "value": 20, "reason": "x"})
		// A value that does not raise the quota is refused, naming the field.
		if r := c.do("POST", inst+"/quota-requests", cust, map[string]any{"quota": "phone_numbers", "value": 5, "reason": "x"}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.ContentType, "problem+json") || !strings.Contains(string(r.Body), "body.value") {
			t.Fatalf("value 5: %d %s %s", r.Status, r.ContentType, r.Body)
		}

		body := map[string]any{"quota": "phone_numbers", "value": 20, "reason": "Porting 12 support numbers"}
		first := c.doWithHeader("POST", inst+"/quota-requests", cust, body, "Idempotency-Key", "quota-12")
		again := c.doWithHeader("POST", inst+"/quota-requests", cust, body, "Idempotency-Key", "quota-12")
		if first.Status != http.StatusCreated || again.Status != http.StatusCreated || str(t, first.JSON(t), "id") != str(t, again.JSON(t), "id") {
			t.Fatalf("keyed create and replay: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
		}
		qr := "/v1/quota-requests/" + str(t, first.JSON(t), "id")
		if open := list(t, c.must(http.StatusOK, "GET", inst+"/quotas", cust, nil), "open_requests"); len(open) != 1 {
			t.Fatalf("open requests = %v, want 1", open)
		}
		if f := quotaFinding(t, c.must(http.StatusOK, "GET", order, cust, nil)); f == nil {
			t.Fatal("the finding went before the request was approved")
		}
		c.must(http.StatusForbidden, "POST", qr+"/approve", cust, nil)
		c.must(http.StatusNotFound, "POST", qr+"/approve", other, nil)
		if got := c.must(http.StatusOK, "POST", qr+"/approve", spec, nil); got["status"] != "approved" {
			t.Fatalf("approve = %v", got)
		}
		c.must(http.StatusConflict, "POST", qr+"/approve", spec, nil)
		c.must(http.StatusConflict, "POST", qr+"/deny", spec, map[string]any{"reason": "too late"})

		if f := quotaFinding(t, c.must(http.StatusOK, "GET", order, cust, nil)); f != nil {
			t.Fatalf("after approval: QUOTA_SHORTFALL = %v", f)
		}
		if v := c.must(http.StatusOK, "GET", inst, cust, nil); v["quotas"].(map[string]any)["phone_numbers"] != float64(20) {
			t.Fatalf("instance quotas = %v, want 20 phone numbers", v["quotas"])
		}
		if l := list(t, c.must(http.StatusOK, "GET", inst+"/quota-requests?status=approved", cust, nil), "data"); len(l) != 1 {
			t.Fatalf("approved requests = %v", l)
		}
		types := map[string]bool{}
		for _, e := range list(t, c.must(http.StatusOK, "GET", "/v1/events?limit=500", cust, nil), "data") {
			types[str(t, e, "type")] = true
		}
		for _, typ := range []string{"quota_request.created", "quota_request.decided", "instance.quotas_changed"} {
			if !types[typ] {
				t.Errorf("no %s event in the customer's log", typ)
			}
		}
	})
}
