package voice

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

func TestIngressAnswersTestCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		number      string
		wantStatus  int
		wantFlow    string
		wantName    string
		wantOutcome porting.CallOutcome
	}{
		{numberActive, 200, "flow-1", "Main line", porting.CallAnswered},
		{numberPending, 480, "", "", porting.CallUnavailable},
		{numberNoFlow, 404, "", "", porting.CallNotFound},
		{numberUnknown, 404, "", "", porting.CallNotFound},
		{numberBroken, 500, "", "", porting.CallFailed},
	}
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			router := newFakeRouter()
			addr := MustStartIngress(t, router, network, IngressOptions{})
			warnings := &logBuffer{}
			caller := MustNewCaller(t, CallerOptions{Logger: slog.New(slog.NewTextHandler(warnings, nil))})
			for i, tt := range tests {
				got, err := caller.PlaceCall(context.Background(), target(tt.number, addr, network), tt.number)
				if err != nil {
					t.Fatalf("PlaceCall %s: %v", tt.number, err)
				}
				if got.SIPStatus != tt.wantStatus || got.ContactFlowID != tt.wantFlow || got.ContactFlowName != tt.wantName {
					t.Errorf("PlaceCall %s = %+v, want status %d flow %q name %q", tt.number, got, tt.wantStatus, tt.wantFlow, tt.wantName)
				}
				records := router.Records()
				if len(records) != i+1 {
					t.Fatalf("after call %d: %d records, want %d", i+1, len(records), i+1)
				}
				checkRecord(t, records[i], tt.number, tt.wantOutcome, tt.wantFlow)
			}
			// A failed ACK or BYE is only logged: the log must be empty.
			if log := warnings.String(); log != "" {
				t.Errorf("caller logged:\n%s", log)
			}
		})
	}
}

func TestIngressFlowNameCannotForgeHeaders(t *testing.T) {
	t.Parallel()
	router := newFakeRouter()
	route := router.routes[numberActive]
	route.ContactFlowName = "Main\r\nX-Portdesk-Contact-Flow: forged\r\n" + strings.Repeat("é", 300)
	router.routes[numberActive] = route
	addr := MustStartIngress(t, router, "udp", IngressOptions{})
	answer := exchangeMessage(t, "udp", addr, request("INVITE", "sip:"+numberActive+"@"+addr, "udp"), 2*time.Second)
	if answer == nil || statusCode(t, answer) != 200 {
		t.Fatalf("INVITE answer: %q, want 200", answer)
	}
	if got := strings.Count(string(answer), "\r\nX-Portdesk-Contact-Flow:"); got != 1 {
		t.Errorf("answer has %d flow headers, want 1:\n%s", got, answer)
	}
	caller := MustNewCaller(t, CallerOptions{})
	got, err := caller.PlaceCall(context.Background(), target(numberActive, addr, "udp"), numberActive)
	if err != nil || got.ContactFlowID != "flow-1" || !strings.HasPrefix(got.ContactFlowName, "Main  X-Portdesk") || len(got.ContactFlowName) > maxHeaderText {
		t.Errorf("PlaceCall = %+v, %v; want flow-1 and the name on one line, at most %d bytes", got, err, maxHeaderText)
	}
}

// logBuffer collects log lines from concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

// Write implements io.Writer.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was logged.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// checkRecord checks one call record against what the call should leave.
func checkRecord(t *testing.T, rec porting.CallRecord, number string, outcome porting.CallOutcome, flow string) {
	t.Helper()
	if rec.PhoneNumber != number || rec.Outcome != outcome || rec.ContactFlowID != flow || !rec.At.Equal(testNow) {
		t.Errorf("record = %+v, want number %s outcome %s flow %q at %v", rec, number, outcome, flow, testNow)
	}
	host, port, err := net.SplitHostPort(rec.Source)
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Errorf("record source = %q, want the caller's 127.0.0.1:port", rec.Source)
	}
}

func TestCallerTargetWithoutUserDialsTheNumber(t *testing.T) {
	t.Parallel()
	router := newFakeRouter()
	addr := MustStartIngress(t, router, "udp", IngressOptions{})
	caller := MustNewCaller(t, CallerOptions{})
	got, err := caller.PlaceCall(context.Background(), "sip:"+addr, numberActive)
	if err != nil || got.SIPStatus != 200 || got.ContactFlowID != "flow-1" {
		t.Fatalf("PlaceCall = %+v, %v; want 200 with flow-1", got, err)
	}
}

