package calendar

import (
	"testing"
	"time"

	"github.com/portdesk/portdesk/country"
)

// mustLoc loads an IANA zone or fails the test.
func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// localTime is a wall-clock time in the zone a country's windows are
// published in.
func localTime(tb testing.TB, code string, year int, month time.Month, day, hour, minute int) time.Time {
	tb.Helper()
	rules, ok := country.Lookup(code)
	if !ok || rules.TimeZone == "" {
		tb.Fatalf("country %s has no zone", code)
	}
	return time.Date(year, month, day, hour, minute, 0, 0, mustLoc(tb, rules.TimeZone))
}
