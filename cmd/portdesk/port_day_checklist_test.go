package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/voice"
)

// misroutingEdge is a platform edge that sends every number to the wrong
// flow: a SIP ingress with a router of its own.
type misroutingEdge struct{}

func (misroutingEdge) RouteCall(_ context.Context, e164 string) (*porting.NumberRoute, error) {
	return &porting.NumberRoute{InstanceID: "inst_elsewhere", PhoneNumber: e164, Status: porting.InventoryActive,
		ContactFlowID: "flow_wrong", ContactFlowName: "Wrong queue"}, nil
}

func (misroutingEdge) RecordCall(context.Context, porting.CallRecord) error { return nil }

// checklistStates returns the order's checklist items by name.
func checklistStates(t *testing.T, c *client, path string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, it := range list(t, c.must(http.StatusOK, "GET", path+"/checklist", "pd_sandbox_acme", nil), "items") {
		m := it.(map[string]any)
		out[m["item"].(string)] = m
	}
	return out
}

// dueOf returns the due times of the order's pending deadlines of kind.
func dueOf(t *testing.T, c *client, path, kind string) []time.Time {
	t.Helper()
	var out []time.Time
	for _, d := range list(t, c.must(http.StatusOK, "GET", path+"/deadlines", "pd_sandbox_specialist", nil), "data") {
		if str(t, d, "kind") == kind && str(t, d, "state") == "pending" {
			at, err := time.Parse(time.RFC3339, str(t, d, "due_at"))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, at)
		}
	}
	return out
}

