package country

import (
	"slices"
	"testing"
	"time"
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

// localTime is a wall-clock time in the zone of the country.
func localTime(tb testing.TB, country string, year int, month time.Month, day, hour, minute int) time.Time {
	tb.Helper()
	rules, ok := Lookup(country)
	if !ok || rules.TimeZone == "" {
		tb.Fatalf("country %s has no zone", country)
	}
	return time.Date(year, month, day, hour, minute, 0, 0, mustLoc(tb, rules.TimeZone))
}

func TestIsHoliday(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		country  string
		at       time.Time
		wantName string
		wantOK   bool
	}{
		{"US Thanksgiving", "US", localTime(t, "US", 2026, 11, 26, 12, 0), "Thanksgiving Day", true},
		{"US day after Thanksgiving works", "US", localTime(t, "US", 2026, 11, 27, 12, 0), "", false},
		{"US Veterans Day", "US", localTime(t, "US", 2026, 11, 11, 8, 0), "Veterans Day", true},
		{"US judged in Chicago, not UTC", "US", time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC), "Thanksgiving Day", true},
		{"GB Christmas", "GB", localTime(t, "GB", 2026, 12, 25, 10, 0), "Christmas Day", true},
		{"GB Boxing Day on its Saturday", "GB", localTime(t, "GB", 2026, 12, 26, 10, 0), "Boxing Day", true},
		{"GB Boxing Day substitute Monday", "GB", localTime(t, "GB", 2026, 12, 28, 10, 0), "Boxing Day", true},
		{"GB Tuesday after", "GB", localTime(t, "GB", 2026, 12, 29, 10, 0), "", false},
		{"PR Independence Day observed Friday", "PR", localTime(t, "PR", 2026, 7, 3, 10, 0), "Independence Day", true},
		{"DE Good Friday", "de", localTime(t, "DE", 2026, 4, 3, 10, 0), "Karfreitag", true},
		{"JP New Year", "JP", localTime(t, "JP", 2026, 1, 1, 10, 0), "New Year's Day", true},
		{"CL has no calendar", "CL", localTime(t, "CL", 2026, 12, 25, 10, 0), "", false},
		{"unsupported SG", "SG", localTime(t, "SG", 2026, 12, 25, 10, 0), "", false},
		{"unknown country", "XX", time.Date(2026, 12, 25, 10, 0, 0, 0, time.UTC), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotName, gotOK := IsHoliday(tt.country, tt.at)
			if gotName != tt.wantName || gotOK != tt.wantOK {
				t.Errorf("IsHoliday(%s, %v) = %q, %v; want %q, %v", tt.country, tt.at, gotName, gotOK, tt.wantName, tt.wantOK)
			}
		})
	}
}

func TestHolidayCountries(t *testing.T) {
	t.Parallel()
	// The package documents these as working on weekdays only.
	wantWithout := []string{"CL", "CY", "EE", "FI", "HU", "LU", "MX", "PA", "PE", "PT", "SV"}
	var without []string
	for _, c := range All() {
		if c.Supported && !HasHolidayCalendar(c.Code) {
			without = append(without, c.Code)
		}
	}
	if !slices.Equal(without, wantWithout) {
		t.Errorf("supported countries without holidays = %v, want %v", without, wantWithout)
	}
	got := HolidayCountries()
	if !slices.IsSorted(got) || len(got) != 30 {
		t.Errorf("HolidayCountries() = %v, want 30 sorted codes", got)
	}
	for _, code := range got {
		if c, ok := Lookup(code); !ok || !c.Supported {
			t.Errorf("%s has a holiday calendar but is not a supported country", code)
		}
		if !HasHolidayCalendar(code) {
			t.Errorf("HasHolidayCalendar(%s) = false", code)
		}
	}
	if !HasHolidayCalendar(" us ") {
		t.Error("HasHolidayCalendar should accept any case and spaces")
	}
}
