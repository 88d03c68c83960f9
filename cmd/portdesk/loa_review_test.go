package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// loaReviewOrder files an order for csrBody's two numbers, fills its CSR
// and LOA, uploads signedLOA and an invoice, and submits the LOA: the
// order is in loa_review. It returns the order's path. The LOA is dated two
// days ago, so no result depends on the hour the test runs.
func loaReviewOrder(t *testing.T, c *client, spec, cust, inst string, signedLOA func(orderID string) []byte) string {
	t.Helper()
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123", "+12015550123"))
	id := str(t, req, "port_orders", 0, "id")
	path := "/v1/port-orders/" + id
	c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
	c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": csrBody})
	c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": pinnedLOABody()})
	for typ, content := range map[string][]byte{"loa_signed": signedLOA(id), "invoice": fakePDF("invoice")} {
		if r := c.upload(cust, id, typ, typ+".pdf", content); r.Status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
		}
	}
	c.must(http.StatusOK, "POST", path+"/actions/submit_loa", cust, nil)
	return path
}

// pinnedLOABody is an LOA that matches csrBody, signed two days ago.
func pinnedLOABody() map[string]any {
	b := loaBody("ACME, Inc.", "10001")
	b["signed_on"] = testNow().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	return b
}

// findingsByCode returns the order's findings now, by code.
func findingsByCode(t *testing.T, c *client, key, path string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, f := range list(t, c.must(http.StatusOK, "GET", path+"/findings", key, nil), "data") {
		m := f.(map[string]any)
		out[m["code"].(string)] = append(out[m["code"].(string)], m)
	}
	return out
}

// TestLOAAttestationPending is issue 7 item 5: before staff attest, the
// signed LOA is pending, not badly signed; the team records the kind of
// signature it saw, and the timeline says it.
func TestLOAAttestationPending(t *testing.T) {
	_, c := testServer(t, "", false)
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
	path := loaReviewOrder(t, c, spec, cust, inst, func(string) []byte { return fakePDF("scan of the signed LOA") })

	found := findingsByCode(t, c, spec, path)
	if len(found["SIGNATURE_NOT_WET"]) > 0 || len(found["ILLEGIBLE"]) > 0 {
		t.Errorf("an LOA waiting for review is reported badly signed: %v", found)
	}
	if p := found["ATTESTATION_PENDING"]; len(p) != 1 || p[0]["severity"] != "pending" {
		t.Errorf("ATTESTATION_PENDING = %v, want one pending finding", p)
	}
	for code, fs := range found {
		for _, f := range fs {
			if f["severity"] == "blocking" {
				t.Errorf("blocking finding %s on a clean LOA waiting for review: %v", code, f)
			}
		}
	}
	if r := c.do("POST", path+"/actions/approve_loa", spec, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "ATTESTATION_PENDING") {
		t.Fatalf("approve_loa before attesting: %d %s", r.Status, r.Body)
	}

	// Refused inputs: an unknown kind, and the deprecated boolean contradicting the kind.
	for _, body := range []map[string]any{
		{"signature": "stamped", "legible": true},
		{"signature": "wet", "wet_signature": false},
	} {
		if r := c.do("PATCH", path, spec, map[string]any{"attestation": body}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("attestation %v: %d %s, want 422", body, r.Status, r.Body)
		}
	}

	o := c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"attestation": map[string]any{"signature": "printed", "legible": true}})
	if a := o["attestation"].(map[string]any); a["signature"] != "printed" || a["wet_signature"] != false {
		t.Errorf("attestation = %v, want signature printed (wet_signature false)", a)
	}
	nw := findingsByCode(t, c, spec, path)["SIGNATURE_NOT_WET"]
	if len(nw) != 1 || nw[0]["got"] != "printed" || nw[0]["expected"] != "wet" || nw[0]["severity"] != "blocking" {
		t.Errorf("SIGNATURE_NOT_WET = %v, want blocking, expected wet, got printed", nw)
	}
	if r := c.do("POST", path+"/actions/approve_loa", spec, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "SIGNATURE_NOT_WET") {
		t.Fatalf("approve_loa with a printed signature: %d %s", r.Status, r.Body)
	}
	if tl := c.do("GET", path+"/timeline?limit=1000", spec, nil); !strings.Contains(string(tl.Body), `"signature":"printed"`) {
		t.Errorf("the timeline does not say the signature was printed")
	}

	o = c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, map[string]any{"attestation": map[string]any{"signature": "wet"}})
	if str(t, o, "status") != "submitted" {
		t.Fatalf("status %s after approve_loa", str(t, o, "status"))
	}
}

