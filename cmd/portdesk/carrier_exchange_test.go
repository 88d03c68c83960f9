package main

import (
	"bufio"
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/carrier/twilio/twiliotest"
	"github.com/portdesk/portdesk/signature"
)

// The sandbox's demo customer as the carrier simulator's demo CSR holds it
// (carrier/sim/demo-csrs.json).
var simNumbers = []string{"+13125550140", "+13125550141", "+13125550142"}

const (
	simAccount = "7700123401"
	simPIN     = "4321"
	simEntity  = "Acme Support Ltd"
)

// simLOA is an LOA that matches the simulator's record of Acme, signed on
// the sandbox's day.
func simLOA(t *testing.T, c *client, entity string) map[string]any {
	return map[string]any{
		"entity_name":       entity,
		"service_address":   map[string]any{"street": "100 Main Street", "city": "Chicago", "region": "IL", "postal_code": "60601", "country": "US"},
		"authorized_person": map[string]any{"name": "Jane Doe", "title": "COO"},
		"account_number":    simAccount, "btn": "+13125550140",
		"signed_on": sandboxNow(t, c).UTC().Format(time.DateOnly),
	}
}

// simProcess is `portdesk carrier-sim` running as a process of its own.
type simProcess struct {
	cmd *exec.Cmd
	url string
}

// startSim runs `portdesk carrier-sim` on addr ("127.0.0.1:0" picks a port)
// with the given secret and extra flags, and waits for it to listen.
func startSim(t *testing.T, addr, secret string, flags ...string) *simProcess {
	t.Helper()
	args := append([]string{"carrier-sim", "--addr", addr, "--secret", secret, "--answer-delay", "50ms"}, flags...)
	cmd := exec.Command(binary(t), args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &simProcess{cmd: cmd}
	t.Cleanup(p.stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "carrier-sim listening on ") {
		t.Fatalf("carrier-sim did not start: %q %v", line, err)
	}
	p.url = strings.TrimSpace(strings.TrimPrefix(line, "carrier-sim listening on "))
	return p
}

// stop ends the simulator process and waits for it.
func (p *simProcess) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// freeAddr returns a loopback address nobody listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// simEntry points the sandbox's simulator entry at base with secret and
// returns the entry's ID.
func simEntry(t *testing.T, c *client, base, secret string) string {
	t.Helper()
	for _, e := range list(t, c.must(http.StatusOK, "GET", "/v1/carriers", "pd_sandbox_specialist", nil), "data") {
		if str(t, e, "name") == sandboxCarrier {
			id := str(t, e, "id")
			c.must(http.StatusOK, "PATCH", "/v1/carriers/"+id, "pd_sandbox_admin", map[string]any{
				"settings": map[string]any{"base_url": base}, "secrets": map[string]any{"signing_secret": secret}})
			return id
		}
	}
	t.Fatal("the sandbox has no carrier simulator entry")
	return ""
}

// newSecret is a fresh Standard Webhooks secret.
func newSecret(t *testing.T) string {
	t.Helper()
	s, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// simOrderToApproval files Acme's request for the simulator's numbers and
// takes its order to the point of approve_loa: approved, the CSR fetched
// from the carrier, the LOA (with entity as the entity name) filled and
// signed, reviewed. It returns the order's path.
func simOrderToApproval(t *testing.T, c *client, entity string, csr map[string]any) string {
	t.Helper()
	return simOrderAs(t, c, "Old Telco", entity, csr)
}

// simOrderAs is simOrderToApproval with the customer naming their current
// carrier.
func simOrderAs(t *testing.T, c *client, current, entity string, csr map[string]any) string {
	t.Helper()
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	body := premiumRequest("inst_demo_acme", simNumbers...)
	body["current_carrier"] = current
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, body)
	if got := str(t, req, "port_orders", 0, "losing_carrier"); got != sandboxCarrier {
		t.Fatalf("losing carrier %q, want %q: the carrier's lookup wins over the customer's %q, and an alias means its carrier", got, sandboxCarrier, current)
	}
	path := "/v1/port-orders/" + str(t, req, "port_orders", 0, "id")
	c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
	c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": simLOA(t, c, entity), "pin": simPIN})
	if csr == nil {
		o := c.must(http.StatusOK, "POST", path+"/csr-fetch", spec, nil)
		if str(t, o, "csr", "account_name") != simEntity || str(t, o, "csr", "source") != "carrier" {
			t.Fatalf("CSR fetched from the carrier: %v", o["csr"])
		}
	} else {
		c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": csr, "confirm_csr": true})
	}
	signLOA(t, c, path)
	c.must(http.StatusOK, "POST", path+"/actions/submit_loa", cust, nil)
	return path
}

// signLOA uploads a signed LOA and an invoice for the order.
func signLOA(t *testing.T, c *client, path string) {
	t.Helper()
	id := strings.TrimPrefix(path, "/v1/port-orders/")
	for typ, content := range map[string][]byte{"loa_signed": fakePDF("signed in ink " + time.Now().String()), "invoice": fakePDF("invoice")} {
		if r := c.upload("pd_sandbox_acme", id, typ, typ+".pdf", content); r.Status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
		}
	}
}

