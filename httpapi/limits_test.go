package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// schemaLimits names, for every maxLength and maxItems of the OpenAPI
// document that stands for one of porting's input limits, that limit.
// Struct tags cannot name a constant, so this table is how the tags and the
// workflow's checks keep one number. A limit of the same size that is not
// in this table fails the test too, so a new field is never forgotten.
var schemaLimits = map[string]int{
	"AssociateInputBody.associations":                 workflow.MaxAssociations,
	"AssociationBody.phone_number":                    porting.MaxNumberInput,
	"AttestInputBody.note":                            porting.MaxTextLength,
	"CallRecordBody.phone_number":                     porting.MaxNumberInput,
	"CallRecordBody.source":                           porting.MaxNameLength,
	"CarrierCreateInputBody.name":                     porting.MaxNameLength,
	"CarrierUpdateInputBody.name":                     porting.MaxNameLength,
	"CarrierAnswerInputBody.message":                  porting.MaxTextLength,
	"CarrierAnswerInputBody.reference":                porting.MaxNameLength,
	"CarrierAnswerInputBody.answer_id":                porting.MaxNameLength,
	"AccountCreateInputBody.name":                     porting.MaxNameLength,
	"ContactFlowCreateInputBody.name":                 porting.MaxNameLength,
	"InstanceCreateInputBody.name":                    porting.MaxNameLength,
	"Contact.name":                                    porting.MaxNameLength,
	"PortRequestCreateInputBody.subject":              porting.MaxNameLength,
	"PortRequestCreateInputBody.current_carrier":      porting.MaxNameLength,
	"NumberFields.current_carrier":                    porting.MaxNameLength,
	"Entry.current_carrier":                           porting.MaxNameLength,
	"CsrInput.account_name":                           porting.MaxNameLength,
	"CsrInput.authorized_contact":                     porting.MaxNameLength,
	"LOAData.entity_name":                             porting.MaxNameLength,
	"LOAPerson.name":                                  porting.MaxNameLength,
	"Address.street":                                  porting.MaxNameLength,
	"Address.city":                                    porting.MaxShortNameLength,
	"Address.region":                                  porting.MaxShortNameLength,
	"LOAPerson.title":                                 porting.MaxShortNameLength,
	"PortRequestCreateInputBody.description":          porting.MaxTextLength,
	"MessageCreateInputBody.body":                     porting.MaxTextLength,
	"QuotaRequestCreateInputBody.reason":              porting.MaxTextLength,
	"QuotaRequestCreateInputBody.countries":           porting.MaxQuotaCountries,
	"QuotaRequestDenyInputBody.reason":                porting.MaxTextLength,
	"ActionInputBody.message":                         porting.MaxTextLength,
	"Contact.phone":                                   porting.MaxNumberInput,
	"Entry.phone_number":                              porting.MaxNumberInput,
	"Entry.account_number":                            porting.MaxNumberInput,
	"CsrInput.account_number":                         porting.MaxNumberInput,
	"CsrInput.btn":                                    porting.MaxNumberInput,
	"LOAData.account_number":                          porting.MaxNumberInput,
	"LOAData.btn":                                     porting.MaxNumberInput,
	"PartialPort.new_btn":                             porting.MaxNumberInput,
	"PortOrderPatchInputBody.pin":                     porting.MaxNumberInput,
	"ActionInputBody.not_portable_numbers":            porting.MaxNumbersPerRequest,
	"CsrInput.phone_numbers":                          porting.MaxNumbersPerRequest,
	"NumberFields.phone_numbers":                      porting.MaxNumbersPerRequest,
	"NumberFields.phone_number_entries":               porting.MaxNumbersPerRequest,
	"PartialPort.remaining_numbers":                   porting.MaxNumbersPerRequest,
	"PortRequestCreateInputBody.phone_numbers":        porting.MaxNumbersPerRequest,
	"PortRequestCreateInputBody.phone_number_entries": porting.MaxNumbersPerRequest,
	"WebhookCreateInputBody.event_types":              porting.MaxEventTypes,
	"WebhookUpdateInputBody.event_types":              porting.MaxEventTypes,
	"InvitationCreateInputBody.email":                 porting.MaxEmailLength,
	"Contact.email":                                   porting.MaxEmailLength,
}

// TestSchemaLimits checks every schema limit of the table against the
// document, and that no other field carries a limit of one of porting's
// sizes without being in the table.
func TestSchemaLimits(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(NewServer(workflow.New(workflow.Config{}), nil).OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxLength *int `json:"maxLength"`
					MaxItems  *int `json:"maxItems"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	sizes := map[int]bool{porting.MaxNameLength: true, porting.MaxTextLength: true, porting.MaxNumberInput: true,
		porting.MaxNumbersPerRequest: true, porting.MaxEventTypes: true, porting.MaxEmailLength: true}
	seen := map[string]bool{}
	for name, sch := range doc.Components.Schemas {
		for prop, p := range sch.Properties {
			key := name + "." + prop
			for _, v := range []*int{p.MaxLength, p.MaxItems} {
				if v == nil {
					continue
				}
				want, listed := schemaLimits[key]
				switch {
				case listed && *v != want:
					t.Errorf("%s allows %d, but its limit in porting is %d", key, *v, want)
				case !listed && sizes[*v]:
					t.Errorf("%s allows %d, the size of one of porting's limits: name the limit in schemaLimits", key, *v)
				}
				seen[key] = listed
			}
		}
	}
	for key := range schemaLimits {
		if !seen[key] {
			t.Errorf("%s is in schemaLimits but has no limit in the document", key)
		}
	}
}
