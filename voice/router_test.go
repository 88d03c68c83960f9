package voice

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/portdesk/portdesk/porting"
)

// Numbers the fake router knows.
const (
	numberActive    = "+13125550140" // active, flow-1 "Main line"
	numberPending   = "+13125550141" // pending_port, with a flow
	numberNoFlow    = "+13125550142" // active, no flow
	numberOtherFlow = "+13125550143" // active, flow-2
	numberBroken    = "+13125550199" // the router fails
	numberUnknown   = "+13125550100" // no instance holds it
)

// testNow is the clock of every test ingress.
var testNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// fakeRouter is an in-memory porting.CallRouter that keeps the records.
type fakeRouter struct {
	routes  map[string]porting.NumberRoute
	block   chan struct{} // when set, RouteCall waits on it
	entered chan string   // when set, RouteCall sends its number first

	mu      sync.Mutex
	records []porting.CallRecord
}

// newFakeRouter returns a router that knows the numbers above.
func newFakeRouter() *fakeRouter {
	route := func(number string, status porting.InventoryStatus, flowID, flowName string) porting.NumberRoute {
		return porting.NumberRoute{InstanceID: "inst-1", PhoneNumber: number, Status: status, ContactFlowID: flowID, ContactFlowName: flowName}
	}
	return &fakeRouter{routes: map[string]porting.NumberRoute{
		numberActive:    route(numberActive, porting.InventoryActive, "flow-1", "Main line"),
		numberPending:   route(numberPending, porting.InventoryPendingPort, "flow-1", "Main line"),
		numberNoFlow:    route(numberNoFlow, porting.InventoryActive, "", ""),
		numberOtherFlow: route(numberOtherFlow, porting.InventoryActive, "flow-2", ""),
	}}
}

// RouteCall implements porting.CallRouter.
func (r *fakeRouter) RouteCall(ctx context.Context, e164 string) (*porting.NumberRoute, error) {
	if r.entered != nil {
		r.entered <- e164
	}
	if r.block != nil {
		select {
		case <-r.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if e164 == numberBroken {
		return nil, errors.New("inventory store is down")
	}
	route, ok := r.routes[e164]
	if !ok {
		return nil, porting.Errorf(porting.ENOTFOUND, "no instance holds %s", e164)
	}
	return &route, nil
}

// RecordCall implements porting.CallRouter.
func (r *fakeRouter) RecordCall(_ context.Context, rec porting.CallRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec)
	return nil
}

// Records returns the calls recorded so far.
func (r *fakeRouter) Records() []porting.CallRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]porting.CallRecord(nil), r.records...)
}

// TestMain quiets sipgo's package-wide logger, which some transport
// warnings use whatever logger the user agent was given.
func TestMain(m *testing.M) {
	sip.SetDefaultLogger(quietLogger())
	os.Exit(m.Run())
}

// quietLogger drops the warnings that bad input makes sipgo log.
func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// MustStartIngress serves an ingress for router on 127.0.0.1 over
// network until the test ends and returns its address.
func MustStartIngress(tb testing.TB, router porting.CallRouter, network string, opts IngressOptions) string {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	in, err := NewIngress(router, opts)
	if err != nil {
		tb.Fatalf("NewIngress: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := in.Listen(ctx, network, "127.0.0.1:0")
	if err != nil {
		cancel()
		tb.Fatalf("Listen %s: %v", network, err)
	}
	tb.Cleanup(func() {
		cancel()
		_ = in.Close()
	})
	return addr
}

// MustNewCaller returns a caller closed when the test ends.
func MustNewCaller(tb testing.TB, opts CallerOptions) *Caller {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	c, err := NewCaller(opts)
	if err != nil {
		tb.Fatalf("NewCaller: %v", err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// target is the SIP URI of number at addr over network.
func target(number, addr, network string) string {
	uri := "sip:" + number + "@" + addr
	if network == "tcp" {
		uri += ";transport=tcp"
	}
	return uri
}
