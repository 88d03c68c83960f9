package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type instanceCreateInput struct {
	Body struct {
		AccountID string `json:"account_id,omitempty" doc:"The account; staff only, customers create in their own."`
		Name      string `json:"name" minLength:"1" maxLength:"200"`
		Region    string `json:"region" example:"us-east-1" doc:"The cloud region of the instance."`
	}
}

type instanceOutput struct {
	Body *porting.Instance
}

type instancePath struct {
	ID string `path:"id"`
}

type contactFlowCreateInput struct {
	ID   string `path:"id"`
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"200"`
	}
}

type contactFlowOutput struct {
	Body *porting.ContactFlow
}

type contactFlowsOutput struct {
	Body struct {
		Data []*porting.ContactFlow `json:"data"`
	}
}

type phoneNumbersOutput struct {
	Body struct {
		Data []*porting.InstancePhoneNumber `json:"data"`
	}
}

type instanceListInput struct {
	AccountID string `query:"account_id" doc:"Staff: only this account's instances (customers always see only their own)."`
	Cursor    string `query:"cursor" maxLength:"512"`
	Limit     int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type instanceListOutput struct {
	Body struct {
		Data       []*porting.Instance `json:"data"`
		NextCursor string              `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
	}
}

func (s *Server) registerInstances() {
	o := op("create-instance", http.MethodPost, "/v1/instances", "Register a contact-center instance", "instances")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, s.handleInstanceCreate)
	huma.Register(s.api, op("list-instances", http.MethodGet, "/v1/instances", "List instances", "instances"), s.handleInstanceList)
	huma.Register(s.api, op("get-instance", http.MethodGet, "/v1/instances/{id}", "Get an instance", "instances"), s.handleInstanceGet)
	o = op("create-contact-flow", http.MethodPost, "/v1/instances/{id}/contact-flows", "Add a contact flow to an instance", "instances")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, s.handleContactFlowCreate)
	huma.Register(s.api, op("list-contact-flows", http.MethodGet, "/v1/instances/{id}/contact-flows", "List an instance's contact flows", "instances"), s.handleContactFlowList)
	huma.Register(s.api, op("list-instance-phone-numbers", http.MethodGet, "/v1/instances/{id}/phone-numbers", "List an instance's phone-number inventory", "instances"), s.handlePhoneNumberList)
}

func (s *Server) handleInstanceCreate(ctx context.Context, in *instanceCreateInput) (*instanceOutput, error) {
	inst, err := s.Service.Instances.CreateInstance(ctx, principal(ctx), workflow.CreateInstanceParams{AccountID: in.Body.AccountID, Name: in.Body.Name, Region: in.Body.Region})
	if err != nil {
		return nil, problem(err)
	}
	return &instanceOutput{Body: inst}, nil
}

func (s *Server) handleInstanceList(ctx context.Context, in *instanceListInput) (*instanceListOutput, error) {
	page, err := s.Service.Instances.ListInstances(ctx, principal(ctx), porting.InstanceFilter{AccountID: in.AccountID, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &instanceListOutput{}
	out.Body.Data, out.Body.NextCursor = page.Instances, page.NextCursor
	return out, nil
}

func (s *Server) handleInstanceGet(ctx context.Context, in *instancePath) (*instanceOutput, error) {
	inst, err := s.Service.Instances.GetInstance(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &instanceOutput{Body: inst}, nil
}

func (s *Server) handleContactFlowCreate(ctx context.Context, in *contactFlowCreateInput) (*contactFlowOutput, error) {
	f, err := s.Service.Instances.CreateContactFlow(ctx, principal(ctx), in.ID, in.Body.Name)
	if err != nil {
		return nil, problem(err)
	}
	return &contactFlowOutput{Body: f}, nil
}

func (s *Server) handleContactFlowList(ctx context.Context, in *instancePath) (*contactFlowsOutput, error) {
	flows, err := s.Service.Instances.ContactFlows(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	out := &contactFlowsOutput{}
	out.Body.Data = nonNil(flows)
	return out, nil
}

func (s *Server) handlePhoneNumberList(ctx context.Context, in *instancePath) (*phoneNumbersOutput, error) {
	nums, err := s.Service.Instances.InstancePhoneNumbers(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	out := &phoneNumbersOutput{}
	out.Body.Data = nonNil(nums)
	return out, nil
}

// nonNil turns a nil slice into an empty one so lists encode as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
