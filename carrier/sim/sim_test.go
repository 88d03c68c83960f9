package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/signature"
)

// newSim starts a simulator behind httptest and returns its URL and secret.
func newSim(t *testing.T) (string, string) {
	t.Helper()
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Config{Secret: secret, AnswerDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return srv.URL, secret
}

// do sends a request signed with secret and returns the status, the
// content type and the body.
func do(t *testing.T, method, url, secret string, body []byte, header map[string]string) (int, string, []byte) {
	t.Helper()
	req, err := protocol.NewRequest(method, url, secret, time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestHandlerRefusals(t *testing.T) {
	t.Parallel()
	url, secret := newSim(t)
	other, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	lookup := []byte(`{"phone_numbers":["+13125550140"]}`)
	tests := []struct {
		name   string
		method string
		path   string
		secret string
		body   []byte
		want   int
	}{
		{"other secret", http.MethodPost, protocol.PathLookups, other, lookup, http.StatusUnauthorized},
		{"malformed JSON", http.MethodPost, protocol.PathLookups, secret, []byte(`{"phone_numbers":`), http.StatusBadRequest},
		{"unknown path", http.MethodPost, "/port-outs", secret, lookup, http.StatusNotFound},
		{"unknown reference", http.MethodGet, "/port-ins/SIM-NOPE", secret, nil, http.StatusNotFound},
		{"body too large", http.MethodPost, protocol.PathLookups, secret, bytes.Repeat([]byte(" "), protocol.MaxBody+1), http.StatusRequestEntityTooLarge},
		{"submission without callback", http.MethodPost, protocol.PathPortIns, secret,
			[]byte(`{"order_id":"po_1","country":"US","submitted_at":"2027-03-01T15:00:00Z"}`), http.StatusUnprocessableEntity},
		{"too many numbers", http.MethodPost, protocol.PathLookups, secret, manyNumbers(t, protocol.MaxLookupNumbers+1), http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, ct, body := do(t, tt.method, url+tt.path, tt.secret, tt.body, nil)
			if status != tt.want {
				t.Fatalf("status = %d, want %d: %s", status, tt.want, body)
			}
			var p protocol.Problem
			if ct != protocol.ProblemContentType || json.Unmarshal(body, &p) != nil || p.Status != tt.want || p.Detail == "" {
				t.Errorf("answer %s %s is not a problem with a detail", ct, body)
			}
		})
	}
}

func TestUnsignedRequestIsRefused(t *testing.T) {
	t.Parallel()
	url, _ := newSim(t)
	resp, err := http.Post(url+protocol.PathLookups, "application/json", strings.NewReader(`{"phone_numbers":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", resp.StatusCode)
	}
}

// manyNumbers is a lookup body of n numbers.
func manyNumbers(t *testing.T, n int) []byte {
	t.Helper()
	numbers := make([]string, n)
	for i := range numbers {
		numbers[i] = "+13125550140"
	}
	b, err := json.Marshal(protocol.LookupRequest{PhoneNumbers: numbers})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIdempotencyKeyReplaysTheAnswer(t *testing.T) {
	t.Parallel()
	url, secret := newSim(t)
	body := []byte(`{"order_id":"po_idem","country":"US","submitted_at":"2027-03-01T15:00:00Z",
		"callback_url":"http://127.0.0.1:9/cb","phone_numbers":["+13125550140"],"loa":{"account_number":"7700123401"}}`)
	refs := map[string]bool{}
	for _, key := range []string{"po_idem-0", "po_idem-0", "po_idem-1"} {
		status, _, b := do(t, http.MethodPost, url+protocol.PathPortIns, secret, body, map[string]string{protocol.HeaderIdempotencyKey: key})
		var rc protocol.Receipt
		if status != http.StatusAccepted || json.Unmarshal(b, &rc) != nil || rc.Reference == "" {
			t.Fatalf("key %s: %d %s", key, status, b)
		}
		refs[rc.Reference] = true
	}
	if len(refs) != 2 {
		t.Errorf("%d references for two keys, want 2", len(refs))
	}
}

func TestNewRefusesBadSecrets(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"", "not-a-secret", "whsec_!!"} {
		if _, err := sim.New(sim.Config{Secret: secret}); err == nil {
			t.Errorf("New with secret %q: no error", secret)
		}
	}
}

func TestDemoRecords(t *testing.T) {
	t.Parallel()
	recs := sim.DemoRecords()
	carriers := map[string]int{}
	var acme *sim.Record
	for i, r := range recs {
		carriers[r.Carrier]++
		if r.AccountName == "Acme Support Ltd" {
			acme = &recs[i]
		}
		for _, n := range append([]string{r.BTN}, r.PhoneNumbers...) {
			num, err := phonenumbers.Parse(n, "")
			if err != nil || !phonenumbers.IsValidNumber(num) || phonenumbers.GetRegionCodeForNumber(num) != "US" {
				t.Errorf("%s: %s is not a valid US number (%v)", r.AccountName, n, err)
			}
			if !strings.HasPrefix(n[5:], "5550") || n[8] != '0' || n[9] != '1' {
				t.Errorf("%s: %s is outside the fictional 555-01xx range", r.AccountName, n)
			}
		}
	}
	if carriers["Simtel"] < 3 || len(carriers) < 2 {
		t.Errorf("carriers = %v, want ≥ 3 Simtel accounts and another carrier", carriers)
	}
	if acme == nil || acme.PIN != "4321" || acme.AuthorizedContact != "Jane Doe" || len(acme.PhoneNumbers) != 3 ||
		acme.ServiceAddress.City != "Chicago" {
		t.Errorf("Acme record = %+v", acme)
	}
}

func TestLoadRecords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `[{"account_number":"1","account_name":"A","phone_numbers":["+13125550190"]}]`)
	recs, err := sim.LoadRecords(good)
	if err != nil || len(recs) != 1 || recs[0].AccountName != "A" {
		t.Fatalf("LoadRecords = %+v, %v", recs, err)
	}
	for name, content := range map[string]string{
		"broken.json":    `[{`,
		"noaccount.json": `[{"phone_numbers":["+13125550190"]}]`,
		"twice.json":     `[{"account_number":"1","phone_numbers":["+1"]},{"account_number":"1","phone_numbers":["+1"]}]`,
		"nonumber.json":  `[{"account_number":"1"}]`,
	} {
		if _, err := sim.LoadRecords(write(name, content)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := sim.LoadRecords(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestDemoRecordsAreDocumented keeps the Simulator section of
// docs/carrier-protocol.md in step with demo-csrs.json.
func TestDemoRecordsAreDocumented(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/carrier-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Demo records")
	if !ok {
		t.Fatal("no Demo records section")
	}
	for _, r := range sim.DemoRecords() {
		if !strings.Contains(section, "`"+r.AccountNumber+"` "+r.AccountName) || !strings.Contains(section, r.Carrier) {
			t.Errorf("account %s %s (%s) is not documented", r.AccountNumber, r.AccountName, r.Carrier)
		}
		if r.PIN != "" && !strings.Contains(section, "`"+r.PIN+"`") {
			t.Errorf("the PIN of account %s is not documented", r.AccountNumber)
		}
	}
}
