package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// planRules are the order's port-date rules: the settings and, until the
// LOA has gone to the carrier, the validity of the signed LOA (a date it
// cannot reach would need a new LOA anyway).
func (s *Orders) planRules(o *porting.PortOrder) calendar.PlanRules {
	r := s.settings.Plan
	if o.Status.BeforeSubmission() {
		r.LOAValidUntil = s.loa.loaExpiry(o)
	}
	return r
}

// maxPortDateAhead bounds a port date: carriers confirm weeks ahead, not
// years, and a later date is a typing error that no rule should walk to.
const maxPortDateAhead = 2 * 366 * 24 * time.Hour

// dayRefusal checks the day of a port in a country without published
// windows: a business day that is not a holiday, after the lead time,
// while the LOA is valid.
func dayRefusal(code string, at, now time.Time, r calendar.PlanRules) *calendar.PortTimeError {
	loc := country.CivilZone(code)
	day := at.In(loc).Format(time.DateOnly)
	lead := r.LeadBusinessDays
	if lead == 0 {
		lead = calendar.DefaultLeadBusinessDays(code)
	}
	switch name, holiday := country.IsHoliday(code, at); {
	case holiday:
		return &calendar.PortTimeError{Reason: porting.ReasonHoliday, Message: fmt.Sprintf("%s is %s, a public holiday in %s; carriers do not port on it.", day, name, code)}
	case !calendar.IsCountryBusinessDay(code, at):
		return &calendar.PortTimeError{Reason: porting.ReasonNotBusinessDay, Message: fmt.Sprintf("%s is a %s, not a porting day in %s.", day, at.In(loc).Weekday(), code)}
	case lead > 0 && calendar.BusinessDaysBetween(code, now, at) < lead:
		return &calendar.PortTimeError{Reason: porting.ReasonTooSoon, Message: fmt.Sprintf("A port in %s needs %d business days' notice.", code, lead)}
	case r.LOAValidUntil != nil && at.After(*r.LOAValidUntil):
		return &calendar.PortTimeError{Reason: porting.ReasonLOAExpiresFirst, Message: fmt.Sprintf("The LOA is valid until %s, before the port.", r.LOAValidUntil.In(loc).Format("2006-01-02 15:04"))}
	}
	return nil
}

// portDateUse says on which path a port date arrives.
type portDateUse int

const (
	// portDateRequested is a date the customer or the team asks for.
	portDateRequested portDateUse = iota
	// portDateConfirmed is the carrier's firm order commitment, recorded by
	// staff or a carrier gateway.
	portDateConfirmed
)

// checkPortDate is the one gate every port date passes, on every path:
// PATCH requested_foc_at, reschedule and record_foc (by staff or, later, a
// carrier gateway). The date must be in the future and within two years;
// then a business day, not a holiday, inside a porting window, after the
// lead time, while the LOA is valid, and late enough that the numbers can be
// loaded before it. A carrier may truly confirm an odd date: staff may
// accept a date these rules refuse by giving overrideReason, and the
// returned FOCOverride records what was overridden. A country that
// publishes no windows agrees the time on the ticket, so the carrier's
// confirmation is that agreement. Refusals are EINVALID on field with the
// next valid windows; an override by anyone but staff is EFORBIDDEN.
func (s *Orders) checkPortDate(p porting.Principal, o *porting.PortOrder, at time.Time, field string, use portDateUse, overrideReason string) (*porting.FOCOverride, error) {
	if err := porting.CheckTime(field, at); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	overrideReason = strings.TrimSpace(overrideReason)
	if overrideReason != "" && !p.Role.Staff() {
		return nil, &porting.Error{Code: porting.EFORBIDDEN, Field: "override_reason",
			Message: "only the porting team may accept a port date the porting rules refuse"}
	}
	switch {
	case !at.After(now):
		return nil, porting.FieldErrorf(field, "the port date %s is not in the future", at.UTC().Format(time.RFC3339))
	case at.After(now.Add(maxPortDateAhead)):
		return nil, porting.FieldErrorf(field, "the port date %s is more than two years ahead", at.UTC().Format(time.RFC3339))
	}
	pt := s.portDateRefusal(o, at, now, use)
	if pt == nil {
		return nil, nil
	}
	if overrideReason == "" {
		msg := pt.Message + " (" + pt.Reason + ")"
		if p.Role.Staff() && use == portDateConfirmed {
			msg += " If the carrier really confirmed this date, record it with an override_reason."
		}
		return nil, &porting.Error{Code: porting.EINVALID, Field: field, Message: msg, Next: pt.Next}
	}
	return &porting.FOCOverride{Reason: overrideReason, Rule: pt.Reason, Message: pt.Message, By: p.KeyID, At: now}, nil
}

