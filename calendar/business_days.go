package calendar

import (
	"strings"
	"sync"
	"time"

	// The zone database is embedded so that porting windows keep their local
	// times on hosts without /usr/share/zoneinfo (scratch and distroless
	// images).
	_ "time/tzdata"
)

// Location returns the zone a country's porting windows are published in
// (its TimeZone), UTC when the country has none or its zone does not load.
// Calendar dates are judged in CivilLocation.
func Location(country string) *time.Location {
	if loc, ok := locations()[strings.ToUpper(strings.TrimSpace(country))]; ok {
		return loc.window
	}
	return time.UTC
}

// CivilLocation returns the country's civil time (its CivilZone), in which
// calendar dates are judged: business days, public holidays, the date
// written on an LOA. It is UTC when the country has none or its zone does
// not load.
func CivilLocation(country string) *time.Location {
	if loc, ok := locations()[strings.ToUpper(strings.TrimSpace(country))]; ok {
		return loc.civil
	}
	return time.UTC
}

// countryZones are a country's two zones, loaded.
type countryZones struct{ window, civil *time.Location }

// locations loads the zones of every country in the dataset once;
// time.LoadLocation reads and parses the zone on every call.
var locations = sync.OnceValue(func() map[string]countryZones {
	load := func(name string) *time.Location {
		if name == "" {
			return time.UTC
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return time.UTC
		}
		return loc
	}
	m := map[string]countryZones{}
	for _, c := range Countries() {
		m[c.Code] = countryZones{window: load(c.TimeZone), civil: load(c.CivilZone)}
	}
	return m
})

// IsCountryBusinessDay reports whether the calendar day of t in the
// country's civil time (see CivilLocation) is a business day there: one of
// the country's weekdays in the dataset and not a public holiday (see
// IsHoliday). A country the dataset does not know, or one without weekdays,
// works Monday to Friday in UTC.
func IsCountryBusinessDay(country string, t time.Time) bool {
	c := lookupPortCountry(country)
	return c.isBusinessDay(t.In(c.civil))
}

// BusinessDaysBetween counts the business days of the country (see
// IsCountryBusinessDay) d with from < d <= to, by calendar day in the
// country's civil time: the notice that from gives before to. It is 0 when
// to is not after from's day.
func BusinessDaysBetween(country string, from, to time.Time) int {
	c := lookupPortCountry(country)
	return countDays(from.In(c.civil), to.In(c.civil), c.isBusinessDay)
}

// AddCountryBusinessDays returns the calendar day n business days of the
// country before (n < 0) or after t, keeping t's clock time in the country's
// civil time. With n == 0 it returns t, even on a day that is not a
// business day.
func AddCountryBusinessDays(country string, t time.Time, n int) time.Time {
	c := lookupPortCountry(country)
	return addDays(t.In(c.civil), n, c.isBusinessDay)
}

// portCountry gathers what the date arithmetic needs about one country, so
// that loops over days look it up once.
type portCountry struct {
	code     string // as asked, upper case
	rules    CountryRules
	known    bool
	loc      *time.Location // the windows' zone
	civil    *time.Location // the zone calendar dates are judged in
	weekdays []time.Weekday
}

var weekdaysMondayToFriday = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func lookupPortCountry(code string) portCountry {
	code = strings.ToUpper(strings.TrimSpace(code))
	rules, known := LookupCountry(code)
	c := portCountry{code: code, rules: rules, known: known, loc: Location(code), civil: CivilLocation(code), weekdays: rules.Weekdays}
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
	_, holiday := holidayOn(c.code, day)
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