// waitStatus polls the order until it reaches status.
func waitStatus(t *testing.T, c *client, path, status string) map[string]any {
	t.Helper()
	var o map[string]any
	eventually(t, "order "+path+" reaches "+status, func() bool {
		o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil)
		return o["status"] == status
	})
	return o
}

// timeline returns the order's events of type typ, their after-images
// decoded.
func timeline(t *testing.T, c *client, path, typ string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range list(t, c.must(http.StatusOK, "GET", path+"/timeline?limit=1000", "pd_sandbox_specialist", nil), "data") {
		if str(t, e, "type") != typ {
			continue
		}
		after, _ := e.(map[string]any)["after"].(map[string]any)
		out = append(out, after)
	}
	return out
}

// statusChanges counts the order's transitions into status.
func statusChanges(t *testing.T, c *client, path, status string) int {
	t.Helper()
	n := 0
	for _, a := range timeline(t, c, path, "port_order.status_changed") {
		if a["status"] == status {
			n++
		}
	}
	return n
}

// TestCarrierSimEndToEnd is issue 11's acceptance item 1: with `portdesk
// carrier-sim` as a separate process, an order goes from approve_loa to
// ported with the FOC and the activation from the simulator.
func TestCarrierSimEndToEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		secret := newSecret(t)
		sim := startSim(t, "127.0.0.1:0", secret)
		_, c := testServer(t, dbURL, true)
		simEntry(t, c, sim.url, secret)

		path := simOrderToApproval(t, c, simEntity, nil)
		c.must(http.StatusOK, "POST", path+"/actions/approve_loa", "pd_sandbox_specialist", attested)
		o := waitStatus(t, c, path, "foc_confirmed")
		if str(t, o, "carrier", "gateway") != "http" || str(t, o, "carrier", "reference") == "" || o["carrier"].(map[string]any)["submissions"].(float64) != 1 {
			t.Fatalf("carrier link after the FOC: %v", o["carrier"])
		}
		foc, err := time.Parse(time.RFC3339, str(t, o, "foc_at"))
		if err != nil {
			t.Fatal(err)
		}
		// Port day: the numbers are loaded, the window opens, portdesk asks the
		// carrier to activate, and the carrier's answer ports the order.
		advanceTo(t, c, foc)
		o = waitStatus(t, c, path, "ported")
		for _, n := range o["phone_numbers"].([]any) {
			if n.(map[string]any)["status"] != "ported" {
				t.Errorf("number after activation: %v", n)
			}
		}
		kinds := map[string]string{}
		for _, a := range timeline(t, c, path, "port_order.carrier_answer") {
			kinds[a["kind"].(string)] = a["outcome"].(string)
		}
		for _, k := range []string{"accepted", "foc", "activated"} {
			if kinds[k] != "applied" {
				t.Errorf("carrier answer %s: outcome %q, want applied (all: %v)", k, kinds[k], kinds)
			}
		}
		calls := map[string]int{}
		for _, a := range timeline(t, c, path, "port_order.carrier_submission") {
			calls[a["call"].(string)+"/"+a["outcome"].(string)]++
		}
		if calls["submit/sent"] != 1 || calls["activate/sent"] != 1 {
			t.Errorf("carrier calls on the timeline: %v", calls)
		}
	})
}

