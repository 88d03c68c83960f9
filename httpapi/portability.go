package httpapi

import (
	"cmp"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/workflow"
)

// maxNumbersBody bounds the body of calls that carry phone-number lists.
const maxNumbersBody = 8 << 20

// inputRules is the OpenAPI statement of how written numbers are read
// (numbers/input.go applies them; README "Input rules" says the same).
const inputRules = `**Input rules.** Every written number is read the same way, then by one libphonenumber call:
1. White space around it is ignored; an empty number, or one longer than 64 bytes, is invalid.
2. A leading ` + "`tel:`" + ` (any case) is dropped.
3. When its first digits are ` + "`00`" + ` (ASCII, fullwidth or Arabic-Indic digits) with only white space and punctuation before them, they are the international prefix and read as ` + "`+`" + `, whatever default_country is: ` + "`(00) 44 20 7946 0958`" + ` and ` + "`0044 20 7946 0958 ext. 12`" + ` are both +442079460958. The default country's own international prefix is read too: ` + "`011`" + ` in the US, Canada and the rest of +1 (elsewhere 011 starts national numbers).
4. White space of any kind inside it (tab, no-break, thin, ideographic) is a space.
5. Separators (spaces, brackets, dashes, dots, slashes) are ignored, letters are keypad digits (1-800-FLOWERS), and an extension (` + "`ext. 12`, `x12`, `#12`, `;ext=12`" + `) is dropped.
6. default_country is an ISO 3166 alpha-2 code in either case (us = US); numbers without a country code or international prefix are read as written there.

**Losing carrier.** From the first source that names one: a carrier lookup that knows the number's current carrier (none configured by default), the customer's current_carrier for that number (phone_number_entries), the request's current_carrier, the range holder (the carrier the number's range was first assigned to, reported as range_holder); else "unknown".`

// NumberFields are the body fields that list numbers, shared by the
// portability check and the intake (exported so that the OpenAPI schema
// of the intake, which embeds them, shows them). Results come in the order
// phone_numbers, then phone_number_entries.
type NumberFields struct {
	PhoneNumbers   []string        `json:"phone_numbers,omitempty" maxItems:"100000" doc:"Numbers in E.164 or a written form read by the input rules. With phone_number_entries, at least one number in all and at most 100,000."`
	Entries        []numbers.Entry `json:"phone_number_entries,omitempty" maxItems:"100000" doc:"Numbers with what the customer knows about each: its current carrier (wins over the request's current_carrier) and its account number there (orders split by it). Checked after phone_numbers."`
	CurrentCarrier string          `json:"current_carrier,omitempty" maxLength:"200" doc:"The customer's current carrier for every number that names none; wins over the range holder."`
	DefaultCountry string          `json:"default_country,omitempty" pattern:"^[A-Za-z]{2}$" doc:"Country for numbers written without a country code, in either case (default US)."`
}

type portabilityInput struct {
	DefaultCountry string `query:"default_country" pattern:"^[A-Za-z]{2}$" doc:"The body's default_country for a body that sets none; a text/csv body has no other way to set it."`
	CurrentCarrier string `query:"current_carrier" maxLength:"200" doc:"The body's current_carrier for a body that sets none; a text/csv body has no other way to set it."`
	Body           NumberFields
}

type checkGroup struct {
	Country       string   `json:"country"`
	LosingCarrier string   `json:"losing_carrier"`
	NumberKind    string   `json:"number_kind"`
	AccountNumber string   `json:"account_number,omitempty" doc:"The customer's account at the losing carrier, when the numbers came with one."`
	PhoneNumbers  []string `json:"phone_numbers"`
}

type portabilityOutput struct {
	Body struct {
		Results []CheckResult `json:"results"`
		Groups  []checkGroup  `json:"groups" doc:"The port orders an intake would create."`
	}
}

func (s *Server) registerPortability() {
	o := op("check-portability", http.MethodPost, "/v1/portability-checks", "Check whether numbers can be ported, and how they would be split", "portability")
	o.Description += "\n\n" + inputRules
	o.MaxBodyBytes = maxNumbersBody
	o.Errors = append(o.Errors, http.StatusRequestEntityTooLarge)
	huma.Register(s.api, o, s.handlePortabilityCheck)
	documentPortabilityStream(s.api.OpenAPI().Paths[o.Path].Post)
}

func (s *Server) handlePortabilityCheck(ctx context.Context, in *portabilityInput) (*portabilityOutput, error) {
	rep, err := s.Service.Intake.CheckPortability(ctx, principal(ctx), workflow.CheckParams{
		PhoneNumbers: in.Body.PhoneNumbers, Entries: in.Body.Entries, CarrierHint: cmp.Or(in.Body.CurrentCarrier, in.CurrentCarrier),
		DefaultRegion: cmp.Or(in.Body.DefaultCountry, in.DefaultCountry),
	})
	if err != nil {
		return nil, problem(err)
	}
	out := &portabilityOutput{}
	out.Body.Results = NewCheckResults(rep.Results)
	out.Body.Groups = checkGroups(rep.Groups)
	return out, nil
}

func checkGroups(gs []numbers.Group) []checkGroup {
	out := make([]checkGroup, len(gs))
	for i, g := range gs {
		out[i] = checkGroup{Country: g.Country, LosingCarrier: g.LosingCarrier, NumberKind: string(g.NumberKind),
			AccountNumber: g.AccountNumber, PhoneNumbers: g.PhoneNumbers}
	}
	return out
}
