package httpgw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/httpgw"
	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/carrier/sim/simtest"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/signature"
)

// answerDelay is the simulator's delay in these tests; waits derive from it.
const answerDelay = 30 * time.Millisecond

// waitFor bounds every wait for callbacks.
const waitFor = 5 * time.Second

// submittedAt is the desk's (sandbox) clock at submission: Monday 1 March
// 2027, 15:00 UTC, far from the wall clock on purpose.
var submittedAt = time.Date(2027, 3, 1, 15, 0, 0, 0, time.UTC)

// testBundle is a gateway wired to a simulator and a desk's callback
// endpoint.
type testBundle struct {
	gw     *httpgw.Gateway
	sim    *sim.Sim
	desk   *simtest.Desk
	url    string
	secret string
}

// setup starts a simulator (changed by mod) behind httptest, a desk, and a
// gateway to the simulator.
func setup(t *testing.T, mod func(*sim.Config)) *testBundle {
	t.Helper()
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.Config{Secret: secret, AnswerDelay: answerDelay, CallbackBackoff: 10 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &testBundle{
		gw:     httpgw.New(httpgw.Config{BaseURL: srv.URL, Secret: secret, Client: &http.Client{Timeout: 2 * time.Second}}),
		sim:    s,
		desk:   simtest.NewDesk(t, secret),
		url:    srv.URL,
		secret: secret,
	}
}

// acmeSubmission is a submission that matches the demo account of Acme
// Support Ltd in full.
func (b *testBundle) acmeSubmission(orderID string) *porting.CarrierSubmission {
	return &porting.CarrierSubmission{
		OrderID: orderID, Country: "US", LosingCarrier: "Simtel", NumberKind: porting.KindDID,
		PhoneNumbers: []string{"+13125550140", "+13125550141", "+13125550142"},
		LOA: porting.LOAData{
			EntityName:       "Acme Support Ltd",
			ServiceAddress:   porting.Address{Street: "100 Main Street", City: "Chicago", Region: "IL", PostalCode: "60601", Country: "US"},
			AuthorizedPerson: porting.LOAPerson{Name: "Jane Doe", Title: "Operations Manager"},
			AccountNumber:    "7700123401", PIN: "4321", BTN: "+13125550140",
		},
		SubmittedAt: submittedAt,
		Winning:     porting.WinningParty{Name: "Portdesk Sandbox"},
		CallbackURL: b.desk.CallbackURL("car_sim"),
	}
}

// brightsideSubmission matches the demo account of Brightside Dental LLC
// (no PIN, two numbers).
func (b *testBundle) brightsideSubmission(orderID string) *porting.CarrierSubmission {
	return &porting.CarrierSubmission{
		OrderID: orderID, Country: "US", LosingCarrier: "Simtel", NumberKind: porting.KindDID,
		PhoneNumbers: []string{"+16175550150", "+16175550151"},
		LOA: porting.LOAData{
			EntityName:       "Brightside Dental LLC",
			ServiceAddress:   porting.Address{Street: "25 Harbor Road", City: "Boston", Region: "MA", PostalCode: "02110", Country: "US"},
			AuthorizedPerson: porting.LOAPerson{Name: "Omar Haddad"},
			AccountNumber:    "7700555502", BTN: "+16175550150",
		},
		SubmittedAt: submittedAt,
		CallbackURL: b.desk.CallbackURL("car_sim"),
	}
}

// mustSubmit submits s and returns the carrier's reference.
func (b *testBundle) mustSubmit(t *testing.T, s *porting.CarrierSubmission) string {
	t.Helper()
	rc, err := b.gw.Submit(t.Context(), s)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if rc.Reference == "" {
		t.Fatal("Submit: no reference")
	}
	return rc.Reference
}

// wantCode fails unless err carries the domain code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := porting.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// utc parses an RFC 3339 time.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