// TestCarrierRejectionAndSupplement is acceptance item 2: a submission
// whose entity name differs from the carrier's record comes back as an
// exception with ENTITY_NAME_MISMATCH; the customer fixes it, resubmits,
// and the supplement gets the FOC.
func TestCarrierRejectionAndSupplement(t *testing.T) {
	secret := newSecret(t)
	sim := startSim(t, "127.0.0.1:0", secret)
	_, c := testServer(t, "", true)
	simEntry(t, c, sim.url, secret)
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"

	// The team recorded the customer's word for the CSR; the carrier's
	// record spells the name otherwise.
	wrong := "Acme Support Limited"
	csr := map[string]any{"account_name": wrong, "authorized_contact": "Jane Doe", "btn": "+13125550140",
		"account_number": simAccount, "phone_numbers": simNumbers,
		"service_address": map[string]any{"street": "100 Main Street", "city": "Chicago", "region": "IL", "postal_code": "60601", "country": "US"}}
	path := simOrderToApproval(t, c, wrong, csr)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested)
	o := waitStatus(t, c, path, "exception")
	if str(t, o, "exception", "code") != "ENTITY_NAME_MISMATCH" {
		t.Fatalf("exception: %v", o["exception"])
	}
	ref := str(t, o, "carrier", "reference")
	var finding map[string]any
	for _, f := range o["findings"].([]any) {
		if f.(map[string]any)["code"] == "ENTITY_NAME_MISMATCH" {
			finding = f.(map[string]any)
		}
	}
	if finding == nil || finding["field"] != "loa.entity_name" || finding["expected"] != simEntity || finding["got"] != wrong {
		t.Fatalf("the customer is not told exactly what to fix: %v", o["findings"])
	}
	req := c.must(http.StatusOK, "GET", "/v1/port-requests/"+str(t, o, "port_request_id"), cust, nil)
	told := false
	for _, m := range req["messages"].([]any) {
		body := m.(map[string]any)["body"].(string)
		told = told || strings.Contains(body, "The company name: the carrier's record says “"+simEntity+"”")
	}
	if !told {
		t.Errorf("no thread message names the field and the carrier's value: %v", req["messages"])
	}

	// The customer corrects the name, signs again and resubmits.
	c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": simLOA(t, c, simEntity)})
	signLOA(t, c, path)
	c.must(http.StatusOK, "POST", path+"/actions/resubmit", cust, nil)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested)
	o = waitStatus(t, c, path, "foc_confirmed")
	link := o["carrier"].(map[string]any)
	if link["reference"] != ref || link["submissions"].(float64) != 2 {
		t.Fatalf("the fix went as %v, want a supplement (submission 2) under %s", link, ref)
	}
	calls := map[string]int{}
	for _, a := range timeline(t, c, path, "port_order.carrier_submission") {
		calls[a["call"].(string)]++
	}
	if calls["submit"] != 1 || calls["supplement"] != 1 {
		t.Errorf("carrier calls: %v, want one submit and one supplement", calls)
	}
}

// postCallback posts a callback for the carrier entry signed with secret
// and returns the status and body.
func postCallback(t *testing.T, c *client, carrierID, secret string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := protocol.NewRequest(http.MethodPost, c.base+"/v1/carrier-callbacks/"+carrierID, secret, time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// callback is the JSON of a protocol callback.
func callback(t *testing.T, cb protocol.Callback) []byte {
	t.Helper()
	b, err := json.Marshal(cb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCarrierCallbacksDuplicatedAndReordered is acceptance items 3 and 5:
// each callback delivered twice and a pair delivered out of order make one
// transition each, the stale one recorded and ignored; a bad signature, an
// unknown carrier and a malformed body are 4xx and change nothing. The
// simulator answers too late to interfere (an hour), so the test speaks
// for it.
func TestCarrierCallbacksDuplicatedAndReordered(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		secret := newSecret(t)
		sim := startSim(t, "127.0.0.1:0", secret, "--answer-delay", "1h")
		_, c := testServer(t, dbURL, true)
		carrierID := simEntry(t, c, sim.url, secret)
		path := simOrderToApproval(t, c, simEntity, nil)
		c.must(http.StatusOK, "POST", path+"/actions/approve_loa", "pd_sandbox_specialist", attested)
		var o map[string]any
		eventually(t, "the submission reaches the carrier", func() bool {
			o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil)
			l, _ := o["carrier"].(map[string]any)
			return l != nil && l["reference"] != nil
		})
		ref, orderID := str(t, o, "carrier", "reference"), str(t, o, "id")
		windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=1&from="+sandboxNow(t, c).Add(10*24*time.Hour).UTC().Format(time.RFC3339), "pd_sandbox_specialist", nil), "data")
		focAt, err := time.Parse(time.RFC3339, str(t, windows[0], "start"))
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC()
		accepted := callback(t, protocol.Callback{ID: "cb-1", Type: "accepted", Reference: ref, OrderID: orderID, Sequence: 1, OccurredAt: at})
		rejected := callback(t, protocol.Callback{ID: "cb-2", Type: "rejected", Reference: ref, OrderID: orderID, Sequence: 2, OccurredAt: at,
			Rejections: []protocol.Rejection{{Code: "OTHER", Message: "an earlier verdict"}}})
		foc := callback(t, protocol.Callback{ID: "cb-3", Type: "foc", Reference: ref, OrderID: orderID, Sequence: 3, OccurredAt: at, FOCAt: &focAt})

		// Refused callbacks first: nothing changes.
		version := o["version"]
		for name, tc := range map[string]struct {
			carrier, secret string
			body            []byte
			want            int
		}{
			"bad signature":   {carrierID, newSecret(t), foc, http.StatusUnauthorized},
			"unknown carrier": {"car_nobody", secret, foc, http.StatusNotFound},
			"malformed body":  {carrierID, secret, []byte(`{"id": "cb-9", "type": "foc", "reference": 12}`), http.StatusUnprocessableEntity},
			"not JSON":        {carrierID, secret, []byte(`foc please`), http.StatusUnprocessableEntity},
			"unknown type":    {carrierID, secret, callback(t, protocol.Callback{ID: "cb-8", Type: "maybe", Reference: ref, OccurredAt: at}), http.StatusUnprocessableEntity},
		} {
			if got, body := postCallback(t, c, tc.carrier, tc.secret, tc.body); got != tc.want {
				t.Errorf("%s: %d %v, want %d", name, got, body, tc.want)
			}
		}
		if o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil); o["version"] != version || o["status"] != "submitted" {
			t.Fatalf("refused callbacks changed the order: version %v → %v, status %v", version, o["version"], o["status"])
		}

		// Delivered out of order (the FOC before the rejection), each twice.
		for _, step := range []struct {
			body []byte
			want string
		}{
			{accepted, "applied"}, {accepted, "duplicate"},
			{foc, "applied"}, {foc, "duplicate"},
			{rejected, "stale"}, {rejected, "duplicate"},
		} {
			if got, body := postCallback(t, c, carrierID, secret, step.body); got != http.StatusOK || body["outcome"] != step.want {
				t.Fatalf("callback %s: %d %v, want %s", step.body, got, body, step.want)
			}
		}
		o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil)
		if o["status"] != "foc_confirmed" || statusChanges(t, c, path, "foc_confirmed") != 1 || statusChanges(t, c, path, "exception") != 0 {
			t.Fatalf("status %v, transitions to foc_confirmed %d, to exception %d", o["status"], statusChanges(t, c, path, "foc_confirmed"), statusChanges(t, c, path, "exception"))
		}
		outcomes := map[string]string{}
		for _, a := range timeline(t, c, path, "port_order.carrier_answer") {
			outcomes[a["answer_id"].(string)] = a["outcome"].(string)
		}
		if len(outcomes) != 3 || outcomes["cb-1"] != "applied" || outcomes["cb-3"] != "applied" || outcomes["cb-2"] != "stale" {
			t.Fatalf("answers recorded: %v, want cb-1 and cb-3 applied, cb-2 stale, each once", outcomes)
		}
	})
}

