package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// setupCustomer creates an account of the given plan, a customer key and,
// for premium, an instance; it returns the account ID, key and instance ID.
func setupCustomer(t *testing.T, c *client, name, plan string) (string, string, string) {
	t.Helper()
	acct := c.must(http.StatusCreated, "POST", "/v1/accounts", testAdminToken, map[string]any{"name": name, "support_plan": plan})
	id := str(t, acct, "id")
	key := str(t, c.must(http.StatusCreated, "POST", "/v1/accounts/"+id+"/api-keys", testAdminToken, map[string]any{"role": "customer"}), "key")
	inst := c.must(http.StatusCreated, "POST", "/v1/instances", key, map[string]any{"name": name + " center", "region": "us-east-1"})
	if str(t, inst, "arn") == "" {
		t.Fatalf("instance without arn: %v", inst)
	}
	return id, key, str(t, inst, "id")
}

func premiumRequest(instanceID string, numbers ...string) map[string]any {
	return map[string]any{
		"instance_id": instanceID, "severity": "normal", "subject": "Port our support lines",
		"description": "Moving our contact center", "current_carrier": "Old Telco",
		"authorized_contact":  map[string]any{"name": "Jane Roe", "email": "jane@example.com", "phone": "+12125550100"},
		"contact_preferences": map[string]any{"language": "en", "methods": []string{"email"}},
		"phone_numbers":       numbers,
	}
}

// TestPortLifecycle is acceptance item 2: a customer files a mixed request,
// it splits as specified, and one order walks through every state to
// completed with the right roles.
func TestPortLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Acme", "premium")
		spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")

		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst,
			"+44 7400 123456", "+447400123457", // GB mobile, range holder Three: the customer's carrier wins
			"(212) 555-0123", "+1 201 555 0123", // US, no carrier data: the hint
			"+1 800 555 0199", // US toll-free
			"12345",           // invalid
			"+65 6123 4567",   // Singapore: porting not supported
			"212-555-0123",    // duplicate of the first US number
		))
		orders := list(t, req, "port_orders")
		got := map[string][]string{}
		for _, o := range orders {
			k := fmt.Sprintf("%s/%s/%s", str(t, o, "country"), str(t, o, "losing_carrier"), str(t, o, "number_kind"))
			for _, n := range list(t, o, "phone_numbers") {
				got[k] = append(got[k], str(t, n, "phone_number"))
				if s := str(t, n, "status"); s != "pending" {
					t.Errorf("new order number status %s, want pending", s)
				}
			}
			if s := str(t, o, "status"); s != "review" {
				t.Errorf("new order status %s, want review", s)
			}
		}
		want := map[string][]string{
			"GB/Old Telco/did":       {"+447400123456", "+447400123457"},
			"US/Old Telco/did":       {"+12125550123", "+12015550123"},
			"US/Old Telco/toll_free": {"+18005550199"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("orders = %v, want %v", got, want)
		}
		rejected := map[string]string{}
		for _, r := range list(t, req, "rejected_numbers") {
			rejected[str(t, r, "phone_number")] = fmt.Sprint(r.(map[string]any)["reasons"])
		}
		wantRejected := map[string]string{
			"12345":        "[invalid_number]",
			"+6561234567":  "[country_not_supported]",
			"+12125550123": "[duplicate_in_request]",
		}
		if fmt.Sprint(rejected) != fmt.Sprint(wantRejected) {
			t.Fatalf("rejected = %v, want %v", rejected, wantRejected)
		}

		var orderID string
		for _, o := range orders {
			if str(t, o, "number_kind") == "did" && str(t, o, "country") == "US" {
				orderID = str(t, o, "id")
			}
		}
		act := func(key, action string, body any, wantStatus string) map[string]any {
			t.Helper()
			o := c.must(http.StatusOK, "POST", "/v1/port-orders/"+orderID+"/actions/"+action, key, body)
			if s := str(t, o, "status"); s != wantStatus {
				t.Fatalf("%s: status %s, want %s", action, s, wantStatus)
			}
			return o
		}
		act(spec, "approve", nil, "awaiting_loa")
		fillLOA(t, c, spec, cust, orderID)
		o := act(cust, "submit_loa", nil, "loa_review")
		if str(t, o, "waiting_on") != "team" {
			t.Errorf("loa_review waits on %s, want team", str(t, o, "waiting_on"))
		}
		act(spec, "return_loa", map[string]any{"message": "Please sign in ink."}, "awaiting_loa")
		act(cust, "submit_loa", nil, "loa_review")
		act(spec, "approve_loa", attested, "submitted")
		waitForEvent(t, c, spec, orderID, "port_order.carrier_submission", 1)
		act(spec, "record_rejection", map[string]any{"exception_code": "POSTAL_CODE_MISMATCH", "message": "ZIP differs"}, "exception")
		o = act(cust, "resubmit", nil, "loa_review")
		if o["exception"] != nil {
			t.Errorf("resubmit kept the exception: %v", o["exception"])
		}
		act(spec, "approve_loa", attested, "submitted")
		waitForEvent(t, c, spec, orderID, "port_order.carrier_submission", 2)
		windows := list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+orderID+"/foc-windows?count=30", cust, nil), "data")
		if len(windows) != 30 {
			t.Fatalf("%d FOC windows, want 30", len(windows))
		}
		foc, newFOC := str(t, windows[20], "start"), str(t, windows[29], "start")
		act(spec, "record_foc", map[string]any{"foc_at": foc}, "foc_confirmed")
		act(cust, "reschedule", map[string]any{"foc_at": newFOC}, "submitted")
		act(spec, "record_foc", map[string]any{"foc_at": newFOC}, "foc_confirmed")
		act(spec, "load_numbers", nil, "numbers_loaded")
		inv := c.must(http.StatusOK, "GET", "/v1/instances/"+inst+"/phone-numbers", cust, nil)
		if n := len(list(t, inv, "data")); n != 2 {
			t.Fatalf("inventory holds %d numbers after load, want 2: %v", n, inv)
		}
		act(spec, "start_port", nil, "porting")
		act(spec, "record_ported", nil, "ported")
		// Testing passes only once test calls reach every number's flow.
		if r := c.do("POST", "/v1/port-orders/"+orderID+"/actions/pass_testing", spec, nil); r.Status != http.StatusConflict {
			t.Fatalf("pass_testing before the numbers have flows: %d %s", r.Status, r.Body)
		}
		flow := str(t, c.must(http.StatusCreated, "POST", "/v1/instances/"+inst+"/contact-flows", cust, map[string]any{"name": "Support"}), "id")
		var assoc []map[string]any
		for _, n := range list(t, c.must(http.StatusOK, "GET", "/v1/instances/"+inst+"/phone-numbers", cust, nil), "data") {
			assoc = append(assoc, map[string]any{"phone_number": str(t, n, "phone_number"), "contact_flow_id": flow})
		}
		c.must(http.StatusOK, "POST", "/v1/instances/"+inst+"/phone-numbers:associate", cust, map[string]any{"associations": assoc})
		if run := c.must(http.StatusOK, "POST", "/v1/port-orders/"+orderID+"/test-calls", spec, nil); run["failed"].(float64) != 0 || run["passed"].(float64) != 2 {
			t.Fatalf("test calls: %v", run)
		}
		act(spec, "pass_testing", nil, "awaiting_verification")
		o = act(cust, "verify", nil, "completed")
		for _, n := range list(t, o, "phone_numbers") {
			if s := str(t, n, "status"); s != "verified" {
				t.Errorf("number %s is %s after verify, want verified", str(t, n, "phone_number"), s)
			}
		}
		inv = c.must(http.StatusOK, "GET", "/v1/instances/"+inst+"/phone-numbers", cust, nil)
		for _, n := range list(t, inv, "data") {
			if s := str(t, n, "status"); s != "active" {
				t.Errorf("inventory number %s is %s, want active", str(t, n, "phone_number"), s)
			}
		}

		// The timeline holds every status change, and the carrier job ran.
		tl := c.must(http.StatusOK, "GET", "/v1/port-orders/"+orderID+"/timeline?limit=1000", cust, nil)
		var statuses []string
		for _, e := range list(t, tl, "data") {
			if str(t, e, "type") == "port_order.status_changed" {
				statuses = append(statuses, str(t, e, "after", "status"))
			}
		}
		wantStatuses := []string{"awaiting_loa", "loa_review", "awaiting_loa", "loa_review", "submitted", "exception", "loa_review",
			"submitted", "foc_confirmed", "submitted", "foc_confirmed", "numbers_loaded", "porting", "ported", "awaiting_verification", "completed"}
		if !slices.Equal(statuses, wantStatuses) {
			t.Fatalf("timeline statuses = %v, want %v", statuses, wantStatuses)
		}

		// Cancel another order and restart it: a new order in review, linked.
		var tfID string
		for _, o := range orders {
			if str(t, o, "number_kind") == "toll_free" {
				tfID = str(t, o, "id")
			}
		}
		c.must(http.StatusOK, "POST", "/v1/port-orders/"+tfID+"/actions/cancel", cust, map[string]any{"reason": "changed our mind"})
		again := c.must(http.StatusOK, "POST", "/v1/port-orders/"+tfID+"/actions/restart", cust, nil)
		if str(t, again, "status") != "review" || str(t, again, "previous_order_id") != tfID {
			t.Fatalf("restart gave %v", again)
		}
		r := c.do("POST", "/v1/port-orders/"+tfID+"/actions/restart", cust, nil)
		if r.Status != http.StatusConflict {
			t.Fatalf("second restart: %d %s", r.Status, r.Body)
		}
	})
}

