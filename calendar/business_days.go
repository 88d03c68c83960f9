package calendar

import "time"

// IsBusinessDay reports whether the calendar day of t (in t's location) is
// Monday to Friday. Public holidays join the rule with the holiday calendar.
func IsBusinessDay(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// BusinessDaysUntil counts the business days d with from < d <= to, by
// calendar day in loc: the notice that from gives before to. It is 0 when to
// is not after from's day.
func BusinessDaysUntil(from, to time.Time, loc *time.Location) int {
	from, to = from.In(loc), to.In(loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	last := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	n := 0
	for day = day.AddDate(0, 0, 1); !day.After(last); day = day.AddDate(0, 0, 1) {
		if IsBusinessDay(day) {
			n++
		}
	}
	return n
}

// AddBusinessDays returns the calendar day n business days before (n < 0)
// or after t, keeping t's clock time, in loc.
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if IsBusinessDay(t) {
			n--
		}
	}
	return t
}

// Location returns the time zone of a country's porting rules, UTC when the
// country has none or its zone does not load.
func Location(country string) *time.Location {
	rules, ok := LookupCountry(country)
	if !ok || rules.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(rules.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
