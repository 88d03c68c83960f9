package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// upload posts a multipart document and returns the answer.
func (c *client) upload(key, orderID, docType, filename string, content []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if docType != "" {
		_ = mw.WriteField("type", docType)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/v1/port-orders/"+orderID+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: buf.Bytes()}
}

// fakePDF is a small file that sniffs as PDF, carrying a marker to look for.
func fakePDF(marker string) []byte {
	return []byte("%PDF-1.4\n% " + marker + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

var csrBody = map[string]any{
	"account_name":       "ACME, Inc.",
	"service_address":    map[string]any{"street": "100 Main St", "city": "New York", "region": "NY", "postal_code": "10001", "country": "US"},
	"authorized_contact": "Jane Roe",
	"btn":                "+12125550123",
	"account_number":     "ACC-1",
	"phone_numbers":      []string{"+12125550123", "+12015550123"},
}

func loaBody(entity, postal string) map[string]any {
	return map[string]any{
		"entity_name":       entity,
		"service_address":   map[string]any{"street": "100 Main St", "city": "New York", "region": "NY", "postal_code": postal, "country": "US"},
		"authorized_person": map[string]any{"name": "Jane Roe", "title": "CTO"},
		"account_number":    "ACC-1",
		"btn":               "+12125550123",
		"signed_on":         testNow().UTC().Format(time.DateOnly), // the date in UTC, as a client there writes it
	}
}

// TestLOAFindingsEndToEnd is the LOA issue's acceptance item 3: an LOA
// that differs from the CSR in company punctuation and postal code yields
// findings naming both fields; once fixed, approve_loa succeeds.
func TestLOAFindingsEndToEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Acme", "premium")
		spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123", "+12015550123"))
		id := str(t, req, "port_orders", 0, "id")
		orderPath := "/v1/port-orders/" + id
		c.must(http.StatusOK, "POST", orderPath+"/actions/approve", spec, nil)

		// Submitting with nothing filled is refused with what is missing.
		r := c.do("POST", orderPath+"/actions/submit_loa", cust, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "MISSING_DOCUMENT") {
			t.Fatalf("empty submit_loa: %d %s", r.Status, r.Body)
		}
		c.must(http.StatusOK, "PATCH", orderPath, spec, map[string]any{"csr": csrBody})
		c.must(http.StatusOK, "PATCH", orderPath, cust, map[string]any{"loa": loaBody("Acme Inc", "10002"), "pin": "97531"})
		// The customer cannot make the LOA match by rewriting the team's CSR.
		forged := map[string]any{}
		for k, v := range csrBody {
			forged[k] = v
		}
		forged["account_name"] = "Acme Inc"
		if r := c.do("PATCH", orderPath, cust, map[string]any{"csr": forged}); r.Status != http.StatusConflict {
			t.Fatalf("customer replaced the staff CSR: %d %s", r.Status, r.Body)
		}
		for _, typ := range []string{"loa_signed", "invoice"} {
			if r := c.upload(cust, id, typ, typ+".pdf", fakePDF("doc "+typ)); r.Status != http.StatusCreated {
				t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
			}
		}
		o := c.must(http.StatusOK, "POST", orderPath+"/actions/submit_loa", cust, nil)
		if str(t, o, "status") != "loa_review" {
			t.Fatalf("status %s after submit_loa", str(t, o, "status"))
		}
		found := map[string]map[string]any{}
		for _, f := range list(t, c.must(http.StatusOK, "GET", orderPath+"/findings", cust, nil), "data") {
			found[str(t, f, "code")] = f.(map[string]any)
		}
		for code, want := range map[string][3]string{
			"ENTITY_NAME_MISMATCH": {"entity_name", "ACME, Inc.", "Acme Inc"},
			"POSTAL_CODE_MISMATCH": {"service_address.postal_code", "10001", "10002"},
		} {
			f := found[code]
			if f == nil || f["field"] != want[0] || f["expected"] != want[1] || f["got"] != want[2] {
				t.Errorf("finding %s = %v, want field %s expected %q got %q", code, f, want[0], want[1], want[2])
			}
		}
		if h, _ := found["ENTITY_NAME_MISMATCH"]["hint"].(string); !strings.Contains(h, "case and punctuation") {
			t.Errorf("entity hint %q does not say case and punctuation", h)
		}
		r = c.do("POST", orderPath+"/actions/approve_loa", spec, map[string]any{"attestation": map[string]any{"wet_signature": true, "legible": true}})
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "POSTAL_CODE_MISMATCH") {
			t.Fatalf("approve_loa with findings: %d %s", r.Status, r.Body)
		}
		c.must(http.StatusOK, "POST", orderPath+"/actions/return_loa", spec, map[string]any{"message": "Please match your bill."})
		thread := c.must(http.StatusOK, "GET", "/v1/port-requests/"+str(t, req, "id"), cust, nil)
		msgs := list(t, thread, "messages")
		if len(msgs) == 0 || !strings.Contains(str(t, msgs[len(msgs)-1], "body"), "POSTAL_CODE_MISMATCH") {
			t.Fatalf("return_loa message does not list the findings: %v", msgs)
		}

		c.must(http.StatusOK, "PATCH", orderPath, cust, map[string]any{"loa": loaBody("ACME, Inc.", "10001")})
		c.must(http.StatusOK, "POST", orderPath+"/actions/submit_loa", cust, nil)
		// The attestation of the first signed LOA does not carry over to this one.
		if r := c.do("POST", orderPath+"/actions/approve_loa", spec, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "ATTESTATION_PENDING") {
			t.Fatalf("approve_loa without a fresh attestation: %d %s", r.Status, r.Body)
		}
		o = c.must(http.StatusOK, "POST", orderPath+"/actions/approve_loa", spec, map[string]any{"attestation": map[string]any{"signature": "wet", "legible": true}})
		if str(t, o, "status") != "submitted" {
			t.Fatalf("status %s after approve_loa", str(t, o, "status"))
		}
		if o["loa"].(map[string]any)["pin_set"] != true {
			t.Errorf("pin_set is not true: %v", o["loa"])
		}
		tl := c.do("GET", orderPath+"/timeline?limit=1000", spec, nil)
		if strings.Contains(string(tl.Body), "97531") || strings.Contains(string(c.do("GET", orderPath, spec, nil).Body), "97531") {
			t.Fatal("the PIN appears in the order or its timeline")
		}
		if !strings.Contains(string(tl.Body), "port_order.loa_checked") {
			t.Error("the findings are not in the timeline")
		}
	})
}