// TestPortDayChecklistEndToEnd is issue 12's acceptance item 2 in the
// sandbox, over real SIP: a number left without a flow fails its checklist
// item and the reminder a day before the FOC tells the customer;
// associating it passes the item; the test calls placed when the port is
// confirmed pass; pass_testing is refused while test calls misroute (an
// edge sending the numbers to another flow) and passes when they do not.
func TestPortDayChecklistEndToEnd(t *testing.T) {
	_, c := testServer(t, "", true)
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	path := submittedOrder(t, c)
	windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=12", cust, nil), "data")
	foc, err := time.Parse(time.RFC3339, str(t, windows[11], "start"))
	if err != nil {
		t.Fatal(err)
	}
	c.must(http.StatusOK, "POST", path+"/actions/record_foc", spec, map[string]any{"foc_at": foc.Format(time.RFC3339)})
	if it := checklistStates(t, c, path)["numbers_associated"]; it["state"] != "pending" {
		t.Fatalf("before loading, numbers_associated is %v", it)
	}
	reminders := dueOf(t, c, path, "checklist_reminder")
	loads := dueOf(t, c, path, "load_numbers")
	if len(reminders) == 0 || len(loads) != 1 || !reminders[0].Equal(foc.Add(-24*time.Hour)) {
		t.Fatalf("checklist reminders %v, loads %v (FOC %s)", reminders, loads, foc)
	}

	// Loaded; one number gets a flow, the other none.
	advanceTo(t, c, loads[0].Add(time.Minute))
	flows := list(t, c.must(http.StatusOK, "GET", "/v1/instances/inst_demo_acme/contact-flows", cust, nil), "data")
	flow := str(t, flows[0], "id")
	c.must(http.StatusOK, "PUT", "/v1/instances/inst_demo_acme/phone-numbers/+12125550123", cust, map[string]any{"contact_flow_id": flow})
	it := checklistStates(t, c, path)["numbers_associated"]
	if it["state"] != "fail" || strings.Join(strs(t, it["numbers"]), ",") != "+12015550123" {
		t.Fatalf("one number without a flow: %v", it)
	}

	// FOC − 1 day: the customer is reminded of the flow.
	advanceTo(t, c, reminders[0].Add(time.Minute))
	req := c.must(http.StatusOK, "GET", "/v1/port-requests/"+str(t, c.must(http.StatusOK, "GET", path, cust, nil), "port_request_id"), cust, nil)
	msgs := list(t, req, "messages")
	if last := str(t, msgs[len(msgs)-1], "body"); !strings.Contains(last, "associate every number with a contact flow") {
		t.Fatalf("no checklist reminder at FOC − 1 day; last note: %q", last)
	}
	c.must(http.StatusOK, "PUT", "/v1/instances/inst_demo_acme/phone-numbers/+12015550123", cust, map[string]any{"contact_flow_id": flow})
	if it := checklistStates(t, c, path)["numbers_associated"]; it["state"] != "pass" {
		t.Fatalf("after associating: %v", it)
	}

	// Port day: the carrier confirms, test calls run by themselves and pass.
	advanceTo(t, c, foc.Add(time.Minute))
	c.must(http.StatusOK, "POST", path+"/actions/record_ported", spec, nil)
	var run map[string]any
	eventually(t, "the automatic test calls", func() bool {
		run = c.must(http.StatusOK, "GET", path+"/test-calls", spec, nil)
		return run["run_id"] != nil && run["run_id"] != ""
	})
	if run["passed"].(float64) != 2 || run["failed"].(float64) != 0 {
		t.Fatalf("automatic test calls: %v", run)
	}
	// The desk's own test calls are not traffic; calls a platform reports are.
	if it := checklistStates(t, c, path)["traffic_at_expected_level"]; it["state"] == "pass" {
		t.Fatalf("test calls counted as traffic: %v", it)
	}
	now := sandboxNow(t, c).UTC().Format(time.RFC3339)
	r := c.do("POST", "/v1/call-records", cust, map[string]any{"records": []map[string]any{
		{"instance_id": "inst_demo_acme", "phone_number": "+19995550100", "outcome": "answered", "at": now}}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "records[0].phone_number") {
		t.Fatalf("a call to a number not in the instance: %d %s", r.Status, r.Body)
	}
	c.must(http.StatusOK, "POST", "/v1/call-records", cust, map[string]any{"records": []map[string]any{
		{"instance_id": "inst_demo_acme", "phone_number": "+12125550123", "outcome": "answered", "at": now, "source": "sbc-1"},
		{"instance_id": "inst_demo_acme", "phone_number": "+12015550123", "outcome": "answered", "at": now, "source": "sbc-1"}}})
	if it := checklistStates(t, c, path)["traffic_at_expected_level"]; it["state"] != "pass" || len(it["traffic"].([]any)) != 2 {
		t.Fatalf("traffic after reported calls: %v", it)
	}

	// An edge that misroutes: pass_testing is refused.
	edge, err := voice.NewIngress(misroutingEdge{}, voice.IngressOptions{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { edge.Close() })
	addr, err := edge.Listen(context.Background(), "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.must(http.StatusOK, "PATCH", "/v1/instances/inst_demo_acme", cust, map[string]any{"sip_target": "sip:" + addr})
	run = c.must(http.StatusOK, "POST", path+"/test-calls", spec, nil)
	if run["failed"].(float64) != 2 || str(t, run, "calls", 0, "result") != "misrouted" || str(t, run, "calls", 0, "answered_flow_id") != "flow_wrong" {
		t.Fatalf("test calls through the misrouting edge: %v", run)
	}
	if r := c.do("POST", path+"/actions/pass_testing", spec, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "misrouted") {
		t.Fatalf("pass_testing while calls misroute: %d %s", r.Status, r.Body)
	}
	if it := checklistStates(t, c, path)["test_calls_routed"]; it["state"] != "fail" {
		t.Fatalf("test_calls_routed after misroutes: %v", it)
	}
	c.must(http.StatusOK, "PATCH", "/v1/instances/inst_demo_acme", cust, map[string]any{"sip_target": ""})
	if run = c.must(http.StatusOK, "POST", path+"/test-calls", spec, nil); run["failed"].(float64) != 0 {
		t.Fatalf("test calls through the built-in ingress: %v", run)
	}
	c.must(http.StatusOK, "POST", path+"/actions/pass_testing", spec, nil)
}

// TestSIPTargetMustBePublic: where private networks are not allowed (as
// for webhooks), a customer cannot point the desk's test calls into the
// network it runs in; a public address and the built-in ingress are fine.
func TestSIPTargetMustBePublic(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) { cfg.WebhookAllowPrivate = false })
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	for _, target := range []string{"sip:127.0.0.1:5060", "sip:10.0.0.7;transport=tcp", "sip:[::1]:5060", "sip:169.254.169.254"} {
		r := c.do("PATCH", "/v1/instances/"+inst, cust, map[string]any{"sip_target": target})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "sip_target") {
			t.Errorf("sip_target %s: %d %s", target, r.Status, r.Body)
		}
	}
	for _, target := range []string{"sip:user@edge.example.com", "http://edge.example.com", "sip:edge.example.com\r\nX: y"} {
		if r := c.do("PATCH", "/v1/instances/"+inst, cust, map[string]any{"sip_target": target}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("malformed sip_target %q: %d %s", target, r.Status, r.Body)
		}
	}
	o := c.must(http.StatusOK, "PATCH", "/v1/instances/"+inst, cust, map[string]any{"sip_target": "sip:203.0.113.9:5060;transport=tcp"})
	if o["sip_target"] != "sip:203.0.113.9:5060;transport=tcp" {
		t.Fatalf("public target: %v", o)
	}
	if o := c.must(http.StatusOK, "PATCH", "/v1/instances/"+inst, cust, map[string]any{"sip_target": ""}); o["sip_target"] != nil {
		t.Fatalf("reset to the built-in ingress: %v", o)
	}
}
