package workflow

import (
	"strings"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/loa"
)

// CountryRequirements is what a port from one country and number kind
// needs and when it can happen.
type CountryRequirements struct {
	Country    string
	NumberKind string
	// Supported is false when portdesk cannot port this country and kind.
	Supported bool
	Documents []string
	// Entity is "business" when only businesses may port.
	Entity   string
	TimeZone string
	// Windows are the local porting windows, e.g. "10:00-12:00".
	Windows  []string
	Weekdays []string
	Notes    []string
}

func countryRequirements(code, kind string) *CountryRequirements {
	code = strings.ToUpper(code)
	req := loa.Requirements(code, kind)
	out := &CountryRequirements{Country: code, NumberKind: kind, Documents: req.Documents, Entity: req.Entity}
	if req.Note != "" {
		out.Notes = append(out.Notes, req.Note)
	}
	rules, ok := country.Lookup(code)
	if !ok {
		out.Notes = append(out.Notes, "portdesk has no porting rules for this code")
		out.Documents = nil
		return out
	}
	out.Supported = rules.Supported && rules.SupportsKind(kind)
	out.TimeZone = rules.TimeZone
	for _, w := range rules.Windows {
		out.Windows = append(out.Windows, w.String())
	}
	for _, d := range rules.Weekdays {
		out.Weekdays = append(out.Weekdays, d.String())
	}
	if rules.Note != "" {
		out.Notes = append(out.Notes, rules.Note)
	}
	if !out.Supported {
		out.Documents = nil
	}
	return out
}