// TestDocumentUploads is the LOA issue's acceptance item 4.
func TestDocumentUploads(t *testing.T) {
	m, c := testServer(t, "", false)
	_, keyA, instA := setupCustomer(t, c, "Alpha", "premium")
	_, keyB, _ := setupCustomer(t, c, "Beta", "premium")
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", keyA, premiumRequest(instA, "+12125550123"))
	id := str(t, req, "port_orders", 0, "id")

	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 100)...)
	tests := []struct {
		name, typ, filename string
		content             []byte
		want                int
	}{
		{"executable renamed pdf", "loa_signed", "loa.pdf", elf, http.StatusUnprocessableEntity},
		{"empty file", "loa_signed", "loa.pdf", nil, http.StatusUnprocessableEntity},
		{"over the limit", "invoice", "big.pdf", append(fakePDF("big"), make([]byte, 10<<20)...), http.StatusRequestEntityTooLarge},
		{"unknown type", "selfie", "me.pdf", fakePDF("x"), http.StatusUnprocessableEntity},
		{"missing type", "", "me.pdf", fakePDF("x"), http.StatusUnprocessableEntity},
		{"spreadsheet as invoice", "invoice", "n.csv", []byte("number\n+12125550123\n"), http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		r := c.upload(keyA, id, tt.typ, tt.filename, tt.content)
		if r.Status != tt.want || !strings.HasPrefix(r.ContentType, "application/problem+json") {
			t.Errorf("%s: %d %s %s, want %d problem", tt.name, r.Status, r.ContentType, truncate(r.Body), tt.want)
		}
	}
	if n := len(list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/documents", keyA, nil), "data")); n != 0 {
		t.Fatalf("%d documents stored after refused uploads", n)
	}

	marker := fmt.Sprintf("plaintext-marker-%d", time.Now().UnixNano())
	r := c.upload(keyA, id, "invoice", "bill.pdf", fakePDF(marker))
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	docID := str(t, r.JSON(t), "id")
	got := c.do("GET", "/v1/port-orders/"+id+"/documents/"+docID, keyA, nil)
	if got.Status != http.StatusOK || !bytes.Equal(got.Body, fakePDF(marker)) || got.ContentType != "application/pdf" {
		t.Fatalf("download: %d %s", got.Status, got.ContentType)
	}
	if r := c.do("GET", "/v1/port-orders/"+id+"/documents/"+docID, keyB, nil); r.Status != http.StatusNotFound {
		t.Errorf("B downloads A's document: %d", r.Status)
	}
	if r := c.upload(keyB, id, "invoice", "bill.pdf", fakePDF("b")); r.Status != http.StatusNotFound {
		t.Errorf("B uploads to A's order: %d", r.Status)
	}
	if ok, _ := os.Stat(filepath.Join(m.Config.DataDir, "secret.key")); ok == nil {
		t.Error("no secret.key was generated in the data dir")
	}
	files, _ := filepath.Glob(filepath.Join(m.Config.DataDir, "portdesk.db*"))
	if len(files) == 0 {
		t.Fatal("no database files found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the document's plaintext", filepath.Base(f))
		}
	}
	tl := c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/timeline", keyA, nil)
	var types []string
	for _, e := range list(t, tl, "data") {
		types = append(types, str(t, e, "type"))
	}
	if !strings.Contains(strings.Join(types, ","), "document.uploaded") || !strings.Contains(strings.Join(types, ","), "document.downloaded") {
		t.Errorf("timeline lacks upload/download events: %v", types)
	}
}
