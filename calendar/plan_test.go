package calendar

import (
	"testing"
	"time"
)

func TestPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		country string
		foc     time.Time
		rules   PlanRules
		want    Deadlines
	}{
		// Tuesday 1 December, 10:00 CST (the windows' zone). Load: three
		// business days back over the weekend and Thanksgiving (30, 27, 25
		// November), at 09:00 in New York (the US civil zone). Notice: five
		// business days counting the FOC day (1 December, 30, 27, 25, 24
		// November), so it closes when 24 November begins in New York.
		{"US after Thanksgiving", "US", localTime(t, "US", 2026, 12, 1, 10, 0), PlanRules{}, Deadlines{
			QuotaRequestsDue:   utc(2026, 11, 26, 16, 0),
			LoadNumbersAt:      utc(2026, 11, 25, 14, 0),
			PortWindowOpens:    utc(2026, 12, 1, 16, 0),
			RescheduleNoticeBy: utc(2026, 11, 24, 5, 0),
		}},
		{"US with its own rules", "US", localTime(t, "US", 2026, 12, 1, 10, 0),
			PlanRules{QuotaLeadDays: 7, LoadLeadBusinessDays: 4, NoticeBusinessDays: 2}, Deadlines{
				QuotaRequestsDue:   utc(2026, 11, 24, 16, 0),
				LoadNumbersAt:      utc(2026, 11, 24, 14, 0),
				PortWindowOpens:    utc(2026, 12, 1, 16, 0),
				RescheduleNoticeBy: utc(2026, 11, 30, 5, 0),
			}},
		// Tuesday 29 December in GB (windows in Europe/Berlin, dates in
		// Europe/London): Christmas, the weekend and the Boxing Day
		// substitute are skipped; loading at 09:00 and the notice's
		// midnight are London's.
		{"GB after Christmas", "GB", localTime(t, "GB", 2026, 12, 29, 11, 0), PlanRules{}, Deadlines{
			QuotaRequestsDue:   utc(2026, 12, 24, 10, 0),
			LoadNumbersAt:      utc(2026, 12, 22, 9, 0),
			PortWindowOpens:    utc(2026, 12, 29, 10, 0),
			RescheduleNoticeBy: utc(2026, 12, 21, 0, 0),
		}},
		// Saturday 01:00 PST is in Friday's window: numbers load three
		// business days before Friday, at 09:00 in Santiago (UTC-3). The
		// FOC's calendar day (Saturday 06:00 in Santiago) is not a business
		// day, so the notice counts Friday to Monday 16 November.
		{"CL window across midnight", "CL", localTime(t, "CL", 2026, 11, 21, 1, 0), PlanRules{}, Deadlines{
			QuotaRequestsDue:   utc(2026, 11, 16, 9, 0),
			LoadNumbersAt:      utc(2026, 11, 17, 12, 0),
			PortWindowOpens:    utc(2026, 11, 21, 9, 0),
			RescheduleNoticeBy: utc(2026, 11, 16, 3, 0),
		}},
		// Monday 30 March 10:00 CEST, after the EU switch: the deadlines
		// of the week before are in CET, an hour further from UTC.
		{"DE across DST", "DE", localTime(t, "DE", 2026, 3, 30, 10, 0), PlanRules{}, Deadlines{
			QuotaRequestsDue:   utc(2026, 3, 25, 9, 0),
			LoadNumbersAt:      utc(2026, 3, 25, 8, 0),
			PortWindowOpens:    utc(2026, 3, 30, 8, 0),
			RescheduleNoticeBy: utc(2026, 3, 23, 23, 0),
		}},
		{"no notice", "US", localTime(t, "US", 2026, 12, 1, 10, 0), PlanRules{NoticeBusinessDays: -1}, Deadlines{
			QuotaRequestsDue:   utc(2026, 11, 26, 16, 0),
			LoadNumbersAt:      utc(2026, 11, 25, 14, 0),
			PortWindowOpens:    utc(2026, 12, 1, 16, 0),
			RescheduleNoticeBy: utc(2026, 12, 1, 16, 0),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plan(tt.country, tt.foc, tt.rules)
			if !got.QuotaRequestsDue.Equal(tt.want.QuotaRequestsDue) || !got.LoadNumbersAt.Equal(tt.want.LoadNumbersAt) ||
				!got.PortWindowOpens.Equal(tt.want.PortWindowOpens) || !got.RescheduleNoticeBy.Equal(tt.want.RescheduleNoticeBy) {
				t.Errorf("Plan(%s, %v) =\n%+v\nwant\n%+v", tt.country, tt.foc, got, tt.want)
			}
		})
	}
}

// TestPlanNoticeCloses checks RescheduleNoticeBy against the rule it stands
// for, on every day of two busy months: asked just before it, the notice is
// long enough; asked at it, it is not.
func TestPlanNoticeCloses(t *testing.T) {
	t.Parallel()
	for _, country := range []string{"US", "GB", "CL"} {
		for day := 0; day < 61; day++ {
			foc := localTime(t, country, 2026, 11, 1+day, 10, 0)
			closes := Plan(country, foc, PlanRules{}).RescheduleNoticeBy
			if got := BusinessDaysBetween(country, closes.Add(-time.Second), foc); got < DefaultNoticeBusinessDays {
				t.Errorf("%s FOC %v: asked just before %v gives %d business days", country, foc, closes, got)
			}
			if got := BusinessDaysBetween(country, closes, foc); got >= DefaultNoticeBusinessDays {
				t.Errorf("%s FOC %v: asked at %v still gives %d business days", country, foc, closes, got)
			}
		}
	}
}

func TestDefaultLeadBusinessDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		country string
		want    int
	}{
		{"US", 5}, {"ca", 5}, {"PR", 5}, {"GB", 10}, {"JP", 10}, {"XX", 10},
	}
	for _, tt := range tests {
		if got := DefaultLeadBusinessDays(tt.country); got != tt.want {
			t.Errorf("DefaultLeadBusinessDays(%s) = %d, want %d", tt.country, got, tt.want)
		}
	}
}

func TestPlanRulesDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   PlanRules
		want PlanRules
	}{
		{"zero takes defaults", PlanRules{}, PlanRules{LeadBusinessDays: 5, QuotaLeadDays: 5, LoadLeadBusinessDays: 3, NoticeBusinessDays: 5}},
		{"set fields stay", PlanRules{LeadBusinessDays: 7, QuotaLeadDays: 6, LoadLeadBusinessDays: 4, NoticeBusinessDays: 8},
			PlanRules{LeadBusinessDays: 7, QuotaLeadDays: 6, LoadLeadBusinessDays: 4, NoticeBusinessDays: 8}},
		{"negative means none", PlanRules{LeadBusinessDays: -1, QuotaLeadDays: -1, LoadLeadBusinessDays: -1, NoticeBusinessDays: -1}, PlanRules{}},
	}
	for _, tt := range tests {
		if got := tt.in.withDefaults("US"); got != tt.want {
			t.Errorf("%s: withDefaults = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
