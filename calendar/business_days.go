// Package calendar is the date arithmetic of porting, built on the
// per-country dataset in package country: business days, occurrences of
// porting windows, checks of a port time, and the deadlines that follow
// from a firm order commitment. Window times are taken in the zone they are
// published in (country.WindowZone); calendar days in the country's civil
// time (country.CivilZone). It imports the standard library and, of
// portdesk, only country and the domain (porting).
package calendar

import (
	"strings"
	"time"

	"github.com/portdesk/portdesk/country"
)

// IsCountryBusinessDay reports whether the calendar day of t in the
// country's civil time (see CivilLocation) is a business day there: one of
// the country's weekdays in the dataset and not a public holiday (see
// IsHoliday). A country the dataset does not know, or one without weekdays,
// works Monday to Friday in UTC.
func IsCountryBusinessDay(code string, t time.Time) bool {
	c := lookupPortCountry(code)
	return c.isBusinessDay(t.In(c.civil))
}

// BusinessDaysBetween counts the business days of the country (see
// IsCountryBusinessDay) d with from < d <= to, by calendar day in the
// country's civil time: the notice that from gives before to. It is 0 when
// to is not after from's day.
func BusinessDaysBetween(code string, from, to time.Time) int {
	c := lookupPortCountry(code)
	return countDays(from.In(c.civil), to.In(c.civil), c.isBusinessDay)
}

// AddCountryBusinessDays returns the calendar day n business days of the
// country before (n < 0) or after t, keeping t's clock time in the country's
// civil time. With n == 0 it returns t, even on a day that is not a
// business day.
func AddCountryBusinessDays(code string, t time.Time, n int) time.Time {
	c := lookupPortCountry(code)
	return addDays(t.In(c.civil), n, c.isBusinessDay)
}

// portCountry gathers what the date arithmetic needs about one country, so
// that loops over days look it up once.
type portCountry struct {
	code     string // as asked, upper case
	rules    country.Rules
	known    bool
	loc      *time.Location // the windows' zone
	civil    *time.Location // the zone calendar dates are judged in
	weekdays []time.Weekday
}

var weekdaysMondayToFriday = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func lookupPortCountry(code string) portCountry {
	code = strings.ToUpper(strings.TrimSpace(code))
	rules, known := country.Lookup(code)
	c := portCountry{code: code, rules: rules, known: known, loc: country.WindowZone(code), civil: country.CivilZone(code), weekdays: rules.Weekdays}
	if len(c.weekdays) == 0 {
		c.weekdays = weekdaysMondayToFriday
	}
	return c
}

// isBusinessDay judges the calendar day of day as it stands: pass a time in
// c.civil.
func (c portCountry) isBusinessDay(day time.Time) bool {
	if !c.isWeekday(day) {
		return false
	}
	_, holiday := country.HolidayOn(c.code, day)
	return !holiday
}

// countDays counts the days d with from < d <= to, by calendar day in
// from's location, for which isDay holds.
func countDays(from, to time.Time, isDay func(time.Time) bool) int {
	loc := from.Location()
	to = to.In(loc)
	last := time.Date(to.Year(), to.Month(), to.Day(), 12, 0, 0, 0, loc)
	n := 0
	// Noon keeps AddDate on the intended day whatever the DST rules do at
	// midnight.
	for day := time.Date(from.Year(), from.Month(), from.Day()+1, 12, 0, 0, 0, loc); !day.After(last); day = day.AddDate(0, 0, 1) {
		if isDay(day) {
			n++
		}
	}
	return n
}

// addDays steps from t, one calendar day at a time, until it has passed n
// days for which isDay holds, and keeps t's clock time.
func addDays(t time.Time, n int, isDay func(time.Time) bool) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if isDay(t) {
			n--
		}
	}
	return t
}