// TestLOANotSigned is issue 7 item 5: the generated, unsigned loa.pdf
// uploaded as the signed LOA is a blocking LOA_NOT_SIGNED finding.
func TestLOANotSigned(t *testing.T) {
	_, c := testServer(t, "", false)
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
	var generated []byte
	path := loaReviewOrder(t, c, spec, cust, inst, func(id string) []byte {
		r := c.do("GET", "/v1/port-orders/"+id+"/loa.pdf", cust, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("loa.pdf: %d", r.Status)
		}
		generated = r.Body
		return generated
	})
	ns := findingsByCode(t, c, spec, path)["LOA_NOT_SIGNED"]
	if len(ns) != 1 || ns[0]["severity"] != "blocking" || ns[0]["field"] != "documents.loa_signed" {
		t.Fatalf("LOA_NOT_SIGNED = %v, want one blocking finding on documents.loa_signed", ns)
	}
	wet := map[string]any{"attestation": map[string]any{"signature": "wet", "legible": true}}
	if r := c.do("POST", path+"/actions/approve_loa", spec, wet); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "LOA_NOT_SIGNED") {
		t.Fatalf("approve_loa of the unsigned file: %d %s", r.Status, r.Body)
	}

	// A later download of the same letter renders other bytes (a new
	// stamp) and is remembered too; the signed scan is neither.
	id := path[len("/v1/port-orders/"):]
	again := c.do("GET", path+"/loa.pdf", spec, nil).Body
	if r := c.upload(cust, id, "loa_signed", "again.pdf", again); r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	if ns := findingsByCode(t, c, spec, path)["LOA_NOT_SIGNED"]; len(ns) != 1 {
		t.Errorf("a second generated copy uploaded as signed: LOA_NOT_SIGNED = %v", ns)
	}
	signed := append(append([]byte{}, generated...), []byte("% signature of Jane Roe\n")...)
	if r := c.upload(cust, id, "loa_signed", "signed.pdf", signed); r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	if ns := findingsByCode(t, c, spec, path)["LOA_NOT_SIGNED"]; len(ns) != 0 {
		t.Errorf("a signed LOA is reported not signed: %v", ns)
	}
	if o := c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, wet); str(t, o, "status") != "submitted" {
		t.Fatalf("status %s after approve_loa", str(t, o, "status"))
	}
}

