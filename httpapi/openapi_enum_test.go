package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// strs turns a domain list into the strings the OpenAPI document holds.
func strs[T ~string](list ...T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// domainEnums names, for every enum of the served OpenAPI document, the
// domain list it must equal. The enum tags of the handlers and domain types
// are written by hand; this table is how they stay the domain's vocabulary.
// A new enum must be added here.
func domainEnums() map[string][]string {
	var staffRoles []string
	for _, r := range []porting.Role{porting.RoleAdmin, porting.RoleSpecialist, porting.RoleCustomer, porting.RoleSystem, porting.RoleCarrier} {
		if r.Staff() {
			staffRoles = append(staffRoles, string(r))
		}
	}
	return map[string][]string{
		"schema AccountCreateInputBody.support_plan":                  strs(porting.SupportPlans...),
		"schema ApiKeyCreateInputBody.role":                           strs(porting.RoleCustomer),
		"schema StaffKeyCreateInputBody.role":                         staffRoles,
		"schema InvitationCreateInputBody.role":                       keyRoles(),
		"schema InvitationCreateInputBody.language":                   messages.Languages,
		"schema Attestation.signature":                                append(strs(porting.SignatureKinds...), string(porting.SignatureNotWet)),
		"schema AttestationInput.signature":                           strs(porting.SignatureKinds...),
		"schema Finding.severity":                                     porting.FindingSeverities,
		"schema PartialPort.remaining_action":                         porting.RemainingActions,
		"schema PortOrderBody.waiting_on":                             strs(porting.Parties...),
		"schema PortRequestCreateInputBody.severity":                  strs(porting.Severities...),
		"schema RequirementsOutputBody.entity":                        porting.Entities,
		"GET /v1/port-orders parameter status":                        strs(porting.States...),
		"GET /v1/port-orders parameter waiting_on":                    strs(porting.Parties...),
		"GET /v1/port-orders parameter sort":                          strs(porting.PortOrderSorts...),
		"GET /v1/port-orders/{id}/phone-numbers parameter status":     strs(porting.NumberStatuses...),
		"POST /v1/port-orders/{id}/actions/{action} parameter action": strs(porting.Actions()...),
		"GET /v1/port-orders/{id}/deadlines parameter include":        {"history"},
		"POST /v1/port-orders/{id}/documents body.type":               strs(porting.DocumentTypes...),
		"schema CarrierAnswerInputBody.type":                          strs(porting.AnswerKinds...),
		"schema CarrierCallbackOutputBody.outcome": strs(porting.OutcomeApplied, porting.OutcomeStale, porting.OutcomeDuplicate,
			porting.OutcomeNotApplicable, porting.OutcomeRefused),
		"schema CarrierCreateInputBody.gateway":                  strs(porting.GatewayKinds...),
		"schema CallRecordBody.outcome":                          strs(porting.CallOutcomes...),
		"schema AttestInputBody.item":                            strs(porting.AttestedItems...),
		"schema CarrierUpdateInputBody.gateway":                  strs(porting.GatewayKinds...),
		"schema QuotaRequestCreateInputBody.quota":               strs(porting.QuotaNames...),
		"schema QuotaRequest.quota":                              strs(porting.QuotaNames...),
		"schema QuotaUsage.quota":                                strs(porting.QuotaNames...),
		"schema QuotaRequest.status":                             strs(porting.QuotaRequestStatuses...),
		"GET /v1/instances/{id}/quota-requests parameter status": strs(porting.QuotaRequestStatuses...),
	}
}

// TestOpenAPIEnumsAreDomainLists fails when an enum of the served OpenAPI
// document drifts from the domain vocabulary it stands for (compared as
// sets: the order of an enum is not part of the contract), and when an
// enum appears that the table above does not name.
func TestOpenAPIEnumsAreDomainLists(t *testing.T) {
	rec := httptest.NewRecorder()
	NewServer(workflow.New(workflow.Config{}), nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %s", rec.Code, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	collect := func(where string, schema any) {
		walkEnums(schema, where, got)
	}
	for name, s := range dig(doc, "components", "schemas") {
		collect("schema "+name, s)
	}
	for path, item := range dig(doc, "paths") {
		for method, op := range item.(map[string]any) {
			o, _ := op.(map[string]any)
			prefix := strings.ToUpper(method) + " " + path
			params, _ := o["parameters"].([]any)
			for _, p := range params {
				p := p.(map[string]any)
				collect(fmt.Sprintf("%s parameter %s", prefix, p["name"]), p["schema"])
			}
			for _, media := range dig(o, "requestBody", "content") {
				if s, ok := media.(map[string]any)["schema"].(map[string]any); ok && s["$ref"] == nil {
					collect(prefix+" body", s)
				}
			}
		}
	}
	want := domainEnums()
	for where, enum := range got {
		w, ok := want[where]
		if !ok {
			t.Errorf("%s: enum %v is not in domainEnums; name the domain list it stands for", where, enum)
			continue
		}
		if g, w := sorted(enum), sorted(w); !slices.Equal(g, w) {
			t.Errorf("%s: enum %v, domain list %v", where, g, w)
		}
	}
	for where := range want {
		if _, ok := got[where]; !ok {
			t.Errorf("%s: no enum in the served document; remove it from domainEnums or restore the enum", where)
		}
	}
}

// walkEnums records the enum of schema and of every property below it, at
// where, where.property, where.property.property….
func walkEnums(schema any, where string, out map[string][]string) {
	s, ok := schema.(map[string]any)
	if !ok {
		return
	}
	if enum, ok := s["enum"].([]any); ok {
		for _, v := range enum {
			out[where] = append(out[where], fmt.Sprint(v))
		}
	}
	if items, ok := s["items"]; ok {
		walkEnums(items, where+"[]", out)
	}
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		walkEnums(p, where+"."+name, out)
	}
}

// dig returns the object at keys below m, or nil.
func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// keyRoles lists the roles an API key or a console user may have.
func keyRoles() []string {
	var out []string
	for _, r := range []porting.Role{porting.RoleAdmin, porting.RoleSpecialist, porting.RoleCustomer, porting.RoleSystem, porting.RoleCarrier} {
		if r.KeyRole() {
			out = append(out, string(r))
		}
	}
	return out
}
