package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

func TestCheckPortTime(t *testing.T) {
	t.Parallel()
	// Monday 2 November 2026 in Chicago. The US default lead is 10 business
	// days; Veterans Day (11 November) does not count, so the earliest port
	// day is Tuesday 17 November and its window opens at 07:00 CST.
	usNow := localTime(t, "US", 2026, 11, 2, 9, 0)
	usNext := []time.Time{utc(2026, 11, 17, 13, 0), utc(2026, 11, 18, 13, 0), utc(2026, 11, 19, 13, 0)}
	loaUntil := localTime(t, "US", 2026, 11, 18, 12, 0)
	// Without a lead, CL offers its next windows from now (Monday 16
	// November, 12:00 PST).
	clNow := localTime(t, "CL", 2026, 11, 16, 12, 0)
	clNext := []time.Time{utc(2026, 11, 17, 5, 0), utc(2026, 11, 18, 5, 0), utc(2026, 11, 19, 5, 0)}
	noLead := PlanRules{LeadBusinessDays: -1}
	lead10 := PlanRules{LeadBusinessDays: 10}

	tests := []struct {
		name       string
		country    string
		at, now    time.Time
		rules      PlanRules
		wantReason string // "" for a valid time
		wantNext   []time.Time
		wantInMsg  string
	}{
		{"US first valid window", "US", localTime(t, "US", 2026, 11, 17, 7, 0), usNow, lead10, "", nil, ""},
		{"US last minute of a window", "US", localTime(t, "US", 2026, 11, 30, 16, 59), usNow, lead10, "", nil, ""},
		{"US Saturday", "US", localTime(t, "US", 2026, 11, 28, 10, 0), usNow, lead10, porting.ReasonNotBusinessDay, usNext, "Saturday"},
		{"US Thanksgiving", "US", localTime(t, "US", 2026, 11, 26, 10, 0), usNow, lead10, porting.ReasonHoliday, usNext, "Thanksgiving Day"},
		{"US after the window", "US", localTime(t, "US", 2026, 11, 30, 18, 0), usNow, lead10, porting.ReasonOutsideWindow, usNext, "07:00-17:00"},
		{"US window end is exclusive", "US", localTime(t, "US", 2026, 11, 30, 17, 0), usNow, lead10, porting.ReasonOutsideWindow, usNext, ""},
		{"US nine business days out", "US", localTime(t, "US", 2026, 11, 16, 10, 0), usNow, lead10, porting.ReasonTooSoon, usNext, "2026-11-17"},
		{"US in the past", "US", localTime(t, "US", 2026, 11, 2, 8, 0), usNow, noLead, porting.ReasonTooSoon, []time.Time{
			utc(2026, 11, 3, 13, 0), utc(2026, 11, 4, 13, 0), utc(2026, 11, 5, 13, 0)}, "already past"},
		{"US LOA expires first", "US", localTime(t, "US", 2026, 11, 30, 10, 0), usNow, PlanRules{LeadBusinessDays: 10, LOAValidUntil: &loaUntil}, porting.ReasonLOAExpiresFirst, usNext[:2], "renew the LOA"},
		{"US explicit lead", "US", localTime(t, "US", 2026, 11, 4, 10, 0), usNow, PlanRules{LeadBusinessDays: 2}, "", nil, ""},
		{"CL Saturday 01:00 is Friday's window", "CL", localTime(t, "CL", 2026, 11, 21, 1, 0), clNow, noLead, "", nil, ""},
		{"CL Monday 01:00 is Sunday's window", "CL", localTime(t, "CL", 2026, 11, 23, 1, 0), clNow, noLead, porting.ReasonNotBusinessDay, clNext, "2026-11-22 is a Sunday"},
		{"CL Tuesday 02:59 is Monday's window", "CL", localTime(t, "CL", 2026, 11, 24, 2, 59), clNow, noLead, "", nil, ""},
		{"CL Tuesday 03:00", "CL", localTime(t, "CL", 2026, 11, 24, 3, 0), clNow, noLead, porting.ReasonOutsideWindow, clNext, "21:00-03:00"},
		{"CL lead of 40 business days", "CL", localTime(t, "CL", 2026, 11, 24, 1, 0), clNow, PlanRules{LeadBusinessDays: 40}, porting.ReasonTooSoon, []time.Time{
			utc(2027, 1, 12, 5, 0), utc(2027, 1, 13, 5, 0), utc(2027, 1, 14, 5, 0)}, ""},
		// EU fall back: 08:30 UTC is 09:30 local on Monday 26 October, 10:30
		// local on Friday 23 October.
		{"DE before the window after DST", "DE", utc(2026, 10, 26, 8, 30), utc(2026, 10, 1, 0, 0), noLead, porting.ReasonOutsideWindow, []time.Time{
			utc(2026, 10, 1, 8, 0), utc(2026, 10, 2, 8, 0), utc(2026, 10, 5, 8, 0)}, "09:30"},
		{"DE inside the window before DST", "DE", utc(2026, 10, 23, 8, 30), utc(2026, 10, 1, 0, 0), noLead, "", nil, ""},
		{"JP", "JP", localTime(t, "JP", 2026, 11, 24, 10, 0), usNow, PlanRules{}, porting.ReasonNoWindowPublished, nil, "carrier"},
		{"SG", "SG", localTime(t, "SG", 2026, 11, 24, 10, 0), usNow, PlanRules{}, porting.ReasonCountryNotSupported, nil, "SG"},
		{"unknown country", "XX", utc(2026, 11, 24, 10, 0), usNow, PlanRules{}, porting.ReasonCountryNotSupported, nil, `"XX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPortTime(tt.country, tt.at, tt.now, tt.rules)
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("CheckPortTime(%s, %v) = %v, want nil", tt.country, tt.at, err)
				}
				return
			}
			var pe *PortTimeError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckPortTime(%s, %v) = %v, want a *PortTimeError", tt.country, tt.at, err)
			}
			if pe.Reason != tt.wantReason || !strings.Contains(pe.Error(), tt.wantInMsg) {
				t.Errorf("CheckPortTime(%s, %v) = %s %q, want %s mentioning %q", tt.country, tt.at, pe.Reason, pe.Message, tt.wantReason, tt.wantInMsg)
			}
			var gotNext []time.Time
			for _, s := range pe.Next {
				gotNext = append(gotNext, s.Start)
				if err := CheckPortTime(tt.country, s.Start, tt.now, tt.rules); err != nil {
					t.Errorf("offered slot %v is refused: %v", s, err)
				}
			}
			if !equalTimes(gotNext, tt.wantNext) {
				t.Errorf("Next starts = %v, want %v", gotNext, tt.wantNext)
			}
		})
	}
}

func equalTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func TestEarliestPortTime(t *testing.T) {
	t.Parallel()
	now := localTime(t, "US", 2026, 11, 2, 9, 0)
	expired := localTime(t, "US", 2026, 11, 10, 0, 0)
	tests := []struct {
		name       string
		country    string
		rules      PlanRules
		wantStart  time.Time
		wantReason string
	}{
		{"US lead of 10", "US", PlanRules{LeadBusinessDays: 10}, utc(2026, 11, 17, 13, 0), ""},
		{"US default lead of 5", "US", PlanRules{}, utc(2026, 11, 9, 13, 0), ""},
		{"US no lead opens today", "US", PlanRules{LeadBusinessDays: -1}, utc(2026, 11, 3, 13, 0), ""},
		{"DE lead of 40 over Christmas", "DE", PlanRules{LeadBusinessDays: 40}, utc(2026, 12, 29, 9, 0), ""},
		{"US LOA expires before the lead", "US", PlanRules{LeadBusinessDays: 10, LOAValidUntil: &expired}, time.Time{}, porting.ReasonLOAExpiresFirst},
		{"JP", "JP", PlanRules{}, time.Time{}, porting.ReasonNoWindowPublished},
		{"SG", "SG", PlanRules{}, time.Time{}, porting.ReasonCountryNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EarliestPortTime(tt.country, now, tt.rules)
			if tt.wantReason != "" {
				var pe *PortTimeError
				if !errors.As(err, &pe) || pe.Reason != tt.wantReason || len(pe.Next) != 0 {
					t.Fatalf("EarliestPortTime(%s) = %v, %v; want a %s error without alternatives", tt.country, got, err, tt.wantReason)
				}
				return
			}
			if err != nil || !got.Start.Equal(tt.wantStart) {
				t.Fatalf("EarliestPortTime(%s) = %v (%v), %v; want start %v", tt.country, got, got.Start, err, tt.wantStart)
			}
			if err := CheckPortTime(tt.country, got.Start, now, tt.rules); err != nil {
				t.Errorf("the earliest slot is refused: %v", err)
			}
			if err := CheckPortTime(tt.country, got.Start.Add(-time.Minute), now, tt.rules); err == nil {
				t.Errorf("a minute before the earliest slot is accepted")
			}
		})
	}
}

// TestPortTimesAgreesWithCheckPortTime checks PortTimes, which jumps to
// from, against CheckPortTime judging every window Windows lists from the
// same point: the same slots, for a from before the earliest moment, far
// ahead, and with an LOA that expires in between.
func TestPortTimesAgreesWithCheckPortTime(t *testing.T) {
	t.Parallel()
	usNow := localTime(t, "US", 2026, 11, 2, 9, 0)
	loaUntil := localTime(t, "US", 2027, 12, 20, 12, 0)
	tests := []struct {
		name, country string
		from          time.Time
		rules         PlanRules
	}{
		{"US from now", "US", usNow, PlanRules{}},
		{"US from the past", "US", usNow.AddDate(0, -2, 0), PlanRules{}},
		{"US 23 months ahead", "US", usNow.AddDate(1, 11, 0), PlanRules{}},
		{"GB a year ahead", "GB", usNow.AddDate(1, 0, 0), PlanRules{}},
		{"CL without a lead", "CL", usNow.AddDate(0, 6, 0), PlanRules{LeadBusinessDays: -1}},
		{"US until the LOA expires", "US", usNow.AddDate(1, 1, 0), PlanRules{LOAValidUntil: &loaUntil}},
	}
	for _, tt := range tests {
		got, err := PortTimes(tt.country, tt.from, usNow, 30, tt.rules)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var want []porting.Slot
		for _, sl := range Windows(tt.country, tt.from, 120) {
			if CheckPortTime(tt.country, sl.Start, usNow, tt.rules) == nil && len(want) < 30 {
				want = append(want, sl)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d slots, want %d", tt.name, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: slot %d = %v, want %v", tt.name, i, got[i], want[i])
			}
		}
	}
	if got, _ := PortTimes("US", usNow.AddDate(1, 2, 0), usNow, 30, PlanRules{LOAValidUntil: &loaUntil}); len(got) != 0 {
		t.Errorf("%d slots after the LOA expired, want none", len(got))
	}
}
