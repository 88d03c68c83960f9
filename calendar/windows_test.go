package calendar

import (
	"testing"
	"time"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// utc is a time in UTC, for the want side of the tables.
func utc(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
}

// wantSlot is what a table expects of one occurrence.
type wantSlot struct {
	start, end time.Time
	day        string
	localStart string
}

func checkSlots(t *testing.T, got []porting.Slot, want []wantSlot) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d slots %v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if !g.Start.Equal(w.start) || !g.End.Equal(w.end) || g.Day != w.day || g.LocalStart != w.localStart {
			t.Errorf("slot %d = %s..%s day %s local %s; want %s..%s day %s local %s",
				i, g.Start, g.End, g.Day, g.LocalStart, w.start, w.end, w.day, w.localStart)
		}
		if g.Start.Location() != time.UTC || g.End.Location() != time.UTC {
			t.Errorf("slot %d is not in UTC: %v..%v", i, g.Start, g.End)
		}
	}
}

func TestWindows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		country string
		from    time.Time
		count   int
		want    []wantSlot
	}{
		{"CL crosses midnight, belongs to the day it opens", "CL", localTime(t, "CL", 2026, 11, 20, 0, 0), 2, []wantSlot{
			{utc(2026, 11, 21, 5, 0), utc(2026, 11, 21, 11, 0), "2026-11-20", "2026-11-20T21:00:00-08:00"},
			{utc(2026, 11, 24, 5, 0), utc(2026, 11, 24, 11, 0), "2026-11-23", "2026-11-23T21:00:00-08:00"},
		}},
		// Saturday 01:00 is inside Friday's window; only windows starting
		// at or after from are listed.
		{"CL from inside a running window", "CL", localTime(t, "CL", 2026, 11, 21, 1, 0), 1, []wantSlot{
			{utc(2026, 11, 24, 5, 0), utc(2026, 11, 24, 11, 0), "2026-11-23", "2026-11-23T21:00:00-08:00"},
		}},
		{"AR three windows a day", "AR", localTime(t, "AR", 2026, 11, 10, 0, 0), 4, []wantSlot{
			{utc(2026, 11, 10, 5, 0), utc(2026, 11, 10, 7, 0), "2026-11-10", "2026-11-10T02:00:00-03:00"},
			{utc(2026, 11, 10, 13, 0), utc(2026, 11, 10, 15, 0), "2026-11-10", "2026-11-10T10:00:00-03:00"},
			{utc(2026, 11, 10, 18, 0), utc(2026, 11, 10, 20, 0), "2026-11-10", "2026-11-10T15:00:00-03:00"},
			{utc(2026, 11, 11, 5, 0), utc(2026, 11, 11, 7, 0), "2026-11-11", "2026-11-11T02:00:00-03:00"},
		}},
		{"MX second window of the day", "MX", localTime(t, "MX", 2026, 11, 11, 11, 0), 2, []wantSlot{
			{utc(2026, 11, 11, 13, 0), utc(2026, 11, 11, 15, 0), "2026-11-11", "2026-11-11T14:00:00+01:00"},
			{utc(2026, 11, 12, 9, 0), utc(2026, 11, 12, 11, 0), "2026-11-12", "2026-11-12T10:00:00+01:00"},
		}},
		{"US skips Thanksgiving", "US", localTime(t, "US", 2026, 11, 25, 18, 0), 1, []wantSlot{
			{utc(2026, 11, 27, 13, 0), utc(2026, 11, 27, 23, 0), "2026-11-27", "2026-11-27T07:00:00-06:00"},
		}},
		{"GB skips Christmas and Boxing Day substitute", "GB", localTime(t, "GB", 2026, 12, 24, 13, 0), 1, []wantSlot{
			{utc(2026, 12, 29, 9, 0), utc(2026, 12, 29, 11, 0), "2026-12-29", "2026-12-29T10:00:00+01:00"},
		}},
		// DST: the local opening time stays, the UTC offset changes.
		{"US spring forward (8 March)", "US", localTime(t, "US", 2026, 3, 6, 0, 0), 2, []wantSlot{
			{utc(2026, 3, 6, 13, 0), utc(2026, 3, 6, 23, 0), "2026-03-06", "2026-03-06T07:00:00-06:00"},
			{utc(2026, 3, 9, 12, 0), utc(2026, 3, 9, 22, 0), "2026-03-09", "2026-03-09T07:00:00-05:00"},
		}},
		{"US fall back (1 November)", "US", localTime(t, "US", 2026, 10, 30, 0, 0), 2, []wantSlot{
			{utc(2026, 10, 30, 12, 0), utc(2026, 10, 30, 22, 0), "2026-10-30", "2026-10-30T07:00:00-05:00"},
			{utc(2026, 11, 2, 13, 0), utc(2026, 11, 2, 23, 0), "2026-11-02", "2026-11-02T07:00:00-06:00"},
		}},
		{"PR 10:00 across US spring forward", "PR", localTime(t, "PR", 2026, 3, 6, 0, 0), 2, []wantSlot{
			{utc(2026, 3, 6, 18, 0), utc(2026, 3, 6, 20, 0), "2026-03-06", "2026-03-06T10:00:00-08:00"},
			{utc(2026, 3, 9, 17, 0), utc(2026, 3, 9, 19, 0), "2026-03-09", "2026-03-09T10:00:00-07:00"},
		}},
		{"DE 10:00 across EU spring forward (29 March)", "DE", localTime(t, "DE", 2026, 3, 27, 0, 0), 2, []wantSlot{
			{utc(2026, 3, 27, 9, 0), utc(2026, 3, 27, 11, 0), "2026-03-27", "2026-03-27T10:00:00+01:00"},
			{utc(2026, 3, 30, 8, 0), utc(2026, 3, 30, 10, 0), "2026-03-30", "2026-03-30T10:00:00+02:00"},
		}},
		{"DE 10:00 across EU fall back (25 October)", "DE", localTime(t, "DE", 2026, 10, 23, 0, 0), 2, []wantSlot{
			{utc(2026, 10, 23, 8, 0), utc(2026, 10, 23, 10, 0), "2026-10-23", "2026-10-23T10:00:00+02:00"},
			{utc(2026, 10, 26, 9, 0), utc(2026, 10, 26, 11, 0), "2026-10-26", "2026-10-26T10:00:00+01:00"},
		}},
		{"JP publishes no window", "JP", localTime(t, "JP", 2026, 11, 10, 0, 0), 3, nil},
		{"BR publishes no window", "BR", localTime(t, "BR", 2026, 11, 10, 0, 0), 3, nil},
		{"SG is not supported", "SG", localTime(t, "SG", 2026, 11, 10, 0, 0), 3, nil},
		{"unknown country", "XX", utc(2026, 11, 10, 0, 0), 3, nil},
		{"zero count", "US", utc(2026, 11, 10, 0, 0), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Windows(tt.country, tt.from, tt.count)
			checkSlots(t, got, tt.want)
			if tt.want == nil && got != nil {
				t.Errorf("Windows = %v, want nil", got)
			}
		})
	}
}