// TestCarrierSimFaults runs the simulator with duplicated and reordered
// callbacks (acceptance item 3 with the real process): the order still
// moves once.
func TestCarrierSimFaults(t *testing.T) {
	secret := newSecret(t)
	sim := startSim(t, "127.0.0.1:0", secret, "--fault-duplicate", "--fault-reorder")
	_, c := testServer(t, "", true)
	simEntry(t, c, sim.url, secret)
	path := simOrderToApproval(t, c, simEntity, nil)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", "pd_sandbox_specialist", attested)
	waitStatus(t, c, path, "foc_confirmed")
	eventually(t, "the held-back accepted answer arrives after the FOC and is stale", func() bool {
		for _, a := range timeline(t, c, path, "port_order.carrier_answer") {
			if a["kind"] == "accepted" {
				return a["outcome"] == "stale"
			}
		}
		return false
	})
	if n := statusChanges(t, c, path, "foc_confirmed"); n != 1 {
		t.Fatalf("%d transitions to foc_confirmed, want 1", n)
	}
	if n := len(timeline(t, c, path, "port_order.carrier_answer")); n != 2 {
		t.Fatalf("%d answers recorded, want 2 (duplicates are not recorded again)", n)
	}
}

// TestCarrierDownDuringSubmission is acceptance item 4: the simulator is
// stopped while an order is submitted; the submission is retried, each
// attempt on the timeline, and delivered once when the carrier is back.
func TestCarrierDownDuringSubmission(t *testing.T) {
	secret := newSecret(t)
	addr := freeAddr(t)
	_, c := testServer(t, "", true)
	simEntry(t, c, "http://"+addr, secret)
	// The carrier cannot be asked for the CSR or the current carrier while
	// it is down: the customer's answer (an alias of the entry) routes the
	// order, and the team records the CSR.
	csr := map[string]any{"account_name": simEntity, "authorized_contact": "Jane Doe", "btn": "+13125550140",
		"account_number": simAccount, "phone_numbers": simNumbers,
		"service_address": map[string]any{"street": "100 Main Street", "city": "Chicago", "region": "IL", "postal_code": "60601", "country": "US"}}
	path := simOrderAs(t, c, "simtel communications", simEntity, csr)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", "pd_sandbox_specialist", attested)
	failed := func() int {
		n := 0
		for _, a := range timeline(t, c, path, "port_order.carrier_submission") {
			if a["outcome"] == "failed" && a["retry"] == true {
				n++
			}
		}
		return n
	}
	eventually(t, "two failed attempts on the timeline", func() bool { return failed() >= 2 })
	startSim(t, addr, secret)
	o := waitStatus(t, c, path, "foc_confirmed")
	sent := 0
	for _, a := range timeline(t, c, path, "port_order.carrier_submission") {
		if a["outcome"] == "sent" {
			sent++
		}
	}
	if sent != 1 || failed() < 2 || len(o["attention"].([]any)) != 0 {
		t.Fatalf("sent %d times (want 1), %d failed attempts, attention %v", sent, failed(), o["attention"])
	}
}