func TestCallerRefusesBadTargets(t *testing.T) {
	t.Parallel()
	caller := MustNewCaller(t, CallerOptions{})
	for _, target := range []string{"", "tel:+13125550140", "sip:+13125550140@127.0.0.1:5060;transport=sctp", "http://example.com"} {
		if _, err := caller.PlaceCall(context.Background(), target, numberActive); err == nil {
			t.Errorf("PlaceCall(%q): no error", target)
		}
	}
}

func TestCallerTimesOutWithoutAnswer(t *testing.T) {
	t.Parallel()
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // reads nothing, answers nothing
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	caller := MustNewCaller(t, CallerOptions{Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err = caller.PlaceCall(context.Background(), target(numberActive, silent.LocalAddr().String(), "udp"), numberActive)
	if err == nil || !strings.Contains(err.Error(), "no final answer") {
		t.Fatalf("PlaceCall to a silent peer: err = %v, want no final answer", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("PlaceCall took %v with a 300ms timeout", elapsed)
	}
}

func TestIngressShedsLoadBeyondMaxConcurrent(t *testing.T) {
	t.Parallel()
	router := newFakeRouter()
	router.block = make(chan struct{})
	router.entered = make(chan string, 1)
	addr := MustStartIngress(t, router, "udp", IngressOptions{MaxConcurrent: 1})
	caller := MustNewCaller(t, CallerOptions{})

	var wg sync.WaitGroup
	var first porting.TestCallResult
	wg.Go(func() {
		first, _ = caller.PlaceCall(context.Background(), target(numberActive, addr, "udp"), numberActive)
	})
	<-router.entered // the first call holds the only slot now
	shed, err := caller.PlaceCall(context.Background(), target(numberPending, addr, "udp"), numberPending)
	if err != nil {
		t.Fatalf("PlaceCall while full: %v", err)
	}
	close(router.block)
	wg.Wait()
	if shed.SIPStatus != 503 {
		t.Errorf("call beyond MaxConcurrent: status %d, want 503", shed.SIPStatus)
	}
	if first.SIPStatus != 200 {
		t.Errorf("call holding the slot: status %d, want 200", first.SIPStatus)
	}
	for _, rec := range router.Records() {
		if rec.PhoneNumber == numberPending {
			t.Errorf("a shed call was recorded: %+v", rec)
		}
	}
}

func TestIngressRouteTimeoutFailsTheCall(t *testing.T) {
	t.Parallel()
	router := newFakeRouter()
	router.block = make(chan struct{}) // never released
	addr := MustStartIngress(t, router, "udp", IngressOptions{RouteTimeout: 100 * time.Millisecond})
	caller := MustNewCaller(t, CallerOptions{})
	got, err := caller.PlaceCall(context.Background(), target(numberActive, addr, "udp"), numberActive)
	if err != nil || got.SIPStatus != 500 {
		t.Fatalf("PlaceCall with a hung router = %+v, %v; want 500", got, err)
	}
	if records := router.Records(); len(records) != 1 || records[0].Outcome != porting.CallFailed {
		t.Errorf("records = %+v, want one failed call", records)
	}
}

func TestNewIngressNeedsRouterAndClock(t *testing.T) {
	t.Parallel()
	if _, err := NewIngress(nil, IngressOptions{Now: time.Now}); err == nil {
		t.Error("NewIngress without router: no error")
	}
	if _, err := NewIngress(newFakeRouter(), IngressOptions{}); err == nil {
		t.Error("NewIngress without clock: no error")
	}
	in, err := NewIngress(newFakeRouter(), IngressOptions{Now: time.Now, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if _, err := in.Listen(context.Background(), "sctp", "127.0.0.1:0"); err == nil {
		t.Error("Listen sctp: no error")
	}
}

func TestIngressServeStopsWithContext(t *testing.T) {
	t.Parallel()
	in, err := NewIngress(newFakeRouter(), IngressOptions{Now: time.Now, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Serve(ctx, "tcp", "127.0.0.1:0") }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

func TestIngressCloseStopsServe(t *testing.T) {
	t.Parallel()
	in, err := NewIngress(newFakeRouter(), IngressOptions{Now: time.Now, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- in.Serve(context.Background(), "udp", "127.0.0.1:0") }()
	// Close once Serve has bound its socket.
	deadline := time.Now().Add(5 * time.Second)
	for in.boundAddr("udp") == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := in.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after Close = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
}
