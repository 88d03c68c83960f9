package porting

import (
	"fmt"
	"time"
)

// Date is a calendar date as a person writes it (the date next to a
// signature): a day with no time of day and no zone. Its JSON is
// "YYYY-MM-DD". The zero Date is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Years a Date can hold: four-digit years, so that every Date has exactly
// one written form and date arithmetic cannot overflow.
const (
	MinDateYear = 1
	MaxDateYear = 9999
)

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate reads a date written as "YYYY-MM-DD". For clients of API
// versions before 0.5 it also reads an RFC 3339 date-time and takes the
// calendar date as written, in the offset it was given with
// ("2026-11-30T23:00:00-08:00" is 2026-11-30). The error is EINVALID.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date: want YYYY-MM-DD", s)
	}
	d := DateOf(t)
	if d.Year < MinDateYear || d.Year > MaxDateYear {
		return Date{}, Errorf(EINVALID, "%q is not a date: the year must have four digits", s)
	}
	return d, nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns the date as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In returns the moment the date begins in loc (its local midnight, or the
// first moment of the day when a DST change skips midnight).
func (d Date) In(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if t.Day() != d.Day { // midnight skipped: the day began an hour earlier by the clock
		t = time.Date(d.Year, d.Month, d.Day, 1, 0, 0, 0, loc)
	}
	return t
}

// AddDays returns the date n calendar days after d (before, when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// DaysSince returns the number of calendar days from e to d: positive when
// d is after e.
func (d Date) DaysSince(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	return int(a.Sub(b).Hours() / 24)
}

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.DaysSince(e) > 0 }

// MarshalText writes the date as "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) {
	if d.Year < MinDateYear || d.Year > MaxDateYear {
		return nil, fmt.Errorf("porting: date year %d outside %d-%d", d.Year, MinDateYear, MaxDateYear)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date as ParseDate does, so that rows stored before
// dates had their own type (RFC 3339 timestamps) still read.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
