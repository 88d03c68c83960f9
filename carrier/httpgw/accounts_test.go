package httpgw_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portdesk/portdesk/carrier/httpgw"
	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

func TestLookupCarriers(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	got, err := b.gw.LookupCarriers(t.Context(), []string{"+13125550140", "+16175550171", "+13125550199"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"+13125550140": "Simtel", "+16175550171": "Northwind Mobile"}
	if !maps.Equal(got, want) {
		t.Errorf("carriers = %v, want %v", got, want)
	}
}

func TestLookupCarriersBatches(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	var calls atomic.Int32
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Redirect(w, r, b.url+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(counting.Close)
	gw := httpgw.New(httpgw.Config{BaseURL: counting.URL, Secret: b.secret})
	numbers := make([]string, protocol.MaxLookupNumbers+1)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("+1999%07d", i)
	}
	numbers[len(numbers)-1] = "+13125550141"
	got, err := gw.LookupCarriers(t.Context(), numbers)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2 batches", calls.Load())
	}
	if len(got) != 1 || got["+13125550141"] != "Simtel" {
		t.Errorf("carriers = %v, want the one number of the second batch", got)
	}
}

func TestFetchCSR(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tests := []struct {
		name      string
		q         porting.CSRQuery
		wantCode  string
		wantField string
	}{
		{"with the PIN", porting.CSRQuery{AccountNumber: "7700123401", PIN: "4321"}, "", ""},
		{"account without a PIN", porting.CSRQuery{AccountNumber: "7700555502"}, "", ""},
		{"by number", porting.CSRQuery{PhoneNumber: "+16175550151"}, "", ""},
		{"wrong PIN", porting.CSRQuery{AccountNumber: "7700123401", PIN: "1234"}, porting.EINVALID, "pin"},
		{"no PIN", porting.CSRQuery{AccountNumber: "7700123401"}, porting.EINVALID, "pin"},
		{"unknown account", porting.CSRQuery{AccountNumber: "404404"}, porting.ENOTFOUND, "account_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			csr, err := b.gw.FetchCSR(t.Context(), tt.q)
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
				if e, ok := err.(*porting.Error); !ok || e.Field != tt.wantField {
					t.Errorf("error %v: want field %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if csr.Source != "carrier" || csr.AccountNumber == "" || len(csr.PhoneNumbers) == 0 || csr.AccountName == "" {
				t.Errorf("CSR = %+v", csr)
			}
		})
	}
	csr, err := b.gw.FetchCSR(t.Context(), porting.CSRQuery{AccountNumber: "7700123401", PIN: "4321"})
	if err != nil {
		t.Fatal(err)
	}
	if csr.AccountName != "Acme Support Ltd" || csr.AuthorizedContact != "Jane Doe" || csr.BTN != "+13125550140" ||
		csr.ServiceAddress.PostalCode != "60601" || len(csr.PhoneNumbers) != 3 {
		t.Errorf("Acme CSR = %+v", csr)
	}
	if strings.Contains(fmt.Sprintf("%+v", csr), "4321") {
		t.Error("the CSR carries the PIN")
	}
}

func TestActivateAndCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.acmeSubmission("po_act")
	s.LOA.EntityName = "Acme"
	ref := b.mustSubmit(t, s)
	ticket := porting.CarrierTicket{OrderID: s.OrderID, Reference: ref}
	wantSequence(t, b.desk.Wait(t, 2, waitFor), ref, protocol.TypeAccepted, protocol.TypeRejected)
	err := b.gw.Activate(t.Context(), ticket)
	wantCode(t, err, porting.EINVALID)
	if !strings.Contains(err.Error(), "no FOC") {
		t.Errorf("error %q does not say there is no FOC", err)
	}

	s.Reference, s.Supplement, s.LOA.EntityName = ref, 1, "Acme Support Ltd"
	if _, err := b.gw.Supplement(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	b.desk.Wait(t, 4, waitFor)
	// The same idempotency key as the refused activation: refusals are not
	// replayed.
	if err := b.gw.Activate(t.Context(), ticket); err != nil {
		t.Fatalf("Activate after the FOC: %v", err)
	}
	if err := b.gw.Activate(t.Context(), ticket); err != nil {
		t.Fatalf("repeated Activate: %v", err)
	}
	got := b.desk.Wait(t, 5, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected, protocol.TypeAccepted, protocol.TypeFOC, protocol.TypeActivated)
	wantCode(t, b.gw.Cancel(t.Context(), ticket), porting.EINVALID)

	other := b.mustSubmit(t, b.brightsideSubmission("po_cancel"))
	cancel := porting.CarrierTicket{OrderID: "po_cancel", Reference: other, Reason: "customer changed their mind"}
	if err := b.gw.Cancel(t.Context(), cancel); err != nil {
		t.Fatal(err)
	}
	var cancelled bool
	for _, cb := range b.desk.Wait(t, 8, waitFor) {
		if cb.Reference == other && cb.Type == protocol.TypeCancelled && cb.Message == cancel.Reason {
			cancelled = true
		}
	}
	if !cancelled {
		t.Error("no cancelled callback with the reason")
	}
	wantCode(t, b.gw.Cancel(t.Context(), porting.CarrierTicket{OrderID: "po_other", Reference: other}), porting.EINVALID)
}

func TestKind(t *testing.T) {
	if k := httpgw.New(httpgw.Config{}).Kind(); k != porting.GatewayHTTP {
		t.Errorf("Kind = %s", k)
	}
}
