package httpgw_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/httpgw"
	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/porting"
)

func TestFirst503IsUnavailableThenTheRetryGoesThrough(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sim.Config) { c.Faults.Fail5xxFirst = 2 })
	s := b.acmeSubmission("po_503")
	for i := range 2 {
		_, err := b.gw.Submit(t.Context(), s)
		wantCode(t, err, porting.EUNAVAILABLE)
		if !strings.Contains(err.Error(), "did not answer") {
			t.Errorf("attempt %d: error %q does not say the carrier did not answer", i+1, err)
		}
	}
	ref := b.mustSubmit(t, s)
	wantSequence(t, b.desk.Wait(t, 2, waitFor), ref, protocol.TypeAccepted, protocol.TypeFOC)
	// Other kinds of calls count apart: the first two lookups fail too.
	_, err := b.gw.LookupCarriers(t.Context(), []string{"+13125550140"})
	wantCode(t, err, porting.EUNAVAILABLE)
}

func TestUnavailableCarriers(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	slow := setup(t, func(c *sim.Config) { c.Faults.SlowAnswers = time.Second })
	tests := []struct {
		name string
		gw   *httpgw.Gateway
	}{
		{"nobody listening", httpgw.New(httpgw.Config{BaseURL: closed.URL, Secret: slow.secret})},
		{"timeout", httpgw.New(httpgw.Config{BaseURL: slow.url, Secret: slow.secret, Client: &http.Client{Timeout: 50 * time.Millisecond}})},
		{"500", httpgw.New(httpgw.Config{BaseURL: serve(t, http.StatusInternalServerError, "text/plain", "boom"), Secret: slow.secret})},
		{"429", httpgw.New(httpgw.Config{BaseURL: serve(t, http.StatusTooManyRequests, protocol.ProblemContentType, `{"title":"Too Many Requests","status":429}`), Secret: slow.secret})},
		{"not JSON", httpgw.New(httpgw.Config{BaseURL: serve(t, http.StatusAccepted, "text/html", "<html>hello</html>"), Secret: slow.secret})},
		{"JSON not the receipt", httpgw.New(httpgw.Config{BaseURL: serve(t, http.StatusAccepted, "application/json", `{"ref": 1}`), Secret: slow.secret})},
		{"body too large", httpgw.New(httpgw.Config{BaseURL: serve(t, http.StatusAccepted, "application/json", `"`+strings.Repeat("x", protocol.MaxBody)+`"`), Secret: slow.secret})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.gw.Submit(t.Context(), slow.acmeSubmission("po_down"))
			wantCode(t, err, porting.EUNAVAILABLE)
		})
	}
}

// serve starts a server that answers every call with status, content type
// and body.
func serve(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRefusalsAreInvalidWithTheCarriersDetail(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	other := setup(t, nil) // another secret: the simulator refuses the signature
	wrongSecret := httpgw.New(httpgw.Config{BaseURL: b.url, Secret: other.secret})
	_, err := wrongSecret.Submit(t.Context(), b.acmeSubmission("po_forged"))
	wantCode(t, err, porting.EINVALID)
	if !strings.Contains(err.Error(), "signature") {
		t.Errorf("error %q does not name the signature", err)
	}

	s := b.acmeSubmission("po_nocb")
	s.CallbackURL = "not a url"
	_, err = b.gw.Submit(t.Context(), s)
	wantCode(t, err, porting.EINVALID)
	var pe *porting.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "callback_url") {
		t.Errorf("message of %v does not carry the carrier's detail", err)
	}
}

func TestDuplicateFaultSendsEveryCallbackTwice(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sim.Config) { c.Faults.DuplicateCallbacks = true })
	ref := b.mustSubmit(t, b.acmeSubmission("po_dup"))
	got := b.desk.Wait(t, 4, waitFor)
	want := []string{protocol.TypeAccepted, protocol.TypeAccepted, protocol.TypeFOC, protocol.TypeFOC}
	for i, cb := range got {
		if cb.Type != want[i] || cb.Reference != ref {
			t.Errorf("callback %d = %s about %s, want %s", i, cb.Type, cb.Reference, want[i])
		}
	}
	if got[0].ID != got[1].ID || got[2].ID != got[3].ID || got[0].ID == got[2].ID {
		t.Errorf("IDs %s %s %s %s: want each answer's ID twice", got[0].ID, got[1].ID, got[2].ID, got[3].ID)
	}
}

func TestReorderFaultSendsTheFOCFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sim.Config) { c.Faults.ReorderCallbacks = true })
	ref := b.mustSubmit(t, b.acmeSubmission("po_reorder"))
	got := b.desk.Wait(t, 2, waitFor)
	if got[0].Type != protocol.TypeFOC || got[0].Sequence != 2 || got[1].Type != protocol.TypeAccepted || got[1].Sequence != 1 {
		t.Fatalf("callbacks = %+v, want foc #2 then accepted #1 about %s", got, ref)
	}
	// A last answer with nothing after it is held, then sent anyway.
	if err := b.gw.Cancel(t.Context(), porting.CarrierTicket{OrderID: "po_reorder", Reference: ref}); err != nil {
		t.Fatal(err)
	}
	got = b.desk.Wait(t, 3, waitFor)
	if got[2].Type != protocol.TypeCancelled || got[2].Sequence != 3 {
		t.Errorf("last callback = %+v, want cancelled #3", got[2])
	}
}

func TestCallbacksAreRetriedUntilTheDeskAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.desk.FailNext(2)
	ref := b.mustSubmit(t, b.acmeSubmission("po_retry"))
	got := b.desk.Wait(t, 2, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeFOC)
	if n := b.desk.Attempts(); n != 4 {
		t.Errorf("the desk saw %d posts, want 4 (2 refused, 2 taken)", n)
	}
}
