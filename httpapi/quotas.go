package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type quotasOutput struct {
	Body *workflow.InstanceQuotas
}

type quotaRequestCreateInput struct {
	ID   string `path:"id"`
	Body struct {
		Quota     string   `json:"quota" enum:"phone_numbers,concurrent_calls,outbound_countries" doc:"The quota to raise."`
		Value     int      `json:"value,omitempty" minimum:"0" maximum:"100000" doc:"For phone_numbers (at most 100000) and concurrent_calls (at most 10000): the new value, above the current one."`
		Countries []string `json:"countries,omitempty" maxItems:"250" doc:"For outbound_countries: ISO 3166-1 alpha-2 codes to add to the instance's list."`
		Reason    string   `json:"reason" minLength:"1" maxLength:"10000" doc:"Why the instance needs it."`
	}
}

type quotaRequestOutput struct {
	Body *porting.QuotaRequest
}

type quotaRequestListInput struct {
	ID     string `path:"id"`
	Status string `query:"status" enum:"open,approved,denied" doc:"Only requests in this state."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type quotaRequestsOutput struct {
	Body struct {
		Data []*porting.QuotaRequest `json:"data"`
	}
}

type quotaRequestPath struct {
	ID string `path:"id"`
}

type quotaRequestDenyInput struct {
	ID   string `path:"id"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"10000" doc:"Why the request is denied; the customer reads it."`
	}
}

func (s *Server) registerQuotas() {
	huma.Register(s.api, op("get-instance-quotas", http.MethodGet, "/v1/instances/{id}/quotas", "Show an instance's quotas and their use", "instances"), s.handleQuotasGet)
	o := op("create-quota-request", http.MethodPost, "/v1/instances/{id}/quota-requests", "Request a quota increase", "instances")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, s.handleQuotaRequestCreate)
	huma.Register(s.api, op("list-quota-requests", http.MethodGet, "/v1/instances/{id}/quota-requests", "List an instance's quota requests", "instances"), s.handleQuotaRequestList)
	huma.Register(s.api, op("approve-quota-request", http.MethodPost, "/v1/quota-requests/{id}/approve", "Approve a quota request", "instances"), s.handleQuotaRequestApprove)
	huma.Register(s.api, op("deny-quota-request", http.MethodPost, "/v1/quota-requests/{id}/deny", "Deny a quota request", "instances"), s.handleQuotaRequestDeny)
}

func (s *Server) handleQuotasGet(ctx context.Context, in *instancePath) (*quotasOutput, error) {
	q, err := s.Service.Instances.Quotas(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &quotasOutput{Body: q}, nil
}

func (s *Server) handleQuotaRequestCreate(ctx context.Context, in *quotaRequestCreateInput) (*quotaRequestOutput, error) {
	r, err := s.Service.Instances.CreateQuotaRequest(ctx, principal(ctx), in.ID, workflow.QuotaRequestParams{
		Quota: porting.QuotaName(in.Body.Quota), Value: in.Body.Value, Countries: in.Body.Countries, Reason: in.Body.Reason})
	if err != nil {
		return nil, problem(err)
	}
	return &quotaRequestOutput{Body: r}, nil
}

func (s *Server) handleQuotaRequestList(ctx context.Context, in *quotaRequestListInput) (*quotaRequestsOutput, error) {
	list, err := s.Service.Instances.QuotaRequests(ctx, principal(ctx), in.ID, porting.QuotaRequestStatus(in.Status), in.Limit)
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &quotaRequestsOutput{}
	out.Body.Data = nonNil(list)
	return out, nil
}

func (s *Server) handleQuotaRequestApprove(ctx context.Context, in *quotaRequestPath) (*quotaRequestOutput, error) {
	r, err := s.Service.Instances.DecideQuotaRequest(ctx, principal(ctx), in.ID, true, "")
	if err != nil {
		return nil, problem(err)
	}
	return &quotaRequestOutput{Body: r}, nil
}

func (s *Server) handleQuotaRequestDeny(ctx context.Context, in *quotaRequestDenyInput) (*quotaRequestOutput, error) {
	r, err := s.Service.Instances.DecideQuotaRequest(ctx, principal(ctx), in.ID, false, in.Body.Reason)
	if err != nil {
		return nil, problem(err)
	}
	return &quotaRequestOutput{Body: r}, nil
}
