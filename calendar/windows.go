package calendar

import (
	"time"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// maxDaysWithoutSlot bounds the search for windows; a supported country has
// business days every week, so a year without one means bad data.
const maxDaysWithoutSlot = 370

// Windows lists the next count occurrences of the country's porting windows
// that start at or after from, in order. Windows open on the country's
// business days only (see IsCountryBusinessDay), at their published local
// time whatever the UTC offset of the day (a 10:00 window stays at 10:00
// across a DST change). A window crossing midnight belongs to the business
// day it opens on; a country with several windows a day yields each of them.
// It returns nil when the country is unknown, unsupported or publishes no
// window (JP, BR): CheckPortTime tells those apart.
func Windows(code string, from time.Time, count int) []porting.Slot {
	c := lookupPortCountry(code)
	if !c.known || !c.rules.Supported || len(c.rules.Windows) == 0 || count <= 0 {
		return nil
	}
	return c.windows(from, count, time.Time{})
}

// windows lists up to count occurrences starting at or after from and, when
// until is not zero, not after until.
func (c portCountry) windows(from time.Time, count int, until time.Time) []porting.Slot {
	var out []porting.Slot
	from = from.In(c.loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 12, 0, 0, 0, c.loc)
	for idle := 0; len(out) < count && idle < maxDaysWithoutSlot; day = day.AddDate(0, 0, 1) {
		if !until.IsZero() && day.AddDate(0, 0, -1).After(until) {
			break
		}
		found := false
		for _, s := range c.slotsOn(day) {
			if s.Start.Before(from) || (!until.IsZero() && s.Start.After(until)) {
				continue
			}
			out = append(out, s)
			found = true
			if len(out) == count {
				break
			}
		}
		if found {
			idle = 0
		} else {
			idle++
		}
	}
	return out
}

// slotsOn returns the occurrences opening on the calendar day of day (in
// c.loc), none when it is not a business day. The day is the one carriers
// publish their windows for, in the windows' zone; its date is judged
// against the country's weekdays and holidays.
func (c portCountry) slotsOn(day time.Time) []porting.Slot {
	if !c.isBusinessDay(day) {
		return nil
	}
	slots := make([]porting.Slot, 0, len(c.rules.Windows))
	for _, w := range c.rules.Windows {
		slots = append(slots, c.slot(day, w))
	}
	return slots
}

// slot places the window w on the calendar day of day (in c.loc). The
// clock times are set with time.Date rather than added to midnight, so that
// they stay local across a DST change.
func (c portCountry) slot(day time.Time, w country.Window) porting.Slot {
	at := func(dayOffset int, d time.Duration) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day()+dayOffset,
			int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, c.loc)
	}
	start, end := at(0, w.Start), at(0, w.End)
	if w.CrossesMidnight() {
		end = at(1, w.End)
	}
	return porting.Slot{
		Start:      start.UTC(),
		End:        end.UTC(),
		Zone:       c.loc.String(),
		Day:        day.Format(time.DateOnly),
		Window:     w.String(),
		LocalStart: start.Format(time.RFC3339),
		LocalEnd:   end.Format(time.RFC3339),
	}
}

// portDay returns the local day (noon, in c.loc) a port at t belongs to:
// the day the window containing t opened on, else t's own calendar day. The
// window is looked for on business days and other days alike, so that a
// port on a weekend can be told it is not a business day.
func (c portCountry) portDay(t time.Time) (day time.Time, in bool) {
	t = t.In(c.loc)
	today := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, c.loc)
	for _, d := range []time.Time{today, today.AddDate(0, 0, -1)} {
		for _, w := range c.rules.Windows {
			if c.slot(d, w).Contains(t) {
				return d, true
			}
		}
	}
	return today, false
}
