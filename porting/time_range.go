package porting

import "time"

// EarliestTime and LatestTime bound every time portdesk accepts and
// computes. A port, a signature or a clock outside them is a typing error
// (year 9999, year 1) that no rule should walk to and that some encoders
// cannot even write (RFC 3339 stops at year 9999, and an offset can push a
// valid local time past it in UTC).
var (
	EarliestTime = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	LatestTime   = time.Date(2100, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// LatestClockTime is as far as a clock that can be moved (the sandbox's)
// may go: every time computed from now (a port date at most two years
// ahead, the deadlines around it) then stays before LatestTime.
var LatestClockTime = LatestTime.AddDate(-3, 0, 0)

// CheckTime is the one gate every time from outside passes before any rule
// reads it: it returns nil when t is within [EarliestTime, LatestTime), and
// otherwise an EINVALID error on field.
func CheckTime(field string, t time.Time) error {
	if t.Before(EarliestTime) || !t.Before(LatestTime) {
		return FieldErrorf(field, "%s is outside the times portdesk accepts (%d to %d)",
			field, EarliestTime.Year(), LatestTime.Year()-1)
	}
	return nil
}

// CheckClockTime is CheckTime for a new reading of a movable clock, which
// must stay before LatestClockTime.
func CheckClockTime(field string, t time.Time) error {
	if t.Before(EarliestTime) || !t.Before(LatestClockTime) {
		return FieldErrorf(field, "%s would move the clock outside the times portdesk accepts (%d to %d)",
			field, EarliestTime.Year(), LatestClockTime.Year()-1)
	}
	return nil
}
