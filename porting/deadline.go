package porting

import "time"

// DeadlineKind names what a deadline is about; the sweeper fires it when
// its time comes.
type DeadlineKind string

// Deadline kinds.
const (
	// DeadlineRespondReminder reminds the customer before respond_by (the
	// reminders are due 7 and 2 days before it by default).
	DeadlineRespondReminder DeadlineKind = "respond_reminder"
	// DeadlineRespondBy applies the silence policy after 30 days without an
	// answer while the order waits on the customer for the LOA.
	DeadlineRespondBy DeadlineKind = "respond_by"
	// DeadlineLOAExpiry sends the order back for a fresh LOA once the signed
	// one is too old for the carrier.
	DeadlineLOAExpiry DeadlineKind = "loa_expiry"
	// DeadlineQuotaRequestsDue warns that quota increases must be requested
	// now to be in place for the port (FOC − 5 days).
	DeadlineQuotaRequestsDue DeadlineKind = "quota_requests_due"
	// DeadlineLoadNumbers loads the numbers into the instance a few business
	// days before the FOC.
	DeadlineLoadNumbers DeadlineKind = "load_numbers"
	// DeadlinePortWindowOpens starts the port when the agreed window opens.
	DeadlinePortWindowOpens DeadlineKind = "port_window_opens"
)

// DeadlineKinds lists every kind.
var DeadlineKinds = []DeadlineKind{DeadlineRespondReminder, DeadlineRespondBy, DeadlineLOAExpiry,
	DeadlineQuotaRequestsDue, DeadlineLoadNumbers, DeadlinePortWindowOpens}

// DeadlineState is where a deadline is in its life.
type DeadlineState string

// Deadline states: pending until fired, or cancelled when the plan changed.
const (
	DeadlinePending   DeadlineState = "pending"
	DeadlineFired     DeadlineState = "fired"
	DeadlineCancelled DeadlineState = "cancelled"
)

// Deadline is one dated rule of an order. Deadlines are data: recomputed
// from the order whenever a date they depend on moves, and fired exactly
// once by the sweeper when DueAt has passed on the clock.
type Deadline struct {
	ID          int64         `json:"id"`
	PortOrderID string        `json:"port_order_id"`
	AccountID   string        `json:"account_id"`
	Kind        DeadlineKind  `json:"kind"`
	DueAt       time.Time     `json:"due_at"`
	State       DeadlineState `json:"state"`
	FiredAt     *time.Time    `json:"fired_at,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
}

// Slot is one porting window: when it opens and closes.
type Slot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}
