package calendar

import (
	"strings"
	"time"
)

// Defaults of PlanRules.
const (
	// DefaultQuotaLeadDays: service-quota changes are requested at least 5
	// calendar days before the port.
	DefaultQuotaLeadDays = 5
	// DefaultLoadLeadBusinessDays: numbers are loaded into the instance 3
	// business days before the port (the process allows 3 to 4).
	DefaultLoadLeadBusinessDays = 3
	// DefaultNoticeBusinessDays: a reschedule or cancellation needs at least
	// 5 business days' notice before the port.
	DefaultNoticeBusinessDays = 5
	// loadHour is the civil time numbers are loaded at on their day.
	loadHour = 9
)

// PlanRules are the lead times a port is planned with. A zero field takes
// its default; a negative one means no lead at all.
type PlanRules struct {
	// LeadBusinessDays is the minimum number of business days from the
	// moment a port time is asked to the port day. Default:
	// DefaultLeadBusinessDays of the country.
	LeadBusinessDays int
	// QuotaLeadDays is how many calendar days before the port the quota
	// increases must be requested. Default: DefaultQuotaLeadDays.
	QuotaLeadDays int
	// LoadLeadBusinessDays is how many business days before the port the
	// numbers are loaded into the instance. Default:
	// DefaultLoadLeadBusinessDays.
	LoadLeadBusinessDays int
	// NoticeBusinessDays is the notice a reschedule or cancellation needs.
	// Default: DefaultNoticeBusinessDays.
	NoticeBusinessDays int
	// LOAValidUntil, when set, is the last moment the signed LOA is valid;
	// a port must start by then.
	LOAValidUntil *time.Time
}

// DefaultLeadBusinessDays returns the default minimum notice, in business
// days, between asking for a port time and the port day: the time carriers
// need to confirm a date once the documents are right. 5 in the US, Canada
// and Puerto Rico (the common one-week minimum there), 10 (two weeks)
// elsewhere. The whole process takes longer (2–4 weeks in North America,
// 2–6 months elsewhere); that is the order's history, not this notice.
func DefaultLeadBusinessDays(code string) int {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "US", "CA", "PR":
		return 5
	default:
		return 10
	}
}

// withDefaults fills the zero fields and clears the negative ones.
func (r PlanRules) withDefaults(code string) PlanRules {
	pick := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	r.LeadBusinessDays = pick(r.LeadBusinessDays, DefaultLeadBusinessDays(code))
	r.QuotaLeadDays = pick(r.QuotaLeadDays, DefaultQuotaLeadDays)
	r.LoadLeadBusinessDays = pick(r.LoadLeadBusinessDays, DefaultLoadLeadBusinessDays)
	r.NoticeBusinessDays = pick(r.NoticeBusinessDays, DefaultNoticeBusinessDays)
	return r
}

// Deadlines are the moments that depend on the firm order commitment (FOC),
// in UTC. Business days are the country's (see IsCountryBusinessDay).
type Deadlines struct {
	// QuotaRequestsDue is the last moment to request quota increases: the
	// FOC minus QuotaLeadDays calendar days, at the FOC's clock time in the
	// country's civil time.
	QuotaRequestsDue time.Time
	// LoadNumbersAt is when the numbers are loaded into the instance: 09:00
	// in the country's civil time of the business day LoadLeadBusinessDays
	// before the port day (the day the window containing the FOC opened on,
	// else the FOC's day).
	LoadNumbersAt time.Time
	// PortWindowOpens is the FOC itself: the agreed start of the port.
	PortWindowOpens time.Time
	// RescheduleNoticeBy is when the notice period closes: a reschedule or
	// cancellation asked before it gives at least NoticeBusinessDays
	// business days' notice, as BusinessDaysBetween(asked, foc) counts
	// them, and one asked at or after it gives less. It is civil midnight
	// at the start of the NoticeBusinessDays-th business day counted back
	// from the FOC's calendar day (that day included when it is a business
	// day); the FOC itself without a notice.
	RescheduleNoticeBy time.Time
}

// Plan computes the deadlines of a port at foc in the country under the
// rules r (zero fields take their defaults). It does not check foc; see
// CheckPortTime.
func Plan(code string, foc time.Time, r PlanRules) Deadlines {
	c := lookupPortCountry(code)
	r = r.withDefaults(c.code)
	local := foc.In(c.civil)
	portDay, _ := c.portDay(foc)
	// Noon of the port day in the windows' zone is the same date in civil
	// time: the zones of one country lie less than 12 hours apart.
	load := addDays(portDay.In(c.civil), -r.LoadLeadBusinessDays, c.isBusinessDay)
	return Deadlines{
		QuotaRequestsDue:   local.AddDate(0, 0, -r.QuotaLeadDays).UTC(),
		LoadNumbersAt:      time.Date(load.Year(), load.Month(), load.Day(), loadHour, 0, 0, 0, c.civil).UTC(),
		PortWindowOpens:    foc.UTC(),
		RescheduleNoticeBy: c.noticeCloses(local, r.NoticeBusinessDays),
	}
}

// noticeCloses returns the first moment from which fewer than n business
// days are left before the calendar day of foc (in c.civil): the start of the
// n-th business day counted back from that day, the day itself first.
func (c portCountry) noticeCloses(foc time.Time, n int) time.Time {
	if n <= 0 {
		return foc.UTC()
	}
	day := time.Date(foc.Year(), foc.Month(), foc.Day(), 12, 0, 0, 0, c.civil)
	if c.isBusinessDay(day) {
		n--
	}
	if n > 0 {
		day = addDays(day, -n, c.isBusinessDay)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, c.civil).UTC()
}