// TestCarrierRescheduleAndCancel is acceptance item 8: a reschedule after
// the FOC reaches the simulator as a supplement and its new FOC is
// applied; a cancel after submission reaches it and its confirmation is
// recorded.
func TestCarrierRescheduleAndCancel(t *testing.T) {
	secret := newSecret(t)
	sim := startSim(t, "127.0.0.1:0", secret)
	_, c := testServer(t, "", true)
	simEntry(t, c, sim.url, secret)
	const spec = "pd_sandbox_specialist"
	path := simOrderToApproval(t, c, simEntity, nil)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested)
	o := waitStatus(t, c, path, "foc_confirmed")
	first := str(t, o, "foc_at")

	windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=1&from="+sandboxNow(t, c).Add(30*24*time.Hour).UTC().Format(time.RFC3339), spec, nil), "data")
	asked := str(t, windows[0], "start")
	c.must(http.StatusOK, "POST", path+"/actions/reschedule", spec, map[string]any{"foc_at": asked, "override_reason": "the customer's cut-over moved"})
	eventually(t, "the carrier confirms the new date", func() bool {
		o = c.must(http.StatusOK, "GET", path, spec, nil)
		return o["status"] == "foc_confirmed" && o["foc_at"] != first
	})
	got, _ := time.Parse(time.RFC3339, str(t, o, "foc_at"))
	want, _ := time.Parse(time.RFC3339, asked)
	if !got.Equal(want) || o["carrier"].(map[string]any)["submissions"].(float64) != 2 {
		t.Fatalf("after the reschedule: foc %s (asked %s), carrier %v", got, want, o["carrier"])
	}

	c.must(http.StatusOK, "POST", path+"/actions/cancel", "pd_sandbox_acme", map[string]any{"reason": "we stay with Simtel"})
	eventually(t, "the carrier confirms the cancel", func() bool {
		for _, a := range timeline(t, c, path, "port_order.carrier_answer") {
			if a["kind"] == "cancelled" && a["outcome"] == "applied" {
				return true
			}
		}
		return false
	})
	if n := len(timeline(t, c, path, "port_order.carrier_cancellation")); n != 1 {
		t.Fatalf("%d cancel calls on the timeline, want 1", n)
	}
}

// TestManualGatewayPath is acceptance item 7: an order no route sends to
// a gateway goes the same path with the team's entries, under the same
// rules (an FOC on a Saturday is refused).
func TestManualGatewayPath(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, true)
		const spec = "pd_sandbox_specialist"
		path := submittedOrder(t, c)
		var o map[string]any
		eventually(t, "the manual submission is recorded", func() bool {
			o = c.must(http.StatusOK, "GET", path, spec, nil)
			l, _ := o["carrier"].(map[string]any)
			return l != nil && l["gateway"] == "manual"
		})
		c.must(http.StatusOK, "POST", path+"/carrier-answers", spec, map[string]any{"type": "accepted", "reference": "OT-PORT-1"})
		if o = c.must(http.StatusOK, "GET", path, spec, nil); str(t, o, "carrier", "reference") != "OT-PORT-1" || o["status"] != "submitted" {
			t.Fatalf("after the team recorded the carrier's reference: %v %v", o["status"], o["carrier"])
		}
		now := sandboxNow(t, c)
		saturday := now.AddDate(0, 0, 21)
		for saturday.Weekday() != time.Saturday {
			saturday = saturday.AddDate(0, 0, 1)
		}
		r := c.do("POST", path+"/carrier-answers", spec, map[string]any{"type": "foc", "foc_at": saturday.Format(time.RFC3339)})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a Saturday FOC entered by the team: %d %s", r.Status, r.Body)
		}
		windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=1&from="+now.Add(20*24*time.Hour).UTC().Format(time.RFC3339), spec, nil), "data")
		res := c.must(http.StatusOK, "POST", path+"/carrier-answers", spec, map[string]any{"type": "foc", "foc_at": str(t, windows[0], "start")})
		if res["outcome"] != "applied" || res["status"] != "foc_confirmed" {
			t.Fatalf("the team's FOC entry: %v", res)
		}
		foc, _ := time.Parse(time.RFC3339, str(t, windows[0], "start"))
		advanceTo(t, c, foc)
		waitStatus(t, c, path, "porting")
		res = c.must(http.StatusOK, "POST", path+"/carrier-answers", spec, map[string]any{"type": "activated"})
		if res["outcome"] != "applied" || res["status"] != "ported" {
			t.Fatalf("the team's activation entry: %v", res)
		}
		if r := c.do("POST", path+"/carrier-answers", "pd_sandbox_acme", map[string]any{"type": "activated"}); r.Status != http.StatusForbidden {
			t.Fatalf("a customer entering a carrier answer: %d", r.Status)
		}
	})
}

