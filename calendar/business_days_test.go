package calendar

import (
	"testing"
	"time"

	"github.com/portdesk/portdesk/country"
)

func TestIsCountryBusinessDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		country string
		at      time.Time
		want    bool
	}{
		{"US Thanksgiving", "US", localTime(t, "US", 2026, 11, 26, 10, 0), false},
		{"US Friday after", "US", localTime(t, "US", 2026, 11, 27, 10, 0), true},
		{"US Saturday", "US", localTime(t, "US", 2026, 11, 28, 10, 0), false},
		{"US Friday evening, Saturday in UTC", "US", time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), true},
		{"CL works on US Thanksgiving", "CL", localTime(t, "CL", 2026, 11, 26, 10, 0), true},
		{"GB Boxing Day substitute", "GB", localTime(t, "GB", 2026, 12, 28, 10, 0), false},
		{"unknown country Monday", "XX", time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), true},
		{"unknown country Sunday", "XX", time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsCountryBusinessDay(tt.country, tt.at); got != tt.want {
				t.Errorf("IsCountryBusinessDay(%s, %v) = %v, want %v", tt.country, tt.at, got, tt.want)
			}
		})
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		country  string
		from, to time.Time
		want     int
	}{
		// Thursday is Thanksgiving, then a weekend: Friday and Monday count.
		{"US across holiday and weekend", "US", localTime(t, "US", 2026, 11, 25, 10, 0), localTime(t, "US", 2026, 11, 30, 10, 0), 2},
		// Tuesday 23:00 in New York (the US civil zone) although Wednesday in UTC.
		{"US from the local day", "US", time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC), localTime(t, "US", 2026, 11, 30, 10, 0), 3},
		{"CL has no holidays", "CL", localTime(t, "CL", 2026, 11, 25, 10, 0), localTime(t, "CL", 2026, 11, 30, 10, 0), 3},
		// Christmas Friday, weekend, Boxing Day substitute Monday.
		{"GB Christmas week", "GB", localTime(t, "GB", 2026, 12, 24, 10, 0), localTime(t, "GB", 2026, 12, 29, 10, 0), 1},
		{"same day", "US", localTime(t, "US", 2026, 11, 30, 8, 0), localTime(t, "US", 2026, 11, 30, 17, 0), 0},
		{"backwards", "US", localTime(t, "US", 2026, 11, 30, 10, 0), localTime(t, "US", 2026, 11, 25, 10, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BusinessDaysBetween(tt.country, tt.from, tt.to); got != tt.want {
				t.Errorf("BusinessDaysBetween(%s, %v, %v) = %d, want %d", tt.country, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestAddCountryBusinessDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		country string
		t       time.Time
		n       int
		want    time.Time
	}{
		{"US over Thanksgiving", "US", localTime(t, "US", 2026, 11, 25, 10, 0), 1, localTime(t, "US", 2026, 11, 27, 10, 0)},
		{"US over Thanksgiving and weekend", "US", localTime(t, "US", 2026, 11, 25, 10, 0), 2, localTime(t, "US", 2026, 11, 30, 10, 0)},
		{"US backwards", "US", localTime(t, "US", 2026, 11, 30, 10, 0), -2, localTime(t, "US", 2026, 11, 25, 10, 0)},
		{"GB over Christmas", "GB", localTime(t, "GB", 2026, 12, 24, 10, 0), 1, localTime(t, "GB", 2026, 12, 29, 10, 0)},
		{"zero keeps a Saturday", "US", localTime(t, "US", 2026, 11, 28, 10, 0), 0, localTime(t, "US", 2026, 11, 28, 10, 0)},
		{"keeps local clock across DST", "DE", localTime(t, "DE", 2026, 3, 27, 10, 0), 1, localTime(t, "DE", 2026, 3, 30, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AddCountryBusinessDays(tt.country, tt.t, tt.n); !got.Equal(tt.want) {
				t.Errorf("AddCountryBusinessDays(%s, %v, %d) = %v, want %v", tt.country, tt.t, tt.n, got, tt.want)
			}
		})
	}
}

func TestLocation(t *testing.T) {
	t.Parallel()
	tests := []struct{ country, want string }{
		{"US", "America/Chicago"},
		{" cl ", "America/Los_Angeles"},
		{"SG", "Asia/Singapore"},
		{"KR", "UTC"},
		{"XX", "UTC"},
	}
	for _, tt := range tests {
		if got := country.WindowZone(tt.country).String(); got != tt.want {
			t.Errorf("country.WindowZone(%q) = %s, want %s", tt.country, got, tt.want)
		}
	}
}

// TestCivilTimeDecidesDates keeps the two zones of a country apart: the
// zone its porting windows are published in (Europe/Berlin for GB and MX,
// America/Los_Angeles for PR) decides windows only; calendar dates are
// judged in the country's own civil time.
func TestCivilTimeDecidesDates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ country, window, civil string }{
		{"GB", "Europe/Berlin", "Europe/London"},
		{"IE", "Europe/Berlin", "Europe/Dublin"},
		{"PT", "Europe/Berlin", "Europe/Lisbon"},
		{"MX", "Europe/Berlin", "America/Mexico_City"},
		{"PR", "America/Los_Angeles", "America/Puerto_Rico"},
		{"CL", "America/Los_Angeles", "America/Santiago"},
		{"PE", "America/Los_Angeles", "America/Lima"},
		{"US", "America/Chicago", "America/New_York"},
	} {
		if got := country.WindowZone(tt.country).String(); got != tt.window {
			t.Errorf("country.WindowZone(%s) = %s, want the windows' zone %s", tt.country, got, tt.window)
		}
		if got := country.CivilZone(tt.country).String(); got != tt.civil {
			t.Errorf("country.CivilZone(%s) = %s, want %s", tt.country, got, tt.civil)
		}
	}
	// Monday 03:00 UTC is Monday in Berlin but still Sunday in Mexico City.
	if IsCountryBusinessDay("MX", time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)) {
		t.Error("MX: Sunday 21:00 in Mexico City counted as a business day")
	}
	// New Year's Eve 23:30 in London is already New Year's Day in Berlin.
	if name, ok := country.IsHoliday("GB", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); ok {
		t.Errorf("GB: 31 December 23:30 in London is %s, want no holiday", name)
	}
	// Thanksgiving begins in Puerto Rico while it is still the day before
	// in Los Angeles.
	if _, ok := country.IsHoliday("PR", time.Date(2026, 11, 26, 4, 30, 0, 0, time.UTC)); !ok {
		t.Error("PR: 26 November 00:30 in San Juan is not Thanksgiving")
	}
	// Thursday 23:30 in Mexico City is Friday in UTC and in Berlin: the
	// notice to the Tuesday after counts Friday, Monday and Tuesday.
	from := time.Date(2026, 12, 4, 5, 30, 0, 0, time.UTC)
	to := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	if got := BusinessDaysBetween("MX", from, to); got != 3 {
		t.Errorf("BusinessDaysBetween(MX, Thursday 23:30 local, Tuesday) = %d, want 3 (Friday, Monday, Tuesday)", got)
	}
}
