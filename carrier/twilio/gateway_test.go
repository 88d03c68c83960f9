package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/twilio"
	"github.com/portdesk/portdesk/carrier/twilio/twiliotest"
	"github.com/portdesk/portdesk/porting"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
)

// fixedNow is the tests' clock.
var fixedNow = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)

// testBundle is what a test works with: the fake Twilio, the server of the
// documents' links, and a gateway wired to both.
type testBundle struct {
	srv  *twiliotest.Server
	docs *httptest.Server
	gw   *twilio.Gateway
}

// documentBytes are served at every document link.
var documentBytes = []byte("%PDF-1.4 a utility bill")

// setup starts the fake and a gateway with the right credentials.
func setup(t *testing.T) *testBundle {
	t.Helper()
	srv := twiliotest.NewServer(accountSID, authToken)
	srv.Now = func() time.Time { return fixedNow }
	t.Cleanup(srv.Close)
	docs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("document link fetched with credentials")
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(documentBytes)
	}))
	t.Cleanup(docs.Close)
	return &testBundle{srv: srv, docs: docs, gw: mustGateway(t, srv, authToken)}
}

// mustGateway returns a gateway to srv authenticating with token.
func mustGateway(tb testing.TB, srv *twiliotest.Server, token string) *twilio.Gateway {
	tb.Helper()
	gw, err := twilio.New(twilio.Config{
		AccountSID: accountSID, AuthToken: token, BaseURL: srv.URL, UploadURL: srv.URL,
		RepresentativeEmail: "porting@desk.example", NotificationEmails: []string{"ops@desk.example"},
		Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return gw
}

// submission returns an order of two numbers with an invoice and a signed
// LOA, asking for a port at 09:00 Eastern on 15 December 2026.
func (b *testBundle) submission() *porting.CarrierSubmission {
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	return &porting.CarrierSubmission{
		OrderID: "po_1", Country: "US", LosingCarrier: "Acme Tel",
		PhoneNumbers: []string{"+12125550100", "+12125550101"},
		LOA: porting.LOAData{
			EntityName:       "Widget Corp",
			ServiceAddress:   porting.Address{Street: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"},
			AuthorizedPerson: porting.LOAPerson{Name: "Ann Lee", Title: "CTO"},
			AccountNumber:    "ACCT-77", PIN: "4321", BTN: "+12125550100",
		},
		RequestedFOCAt: &foc,
		SubmittedAt:    fixedNow,
		Documents: []porting.CarrierDocument{
			{ID: "doc_loa", Kind: string(porting.DocLOASigned), Filename: "loa.pdf", URL: b.docs.URL + "/loa"},
			{ID: "doc_bill", Kind: string(porting.DocInvoice), Filename: "bill.pdf", URL: b.docs.URL + "/bill"},
		},
	}
}

// mustSubmit submits the standard order and returns its reference.
func (b *testBundle) mustSubmit(t *testing.T) string {
	t.Helper()
	rec, err := b.gw.Submit(context.Background(), b.submission())
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return rec.Reference
}

func TestSubmitCreatesPortInRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, err := b.gw.Submit(context.Background(), b.submission())
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if len(rec.Reference) != 34 || !strings.HasPrefix(rec.Reference, "KW") {
		t.Errorf("reference = %q, want a KW SID of 34 characters", rec.Reference)
	}
	if len(rec.Answers) != 1 || rec.Answers[0].Kind != porting.AnswerAccepted || rec.Answers[0].OrderID != "po_1" {
		t.Errorf("receipt answers = %+v, want one accepted answer of po_1", rec.Answers)
	}
	wantCalls := []string{"POST /v1/Documents", "POST /v1/Porting/PortIn"}
	if got := b.srv.Calls(); !slices.Equal(got, wantCalls) {
		t.Errorf("calls = %v, want %v (the bill uploaded first, the LOA not at all)", got, wantCalls)
	}
	docs := b.srv.Documents()
	if len(docs) != 1 || string(docs[0].Content) != string(documentBytes) || docs[0].DocumentType != "utility_bill" || docs[0].Filename != "bill.pdf" {
		t.Fatalf("documents = %+v, want the invoice as a utility bill", docs)
	}
	req, ok := b.srv.Request(rec.Reference)
	if !ok {
		t.Fatalf("the fake holds no request %s", rec.Reference)
	}
	got := req.Body
	want := twiliotest.CreateRequest{
		AccountSID:   accountSID,
		Documents:    []string{docs[0].SID},
		PhoneNumbers: []twiliotest.CreatePhoneNumber{{PhoneNumber: "+12125550100", PIN: "4321"}, {PhoneNumber: "+12125550101", PIN: "4321"}},
		LosingCarrierInformation: twiliotest.LosingCarrier{
			CustomerName: "Widget Corp", CustomerType: "Business", AccountNumber: "ACCT-77",
			AccountTelephoneNumber: "+12125550100", AuthorizedRepresentative: "Ann Lee",
			AuthorizedRepresentativeEmail: "porting@desk.example",
			Address:                       twiliotest.Address{Street: "1 Main St", City: "New York", State: "NY", Zip: "10001", Country: "US"},
		},
		NotificationEmails:         []string{"ops@desk.example"},
		TargetPortInDate:           "2026-12-15",
		TargetPortInTimeRangeStart: "09:00:00-05:00",
		TargetPortInTimeRangeEnd:   "11:00:00-05:00",
	}
	if !equalCreate(got, want) {
		t.Errorf("port-in body\n got %+v\nwant %+v", got, want)
	}
}

// equalCreate compares two create bodies field by field.
func equalCreate(a, b twiliotest.CreateRequest) bool {
	return a.AccountSID == b.AccountSID && slices.Equal(a.Documents, b.Documents) &&
		slices.Equal(a.PhoneNumbers, b.PhoneNumbers) && a.LosingCarrierInformation == b.LosingCarrierInformation &&
		slices.Equal(a.NotificationEmails, b.NotificationEmails) && a.TargetPortInDate == b.TargetPortInDate &&
		a.TargetPortInTimeRangeStart == b.TargetPortInTimeRangeStart && a.TargetPortInTimeRangeEnd == b.TargetPortInTimeRangeEnd
}

func TestSubmitLateFOCWindowEndsAtMidnight(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.submission()
	late := time.Date(2026, 7, 2, 3, 30, 0, 0, time.UTC) // 23:30 EDT on 1 July
	s.RequestedFOCAt = &late
	rec, err := b.gw.Submit(context.Background(), s)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	req, _ := b.srv.Request(rec.Reference)
	got := [3]string{req.Body.TargetPortInDate, req.Body.TargetPortInTimeRangeStart, req.Body.TargetPortInTimeRangeEnd}
	want := [3]string{"2026-07-01", "23:30:00-04:00", "23:59:59-04:00"}
	if got != want {
		t.Errorf("target window = %v, want %v", got, want)
	}
}

func TestSubmitWithoutBillIsRefusedBeforeTwilio(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.submission()
	s.Documents = s.Documents[:1] // the signed LOA only
	_, err := b.gw.Submit(context.Background(), s)
	if code := porting.ErrorCode(err); code != porting.EINVALID {
		t.Fatalf("Submit error = %v (code %q), want %q", err, code, porting.EINVALID)
	}
	if calls := b.srv.Calls(); len(calls) != 0 {
		t.Errorf("calls = %v, want none", calls)
	}
}

func TestSubmitRefusedByTwilioIsInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.submission()
	s.LOA.ServiceAddress.City = "" // Twilio requires the address
	_, err := b.gw.Submit(context.Background(), s)
	if code := porting.ErrorCode(err); code != porting.EINVALID {
		t.Fatalf("Submit error = %v (code %q), want %q", err, code, porting.EINVALID)
	}
	if !strings.Contains(porting.ErrorMessage(err), "address") {
		t.Errorf("message %q does not carry Twilio's reason", porting.ErrorMessage(err))
	}
}

func TestCancelDeletesRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.mustSubmit(t)
	if err := b.gw.Cancel(context.Background(), porting.CarrierTicket{OrderID: "po_1", Reference: sid}); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if calls := b.srv.Calls(); !slices.Contains(calls, "DELETE /v1/Porting/PortIn/"+sid) {
		t.Errorf("calls = %v, want a DELETE of %s", calls, sid)
	}
	answers, err := b.gw.Status(context.Background(), porting.CarrierTicket{OrderID: "po_1", Reference: sid})
	if err != nil || len(answers) != 1 || answers[0].Kind != porting.AnswerCancelled {
		t.Errorf("Status after cancel = %+v, %v; want one cancelled answer", answers, err)
	}
}

func TestCancelUnknownIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.gw.Cancel(context.Background(), porting.CarrierTicket{Reference: "KW000000000000000000000000000000ff"})
	if code := porting.ErrorCode(err); code != porting.ENOTFOUND {
		t.Errorf("Cancel error = %v (code %q), want %q", err, code, porting.ENOTFOUND)
	}
}

func TestSupplementCancelsAndRecreates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.mustSubmit(t)
	s := b.submission()
	s.Reference, s.Supplement = old, 1
	s.LOA.EntityName = "Widget Corporation"
	rec, err := b.gw.Supplement(context.Background(), s)
	if err != nil {
		t.Fatalf("Supplement: %v", err)
	}
	if rec.Reference == old || rec.Reference == "" {
		t.Fatalf("supplement reference = %q, want a new SID (old %s)", rec.Reference, old)
	}
	oldReq, _ := b.srv.Request(old)
	newReq, _ := b.srv.Request(rec.Reference)
	if oldReq.Status != "canceled" || newReq.Body.LosingCarrierInformation.CustomerName != "Widget Corporation" {
		t.Errorf("old status %q, new customer %q; want canceled and the corrected name",
			oldReq.Status, newReq.Body.LosingCarrierInformation.CustomerName)
	}
}

func TestSupplementRetryAfterCancelOnlyCreates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.mustSubmit(t)
	s := b.submission()
	s.Reference, s.Supplement = old, 1
	b.srv.FailCall("POST /v1/Documents", http.StatusServiceUnavailable) // the old request is cancelled, then the upload fails
	_, err := b.gw.Supplement(context.Background(), s)
	if porting.ErrorCode(err) != porting.EUNAVAILABLE {
		t.Fatalf("first Supplement error = %v, want %q", err, porting.EUNAVAILABLE)
	}
	rec, err := b.gw.Supplement(context.Background(), s)
	if err != nil || rec.Reference == old {
		t.Fatalf("retried Supplement = %+v, %v; want a new request", rec, err)
	}
}

func TestSupplementOfCompletedPortIsInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.mustSubmit(t)
	if err := b.srv.SetStatus(old, "completed", nil); err != nil {
		t.Fatal(err)
	}
	s := b.submission()
	s.Reference, s.Supplement = old, 1
	if _, err := b.gw.Supplement(context.Background(), s); porting.ErrorCode(err) != porting.EINVALID {
		t.Errorf("Supplement error = %v, want %q", err, porting.EINVALID)
	}
}

func TestWrongCredentialsAreUnauthorized(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.mustSubmit(t)
	wrong := mustGateway(t, b.srv, "ffffffffffffffffffffffffffffffff")
	if _, err := wrong.Submit(context.Background(), b.submission()); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
		t.Errorf("Submit error = %v, want %q", err, porting.EUNAUTHORIZED)
	}
	if _, err := wrong.Status(context.Background(), porting.CarrierTicket{Reference: sid}); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
		t.Errorf("Status error = %v, want %q", err, porting.EUNAUTHORIZED)
	}
}

func TestTwilioOutageIsUnavailable(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		b := setup(t)
		sid := b.mustSubmit(t)
		b.srv.FailNext(1, status)
		if _, err := b.gw.Status(context.Background(), porting.CarrierTicket{Reference: sid}); porting.ErrorCode(err) != porting.EUNAVAILABLE {
			t.Errorf("HTTP %d: Status error = %v, want %q", status, err, porting.EUNAVAILABLE)
		}
		b.srv.FailNext(2, status) // the upload, then the create
		if _, err := b.gw.Submit(context.Background(), b.submission()); porting.ErrorCode(err) != porting.EUNAVAILABLE {
			t.Errorf("HTTP %d: Submit error = %v, want %q", status, err, porting.EUNAVAILABLE)
		}
	}
}

func TestUnreachableTwilioIsUnavailable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.Close()
	_, err := b.gw.Status(context.Background(), porting.CarrierTicket{Reference: "KW0123"})
	if porting.ErrorCode(err) != porting.EUNAVAILABLE {
		t.Errorf("Status error = %v, want %q", err, porting.EUNAVAILABLE)
	}
}

func TestUnsupportedCalls(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.gw.LookupCarriers(context.Background(), []string{"+12125550100"}); !errors.Is(err, porting.ErrGatewayUnsupported) {
		t.Errorf("LookupCarriers error = %v, want ErrGatewayUnsupported", err)
	}
	if _, err := b.gw.FetchCSR(context.Background(), porting.CSRQuery{}); !errors.Is(err, porting.ErrGatewayUnsupported) {
		t.Errorf("FetchCSR error = %v, want ErrGatewayUnsupported", err)
	}
	if err := b.gw.Activate(context.Background(), porting.CarrierTicket{Reference: "KW1"}); err != nil {
		t.Errorf("Activate = %v, want nil (Twilio activates on the port date)", err)
	}
	if b.gw.Kind() != porting.GatewayTwilio {
		t.Errorf("Kind = %q", b.gw.Kind())
	}
}

func TestNewRequiresSettings(t *testing.T) {
	t.Parallel()
	tests := map[string]twilio.Config{
		"no account":  {AuthToken: authToken, RepresentativeEmail: "a@b.example"},
		"no secret":   {AccountSID: accountSID, RepresentativeEmail: "a@b.example"},
		"no email":    {AccountSID: accountSID, AuthToken: authToken},
		"bad base":    {AccountSID: accountSID, AuthToken: authToken, RepresentativeEmail: "a@b.example", BaseURL: "ftp://x"},
		"half apikey": {AccountSID: accountSID, APIKeySID: "SK1", RepresentativeEmail: "a@b.example"},
	}
	for name, cfg := range tests {
		if _, err := twilio.New(cfg); porting.ErrorCode(err) != porting.EINVALID {
			t.Errorf("%s: New error = %v, want %q", name, err, porting.EINVALID)
		}
	}
}

func TestCallsHonourContext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.mustSubmit(t)
	before := len(b.srv.Calls())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// twilio-go builds requests without a context; the gateway's
	// transport binds the caller's.
	_, err := b.gw.Status(ctx, porting.CarrierTicket{Reference: sid})
	if porting.ErrorCode(err) != porting.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
		t.Errorf("Status with a cancelled context = %v, want %q wrapping context.Canceled", err, porting.EUNAVAILABLE)
	}
	if after := len(b.srv.Calls()); after != before {
		t.Errorf("%d calls reached Twilio after the context ended", after-before)
	}
}
