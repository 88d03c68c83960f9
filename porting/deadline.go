package porting

import (
	"fmt"
	"time"
)

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

// Slot is one occurrence of a porting window: the stretch of time on a given
// business day in which carriers perform the port.
type Slot struct {
	// Start and End bound the occurrence, in UTC; End is after Start and
	// falls on the next local day when the window crosses midnight.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Zone is the IANA name of the zone the window is published in.
	Zone string `json:"zone" doc:"The IANA zone the window is published in."`
	// Day is the local business day the occurrence belongs to, as
	// YYYY-MM-DD: the day it opens on, also when it closes after midnight.
	Day string `json:"day" doc:"The local business day, YYYY-MM-DD."`
	// Window is the published window, "HH:MM-HH:MM" local time.
	Window string `json:"window" doc:"The published local window, HH:MM-HH:MM."`
	// LocalStart and LocalEnd are Start and End in Zone as RFC 3339, with
	// the UTC offset in force on that day.
	LocalStart string `json:"local_start"`
	LocalEnd   string `json:"local_end"`
}

// Contains reports whether t falls in the occurrence: Start <= t < End.
func (s Slot) Contains(t time.Time) bool {
	return !t.Before(s.Start) && t.Before(s.End)
}

// String returns the occurrence in local time, as "2026-11-20 21:00-03:00
// America/Los_Angeles".
func (s Slot) String() string {
	return fmt.Sprintf("%s %s %s", s.Day, s.Window, s.Zone)
}
