package country

import (
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/us"
)

// holidayCalendars are the public holidays of the countries that can be
// ported in, from github.com/rickar/cal/v2: the national list of each
// country, every day on it counted as a day without porting (Sweden's
// midsummer, Christmas and New Year's eves included).
//
//   - AU uses New South Wales, the state of the dataset's zones
//     (Australia/Sydney); CH, DE and the others use national holidays only.
//   - GB is England and Wales.
//   - PR uses the US federal holidays: it is US jurisdiction and ports
//     through the same number portability administration.
//
// Supported countries rickar does not cover work on their weekdays only:
// CL, CY, EE, FI, HU, LU, MX, PA, PE, PT and SV. Unsupported countries have
// no calendar.
//
// The calendars are not Cacheable: rickar's cache is a plain map, and these
// are read by many goroutines.
var holidayCalendars = map[string]*cal.Calendar{
	"AR": {Name: "AR", Holidays: ar.Holidays},
	"AT": {Name: "AT", Holidays: at.Holidays},
	"AU": {Name: "AU", Holidays: au.HolidaysNSW},
	"BE": {Name: "BE", Holidays: be.Holidays},
	"BR": {Name: "BR", Holidays: br.Holidays},
	"CA": {Name: "CA", Holidays: ca.Holidays},
	"CH": {Name: "CH", Holidays: ch.Holidays},
	"CZ": {Name: "CZ", Holidays: cz.Holidays},
	"DE": {Name: "DE", Holidays: de.Holidays},
	"DK": {Name: "DK", Holidays: dk.Holidays},
	"ES": {Name: "ES", Holidays: es.Holidays},
	"FR": {Name: "FR", Holidays: fr.Holidays},
	"GB": {Name: "GB", Holidays: gb.Holidays},
	"GR": {Name: "GR", Holidays: gr.Holidays},
	"HR": {Name: "HR", Holidays: hr.Holidays},
	"IE": {Name: "IE", Holidays: ie.Holidays},
	"IT": {Name: "IT", Holidays: it.Holidays},
	"JP": {Name: "JP", Holidays: jp.Holidays},
	"LT": {Name: "LT", Holidays: lt.Holidays},
	"LV": {Name: "LV", Holidays: lv.Holidays},
	"NL": {Name: "NL", Holidays: nl.Holidays},
	"NO": {Name: "NO", Holidays: no.Holidays},
	"NZ": {Name: "NZ", Holidays: nz.Holidays},
	"PL": {Name: "PL", Holidays: pl.Holidays},
	"PR": {Name: "PR", Holidays: us.Holidays},
	"RO": {Name: "RO", Holidays: ro.Holidays},
	"SE": {Name: "SE", Holidays: se.Holidays},
	"SI": {Name: "SI", Holidays: si.Holidays},
	"SK": {Name: "SK", Holidays: sk.Holidays},
	"US": {Name: "US", Holidays: us.Holidays},
}

// IsHoliday reports whether the calendar day of t in the country's civil
// time (see CivilLocation) is a public holiday there, and its name. A holiday counts on its
// own date and on the substitute day the country observes when it falls on a
// weekend (UK Boxing Day on a Saturday is also the following Monday).
// Countries without a holiday calendar (see HasHolidayCalendar) have none.
func IsHoliday(country string, t time.Time) (name string, ok bool) {
	code := strings.ToUpper(strings.TrimSpace(country))
	return HolidayOn(code, t.In(CivilZone(code)))
}

// HasHolidayCalendar reports whether the package knows the public holidays
// of the country; business days of the others are their weekdays only.
func HasHolidayCalendar(country string) bool {
	_, ok := holidayCalendars[strings.ToUpper(strings.TrimSpace(country))]
	return ok
}

// HolidayCountries returns the codes of the countries with a holiday
// calendar, sorted.
func HolidayCountries() []string {
	codes := make([]string, 0, len(holidayCalendars))
	for code := range holidayCalendars {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

// HolidayOn judges the calendar day of day as it stands (its location is
// the country's civil zone) for an upper-case country code.
func HolidayOn(code string, day time.Time) (string, bool) {
	c, ok := holidayCalendars[code]
	if !ok {
		return "", false
	}
	actual, observed, h := c.IsHoliday(day)
	if !actual && !observed {
		return "", false
	}
	return h.Name, true
}