// TestTwilioGatewayThroughTheDesk is acceptance item 6: orders routed to
// the Twilio gateway against a local Twilio-like server: the port-in is
// created (documents uploaded first), a signed status webhook applies the
// FOC and a forged one is refused, a webhook that never came is made up
// by polling, and a cancel deletes the port-in.
func TestTwilioGatewayThroughTheDesk(t *testing.T) {
	tw := twiliotest.NewServer("AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")
	t.Cleanup(tw.Close)
	m, c := testServerWith(t, "", func(cfg *Config) { cfg.Sandbox = true; cfg.CarrierPollInterval = -1 })
	const spec = "pd_sandbox_specialist"
	entry := c.must(http.StatusCreated, "POST", "/v1/carriers", "pd_sandbox_admin", map[string]any{
		"name": "Twilio", "countries": []string{"US"}, "gateway": "twilio",
		"settings": map[string]any{"base_url": tw.URL, "upload_url": tw.URL, "account_sid": tw.AccountSID,
			"representative_email": "jane@example.com", "legal_name": "Twilio Inc."},
		"secrets": map[string]any{"auth_token": tw.AuthToken},
		"routes":  []map[string]any{{"country": "US", "losing_carrier": "Old Telco"}}})
	if _, leaked := entry["secrets"]; leaked || !strings.Contains(strings.Join(strs(t, entry["secrets_set"]), ","), "auth_token") {
		t.Fatalf("the entry as answered: %v", entry)
	}
	callbackURL := c.base + "/v1/carrier-callbacks/" + str(t, entry, "id")

	submitted := func(path string) string {
		var o map[string]any
		eventually(t, "the port-in is created at Twilio", func() bool {
			o = c.must(http.StatusOK, "GET", path, spec, nil)
			l, _ := o["carrier"].(map[string]any)
			return l != nil && strings.HasPrefix(str(t, l, "reference"), "KW")
		})
		return str(t, o, "carrier", "reference")
	}
	window := func(path string) time.Time {
		ws := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=1&from="+sandboxNow(t, c).Add(20*24*time.Hour).UTC().Format(time.RFC3339), spec, nil), "data")
		at, err := time.Parse(time.RFC3339, str(t, ws[0], "start"))
		if err != nil {
			t.Fatal(err)
		}
		return at
	}

	// Create, then a signed webhook with the port date.
	path := submittedOrder(t, c)
	sid := submitted(path)
	if calls := strings.Join(tw.Calls(), " "); !strings.Contains(calls, "POST /v1/Documents") ||
		strings.Index(calls, "POST /v1/Documents") > strings.Index(calls, "POST /v1/Porting/PortIn") {
		t.Fatalf("Twilio saw %s: documents first, then the port-in", calls)
	}
	foc := window(path)
	if err := tw.SetStatus(sid, "pending", &foc); err != nil {
		t.Fatal(err)
	}
	if code, err := tw.SendForgedWebhook(callbackURL, sid); err != nil || code != http.StatusUnauthorized {
		t.Fatalf("a forged webhook: %d %v, want 401", code, err)
	}
	if o := c.must(http.StatusOK, "GET", path, spec, nil); o["status"] != "submitted" {
		t.Fatalf("a forged webhook moved the order to %v", o["status"])
	}
	if code, err := tw.SendWebhook(callbackURL, sid); err != nil || code != http.StatusOK {
		t.Fatalf("a signed webhook: %d %v", code, err)
	}
	o := waitStatus(t, c, path, "foc_confirmed")
	if got, _ := time.Parse(time.RFC3339, str(t, o, "foc_at")); !got.Equal(foc) {
		t.Fatalf("FOC %v, Twilio's port date %v", got, foc)
	}

	// A second order whose webhook never comes: the poll finds its FOC.
	_, path2 := approvedOrder(t, c, "+12125550177")
	csr2 := maps.Clone(csrBody)
	csr2["phone_numbers"] = []string{"+12125550177"}
	c.must(http.StatusOK, "PATCH", path2, spec, map[string]any{"csr": csr2})
	c.must(http.StatusOK, "PATCH", path2, "pd_sandbox_acme", map[string]any{"loa": pinnedLOABody()})
	for typ, content := range map[string][]byte{"loa_signed": fakePDF("ink"), "invoice": fakePDF("invoice 2")} {
		c.upload("pd_sandbox_acme", strings.TrimPrefix(path2, "/v1/port-orders/"), typ, typ+".pdf", content)
	}
	c.must(http.StatusOK, "POST", path2+"/actions/submit_loa", "pd_sandbox_acme", nil)
	c.must(http.StatusOK, "POST", path2+"/actions/approve_loa", spec, attested)
	sid2 := submitted(path2)
	foc2 := window(path2)
	if err := tw.SetStatus(sid2, "pending", &foc2); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Service.Carriers.PollCarriers(t.Context()); err != nil || n < 1 {
		t.Fatalf("poll: %d answers applied, %v", n, err)
	}
	waitStatus(t, c, path2, "foc_confirmed")

	// Cancel: the port-in is deleted at Twilio.
	c.must(http.StatusOK, "POST", path2+"/actions/cancel", "pd_sandbox_acme", map[string]any{"reason": "not now"})
	eventually(t, "Twilio sees the delete", func() bool {
		return strings.Contains(strings.Join(tw.Calls(), " "), "DELETE /v1/Porting/PortIn/"+sid2)
	})
}

