package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type associationBody struct {
	PhoneNumber   string `json:"phone_number" maxLength:"64" doc:"A number of the instance, in E.164."`
	ContactFlowID string `json:"contact_flow_id" maxLength:"80" doc:"A contact flow of the same instance; empty takes the number's flow away."`
}

type associateInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Associations []associationBody `json:"associations" minItems:"1" maxItems:"10000"`
	}
}

type associateOneInput struct {
	ID          string `path:"id" maxLength:"64"`
	PhoneNumber string `path:"phone_number" maxLength:"64" doc:"The number in E.164, e.g. +13125550140 (+ may be written %2B)."`
	Body        struct {
		ContactFlowID string `json:"contact_flow_id" minLength:"1" maxLength:"80"`
	}
}

type dissociateInput struct {
	ID          string `path:"id" maxLength:"64"`
	PhoneNumber string `path:"phone_number" maxLength:"64"`
}

type inventoryOutput struct {
	Body struct {
		Data []*porting.InstancePhoneNumber `json:"data"`
	}
}

type inventoryOneOutput struct {
	Body *porting.InstancePhoneNumber
}

type instancePatchInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		SIPTarget *string `json:"sip_target,omitempty" maxLength:"500" doc:"Where test calls to the instance's numbers go: a sip: or sips: URI without user part; empty for the desk's built-in SIP ingress."`
	}
}

type callRecordBody struct {
	InstanceID    string              `json:"instance_id" maxLength:"80"`
	PhoneNumber   string              `json:"phone_number" maxLength:"64" doc:"The number called, in E.164."`
	At            time.Time           `json:"at,omitempty" doc:"When the call came (default now)."`
	Source        string              `json:"source,omitempty" maxLength:"200" doc:"Where it came from: a network address or the platform's name — never the caller's number."`
	Outcome       porting.CallOutcome `json:"outcome" enum:"answered,unavailable,not_found,failed"`
	ContactFlowID string              `json:"contact_flow_id,omitempty" maxLength:"80"`
}

type callRecordsInput struct {
	Body struct {
		Records []callRecordBody `json:"records" minItems:"1" maxItems:"1000"`
	}
}

type callRecordsOutput struct {
	Body struct {
		Recorded int `json:"recorded"`
	}
}

type orderPath struct {
	ID string `path:"id" maxLength:"64"`
}

type testCallsOutput struct {
	Body *workflow.TestCallRun
}

type checklistOutput struct {
	Body *workflow.Checklist
}

type attestInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Item porting.ChecklistItemName `json:"item" enum:"old_traffic_stopped,agents_ready"`
		Note string                    `json:"note,omitempty" maxLength:"10000"`
	}
}

func (s *Server) registerPortDay() {
	o := op("associate-phone-numbers", http.MethodPost, "/v1/instances/{id}/phone-numbers:associate", "Associate numbers with contact flows, in bulk", "instances")
	huma.Register(s.api, o, s.handleAssociate)
	huma.Register(s.api, op("associate-phone-number", http.MethodPut, "/v1/instances/{id}/phone-numbers/{phone_number}", "Associate a number with a contact flow", "instances"), s.handleAssociateOne)
	huma.Register(s.api, op("dissociate-phone-number", http.MethodDelete, "/v1/instances/{id}/phone-numbers/{phone_number}/contact-flow", "Take a number's contact flow away", "instances"), s.handleDissociate)
	huma.Register(s.api, op("update-instance", http.MethodPatch, "/v1/instances/{id}", "Change where an instance takes test calls", "instances"), s.handleInstancePatch)
	huma.Register(s.api, op("report-call-records", http.MethodPost, "/v1/call-records", "Report calls a platform's own edge took (batched)", "instances"), s.handleCallRecords)
	o = op("place-test-calls", http.MethodPost, "/v1/port-orders/{id}/test-calls", "Place test calls to an order's numbers", "port orders")
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handlePlaceTestCalls)
	huma.Register(s.api, op("get-test-calls", http.MethodGet, "/v1/port-orders/{id}/test-calls", "The latest test calls of an order", "port orders"), s.handleTestCalls)
	huma.Register(s.api, op("get-checklist", http.MethodGet, "/v1/port-orders/{id}/checklist", "The port-day checklist of an order", "port orders"), s.handleChecklist)
	o = op("attest-checklist-item", http.MethodPost, "/v1/port-orders/{id}/checklist/attestations", "Confirm a port-day item portdesk cannot observe", "port orders")
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handleAttest)
}

