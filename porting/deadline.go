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
	// DeadlineChecklistReminder reminds whoever owns a port-day checklist
	// item that is not done (FOC − 1 day, and the morning of the port).
	DeadlineChecklistReminder DeadlineKind = "checklist_reminder"
)

// DeadlineKinds lists every kind.
var DeadlineKinds = []DeadlineKind{DeadlineRespondReminder, DeadlineRespondBy, DeadlineLOAExpiry,
	DeadlineQuotaRequestsDue, DeadlineLoadNumbers, DeadlinePortWindowOpens, DeadlineChecklistReminder}

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

// PlanChanges is what turns an order's deadlines (existing, by due time
// then ID, as FindDeadlines lists them) into plan: the entries to insert
// and the pending rows to cancel. Deadlines match by kind and due time, to
// the microsecond the store keeps. A pending row that matches an entry
// stays; every other pending row is cancelled; an entry that matches no
// pending row is inserted, unless a fired row matches it: that deadline
// has already happened, and firing it again would repeat its effect
// whenever the order is saved with the same date (a fired respond_by or
// loa_expiry still lies in the plan). Entries equal in kind and due time
// are one deadline; of duplicate pending rows the oldest stays. Fired and
// cancelled rows are history and never change.
func PlanChanges(existing []*Deadline, plan []Deadline) (add []Deadline, cancel []int64) {
	type key struct {
		kind DeadlineKind
		due  int64
	}
	keyOf := func(d *Deadline) key { return key{d.Kind, d.DueAt.UnixMicro()} }
	wanted := map[key]bool{}
	for i := range plan {
		wanted[keyOf(&plan[i])] = true
	}
	kept, fired := map[key]bool{}, map[key]bool{}
	for _, d := range existing {
		k := keyOf(d)
		switch {
		case d.State == DeadlinePending && wanted[k] && !kept[k]:
			kept[k] = true
		case d.State == DeadlinePending:
			cancel = append(cancel, d.ID)
		case d.State == DeadlineFired:
			fired[k] = true
		}
	}
	for _, d := range plan {
		if k := keyOf(&d); !kept[k] && !fired[k] {
			kept[k] = true
			add = append(add, d)
		}
	}
	return add, cancel
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
