package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Tests of issue 8 (security hardening), each through the public API.

const (
	sandboxCustomer   = "pd_sandbox_acme"
	sandboxSpecialist = "pd_sandbox_specialist"
	sandboxAdmin      = "pd_sandbox_admin"
)

// sandboxOrder files a one-number request in the sandbox and returns its
// order's ID.
func sandboxOrder(t *testing.T, c *client, number string) string {
	t.Helper()
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", sandboxCustomer, premiumRequest("inst_demo_acme", number))
	return str(t, req, "port_orders", 0, "id")
}

// wantProblem fails unless r is a problem+json answer of status want that
// names location (when location is not empty).
func wantProblem(t *testing.T, what string, r response, want int, location string) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, want, truncate(r.Body))
		return
	}
	if !strings.HasPrefix(r.ContentType, "application/problem+json") {
		t.Errorf("%s: content type %q, want application/problem+json: %s", what, r.ContentType, truncate(r.Body))
	}
	if location != "" && !strings.Contains(string(r.Body), `"location":"`+location+`"`) {
		t.Errorf("%s: problem does not name %s: %s", what, location, truncate(r.Body))
	}
}

// TestFOCWindowsFromIsBounded is issue 8 items 1 and 5: a listing far
// ahead is refused at once on the from parameter (year 9999 used to panic
// in JSON encoding, year 2500 to walk every day for 17 s), and the furthest
// allowed listing of 100 windows answers quickly.
func TestFOCWindowsFromIsBounded(t *testing.T) {
	_, c := testServer(t, "", true)
	id := sandboxOrder(t, c, "+12125550123")
	path := "/v1/port-orders/" + id + "/foc-windows"
	for _, from := range []string{"9999-12-31T23:59:59Z", "9999-12-31T21:30:00-08:00", "2500-01-01T00:00:00Z", "1000-01-01T00:00:00Z"} {
		start := time.Now()
		r := c.do("GET", path+"?count=100&from="+from, sandboxCustomer, nil)
		wantProblem(t, "from="+from, r, http.StatusUnprocessableEntity, "query.from")
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("from=%s took %v", from, d)
		}
	}
	from := time.Now().UTC().AddDate(1, 11, 0).Format(time.RFC3339)
	start := time.Now()
	got := list(t, c.must(http.StatusOK, "GET", path+"?count=100&from="+from, sandboxCustomer, nil), "data")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("100 windows 23 months ahead took %v", d)
	}
	if len(got) != 100 {
		t.Fatalf("%d windows 23 months ahead, want 100", len(got))
	}
	if first := str(t, got[0], "start"); first < from {
		t.Errorf("first window %s is before from %s", first, from)
	}
}

// TestExtremeTimesRefused is issue 8 item 5: a time outside the range
// portdesk accepts is a field error wherever it enters.
func TestExtremeTimesRefused(t *testing.T) {
	_, c := testServer(t, "", true)
	id := sandboxOrder(t, c, "+12125550124")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", sandboxSpecialist, nil) // the LOA is editable
	tests := []struct {
		name, method, path, key string
		body                    any
		location                string
	}{
		{"requested date year 9999", "PATCH", "/v1/port-orders/" + id, sandboxCustomer,
			map[string]any{"requested_foc_at": "9999-12-31T21:30:00-08:00"}, "body.requested_foc_at"},
		{"record_foc year 9999", "POST", "/v1/port-orders/" + id + "/actions/record_foc", sandboxSpecialist,
			map[string]any{"foc_at": "9999-12-31T23:59:59-23:59"}, "body.foc_at"},
		{"clock advanced past 2100", "POST", "/v1/sandbox/clock", sandboxAdmin,
			map[string]any{"advance": "2000000h"}, "body.advance"},
		{"signed on in year 1", "PATCH", "/v1/port-orders/" + id, sandboxCustomer,
			map[string]any{"loa": signedOn("0001-01-01T00:00:00Z")}, "body.loa.signed_on"},
	}
	for _, tt := range tests {
		wantProblem(t, tt.name, c.do(tt.method, tt.path, tt.key, tt.body), http.StatusUnprocessableEntity, tt.location)
	}
	clock := c.must(http.StatusOK, "GET", "/v1/sandbox/clock", sandboxAdmin, nil)
	if now := str(t, clock, "now"); now > "2100" {
		t.Errorf("the sandbox clock moved to %s", now)
	}
}

