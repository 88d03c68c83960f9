package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/portdesk/portdesk/porting"
)

// testCallConcurrency bounds the test calls placed at once.
const testCallConcurrency = 8

// TestCallRun is one round of test calls of an order.
type TestCallRun struct {
	RunID  string              `json:"run_id"`
	Target string              `json:"target"`
	Calls  []*porting.TestCall `json:"calls"`
	Passed int                 `json:"passed"`
	Failed int                 `json:"failed" doc:"Calls that misrouted (another flow answered) or failed (no 200)."`
}

// testCallStates are the states in which test calls mean something: the
// port runs or ran.
var testCallStates = []porting.State{porting.StatePorting, porting.StatePorted, porting.StateAwaitingVerification}

// PlaceTestCalls calls the order's numbers (a sample of a large order,
// spread over it) at the instance's SIP target and records, per number,
// the answer and the flow that answered against the one expected.
// Customers test their own orders; staff any; the system after
// record_ported.
func (s *PortDay) PlaceTestCalls(ctx context.Context, p porting.Principal, orderID string) (*TestCallRun, error) {
	if s.caller == nil {
		return nil, porting.Errorf(porting.ECONFLICT, "this desk places no test calls (no SIP caller is configured)")
	}
	var o *porting.PortOrder
	var inst *porting.Instance
	expected := map[string]string{}
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if o, err = findOrder(ctx, tx, p, orderID); err != nil {
			return err
		}
		if err := loadAllNumbers(ctx, tx, o); err != nil { // the calls sample all of them
			return err
		}
		if !containsState(testCallStates, o.Status) {
			return porting.Errorf(porting.ECONFLICT, "test calls are placed once the port runs (porting, ported, awaiting_verification), not in status %s", o.Status)
		}
		if o.InstanceID == "" {
			return porting.FieldErrorf("instance_id", "the order names no instance to call")
		}
		if inst, err = tx.FindInstance(ctx, o.InstanceID); err != nil {
			return err
		}
		inv, err := tx.FindInstancePhoneNumbers(ctx, inst.ID)
		for _, n := range inv {
			expected[n.PhoneNumber] = n.ContactFlowID
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	target := inst.SIPTarget
	if target == "" {
		target = s.ingressURI
	}
	if target == "" {
		return nil, porting.Errorf(porting.ECONFLICT, "instance %s has no sip_target and the desk runs no SIP ingress: set the instance's sip_target", inst.ID)
	}
	run := &TestCallRun{RunID: porting.NewID("run"), Target: target}
	for _, n := range sample(o.HeldNumbers(), s.settings.testCallSample()) {
		run.Calls = append(run.Calls, &porting.TestCall{ID: porting.NewID("tc"), RunID: run.RunID, PortOrderID: o.ID,
			PhoneNumber: n, Target: target, ExpectedFlowID: expected[n]})
	}
	s.call(ctx, run.Calls)
	for _, c := range run.Calls {
		c.At = s.clock.Now()
		if c.Result == porting.TestCallPass {
			run.Passed++
		} else {
			run.Failed++
		}
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		if err := tx.CreateTestCalls(ctx, run.Calls); err != nil {
			return err
		}
		if err := s.events.record(ctx, tx, p, porting.EventTestCalls, orderEvent(o), nil,
			map[string]any{"run_id": run.RunID, "target": target, "calls": len(run.Calls), "passed": run.Passed, "failed": run.Failed}); err != nil {
			return err
		}
		if run.Failed > 0 {
			return nil
		}
		return s.clearTestCallFlag(ctx, tx, o.ID)
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// deskCalls bounds the test calls the whole desk places at once, however
// many runs are asked for together.
var deskCalls = make(chan struct{}, 4*testCallConcurrency)

// call places the calls, a few at a time, and judges each.
func (s *PortDay) call(ctx context.Context, calls []*porting.TestCall) {
	sem := make(chan struct{}, testCallConcurrency)
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Add(1)
		sem <- struct{}{}
		deskCalls <- struct{}{}
		go func() {
			defer func() { <-deskCalls; <-sem; wg.Done() }()
			// The test call names itself, so the edge records it apart
			// from real traffic.
			target := withUser(c.Target, c.PhoneNumber) + ";" + porting.TestCallParam + "=" + c.ID
			res, err := s.caller.PlaceCall(ctx, target, c.PhoneNumber)
			judge(c, res, err)
		}()
	}
	wg.Wait()
}

// judge sets a test call's result: pass when the expected flow answered.
func judge(c *porting.TestCall, res porting.TestCallResult, err error) {
	c.SIPStatus, c.AnsweredFlowID = res.SIPStatus, res.ContactFlowID
	switch {
	case err != nil:
		c.Result, c.Detail = porting.TestCallFailed, "no answer: "+porting.ErrorMessage(err)
	case res.SIPStatus != 200:
		c.Result, c.Detail = porting.TestCallFailed, fmt.Sprintf("answered %d", res.SIPStatus)
	case c.ExpectedFlowID == "":
		c.Result, c.Detail = porting.TestCallMisrouted, "answered, but the number has no contact flow in the instance"
	case res.ContactFlowID != c.ExpectedFlowID:
		c.Result, c.Detail = porting.TestCallMisrouted, fmt.Sprintf("flow %q answered, %q expected", res.ContactFlowID, c.ExpectedFlowID)
	default:
		c.Result = porting.TestCallPass
	}
}

// withUser puts number as the user part of a SIP URI without one.
func withUser(target, number string) string {
	scheme, rest, _ := strings.Cut(target, ":")
	return scheme + ":" + number + "@" + rest
}

// sample is at most n of list, spread evenly over it, in order.
func sample(list []string, n int) []string {
	if n <= 0 || len(list) <= n {
		return list
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, list[i*len(list)/n])
	}
	return out
}

// containsState reports whether list holds st.
func containsState(list []porting.State, st porting.State) bool {
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}

// TestCalls lists an order's latest test-call run.
func (s *PortDay) TestCalls(ctx context.Context, p porting.Principal, orderID string) (*TestCallRun, error) {
	var run *TestCallRun
	err := s.store.View(ctx, func(tx porting.Tx) error {
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		run, err = latestRun(ctx, tx, o.ID)
		return err
	})
	return run, err
}

// latestRun is an order's latest test-call run; an empty run without one.
func latestRun(ctx context.Context, tx porting.PortDayStore, orderID string) (*TestCallRun, error) {
	calls, err := tx.FindTestCalls(ctx, orderID, porting.MaxNumbersPerRequest)
	if err != nil {
		return nil, err
	}
	run := &TestCallRun{Calls: []*porting.TestCall{}}
	for _, c := range calls {
		if run.RunID == "" {
			run.RunID, run.Target = c.RunID, c.Target
		}
		if c.RunID != run.RunID {
			break
		}
		run.Calls = append(run.Calls, c)
		if c.Result == porting.TestCallPass {
			run.Passed++
		} else {
			run.Failed++
		}
	}
	return run, nil
}

// TestCallsAfterPort places the automatic test calls once the carrier
// confirmed the port (a job). When they cannot be placed, or fail, the
// order is flagged for a person; a run that passes clears the flag.
func (s *PortDay) TestCallsAfterPort(ctx context.Context, orderID string) error {
	run, err := s.PlaceTestCalls(ctx, porting.SystemPrincipal, orderID)
	var msg string
	switch {
	case err != nil && porting.ErrorCode(err) != porting.ECONFLICT:
		return err // the job runs again
	case err != nil:
		msg = "The automatic test calls could not be placed: " + porting.ErrorMessage(err) + "; place them by hand (POST test-calls) or pass testing with an override reason."
	case run.Failed > 0:
		msg = fmt.Sprintf("%d of %d automatic test calls misrouted or failed: check the numbers' contact flows, then place the test calls again.", run.Failed, len(run.Calls))
	default:
		return nil
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		o, ferr := tx.FindPortOrder(ctx, orderID)
		if ferr != nil {
			return ferr
		}
		if o.Status != porting.StatePorted {
			return nil // moved on already
		}
		before := o.Clone()
		a := porting.Attention{Code: AttentionTestCalls, Message: msg, Since: s.clock.Now()}
		o.Attention = append(slices.DeleteFunc(o.Attention, func(x porting.Attention) bool { return x.Code == AttentionTestCalls }), a)
		if err := s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated); err != nil {
			return err
		}
		return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventAttentionRaised, orderEvent(o), nil, a)
	})
}

// AttentionTestCalls flags an order whose automatic test calls could not
// be placed or did not pass.
const AttentionTestCalls = "test_calls_failed"

// clearTestCallFlag drops the test-call flag of an order once a run passed.
func (s *PortDay) clearTestCallFlag(ctx context.Context, tx porting.Tx, orderID string) error {
	o, err := tx.FindPortOrder(ctx, orderID)
	if err != nil || !slices.ContainsFunc(o.Attention, func(a porting.Attention) bool { return a.Code == AttentionTestCalls }) {
		return err
	}
	before := o.Clone()
	o.Attention = slices.DeleteFunc(o.Attention, func(a porting.Attention) bool { return a.Code == AttentionTestCalls })
	return s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated)
}