// portDateRefusal returns why the porting rules refuse at as o's port
// date, or nil when they accept it. A country that publishes no porting
// window agrees the time on the ticket, so a confirmed date there is
// checked for its day only: a business day, no holiday, the lead time, the
// LOA's validity.
func (s *Orders) portDateRefusal(o *porting.PortOrder, at, now time.Time, use portDateUse) *calendar.PortTimeError {
	rules := s.planRules(o)
	var pt *calendar.PortTimeError
	if errors.As(calendar.CheckPortTime(o.Country, at, now, rules), &pt) {
		if use != portDateConfirmed || pt.Reason != porting.ReasonNoWindowPublished {
			return pt
		}
		if pt = dayRefusal(o.Country, at, now, rules); pt != nil {
			return pt
		}
	}
	if load := calendar.Plan(o.Country, at, s.settings.Plan).LoadNumbersAt; !load.After(now) {
		loc := country.WindowZone(o.Country)
		next, _ := s.nextWindows(context.Background(), o, now, 3)
		return &calendar.PortTimeError{Reason: porting.ReasonLoadTooLate, Next: next, Message: fmt.Sprintf(
			"The numbers must be loaded into the instance by %s %s, business days before the port, and that time has passed; pick a later date.",
			load.In(loc).Format("2006-01-02 15:04"), loc)}
	}
	return nil
}

// maxWindows is the most port windows one listing returns.
const maxWindows = 100

// FOCWindows lists the next count port windows of an order that a
// requested date may use, from from (or now, when from is zero) on. from
// may lie at most two years ahead (EINVALID on "from" otherwise); count is
// clamped to 1..100. The work stops with ctx.
func (s *Orders) FOCWindows(ctx context.Context, p porting.Principal, orderID string, from time.Time, count int) ([]porting.Slot, error) {
	if !from.IsZero() {
		if err := porting.CheckTime("from", from); err != nil {
			return nil, err
		}
		if from.After(s.clock.Now().Add(maxPortDateAhead)) {
			return nil, porting.FieldErrorf("from", "from %s is more than two years ahead; no port date can be that far", from.UTC().Format(time.RFC3339))
		}
	}
	o, err := s.GetPortOrder(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	return s.nextWindows(ctx, o, from, count)
}

// nextWindows lists up to count valid port windows of o from from on:
// those the porting rules accept and late enough that the numbers can
// still be loaded before them.
func (s *Orders) nextWindows(ctx context.Context, o *porting.PortOrder, from time.Time, count int) ([]porting.Slot, error) {
	switch {
	case count <= 0:
		count = 10
	case count > maxWindows:
		count = maxWindows
	}
	now := s.clock.Now()
	rules := s.planRules(o)
	_, err := calendar.EarliestPortTime(o.Country, now, rules)
	var pt *calendar.PortTimeError
	if errors.As(err, &pt) {
		return nil, &porting.Error{Code: porting.ECONFLICT, Message: pt.Message + " (" + pt.Reason + ")"}
	}
	if err != nil {
		return nil, err
	}
	// The first windows may be too close to load the numbers before them:
	// ask for spares.
	candidates, err := calendar.PortTimes(o.Country, from, now, count*2+16, rules)
	if err != nil {
		return nil, err
	}
	var out []porting.Slot
	for _, sl := range candidates {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("workflow: list port windows of %s: %w", o.ID, err)
		}
		if calendar.Plan(o.Country, sl.Start, s.settings.Plan).LoadNumbersAt.After(now) {
			out = append(out, sl)
		}
		if len(out) == count {
			break
		}
	}
	return out, nil
}
