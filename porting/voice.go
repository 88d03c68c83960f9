package porting

import (
	"context"
	"slices"
	"time"
)

// CallOutcome is how a call to a number ended at the instance's edge.
type CallOutcome string

// Call outcomes, each with the SIP answer the ingress gives.
const (
	// CallAnswered: the number is active with a contact flow (200).
	CallAnswered CallOutcome = "answered"
	// CallUnavailable: the number is loaded but not ported yet (480).
	CallUnavailable CallOutcome = "unavailable"
	// CallNotFound: the number is unknown, or has no contact flow (404).
	CallNotFound CallOutcome = "not_found"
	// CallFailed: the call failed otherwise (a timeout, another answer).
	CallFailed CallOutcome = "failed"
)

// CallOutcomes lists every call outcome.
var CallOutcomes = []CallOutcome{CallAnswered, CallUnavailable, CallNotFound, CallFailed}

// Valid reports whether c is a known outcome.
func (c CallOutcome) Valid() bool { return slices.Contains(CallOutcomes, c) }

// HeaderContactFlow is the SIP header with which the ingress names the
// contact flow that answered a call (its ID); HeaderContactFlowName
// carries its name.
const (
	HeaderContactFlow     = "X-Portdesk-Contact-Flow"
	HeaderContactFlowName = "X-Portdesk-Contact-Flow-Name"
)

// TestCallParam is the Request-URI parameter with which the desk's test
// calls name themselves, so an edge records them apart from real traffic.
const TestCallParam = "x-portdesk-test-call"

// NumberRoute is where a call to a number goes: the instance holding it,
// its inventory status and its contact flow ("" without one).
type NumberRoute struct {
	InstanceID      string
	PhoneNumber     string
	Status          InventoryStatus
	ContactFlowID   string
	ContactFlowName string
}

// CallRecord is one call that reached an instance's edge: the number, when,
// where it came from (a network address or a platform's name, never the
// caller's number), how it ended and the flow that took it.
type CallRecord struct {
	ID            string      `json:"id"`
	InstanceID    string      `json:"instance_id"`
	PhoneNumber   string      `json:"phone_number"`
	At            time.Time   `json:"at"`
	Source        string      `json:"source"`
	Outcome       CallOutcome `json:"outcome"`
	ContactFlowID string      `json:"contact_flow_id,omitempty"`
	TestCallID    string      `json:"test_call_id,omitempty"`
}

// CallRouter is what the SIP ingress asks about each INVITE and tells of
// each call. RouteCall is ENOTFOUND for a number no instance holds.
type CallRouter interface {
	RouteCall(ctx context.Context, e164 string) (*NumberRoute, error)
	RecordCall(ctx context.Context, r CallRecord) error
}

// TestCallResult is what a test call found: the SIP answer and the flow
// the answering edge named.
type TestCallResult struct {
	SIPStatus       int
	ContactFlowID   string
	ContactFlowName string
	Duration        time.Duration
}

// TestCaller places a test call: an INVITE to target (a SIP URI whose
// user part is the number) that is ended at once once answered. An error
// means no answer came (unreachable, timeout).
type TestCaller interface {
	PlaceCall(ctx context.Context, target string, e164 string) (TestCallResult, error)
}
