package httpapi

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

// dateSchema documents porting.Date, which the domain cannot describe
// itself (it imports the standard library only): a calendar date written
// YYYY-MM-DD. Clients of API 0.4 sent a date-time; it is still read, and
// its calendar date is taken as written.
type dateSchema struct{}

// Schema returns the schema of a date.
func (dateSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type: huma.TypeString,
		Description: "A calendar date, YYYY-MM-DD, as written (no time, no zone). " +
			"An RFC 3339 date-time is also accepted, for clients of API 0.4: its date is taken as written, in its own offset " +
			"(2026-11-30T23:00:00-08:00 is 2026-11-30).",
		AnyOf: []*huma.Schema{
			{Type: huma.TypeString, Format: "date"},
			{Type: huma.TypeString, Format: "date-time", Deprecated: true},
		},
		Examples: []any{"2026-11-30"},
	}
}

// registerDomainSchemas tells the registry how the domain's own value types
// appear in the document.
func registerDomainSchemas(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[porting.Date](), reflect.TypeFor[dateSchema]())
}