func (s *Server) handleAssociate(ctx context.Context, in *associateInput) (*inventoryOutput, error) {
	as := make([]workflow.Association, len(in.Body.Associations))
	for i, a := range in.Body.Associations {
		as[i] = workflow.Association{PhoneNumber: a.PhoneNumber, ContactFlowID: a.ContactFlowID}
	}
	ns, err := s.Service.PortDay.AssociateNumbers(ctx, principal(ctx), in.ID, as)
	if err != nil {
		return nil, problem(err)
	}
	out := &inventoryOutput{}
	out.Body.Data = nonNil(ns)
	return out, nil
}

func (s *Server) handleAssociateOne(ctx context.Context, in *associateOneInput) (*inventoryOneOutput, error) {
	return s.associateOne(ctx, in.ID, in.PhoneNumber, in.Body.ContactFlowID)
}

func (s *Server) handleDissociate(ctx context.Context, in *dissociateInput) (*inventoryOneOutput, error) {
	return s.associateOne(ctx, in.ID, in.PhoneNumber, "")
}

// associateOne changes one number's flow; its errors name the path.
func (s *Server) associateOne(ctx context.Context, instanceID, number, flowID string) (*inventoryOneOutput, error) {
	ns, err := s.Service.PortDay.AssociateNumbers(ctx, principal(ctx), instanceID, []workflow.Association{{PhoneNumber: number, ContactFlowID: flowID}})
	if err != nil {
		return nil, problem(relocate(err, map[string]string{"associations[0].phone_number": "path.phone_number", "associations[0].contact_flow_id": "body.contact_flow_id"}))
	}
	return &inventoryOneOutput{Body: ns[0]}, nil
}

// relocate renames the field of a domain error.
func relocate(err error, fields map[string]string) error {
	if e, ok := err.(*porting.Error); ok {
		if to, found := fields[e.Field]; found {
			c := *e
			c.Field = to
			return &c
		}
	}
	return err
}

func (s *Server) handleInstancePatch(ctx context.Context, in *instancePatchInput) (*instanceOutput, error) {
	p := principal(ctx)
	if in.Body.SIPTarget == nil {
		inst, err := s.Service.Instances.GetInstance(ctx, p, in.ID)
		if err != nil {
			return nil, problem(err)
		}
		return &instanceOutput{Body: inst}, nil
	}
	inst, err := s.Service.PortDay.SetSIPTarget(ctx, p, in.ID, *in.Body.SIPTarget)
	if err != nil {
		return nil, problem(err)
	}
	return &instanceOutput{Body: inst}, nil
}

func (s *Server) handleCallRecords(ctx context.Context, in *callRecordsInput) (*callRecordsOutput, error) {
	rs := make([]porting.CallRecord, len(in.Body.Records))
	for i, r := range in.Body.Records {
		rs[i] = porting.CallRecord{InstanceID: r.InstanceID, PhoneNumber: r.PhoneNumber, At: r.At, Source: r.Source,
			Outcome: r.Outcome, ContactFlowID: r.ContactFlowID}
	}
	n, err := s.Service.PortDay.ReportCalls(ctx, principal(ctx), rs)
	if err != nil {
		return nil, problem(err)
	}
	out := &callRecordsOutput{}
	out.Body.Recorded = n
	return out, nil
}

func (s *Server) handlePlaceTestCalls(ctx context.Context, in *orderPath) (*testCallsOutput, error) {
	run, err := s.Service.PortDay.PlaceTestCalls(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &testCallsOutput{Body: run}, nil
}

func (s *Server) handleTestCalls(ctx context.Context, in *orderPath) (*testCallsOutput, error) {
	run, err := s.Service.PortDay.TestCalls(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &testCallsOutput{Body: run}, nil
}

func (s *Server) handleChecklist(ctx context.Context, in *orderPath) (*checklistOutput, error) {
	c, err := s.Service.PortDay.Checklist(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &checklistOutput{Body: c}, nil
}

func (s *Server) handleAttest(ctx context.Context, in *attestInput) (*checklistOutput, error) {
	c, err := s.Service.PortDay.Attest(ctx, principal(ctx), in.ID, in.Body.Item, in.Body.Note)
	if err != nil {
		return nil, problem(err)
	}
	return &checklistOutput{Body: c}, nil
}