func signedOn(at string) map[string]any {
	loa := loaBody("Acme", "10001")
	loa["signed_on"] = at
	return loa
}

// TestCaseVariantDuplicateKeysRefused is issue 8 item 4: a body that sends
// a key twice, in any case, is refused before validation and decoding can
// see different values; the same bodies with one key each pass.
func TestCaseVariantDuplicateKeysRefused(t *testing.T) {
	_, c := testServer(t, "", true)
	long := "https://b.example/" + strings.Repeat("a", 5000)
	tests := []struct {
		name, path, body string
	}{
		{"webhook url", "/v1/webhook-endpoints", `{"url":"https://a.example/","URL":"` + long + `","event_types":["port_order.updated"]}`},
		{"exact duplicate", "/v1/webhook-endpoints", `{"url":"https://a.example/","url":"` + long + `"}`},
		{"nested in a list", "/v1/port-requests", `{"instance_id":"inst_demo_acme","severity":"normal","subject":"s","description":"d",` +
			`"authorized_contact":{"name":"J","email":"j@example.com","Name":"` + strings.Repeat("x", 50000) + `"},` +
			`"contact_preferences":{"language":"en","methods":["email"]},"phone_numbers":["+12125550125"]}`},
		{"intake carrier", "/v1/port-requests", `{"instance_id":"inst_demo_acme","severity":"normal","subject":"s","description":"d",` +
			`"current_carrier":"Old Telco","Current_Carrier":"` + strings.Repeat("x", 100000) + `",` +
			`"authorized_contact":{"name":"J","email":"j@example.com"},"contact_preferences":{"language":"en","methods":["email"]},"phone_numbers":["+12125550125"]}`},
		{"kelvin sign folds to k", "/v1/webhook-endpoints", `{"url":"https://a.example/","event_types":["port_order.updated"],"event_types":[],"\u212aey":1}`},
	}
	for _, tt := range tests {
		r := c.do("POST", tt.path, sandboxCustomer, tt.body)
		wantProblem(t, tt.name, r, http.StatusBadRequest, "body")
		if !strings.Contains(string(r.Body), "duplicate key") {
			t.Errorf("%s: the problem does not say why: %s", tt.name, truncate(r.Body))
		}
		if strings.Contains(string(r.Body), "aaaaaaaaaa") || strings.Contains(string(r.Body), "xxxxxxxxxx") {
			t.Errorf("%s: the problem echoes the body", tt.name)
		}
	}
	orders := list(t, c.must(http.StatusOK, "GET", "/v1/port-orders", sandboxCustomer, nil), "data")
	for _, o := range orders {
		if n := len(str(t, o, "losing_carrier")); n > 200 {
			t.Errorf("an order was stored with a losing carrier of %d characters", n)
		}
	}
	c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", sandboxCustomer, `{"url":"https://a.example/","event_types":["port_order.updated"]}`)
}

// TestProblemsDoNotEchoSecrets is issue 8 item 9: neither a refused PIN nor
// a malformed body holding one comes back in the problem.
func TestProblemsDoNotEchoSecrets(t *testing.T) {
	_, c := testServer(t, "", true)
	id := sandboxOrder(t, c, "+12125550126")
	pin := "PIN-" + strings.Repeat("7", 70)
	for name, body := range map[string]any{
		"pin too long":   map[string]any{"pin": pin},
		"pin of a type":  `{"pin": ["` + pin + `"]}`,
		"malformed body": `{"pin": "` + pin + `", `,
	} {
		r := c.do("PATCH", "/v1/port-orders/"+id, sandboxCustomer, body)
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 or 422: %s", name, r.Status, truncate(r.Body))
		}
		if strings.Contains(string(r.Body), "7777777") {
			t.Errorf("%s: the problem echoes the PIN: %s", name, truncate(r.Body))
		}
	}
}

