package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// nextSlotCount is how many alternatives a PortTimeError offers.
const nextSlotCount = 3

// PortTimeError explains why a port cannot happen at the time asked and
// offers the next times it can.
type PortTimeError struct {
	// Reason is one of porting.PortTimeReasons.
	Reason string
	// Message is a sentence for people, naming the day, window or rule.
	Message string
	// Next are the next valid occurrences of the porting windows from the
	// earliest allowed moment (each passes CheckPortTime with the same now
	// and rules), up to 3; empty when there is none (no window published,
	// country not supported, LOA expiring before any).
	Next []porting.Slot
}

// Error returns the message.
func (e *PortTimeError) Error() string { return e.Message }

// CheckPortTime reports whether a port of the country's numbers can start
// at the moment at, asked at now, under the rules r (zero fields take their
// defaults). It returns nil or a *PortTimeError, checking in this order:
// the country ports and publishes a window; the port day (the day the window
// containing at opened on, else at's day) is a weekday of the country and
// not a holiday; at is inside a window; the port day is at least the lead
// business days after now and at is not past; the LOA is still valid at at.
func CheckPortTime(code string, at, now time.Time, r PlanRules) error {
	c := lookupPortCountry(code)
	if err := c.checkPorts(); err != nil {
		return err
	}
	r = r.withDefaults(c.code)
	day, inWindow := c.portDay(at)
	local := at.In(c.loc)
	refuse := func(reason, format string, args ...any) error {
		return &PortTimeError{Reason: reason, Message: fmt.Sprintf(format, args...), Next: c.nextSlots(now, r)}
	}
	switch name, holiday := country.HolidayOn(c.code, day); {
	case !c.isWeekday(day):
		return refuse(porting.ReasonNotBusinessDay, "%s is a %s, not a porting day in %s.",
			day.Format(time.DateOnly), day.Weekday(), c.code)
	case holiday:
		return refuse(porting.ReasonHoliday, "%s is %s, a public holiday in %s; carriers do not port on it.",
			day.Format(time.DateOnly), name, c.code)
	case !inWindow:
		return refuse(porting.ReasonOutsideWindow, "%s %s is outside the porting windows of %s (%s %s).",
			local.Format("2006-01-02 15:04"), c.loc, c.code, c.windowList(), c.loc)
	}
	if at.Before(now) {
		return refuse(porting.ReasonTooSoon, "%s %s is already past.", local.Format("2006-01-02 15:04"), c.loc)
	}
	if countDays(now.In(c.civil), day, c.isBusinessDay) < r.LeadBusinessDays {
		return refuse(porting.ReasonTooSoon, "A port in %s needs %d business days' notice; the earliest port day is %s.",
			c.code, r.LeadBusinessDays, c.earliestMoment(now, r).Format(time.DateOnly))
	}
	if r.LOAValidUntil != nil && at.After(*r.LOAValidUntil) {
		return refuse(porting.ReasonLOAExpiresFirst, "The LOA is valid until %s, before the port at %s; renew the LOA or pick an earlier window.",
			r.LOAValidUntil.In(c.loc).Format("2006-01-02 15:04"), local.Format("2006-01-02 15:04"))
	}
	return nil
}

// EarliestPortTime returns the first occurrence of the country's porting
// windows at which a port asked at now can start under the rules r (zero
// fields take their defaults). The error is a *PortTimeError when the country
// does not port, publishes no window, or the LOA expires before any window.
func EarliestPortTime(code string, now time.Time, r PlanRules) (porting.Slot, error) {
	c := lookupPortCountry(code)
	if err := c.checkPorts(); err != nil {
		return porting.Slot{}, err
	}
	r = r.withDefaults(c.code)
	next := c.nextSlots(now, r)
	if len(next) == 0 && r.LOAValidUntil == nil {
		// Only a country whose every day is a holiday for a year gets here.
		return porting.Slot{}, &PortTimeError{Reason: porting.ReasonOutsideWindow,
			Message: fmt.Sprintf("%s has no porting window in the coming year.", c.code)}
	}
	if len(next) == 0 {
		return porting.Slot{}, &PortTimeError{Reason: porting.ReasonLOAExpiresFirst,
			Message: fmt.Sprintf("The LOA expires at %s, before the first porting window of %s it allows; renew the LOA.",
				r.LOAValidUntil.In(c.loc).Format("2006-01-02 15:04"), c.code)}
	}
	return next[0], nil
}

// PortTimes lists the next count occurrences of the country's porting
// windows that start at or after from and that CheckPortTime accepts when
// asked at now under the rules r. It starts straight at the later of from
// and the earliest allowed moment, so its work does not grow with how far
// ahead from lies. The error is a *PortTimeError when the country does not
// port or publishes no window; the list is empty when the LOA expires first.
func PortTimes(code string, from, now time.Time, count int, r PlanRules) ([]porting.Slot, error) {
	c := lookupPortCountry(code)
	if err := c.checkPorts(); err != nil {
		return nil, err
	}
	r = r.withDefaults(c.code)
	start := c.earliestMoment(now, r)
	if from.After(start) {
		start = from
	}
	var until time.Time
	if r.LOAValidUntil != nil {
		until = *r.LOAValidUntil
	}
	return c.windows(start, count, until), nil
}

// checkPorts refuses the countries that have no porting window to offer.
func (c portCountry) checkPorts() error {
	switch {
	case !c.known || !c.rules.Supported:
		return &PortTimeError{Reason: porting.ReasonCountryNotSupported, Message: fmt.Sprintf("Porting numbers in from %q is not supported.", c.code)}
	case len(c.rules.Windows) == 0:
		return &PortTimeError{Reason: porting.ReasonNoWindowPublished, Message: fmt.Sprintf(
			"%s publishes no porting window; agree the port time with the carrier on the ticket.", c.code)}
	}
	return nil
}

// earliestMoment is the start of the first day a port may happen on:
// midnight, in the country's civil time, of the day LeadBusinessDays
// business days after now, or now itself without a lead.
func (c portCountry) earliestMoment(now time.Time, r PlanRules) time.Time {
	now = now.In(c.civil)
	if r.LeadBusinessDays <= 0 {
		return now
	}
	d := addDays(now, r.LeadBusinessDays, c.isBusinessDay)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.civil)
}

// nextSlots lists the next valid occurrences for a port asked at now.
func (c portCountry) nextSlots(now time.Time, r PlanRules) []porting.Slot {
	var until time.Time
	if r.LOAValidUntil != nil {
		until = *r.LOAValidUntil
	}
	return c.windows(c.earliestMoment(now, r), nextSlotCount, until)
}

func (c portCountry) isWeekday(day time.Time) bool {
	return slices.Contains(c.weekdays, day.Weekday())
}

// windowList returns the published windows as "10:00-12:00, 14:00-16:00".
func (c portCountry) windowList() string {
	list := make([]string, len(c.rules.Windows))
	for i, w := range c.rules.Windows {
		list[i] = w.String()
	}
	return strings.Join(list, ", ")
}
