package porting

import "time"

// Default service quotas of a new instance (from the reference: 5 phone
// numbers and 10 concurrent calls per instance).
const (
	DefaultQuotaPhoneNumbers   = 5
	DefaultQuotaConcurrentCall = 10
)

// Instance is a contact-center instance of an account.
type Instance struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	ARN       string    `json:"arn"`
	Region    string    `json:"region"`
	Quotas    Quotas    `json:"quotas"`
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
