package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/workflow"
)

// maxNumbers is the most phone numbers one check or intake takes.
const maxNumbers = 100_000

// maxNumbersBody bounds the body of calls that carry phone-number lists.
const maxNumbersBody = 8 << 20

type portabilityInput struct {
	Body struct {
		PhoneNumbers   []string `json:"phone_numbers" minItems:"1" maxItems:"100000" doc:"Numbers in E.164 or a common written form."`
		CurrentCarrier string   `json:"current_carrier,omitempty" maxLength:"200" doc:"The customer's current carrier, used when no carrier data names one."`
		DefaultCountry string   `json:"default_country,omitempty" pattern:"^[A-Z]{2}$" doc:"Country for numbers written without a country code (default US)."`
	}
}

type checkResult struct {
	PhoneNumber   string   `json:"phone_number" doc:"E.164 when valid, else the input as given."`
	Input         string   `json:"input"`
	Valid         bool     `json:"valid"`
	Portable      bool     `json:"portable"`
	Country       string   `json:"country"`
	NumberType    string   `json:"number_type"`
	NumberKind    string   `json:"number_kind"`
	LosingCarrier string   `json:"losing_carrier"`
	Reasons       []string `json:"reasons" doc:"Why a number is not portable: invalid_number, country_not_supported, number_type_not_supported, duplicate_in_request, already_on_active_order, …"`
}

type checkGroup struct {
	Country       string   `json:"country"`
	LosingCarrier string   `json:"losing_carrier"`
	NumberKind    string   `json:"number_kind"`
	PhoneNumbers  []string `json:"phone_numbers"`
}

type portabilityOutput struct {
	Body struct {
		Results []checkResult `json:"results"`
		Groups  []checkGroup  `json:"groups" doc:"The port orders an intake would create."`
	}
}

func (s *Server) registerPortability() {
	o := op("check-portability", http.MethodPost, "/v1/portability-checks", "Check whether numbers can be ported, and how they would be split", "portability")
	o.MaxBodyBytes = maxNumbersBody
	huma.Register(s.api, o, s.handlePortabilityCheck)
}

func (s *Server) handlePortabilityCheck(ctx context.Context, in *portabilityInput) (*portabilityOutput, error) {
	rep, err := s.Service.CheckPortability(ctx, principal(ctx), workflow.CheckParams{
		PhoneNumbers: in.Body.PhoneNumbers, CarrierHint: in.Body.CurrentCarrier, DefaultRegion: in.Body.DefaultCountry,
	})
	if err != nil {
		return nil, problem(err)
	}
	out := &portabilityOutput{}
	out.Body.Results = checkResults(rep.Results)
	out.Body.Groups = checkGroups(rep.Groups)
	return out, nil
}

func checkResults(rs []numbers.Result) []checkResult {
	out := make([]checkResult, len(rs))
	for i, r := range rs {
		out[i] = checkResult{
			PhoneNumber: r.PhoneNumber, Input: r.Input, Valid: r.Valid, Portable: r.Portable,
			Country: r.Country, NumberType: r.NumberType, NumberKind: r.NumberKind,
			LosingCarrier: r.LosingCarrier, Reasons: nonNil(r.Reasons),
		}
	}
	return out
}

func checkGroups(gs []numbers.Group) []checkGroup {
	out := make([]checkGroup, len(gs))
	for i, g := range gs {
		out[i] = checkGroup{Country: g.Country, LosingCarrier: g.LosingCarrier, NumberKind: g.NumberKind, PhoneNumbers: g.PhoneNumbers}
	}
	return out
}
