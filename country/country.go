// Package country is the per-country porting dataset: whether a country
// accepts ports and of which number kinds, its porting windows and the zone
// they are published in, its civil zone (in which dates are judged), its
// weekdays, the ranges that cannot be ported, and its public holidays. It
// answers questions about one country; the date arithmetic built on it
// (business days, window occurrences, port-time checks, deadline plans)
// lives in calendar. It imports the standard library,
// github.com/rickar/cal/v2 (holidays) and, of portdesk, only the domain
// (porting) for its vocabularies.
package country

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// countriesCSV is the porting dataset. Columns: country (ISO 3166 alpha-2),
// supported (yes/no), number_kinds, windows (HH:MM-HH:MM local time),
// time_zone (IANA, the zone the windows are published in), civil_zone
// (IANA, the country's own civil time: the capital's zone when it has
// several), weekdays (Mon-Fri or single days), unportable_prefixes (leading
// digits of national significant numbers) and a free-form note.
// Lists are separated by ";".
//
//go:embed countries.csv
var countriesCSV []byte

// Window is a porting window on one local day, as offsets from local
// midnight. End before Start means the window crosses midnight and closes
// on the next day.
type Window struct {
	Start, End time.Duration
}

// CrossesMidnight reports whether the window closes on the day after it opens.
func (w Window) CrossesMidnight() bool { return w.End < w.Start }

// String returns the window as "HH:MM-HH:MM".
func (w Window) String() string {
	clock := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return clock(w.Start) + "-" + clock(w.End)
}

// Rules are the porting rules of one country. An unsupported country
// has Supported false and no number kinds; a supported country may still have
// no published Windows (ask the carrier on each ticket).
type Rules struct {
	// Code is the ISO 3166 alpha-2 code in upper case.
	Code string
	// Supported reports whether numbers of this country can be ported in.
	Supported bool
	// NumberKinds lists the number kinds (of porting.NumberKinds) that can
	// be ported in.
	NumberKinds []string
	// Windows are the porting windows in TimeZone, in the order published.
	Windows []Window
	// TimeZone is the IANA name of the zone the windows are expressed in,
	// or "" when unknown. Carriers may publish windows in another country's
	// zone (Europe/Berlin for GB or MX); dates use CivilZone.
	TimeZone string
	// CivilZone is the IANA name of the country's civil time, the zone of
	// its capital when it has several, or "" when unknown. Calendar dates
	// are judged in it: business days, public holidays, the date written on
	// an LOA and its expiry.
	CivilZone string
	// Weekdays are the days, in TimeZone, on which a window opens; in
	// CivilZone, the days that count as business days.
	Weekdays []time.Weekday
	// UnportablePrefixes are leading digits of national significant numbers
	// that cannot be ported.
	UnportablePrefixes []string
	// Note records what the data cannot: document needs, restrictions and
	// doubts about the source ("suspect: …").
	Note string
}

// SupportsKind reports whether numbers of the given kind can be ported in
// from this country.
func (r Rules) SupportsKind(kind string) bool {
	return r.Supported && slices.Contains(r.NumberKinds, kind)
}

// InUnportableRange reports whether a national significant number (digits
// only, without the country code) starts with one of the unportable prefixes.
func (r Rules) InUnportableRange(nationalNumber string) bool {
	for _, p := range r.UnportablePrefixes {
		if strings.HasPrefix(nationalNumber, p) {
			return true
		}
	}
	return false
}

func (r Rules) clone() Rules {
	r.NumberKinds = slices.Clone(r.NumberKinds)
	r.Windows = slices.Clone(r.Windows)
	r.Weekdays = slices.Clone(r.Weekdays)
	r.UnportablePrefixes = slices.Clone(r.UnportablePrefixes)
	return r
}

var (
	countriesOnce   sync.Once
	countriesList   []Rules
	countriesByCode map[string]Rules
)

func loadCountries() {
	countriesOnce.Do(func() {
		list, err := parseCountries(bytes.NewReader(countriesCSV))
		if err != nil {
			panic("calendar: embedded countries.csv: " + err.Error())
		}
		countriesList = list
		countriesByCode = make(map[string]Rules, len(list))
		for _, c := range list {
			countriesByCode[c.Code] = c
		}
	})
}

// Lookup returns the rules of the country with the given ISO 3166
// alpha-2 code (any case) and whether the dataset knows it. A known country
// may still be unsupported; check Supported.
func Lookup(code string) (Rules, bool) {
	loadCountries()
	c, ok := countriesByCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Rules{}, false
	}
	return c.clone(), true
}

