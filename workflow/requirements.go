package workflow

import (
	"strings"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/porting"
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

func countryRequirements(code, kind string) (*CountryRequirements, error) {
	code, kind = strings.ToUpper(strings.TrimSpace(code)), strings.ToLower(strings.TrimSpace(kind))
	rules, ok := country.Lookup(code)
	if !ok {
		return nil, porting.Errorf(porting.ENOTFOUND, "portdesk has no porting rules for country %q: check the ISO 3166 code, or ask the porting team", code)
	}
	req := loa.Requirements(code, kind)
	out := &CountryRequirements{Country: code, NumberKind: kind, Documents: req.Documents, Entity: req.Entity}
	out.Supported = rules.Supported && rules.SupportsKind(kind)
	out.TimeZone = rules.TimeZone
	if !out.Supported {
		// Nothing to upload for a port that cannot happen: say why and what
		// to do instead.
		out.Documents = nil
		why := "numbers cannot be ported in from " + code
		if rules.Supported {
			why = strings.ReplaceAll(kind, "_", "-") + " numbers cannot be ported in from " + code + "; other kinds can"
		}
		out.Notes = append(out.Notes, why+". Keep the numbers with the current carrier and forward calls to a new number of your instance, or ask the porting team about a new number in "+code+".")
		return out, nil
	}
	if req.Note != "" {
		out.Notes = append(out.Notes, req.Note)
	}
	for _, w := range rules.Windows {
		out.Windows = append(out.Windows, w.String())
	}
	for _, d := range rules.Weekdays {
		out.Weekdays = append(out.Weekdays, d.String())
	}
	if rules.Note != "" {
		out.Notes = append(out.Notes, rules.Note)
	}
	return out, nil
}