func TestWindowsEverySupportedCountry(t *testing.T) {
	t.Parallel()
	from := utc(2026, 12, 20, 0, 0) // over Christmas and New Year
	until := from.AddDate(0, 0, 30)
	for _, c := range country.All() {
		if !c.Supported {
			continue
		}
		t.Run(c.Code, func(t *testing.T) {
			got := Windows(c.Code, from, 1)
			if len(c.Windows) == 0 {
				// JP and BR publish no window.
				if got != nil {
					t.Errorf("Windows(%s) = %v, want nil without a published window", c.Code, got)
				}
				return
			}
			if len(got) != 1 || got[0].Start.After(until) {
				t.Fatalf("Windows(%s) = %v, want one within 30 days of %v", c.Code, got, from)
			}
			if got[0].Start.Before(from) || !got[0].End.After(got[0].Start) || got[0].Zone != c.TimeZone {
				t.Errorf("Windows(%s) = %+v, want a slot after %v in %s", c.Code, got[0], from, c.TimeZone)
			}
			if !IsCountryBusinessDay(c.Code, got[0].Start) {
				t.Errorf("Windows(%s) opens %v, not a business day", c.Code, got[0].Start)
			}
		})
	}
	for _, code := range []string{"JP", "BR"} {
		if c, _ := country.Lookup(code); !c.Supported || len(c.Windows) != 0 {
			t.Errorf("%s should be supported without a window", code)
		}
	}
}

func TestSlotContains(t *testing.T) {
	t.Parallel()
	s := Windows("CL", localTime(t, "CL", 2026, 11, 20, 0, 0), 1)[0]
	tests := []struct {
		at   time.Time
		want bool
	}{
		{s.Start.Add(-time.Nanosecond), false},
		{s.Start, true},
		{localTime(t, "CL", 2026, 11, 21, 2, 59), true},
		{s.End, false},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.at); got != tt.want {
			t.Errorf("%v.Contains(%v) = %v, want %v", s, tt.at, got, tt.want)
		}
	}
	if got, want := s.String(), "2026-11-20 21:00-03:00 America/Los_Angeles"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
