package porting

import (
	"context"
	"slices"
	"time"
)

// QuotaName names one of an instance's service quotas.
type QuotaName string

// The service quotas of an instance.
const (
	QuotaPhoneNumbers      QuotaName = "phone_numbers"
	QuotaConcurrentCalls   QuotaName = "concurrent_calls"
	QuotaOutboundCountries QuotaName = "outbound_countries"
)

// QuotaNames lists every quota.
var QuotaNames = []QuotaName{QuotaPhoneNumbers, QuotaConcurrentCalls, QuotaOutboundCountries}

// Valid reports whether q is a known quota.
func (q QuotaName) Valid() bool { return slices.Contains(QuotaNames, q) }

// Bounds of quota requests: the largest values a request may ask for, how
// many countries one may name, and how many may be open per instance.
const (
	MaxQuotaPhoneNumbers    = 100_000
	MaxQuotaConcurrentCalls = 10_000
	MaxQuotaCountries       = 250
	MaxOpenQuotaRequests    = 20
)

// QuotaRequestStatus is the state of a quota request: open until staff
// approve or deny it, and decided once only.
type QuotaRequestStatus string

// Quota request states.
const (
	QuotaRequestOpen     QuotaRequestStatus = "open"
	QuotaRequestApproved QuotaRequestStatus = "approved"
	QuotaRequestDenied   QuotaRequestStatus = "denied"
)

// QuotaRequestStatuses lists every quota request state.
var QuotaRequestStatuses = []QuotaRequestStatus{QuotaRequestOpen, QuotaRequestApproved, QuotaRequestDenied}

// QuotaRequest asks for one of an instance's quotas to be raised: a number
// (phone_numbers, concurrent_calls) or more outbound countries.
type QuotaRequest struct {
	ID             string             `json:"id"`
	InstanceID     string             `json:"instance_id"`
	AccountID      string             `json:"account_id"`
	Quota          QuotaName          `json:"quota" enum:"phone_numbers,concurrent_calls,outbound_countries"`
	Value          int                `json:"value,omitempty" doc:"The value asked for phone_numbers or concurrent_calls."`
	Countries      []string           `json:"countries,omitempty" doc:"For outbound_countries: the ISO 3166-1 alpha-2 codes asked for, added to the instance's list."`
	Reason         string             `json:"reason"`
	Status         QuotaRequestStatus `json:"status" enum:"open,approved,denied"`
	DecisionReason string             `json:"decision_reason,omitempty" doc:"Why staff denied (or, optionally, approved) the request."`
	DecidedBy      string             `json:"decided_by,omitempty" doc:"The API key of the staff member who decided."`
	DecidedAt      *time.Time         `json:"decided_at,omitempty"`
	CreatedBy      string             `json:"created_by,omitempty" doc:"The API key that asked."`
	CreatedAt      time.Time          `json:"created_at"`
}

// Quota returns the value of a numeric quota (phone_numbers,
// concurrent_calls); outbound_countries counts its countries.
func (q Quotas) Quota(name QuotaName) int {
	switch name {
	case QuotaPhoneNumbers:
		return q.PhoneNumbers
	case QuotaConcurrentCalls:
		return q.ConcurrentCalls
	case QuotaOutboundCountries:
		return len(q.OutboundCountries)
	}
	return 0
}

// QuotaRequestFilter selects an instance's quota requests; Status, when
// set, only those in that state. Limit bounds the answer.
type QuotaRequestFilter struct {
	InstanceID string
	Status     QuotaRequestStatus
	Limit      int
}

// InstanceOrderNumber is a number held by an active port order heading to
// an instance.
type InstanceOrderNumber struct {
	PortOrderID string
	PhoneNumber string
}

// QuotaStore holds quota requests and the quota-related reads of
// instances.
type QuotaStore interface {
	// CreateQuotaRequest stores r; EINVALID for an unknown instance.
	CreateQuotaRequest(ctx context.Context, r *QuotaRequest) error
	// FindQuotaRequest returns one request; ENOTFOUND if none.
	FindQuotaRequest(ctx context.Context, id string) (*QuotaRequest, error)
	// FindQuotaRequests lists an instance's requests, newest first.
	FindQuotaRequests(ctx context.Context, f QuotaRequestFilter) ([]*QuotaRequest, error)
	// DecideQuotaRequest saves the decision of r if it is still open;
	// ECONFLICT when it was decided already.
	DecideQuotaRequest(ctx context.Context, r *QuotaRequest) error
	// UpdateInstanceQuotas sets an instance's quotas; ENOTFOUND if none.
	UpdateInstanceQuotas(ctx context.Context, instanceID string, q Quotas) error
	// CountInstanceNumbers counts, each number once, the numbers in the
	// instance's inventory, those held by active orders naming the
	// instance and, when orderID is not empty, those that order holds.
	CountInstanceNumbers(ctx context.Context, instanceID, orderID string) (int, error)
	// FindInstanceOrderNumbers lists the numbers held by active orders
	// that name the instance.
	FindInstanceOrderNumbers(ctx context.Context, instanceID string) ([]InstanceOrderNumber, error)
}