// rawDo sends a request without following redirects and without any
// cleaning of the path.
func rawDo(t *testing.T, c *client, method, path, auth, body string) response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path // sent as is
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: b}
}

// TestRouterAnswersAreProblems is issue 8 item 13: what the router answers
// itself is problem+json, an empty body is a field error, and the Bearer
// scheme is matched whatever its case.
func TestRouterAnswersAreProblems(t *testing.T) {
	_, c := testServer(t, "", true)
	id := sandboxOrder(t, c, "+12125550127")
	bearer := "Bearer " + sandboxCustomer
	tests := []struct {
		name, method, path string
		want               int
	}{
		{"unknown method", "DELETE", "/v1/port-requests", http.StatusMethodNotAllowed},
		{"unknown path", "GET", "/v1/nothing-here", http.StatusNotFound},
		{"dot dot", "GET", "/v1/port-orders/" + id + "/../" + id, http.StatusNotFound},
		{"escaped slash", "GET", "/v1/port-orders/" + id + "%2Ftimeline", http.StatusNotFound},
		{"empty id", "GET", "/v1/port-orders//timeline", http.StatusNotFound},
		{"empty id at the end", "GET", "/v1/port-orders/", http.StatusNotFound},
	}
	for _, tt := range tests {
		r := rawDo(t, c, tt.method, tt.path, bearer, "")
		wantProblem(t, tt.name, r, tt.want, "")
	}
	// Outside /v1 the web console answers: a signed-out visitor goes to
	// its sign-in page whatever the path.
	if r := rawDo(t, c, "GET", "/nothing-here", bearer, ""); r.Status != http.StatusSeeOther {
		t.Errorf("outside the API: %d, want the console's redirect to sign-in", r.Status)
	}
	r := rawDo(t, c, "POST", "/v1/webhook-endpoints", bearer, "")
	wantProblem(t, "empty body", r, http.StatusBadRequest, "body")
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		if r := rawDo(t, c, "GET", "/v1/port-orders/"+id, scheme+" "+sandboxCustomer, ""); r.Status != http.StatusOK {
			t.Errorf("scheme %q: status %d, want 200: %s", scheme, r.Status, truncate(r.Body))
		}
	}
	wantProblem(t, "another scheme", rawDo(t, c, "GET", "/v1/port-orders/"+id, "Basic "+sandboxCustomer, ""), http.StatusUnauthorized, "")
}

// TestCSRTakesTheSchemaLimit is issue 8 item 16: a CSR listing the
// 100,000 numbers its schema allows fits the body limit of the PATCH.
func TestCSRTakesTheSchemaLimit(t *testing.T) {
	_, c := testServer(t, "", true)
	id := sandboxOrder(t, c, "+12125550128")
	nums := make([]string, 100_000)
	for i := range nums {
		nums[i] = fmt.Sprintf("+1212%07d", 2_000_000+i) // exchanges 200–209: valid numbers, as the CSR check wants
	}
	csr := map[string]any{"account_name": "ACME, Inc.", "btn": "+12125550128", "account_number": "123", "authorized_contact": "Jane Roe",
		"service_address": map[string]any{"street": "1 Main St", "city": "New York", "postal_code": "10001", "country": "US"},
		"phone_numbers":   nums}
	r := c.do("PATCH", "/v1/port-orders/"+id, sandboxSpecialist, map[string]any{"csr": csr})
	if r.Status != http.StatusOK {
		t.Fatalf("CSR of 100,000 numbers: status %d, want 200: %s", r.Status, truncate(r.Body))
	}
	nums = append(nums, "+12125550129")
	csr["phone_numbers"] = nums
	wantProblem(t, "CSR of 100,001 numbers", c.do("PATCH", "/v1/port-orders/"+id, sandboxSpecialist, map[string]any{"csr": csr}),
		http.StatusUnprocessableEntity, "body.csr.phone_numbers")
}
