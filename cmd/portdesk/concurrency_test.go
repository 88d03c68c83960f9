package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestCustomerCSRNeedsConfirmation is issue 8 item 7: a customer may
// propose CSR data when none is on file, but the LOA cannot be approved
// against it until the porting team confirms it came from the carrier.
func TestCustomerCSRNeedsConfirmation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
		id, path := approvedOrder(t, c, "+12125550123", "+12015550123")
		o := c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"csr": csrBody, "loa": pinnedLOABody()})
		if countCode(o, "CSR_UNVERIFIED") != 1 || str(t, o, "csr", "source") != "customer" {
			t.Fatalf("a customer's CSR is not flagged: %v", o["findings"])
		}
		for _, typ := range []string{"loa_signed", "invoice"} {
			if r := c.upload(cust, id, typ, typ+".pdf", fakePDF(typ)); r.Status != http.StatusCreated {
				t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
			}
		}
		c.must(http.StatusOK, "POST", path+"/actions/submit_loa", cust, nil)
		r := c.do("POST", path+"/actions/approve_loa", spec, attested)
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "CSR_UNVERIFIED") {
			t.Fatalf("approve_loa against a customer's CSR: %d %s", r.Status, r.Body)
		}
		if r := c.do("PATCH", path, cust, map[string]any{"confirm_csr": true}); r.Status != http.StatusForbidden {
			t.Fatalf("a customer confirmed their own CSR: %d %s", r.Status, r.Body)
		}
		o = c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"confirm_csr": true})
		if countCode(o, "CSR_UNVERIFIED") != 0 || str(t, o, "csr", "confirmed_by") == "" {
			t.Fatalf("after staff confirmed: %v / %v", o["findings"], o["csr"])
		}
		if got := str(t, c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested), "status"); got != "submitted" {
			t.Fatalf("approve_loa after confirmation: %s", got)
		}
	})
}

// TestIfMatchRefusesStaleWrites is issue 8 item 14: an order's ETag is its
// version; a write with a stale If-Match is refused with 412, and of 20
// concurrent LOA PATCHes from the same version exactly one wins — none
// silently overwrites another.
func TestIfMatchRefusesStaleWrites(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", "+12125550144"))
		path := "/v1/port-orders/" + str(t, req, "port_orders", 0, "id")
		c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
		get, err := http.NewRequest("GET", c.base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		get.Header.Set("Authorization", "Bearer "+cust)
		resp, err := http.DefaultClient.Do(get)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		etag := resp.Header.Get("ETag")
		if _, err := strconv.Atoi(strings.Trim(etag, `"`)); err != nil {
			t.Fatalf("ETag %q is not the order's version", etag)
		}
		const n = 20
		status := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				loa := pinnedLOABody()
				loa["entity_name"] = "Editor " + strconv.Itoa(i)
				b, _ := json.Marshal(map[string]any{"loa": loa})
				r, _ := http.NewRequest("PATCH", c.base+path, bytes.NewReader(b))
				r.Header.Set("Authorization", "Bearer "+cust)
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("If-Match", etag)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					return
				}
				resp.Body.Close()
				status[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		won := 0
		for i, s := range status {
			switch s {
			case http.StatusOK:
				won++
			case http.StatusPreconditionFailed:
			default:
				t.Errorf("PATCH %d answered %d, want 200 or 412", i, s)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent PATCHes from one version won, want exactly 1: %v", won, n, status)
		}
		stale := c.doWithHeader("POST", path+"/actions/cancel", cust, map[string]any{"reason": "x"}, "If-Match", etag)
		if stale.Status != http.StatusPreconditionFailed || !strings.HasPrefix(stale.ContentType, "application/problem+json") {
			t.Fatalf("cancel with a stale If-Match: %d %s", stale.Status, stale.Body)
		}
	})
}
