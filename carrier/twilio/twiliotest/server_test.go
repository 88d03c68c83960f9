package twiliotest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/carrier/twilio/twiliotest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
)

// do sends a raw request to the fake and decodes its JSON answer.
func do(t *testing.T, srv *twiliotest.Server, method, path, body string, auth bool) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.SetBasicAuth(accountSID, authToken)
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

// checkTwilioError checks the error shape of Twilio's reference.
func checkTwilioError(t *testing.T, status int, body map[string]any, wantStatus int, wantCode float64) {
	t.Helper()
	if status != wantStatus || body["status"] != float64(wantStatus) || body["code"] != wantCode ||
		body["message"] == "" || !strings.HasPrefix(body["more_info"].(string), "https://www.twilio.com/docs/errors/") {
		t.Errorf("answer %d %v, want %d with Twilio's error body (code %v)", status, body, wantStatus, wantCode)
	}
}

func TestFakeChecksBasicAuth(t *testing.T) {
	t.Parallel()
	srv := twiliotest.NewServer(accountSID, authToken)
	defer srv.Close()
	status, body := do(t, srv, http.MethodGet, "/v1/Porting/PortIn/KW0", "", false)
	checkTwilioError(t, status, body, http.StatusUnauthorized, 20003)
}

func TestFakeRefusesIncompleteRequest(t *testing.T) {
	t.Parallel()
	srv := twiliotest.NewServer(accountSID, authToken)
	defer srv.Close()
	body := `{"account_sid":"` + accountSID + `","documents":[],"phone_numbers":[{"phone_number":"+12125550100"}],
		"losing_carrier_information":{"customer_name":"A"}}`
	status, out := do(t, srv, http.MethodPost, "/v1/Porting/PortIn", body, true)
	checkTwilioError(t, status, out, http.StatusBadRequest, 20001)
}

func TestFakeUnknownRequestIsNotFound(t *testing.T) {
	t.Parallel()
	srv := twiliotest.NewServer(accountSID, authToken)
	defer srv.Close()
	status, out := do(t, srv, http.MethodGet, "/v1/Porting/PortIn/KW000000000000000000000000000000ff", "", true)
	checkTwilioError(t, status, out, http.StatusNotFound, 20404)
}

func TestSignIsBase64HMACSHA1OfURL(t *testing.T) {
	t.Parallel()
	// Expected value computed outside Go (Python's hmac module).
	const want = "zYQTYrRWXE7LtzbG4PfP7/bkkGo="
	if got := twiliotest.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2"); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}