// loaText downloads an order's LOA and returns its text (pdftotext).
func loaText(t *testing.T, c *client, key, path string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdftotext (poppler-utils) not installed; set CI to make this a failure")
		}
		t.Fatalf("pdftotext is required in CI: %v", err)
	}
	_, pdf := c.download(key, path+"/loa.pdf")
	file := filepath.Join(t.TempDir(), "loa.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestLOANamesTheGainingSide: the winning carrier on an LOA is the routed
// provider's legal name, else the operator's (settings), never the
// product's name.
func TestLOANamesTheGainingSide(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) {
		cfg.Sandbox = true
		cfg.OperatorName, cfg.OperatorAddress = "Contoso Contact Centers LLC", "1 Harbor Way, Seattle, WA"
	})
	_, path := approvedOrder(t, c, "+12125550166")
	text := loaText(t, c, "pd_sandbox_acme", path)
	if !strings.Contains(text, "Contoso Contact Centers LLC") || strings.Contains(text, "Winning carrier portdesk") {
		t.Fatalf("LOA without a route names %q", text)
	}
	c.must(http.StatusCreated, "POST", "/v1/carriers", "pd_sandbox_admin", map[string]any{
		"name": "Port Provider", "countries": []string{"US"}, "gateway": "manual",
		"settings": map[string]any{"legal_name": "Port Provider Inc."},
		"routes":   []map[string]any{{"country": "US"}}})
	if text := loaText(t, c, "pd_sandbox_acme", path); !strings.Contains(text, "Port Provider Inc.") || strings.Contains(text, "Contoso") {
		t.Fatalf("LOA of an order routed to a provider names %q", text)
	}
}

