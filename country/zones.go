package country

import (
	"strings"
	"sync"
	"time"

	// The zone database is embedded so that porting windows keep their local
	// times on hosts without /usr/share/zoneinfo (scratch and distroless
	// images).
	_ "time/tzdata"
)

// WindowZone returns the zone a country's porting windows are published in
// (its TimeZone), UTC when the country has none or its zone does not load.
// Calendar dates are judged in CivilZone.
func WindowZone(code string) *time.Location {
	if loc, ok := locations()[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return loc.window
	}
	return time.UTC
}

// CivilZone returns the country's civil time (its CivilZone), in which
// calendar dates are judged: business days, public holidays, the date
// written on an LOA. It is UTC when the country has none or its zone does
// not load.
func CivilZone(code string) *time.Location {
	if loc, ok := locations()[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return loc.civil
	}
	return time.UTC
}

// countryZones are a country's two zones, loaded.
type countryZones struct{ window, civil *time.Location }

// locations loads the zones of every country in the dataset once;
// time.LoadLocation reads and parses the zone on every call.
var locations = sync.OnceValue(func() map[string]countryZones {
	load := func(name string) *time.Location {
		if name == "" {
			return time.UTC
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return time.UTC
		}
		return loc
	}
	m := map[string]countryZones{}
	for _, c := range All() {
		m[c.Code] = countryZones{window: load(c.TimeZone), civil: load(c.CivilZone)}
	}
	return m
})
