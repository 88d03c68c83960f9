package workflow

import (
	"context"
	"slices"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// planDeadlines computes the pending deadlines an order should have now,
// from its state and dates, and a retry of each failed deadline whose
// attention flag has a retry time. It is pure: the store diffs it against
// what is there, so recomputing after every change is cheap and idempotent.
func (s *Deadlines) planDeadlines(o *porting.PortOrder) []porting.Deadline {
	now := s.clock.Now()
	var out []porting.Deadline
	add := func(kind porting.DeadlineKind, at time.Time) {
		out = append(out, porting.Deadline{PortOrderID: o.ID, AccountID: o.AccountID, Kind: kind, DueAt: at.UTC()})
	}
	for _, a := range o.Attention {
		if a.RetryAt != nil && a.DeadlineKind != "" && s.deadlineApplies(o, a.DeadlineKind) {
			add(a.DeadlineKind, *a.RetryAt)
		}
	}
	runs := func(k porting.DeadlineKind) bool { return slices.Contains(o.Status.Deadlines(), k) }
	if o.RespondBy != nil {
		if runs(porting.DeadlineRespondReminder) {
			for _, d := range s.settings.reminderDays() {
				if at := o.RespondBy.AddDate(0, 0, -d); at.After(now) {
					add(porting.DeadlineRespondReminder, at)
				}
			}
		}
		if runs(porting.DeadlineRespondBy) {
			add(porting.DeadlineRespondBy, *o.RespondBy)
		}
	}
	if runs(porting.DeadlineLOAExpiry) {
		if exp := s.loa.loaExpiry(o); exp != nil {
			add(porting.DeadlineLOAExpiry, *exp)
		}
	}
	if o.FOCAt != nil {
		plan := calendar.Plan(o.Country, *o.FOCAt, s.settings.Plan)
		if runs(porting.DeadlineQuotaRequestsDue) && plan.QuotaRequestsDue.After(now) {
			add(porting.DeadlineQuotaRequestsDue, plan.QuotaRequestsDue)
		}
		if runs(porting.DeadlineLoadNumbers) {
			add(porting.DeadlineLoadNumbers, plan.LoadNumbersAt)
		}
		if runs(porting.DeadlinePortWindowOpens) {
			add(porting.DeadlinePortWindowOpens, plan.PortWindowOpens)
		}
		if runs(porting.DeadlineChecklistReminder) {
			for _, at := range checklistReminders(o.Country, *o.FOCAt) {
				if at.After(now) {
					add(porting.DeadlineChecklistReminder, at)
				}
			}
		}
	}
	return out
}

// checklistReminders are when the port-day checklist is reminded of: a day
// before the FOC, and at 08:00 on the port's day in the country's civil
// time when that is before the port.
func checklistReminders(countryCode string, foc time.Time) []time.Time {
	out := []time.Time{foc.Add(-24 * time.Hour)}
	loc := country.CivilZone(countryCode)
	day := foc.In(loc)
	if morning := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, loc); morning.Before(foc) {
		out = append(out, morning)
	}
	return out
}

// deadlineApplies reports whether a deadline of kind k still means
// something for o in its state: a failed deadline of a kind that no longer
// applies needs nobody's attention (the order moved past it).
func (s *Deadlines) deadlineApplies(o *porting.PortOrder, k porting.DeadlineKind) bool {
	if !slices.Contains(o.Status.Deadlines(), k) {
		return false
	}
	switch k {
	case porting.DeadlineRespondReminder:
		// A reminder after the answer date has nothing left to remind of.
		return o.RespondBy != nil && o.RespondBy.After(s.clock.Now())
	case porting.DeadlineRespondBy:
		return o.RespondBy != nil
	case porting.DeadlineLOAExpiry:
		return s.loa.loaExpiry(o) != nil
	case porting.DeadlineQuotaRequestsDue, porting.DeadlinePortWindowOpens, porting.DeadlineLoadNumbers, porting.DeadlineChecklistReminder:
		return o.FOCAt != nil
	}
	return false
}

// replan stores the order's deadline plan.
func (s *Deadlines) replan(ctx context.Context, tx porting.DeadlineStore, o *porting.PortOrder) error {
	// saveOrder has just updated the order, which holds its row (on
	// PostgreSQL) until the transaction ends: the deadlines read here are
	// the ones the change applies to.
	existing, err := tx.FindDeadlines(ctx, o.ID)
	if err != nil {
		return err
	}
	add, cancel := porting.PlanChanges(existing, s.planDeadlines(o))
	if len(add) > 0 || len(cancel) > 0 {
		if existing, err = tx.ChangeDeadlines(ctx, o.ID, add, cancel); err != nil {
			return err
		}
	}
	o.NextDeadlineAt = nextDeadline(existing)
	return nil
}

// nextDeadline returns when the earliest pending deadline of ds is due, or
// nil when none is pending: what an order read from the store shows as
// NextDeadlineAt.
func nextDeadline(ds []*porting.Deadline) *time.Time {
	var next *time.Time
	for _, d := range ds {
		if d.State == porting.DeadlinePending && (next == nil || d.DueAt.Before(*next)) {
			t := d.DueAt
			next = &t
		}
	}
	return next
}

// DeadlineView is a deadline with what happens when it passes.
type DeadlineView struct {
	porting.Deadline
	OnMiss string
}

// onMiss says what firing each kind does.
var onMiss = map[porting.DeadlineKind]string{
	porting.DeadlineRespondReminder:  "the customer is reminded that an answer is due",
	porting.DeadlineRespondBy:        "the silence policy applies: by default the order is cancelled",
	porting.DeadlineLOAExpiry:        "the signed LOA is too old for the carrier: the order goes back to awaiting_loa for a new one",
	porting.DeadlineQuotaRequestsDue: "quota increases requested later may not be in place for the port",
	porting.DeadlineLoadNumbers:      "the numbers are loaded into the instance as pending_port",
	porting.DeadlinePortWindowOpens:  "the port starts (status porting)",
}

// Deadlines lists an order's deadlines: the live plan (pending) and what
// has happened (fired); with history, also the superseded (cancelled) rows
// that a moved date left behind.
func (s *Deadlines) Deadlines(ctx context.Context, p porting.Principal, orderID string, history bool) ([]DeadlineView, error) {
	var out []DeadlineView
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findOrder(ctx, tx, p, orderID); err != nil {
			return err
		}
		ds, err := tx.FindDeadlines(ctx, orderID)
		for _, d := range ds {
			if d.State == porting.DeadlineCancelled && !history {
				continue
			}
			out = append(out, DeadlineView{Deadline: *d, OnMiss: onMiss[d.Kind]})
		}
		return err
	})
	return out, err
}