var attested = map[string]any{"attestation": map[string]any{"wet_signature": true, "legible": true}}

// fillLOA gives an order in awaiting_loa a clean LOA: the CSR recorded by
// staff, the same data filled by the customer, the signed LOA and an
// invoice uploaded.
func fillLOA(t *testing.T, c *client, staffKey, customerKey, orderID string) {
	t.Helper()
	path := "/v1/port-orders/" + orderID
	o := c.must(http.StatusOK, "GET", path, customerKey, nil)
	var nums []string
	for _, n := range list(t, o, "phone_numbers") {
		nums = append(nums, str(t, n, "phone_number"))
	}
	csr := map[string]any{}
	for k, v := range csrBody {
		csr[k] = v
	}
	csr["phone_numbers"], csr["btn"] = nums, nums[0]
	loa := loaBody("ACME, Inc.", "10001")
	loa["btn"] = nums[0]
	c.must(http.StatusOK, "PATCH", path, staffKey, map[string]any{"csr": csr})
	c.must(http.StatusOK, "PATCH", path, customerKey, map[string]any{"loa": loa})
	for _, typ := range []string{"loa_signed", "invoice"} {
		if r := c.upload(customerKey, orderID, typ, typ+".pdf", fakePDF(typ)); r.Status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
		}
	}
}

// waitForEvent polls an order's timeline until n events of type typ are
// there: the carrier job runs after its transaction commits.
func waitForEvent(t *testing.T, c *client, key, orderID, typ string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tl := c.must(http.StatusOK, "GET", "/v1/port-orders/"+orderID+"/timeline?limit=1000", key, nil)
		count := 0
		for _, e := range list(t, tl, "data") {
			if str(t, e, "type") == typ {
				count++
			}
		}
		if count >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %s events after 20s, want %d", count, typ, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