// Countries returns the rules of every country in the dataset, sorted by code.
func All() []Rules {
	loadCountries()
	out := make([]Rules, len(countriesList))
	for i, c := range countriesList {
		out[i] = c.clone()
	}
	return out
}

var countriesHeader = []string{"country", "supported", "number_kinds", "windows", "time_zone", "civil_zone", "weekdays", "unportable_prefixes", "note"}

// parseCountries reads the dataset and checks every cell; the result is
// sorted by code.
func parseCountries(r io.Reader) ([]Rules, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(countriesHeader)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if !slices.Equal(header, countriesHeader) {
		return nil, fmt.Errorf("header %q, want %q", header, countriesHeader)
	}
	var list []Rules
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		c, err := parseCountryRecord(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if seen[c.Code] {
			return nil, fmt.Errorf("line %d: country %s listed twice", line, c.Code)
		}
		seen[c.Code] = true
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b Rules) int { return strings.Compare(a.Code, b.Code) })
	return list, nil
}

var weekdayNames = map[string]time.Weekday{
	"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
	"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday,
}

func parseCountryRecord(rec []string) (Rules, error) {
	c := Rules{Code: rec[0], TimeZone: rec[4], CivilZone: rec[5], Note: rec[8]}
	if len(c.Code) != 2 || strings.Trim(c.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return c, fmt.Errorf("country %q is not an ISO 3166 alpha-2 code", c.Code)
	}
	switch rec[1] {
	case "yes":
		c.Supported = true
	case "no":
	default:
		return c, fmt.Errorf("%s: supported %q, want yes or no", c.Code, rec[1])
	}
	for _, k := range splitList(rec[2]) {
		if !porting.NumberKind(k).Valid() {
			return c, fmt.Errorf("%s: unknown number kind %q", c.Code, k)
		}
		c.NumberKinds = append(c.NumberKinds, k)
	}
	if c.Supported != (len(c.NumberKinds) > 0) {
		return c, fmt.Errorf("%s: a supported country lists number kinds, an unsupported one none", c.Code)
	}
	if c.Supported && (c.TimeZone == "" || c.CivilZone == "") {
		return c, fmt.Errorf("%s: a supported country needs a time zone and a civil zone", c.Code)
	}
	for _, s := range splitList(rec[3]) {
		w, err := parseWindow(s)
		if err != nil {
			return c, fmt.Errorf("%s: %w", c.Code, err)
		}
		c.Windows = append(c.Windows, w)
	}
	days, err := parseWeekdays(rec[6])
	if err != nil {
		return c, fmt.Errorf("%s: %w", c.Code, err)
	}
	c.Weekdays = days
	for _, p := range splitList(rec[7]) {
		if strings.Trim(p, "0123456789") != "" {
			return c, fmt.Errorf("%s: unportable prefix %q is not digits", c.Code, p)
		}
		c.UnportablePrefixes = append(c.UnportablePrefixes, p)
	}
	return c, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// parseWindow reads "HH:MM-HH:MM"; an end before the start crosses midnight.
func parseWindow(s string) (Window, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("window %q, want HH:MM-HH:MM", s)
	}
	start, err := parseClock(from)
	if err != nil {
		return Window{}, fmt.Errorf("window %q: %w", s, err)
	}
	end, err := parseClock(to)
	if err != nil {
		return Window{}, fmt.Errorf("window %q: %w", s, err)
	}
	if start == end {
		return Window{}, fmt.Errorf("window %q is empty", s)
	}
	return Window{Start: start, End: end}, nil
}

func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, fmt.Errorf("time %q, want HH:MM", s)
	}
	h, errH := strconv.Atoi(hh)
	m, errM := strconv.Atoi(mm)
	if errH != nil || errM != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("time %q, want HH:MM between 00:00 and 23:59", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// parseWeekdays reads days ("Mon") and ranges ("Mon-Fri") separated by ";".
func parseWeekdays(s string) ([]time.Weekday, error) {
	var days []time.Weekday
	for _, item := range splitList(s) {
		from, to, isRange := strings.Cut(item, "-")
		first, ok1 := weekdayNames[from]
		last, ok2 := first, true
		if isRange {
			last, ok2 = weekdayNames[to]
		}
		if !ok1 || !ok2 || last < first {
			return nil, fmt.Errorf("weekdays %q, want days like Mon or ranges like Mon-Fri", item)
		}
		for d := first; d <= last; d++ {
			if slices.Contains(days, d) {
				return nil, fmt.Errorf("weekday %s listed twice", d)
			}
			days = append(days, d)
		}
	}
	return days, nil
}
