package porting

import (
	"context"
	"time"
)

// Default service quotas of a new instance (from the reference: 5 phone
// numbers and 10 concurrent calls per instance).
const (
	DefaultQuotaPhoneNumbers   = 5
	DefaultQuotaConcurrentCall = 10
)

// Instance is a contact-center instance of an account.
type Instance struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	ARN       string `json:"arn"`
	Region    string `json:"region"`
	Quotas    Quotas `json:"quotas"`
	// SIPTarget is where test calls to the instance's numbers go (a SIP
	// URI without user part, e.g. sip:edge.example.com:5060;transport=tcp);
	// empty: the desk's built-in SIP ingress.
	SIPTarget string    `json:"sip_target,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Quotas are an instance's service quotas.
type Quotas struct {
	PhoneNumbers      int      `json:"phone_numbers"`
	ConcurrentCalls   int      `json:"concurrent_calls"`
	OutboundCountries []string `json:"outbound_countries"`
}

// ContactFlow is a flow of an instance that phone numbers can be associated with.
type ContactFlow struct {
	ID         string    `json:"id"`
	InstanceID string    `json:"instance_id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
}

// InventoryStatus is the state of a phone number in an instance's inventory.
type InventoryStatus string

// Inventory statuses: a ported number is loaded as pending_port a few days
// before the port and becomes active when the carrier confirms it.
const (
	InventoryPendingPort InventoryStatus = "pending_port"
	InventoryActive      InventoryStatus = "active"
)

// InstancePhoneNumber is a number in an instance's inventory.
type InstancePhoneNumber struct {
	InstanceID    string          `json:"instance_id"`
	PhoneNumber   string          `json:"phone_number"`
	Status        InventoryStatus `json:"status"`
	ContactFlowID string          `json:"contact_flow_id,omitempty"`
	PortOrderID   string          `json:"port_order_id,omitempty"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

// Checklist items of the port day.
type ChecklistItemName string

// The port-day checklist's items, in the order the day goes.
const (
	ItemInstanceSet       ChecklistItemName = "instance_set"
	ItemNumbersAssociated ChecklistItemName = "numbers_associated"
	ItemQuotasInPlace     ChecklistItemName = "quotas_in_place"
	ItemOldTrafficStopped ChecklistItemName = "old_traffic_stopped"
	ItemTestCallsRouted   ChecklistItemName = "test_calls_routed"
	ItemAgentsReady       ChecklistItemName = "agents_ready"
	ItemTrafficAtLevel    ChecklistItemName = "traffic_at_expected_level"
)

// ChecklistItems lists every item.
var ChecklistItems = []ChecklistItemName{ItemInstanceSet, ItemNumbersAssociated, ItemQuotasInPlace,
	ItemOldTrafficStopped, ItemTestCallsRouted, ItemAgentsReady, ItemTrafficAtLevel}

// AttestedItems are the items the customer attests (nothing portdesk can
// observe proves them).
var AttestedItems = []ChecklistItemName{ItemOldTrafficStopped, ItemAgentsReady}

// ItemState is where a checklist item stands.
type ItemState string

// Checklist item states.
const (
	ItemPass     ItemState = "pass"
	ItemFail     ItemState = "fail"
	ItemPending  ItemState = "pending"
	ItemAttested ItemState = "attested"
)

// ItemStates lists every item state.
var ItemStates = []ItemState{ItemPass, ItemFail, ItemPending, ItemAttested}

// ChecklistAttestation is a customer's word for an item.
type ChecklistAttestation struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// TestCallResultKind is how one test call went.
type TestCallResultKind string

// Test call results.
const (
	TestCallPass      TestCallResultKind = "pass"
	TestCallMisrouted TestCallResultKind = "misrouted"
	TestCallFailed    TestCallResultKind = "failed"
)

// TestCall is one test call placed for an order: the number, where it
// went, the SIP answer, the flow expected and the flow that answered.
type TestCall struct {
	ID             string             `json:"id"`
	RunID          string             `json:"run_id"`
	PortOrderID    string             `json:"port_order_id"`
	PhoneNumber    string             `json:"phone_number"`
	Target         string             `json:"target"`
	SIPStatus      int                `json:"sip_status" doc:"The final SIP answer; 0 when none came."`
	ExpectedFlowID string             `json:"expected_flow_id,omitempty"`
	AnsweredFlowID string             `json:"answered_flow_id,omitempty"`
	Result         TestCallResultKind `json:"result"`
	Detail         string             `json:"detail,omitempty"`
	At             time.Time          `json:"at"`
}

// PortDayStore keeps call records and test calls, and finds numbers
// across instances for the SIP ingress.
type PortDayStore interface {
	// FindInventoryByNumber returns every instance's entry for a number.
	FindInventoryByNumber(ctx context.Context, e164 string) ([]*InstancePhoneNumber, error)
	// SetInstanceSIPTarget changes where an instance takes test calls.
	SetInstanceSIPTarget(ctx context.Context, instanceID, target string) error
	CreateCallRecords(ctx context.Context, rs []*CallRecord) error
	// CountCallsByHour counts an instance's calls (test calls left out) to
	// numbers since a time, per number and hour.
	CountCallsByHour(ctx context.Context, instanceID string, numbers []string, since time.Time) ([]HourCount, error)
	CreateTestCalls(ctx context.Context, cs []*TestCall) error
	// FindTestCalls lists an order's test calls, newest run first.
	FindTestCalls(ctx context.Context, portOrderID string, limit int) ([]*TestCall, error)
}

// HourCount is how many calls reached a number in one hour, and how many
// of them were answered.
type HourCount struct {
	PhoneNumber string
	Hour        time.Time
	Calls       int
	Answered    int
}