// TestCarrierRegistryRules: only admins change the registry and staff
// read it; secrets are never answered; bad entries are 422 naming the
// field; a name another entry is known by is 409.
func TestCarrierRegistryRules(t *testing.T) {
	_, c := testServer(t, "", true)
	secret := newSecret(t)
	good := map[string]any{"name": "Old Telco", "aliases": []string{"Old Telco Inc."}, "countries": []string{"us"}, "gateway": "http",
		"settings": map[string]any{"base_url": "https://port.oldtelco.example/v1"}, "secrets": map[string]any{"signing_secret": secret},
		"routes": []map[string]any{{"country": "US", "losing_carrier": "Old Telco"}}}
	for _, key := range []string{"pd_sandbox_specialist", "pd_sandbox_acme"} {
		if r := c.do("POST", "/v1/carriers", key, good); r.Status != http.StatusForbidden {
			t.Errorf("POST /v1/carriers as %s: %d", key, r.Status)
		}
	}
	if r := c.do("GET", "/v1/carriers", "pd_sandbox_acme", nil); r.Status != http.StatusForbidden {
		t.Errorf("a customer lists the registry: %d", r.Status)
	}
	e := c.must(http.StatusCreated, "POST", "/v1/carriers", "pd_sandbox_admin", good)
	if raw, _ := json.Marshal(e); strings.Contains(string(raw), secret) || strs(t, e["countries"])[0] != "US" {
		t.Fatalf("created entry: %s", raw)
	}
	for name, tc := range map[string]struct {
		patch map[string]any
		field string
	}{
		"unknown gateway":       {map[string]any{"gateway": "carrier-pigeon"}, "body.gateway"},
		"unknown country":       {map[string]any{"countries": []string{"XX"}}, "countries[0]"},
		"route outside":         {map[string]any{"routes": []map[string]any{{"country": "DE"}}}, "routes[0].country"},
		"base_url not http":     {map[string]any{"settings": map[string]any{"base_url": "ftp://x"}}, "settings.base_url"},
		"base_url credentials":  {map[string]any{"settings": map[string]any{"base_url": "https://u:p@x.example"}}, "settings.base_url"},
		"secret not whsec":      {map[string]any{"secrets": map[string]any{"signing_secret": "hunter2!"}}, "secrets.signing_secret"},
		"http without a secret": {map[string]any{"secrets": map[string]any{"signing_secret": ""}}, "secrets.signing_secret"},
		"setting name":          {map[string]any{"settings": map[string]any{"Base URL": "x"}}, "settings"},
	} {
		r := c.do("PATCH", "/v1/carriers/"+str(t, e, "id"), "pd_sandbox_admin", tc.patch)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"body.`+strings.TrimPrefix(tc.field, "body.")+`"`) || strings.Contains(string(r.Body), secret) {
			t.Errorf("%s: %d %s, want 422 naming %s", name, r.Status, r.Body, tc.field)
		}
	}
	dup := map[string]any{"name": "Another", "aliases": []string{"OLD TELCO, INC."}, "countries": []string{"US"}}
	if r := c.do("POST", "/v1/carriers", "pd_sandbox_admin", dup); r.Status != http.StatusConflict {
		t.Errorf("an alias another entry is known by: %d %s", r.Status, r.Body)
	}
	got := c.must(http.StatusOK, "GET", "/v1/carriers/"+str(t, e, "id"), "pd_sandbox_specialist", nil)
	if raw, _ := json.Marshal(got); strings.Contains(string(raw), secret) || got["version"].(float64) != 1 {
		t.Fatalf("the entry after refused changes: %s", raw)
	}
}

// TestCarrierFOCRefusedByTheRules: a carrier's FOC on a day ports cannot
// happen is recorded, not applied, and flags the order for the team, who
// may still accept it with an override reason; the flag then clears.
func TestCarrierFOCRefusedByTheRules(t *testing.T) {
	secret := newSecret(t)
	sim := startSim(t, "127.0.0.1:0", secret, "--answer-delay", "1h")
	_, c := testServer(t, "", true)
	carrierID := simEntry(t, c, sim.url, secret)
	path := simOrderToApproval(t, c, simEntity, nil)
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", "pd_sandbox_specialist", attested)
	var o map[string]any
	eventually(t, "the submission reaches the carrier", func() bool {
		o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil)
		l, _ := o["carrier"].(map[string]any)
		return l != nil && l["reference"] != nil
	})
	saturday := sandboxNow(t, c).AddDate(0, 0, 21)
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDate(0, 0, 1)
	}
	saturday = time.Date(saturday.Year(), saturday.Month(), saturday.Day(), 15, 0, 0, 0, time.UTC)
	cb := callback(t, protocol.Callback{ID: "cb-sat", Type: "foc", Reference: str(t, o, "carrier", "reference"), OrderID: str(t, o, "id"),
		Sequence: 2, OccurredAt: time.Now().UTC(), FOCAt: &saturday})
	if code, body := postCallback(t, c, carrierID, secret, cb); code != http.StatusOK || body["outcome"] != "refused" {
		t.Fatalf("a Saturday FOC from the carrier: %d %v, want refused", code, body)
	}
	o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil)
	att := o["attention"].([]any)
	if o["status"] != "submitted" || len(att) != 1 || att[0].(map[string]any)["code"] != "carrier_answer_not_applied" {
		t.Fatalf("after a refused FOC: status %v, attention %v", o["status"], att)
	}
	c.must(http.StatusOK, "POST", path+"/actions/record_foc", "pd_sandbox_specialist",
		map[string]any{"foc_at": saturday.Format(time.RFC3339), "override_reason": "the carrier ports on Saturdays for this account"})
	if o = c.must(http.StatusOK, "GET", path, "pd_sandbox_specialist", nil); o["status"] != "foc_confirmed" || len(o["attention"].([]any)) != 0 {
		t.Fatalf("after the team accepted the date: status %v, attention %v", o["status"], o["attention"])
	}
}