// TestCSRNumbersReadLikeIntake is issue 7 item 6: CSR and LOA numbers are
// read with the intake's parser in the order's country, so a CSR written
// as on a bill matches the order, and an unparseable number is refused
// with the field that holds it.
func TestCSRNumbersReadLikeIntake(t *testing.T) {
	_, c := testServer(t, "", false)
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123", "+12015550123"))
	path := "/v1/port-orders/" + str(t, req, "port_orders", 0, "id")
	c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)

	csr := map[string]any{}
	for k, v := range csrBody {
		csr[k] = v
	}
	csr["btn"] = "(212) 555-0123"
	csr["phone_numbers"] = []string{"(212) 555-0123", "201.555.0123", "+1 212 555 0100", "call me"}
	r := c.do("PATCH", path, spec, map[string]any{"csr": csr})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "csr.phone_numbers[3]") {
		t.Fatalf("CSR with an unparseable number: %d %s, want 422 naming csr.phone_numbers[3]", r.Status, r.Body)
	}
	csr["phone_numbers"] = []string{"(212) 555-0123", "201.555.0123", "+1 212 555 0100"}
	o := c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": csr})
	got := o["csr"].(map[string]any)
	if got["btn"] != "+12125550123" || strings.Join(strs(t, got["phone_numbers"]), ",") != "+12125550123,+12015550123,+12125550100" {
		t.Errorf("stored CSR numbers = %v %v, want E.164", got["btn"], got["phone_numbers"])
	}

	loa := pinnedLOABody()
	loa["btn"] = "212-555-0123"
	loa["partial_port"] = map[string]any{"remaining_numbers": []string{"(212) 555-0100"}, "remaining_action": "keep", "new_btn": "not a number"}
	r = c.do("PATCH", path, cust, map[string]any{"loa": loa})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "loa.partial_port.new_btn") {
		t.Fatalf("LOA with an unparseable new BTN: %d %s, want 422 naming loa.partial_port.new_btn", r.Status, r.Body)
	}
	loa["partial_port"] = map[string]any{"remaining_numbers": []string{"(212) 555-0100"}, "remaining_action": "keep", "new_btn": "212 555 0100"}
	o = c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": loa})
	l, pp := o["loa"].(map[string]any), o["loa"].(map[string]any)["partial_port"].(map[string]any)
	if l["btn"] != "+12125550123" || strings.Join(strs(t, pp["remaining_numbers"]), ",") != "+12125550100" || pp["new_btn"] != "+12125550100" {
		t.Errorf("stored LOA numbers = %v %v, want E.164", l["btn"], pp)
	}
	for code := range findingsByCode(t, c, cust, path) {
		if code == "PHONE_NUMBER_MISMATCH" || code == "BTN_ATN_MISMATCH" || code == "PARTIAL_PORT_BTN" {
			t.Errorf("finding %s on numbers that only differ in how they are written", code)
		}
	}
}

// TestPartialPortChecked is issue 7 item 11: the numbers that stay must be
// the CSR's numbers minus the ported ones, and a new BTN one of them.
func TestPartialPortChecked(t *testing.T) {
	_, c := testServer(t, "", false)
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12065550100"))
	path := "/v1/port-orders/" + str(t, req, "port_orders", 0, "id")
	c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
	csr := map[string]any{}
	for k, v := range csrBody {
		csr[k] = v
	}
	// The account: the ported BTN and two numbers that stay.
	csr["btn"], csr["phone_numbers"] = "+12065550100", []string{"+12065550100", "+12065550101", "+12065550102"}
	c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": csr})

	loa := pinnedLOABody()
	loa["btn"] = "+12065550100"
	// The example: the "remaining" number is the one being ported
	// and the new BTN is not on the account at all.
	loa["partial_port"] = map[string]any{"remaining_numbers": []string{"+12065550100"}, "remaining_action": "keep", "new_btn": "+12065550199"}
	c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": loa})
	var got []string
	for _, f := range findingsByCode(t, c, cust, path)["PARTIAL_PORT_BTN"] {
		got = append(got, f["field"].(string)+" "+str(t, f, "expected")+" / "+str(t, f, "got"))
	}
	want := []string{
		"partial_port.remaining_numbers a number that stays on the account / +12065550100",
		"partial_port.remaining_numbers +12065550101 / ",
		"partial_port.remaining_numbers +12065550102 / ",
		"partial_port.new_btn a number that stays on the account / +12065550199",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("PARTIAL_PORT_BTN findings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	loa["partial_port"] = map[string]any{"remaining_numbers": []string{"+12065550102", "+12065550101"}, "remaining_action": "keep", "new_btn": "+12065550101"}
	c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": loa})
	if fs := findingsByCode(t, c, cust, path)["PARTIAL_PORT_BTN"]; len(fs) != 0 {
		t.Errorf("a partial port that adds up has findings: %v", fs)
	}
}

// strs reads a JSON array of strings.
func strs(t *testing.T, v any) []string {
	t.Helper()
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
