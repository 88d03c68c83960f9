package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type portRequestCreateInput struct {
	Body struct {
		AccountID          string                     `json:"account_id,omitempty" doc:"Staff filing for a customer name the account; customers file for their own."`
		InstanceID         string                     `json:"instance_id,omitempty" doc:"The instance to port into; required on premium (technical) cases."`
		Severity           porting.Severity           `json:"severity,omitempty" enum:"low,normal,high,urgent,critical" doc:"Premium cases."`
		Subject            string                     `json:"subject,omitempty" maxLength:"200" doc:"Premium cases."`
		LimitRequests      []porting.LimitRequest     `json:"limit_requests,omitempty" maxItems:"50" doc:"Basic cases: one per region, values adding up to the numbers listed."`
		Description        string                     `json:"description,omitempty" maxLength:"10000"`
		AuthorizedContact  porting.Contact            `json:"authorized_contact"`
		ContactPreferences porting.ContactPreferences `json:"contact_preferences,omitempty"`
		NumberFields
	}
}

type portRequestBody struct {
	porting.PortRequest
	PortOrders []portOrderBody    `json:"port_orders"`
	Messages   []*porting.Message `json:"messages"`
}

type portRequestOutput struct {
	Body portRequestBody
}

type portRequestPath struct {
	ID string `path:"id"`
}

type messageCreateInput struct {
	ID   string `path:"id"`
	Body struct {
		Body string `json:"body" minLength:"1" maxLength:"10000"`
	}
}

type messageOutput struct {
	Body *porting.Message
}

type portRequestListInput struct {
	AccountID string `query:"account_id" doc:"Staff: only this account's requests (customers always see only their own)."`
	Cursor    string `query:"cursor" maxLength:"512"`
	Limit     int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type portRequestListOutput struct {
	Body struct {
		Data       []*porting.PortRequest `json:"data"`
		NextCursor string                 `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
	}
}

func (s *Server) registerPortRequests() {
	o := op("create-port-request", http.MethodPost, "/v1/port-requests", "File a port request; it is split into port orders", "port requests")
	o.DefaultStatus = http.StatusCreated
	o.Description += "\n\n" + inputRules + "\n\nThe portable numbers split into one port order per country, losing carrier, number kind and account number; an order whose numbers came with an account number has it on its LOA data."
	o.MaxBodyBytes = maxNumbersBody
	huma.Register(s.api, o, s.handlePortRequestCreate)
	huma.Register(s.api, op("list-port-requests", http.MethodGet, "/v1/port-requests", "List port requests", "port requests"), s.handlePortRequestList)
	huma.Register(s.api, op("get-port-request", http.MethodGet, "/v1/port-requests/{id}", "Get a port request with its orders and messages", "port requests"), s.handlePortRequestGet)
	o = op("create-message", http.MethodPost, "/v1/port-requests/{id}/messages", "Post a message on a port request", "port requests")
	o.DefaultStatus = http.StatusCreated
	o.Metadata = map[string]any{answerRendersAgain: true}
	huma.Register(s.api, o, s.handleMessageCreate)
}

func (s *Server) handlePortRequestCreate(ctx context.Context, in *portRequestCreateInput) (*portRequestOutput, error) {
	b := in.Body
	p := principal(ctx)
	req, orders, err := s.Service.Intake.CreatePortRequest(ctx, p, workflow.CreatePortRequestParams{
		AccountID: b.AccountID, InstanceID: b.InstanceID, Severity: b.Severity, Subject: b.Subject,
		LimitRequests: b.LimitRequests, Description: b.Description, CurrentCarrier: b.CurrentCarrier,
		AuthorizedContact: b.AuthorizedContact, ContactPreferences: b.ContactPreferences,
		PhoneNumbers: b.PhoneNumbers, Entries: b.Entries, DefaultRegion: b.DefaultCountry,
	})
	if err != nil {
		return nil, problem(err)
	}
	return &portRequestOutput{Body: portRequestBody{PortRequest: *req, PortOrders: orderBodies(p, orders), Messages: []*porting.Message{}}}, nil
}

func (s *Server) handlePortRequestList(ctx context.Context, in *portRequestListInput) (*portRequestListOutput, error) {
	page, err := s.Service.Requests.ListPortRequests(ctx, principal(ctx), porting.PortRequestFilter{AccountID: in.AccountID, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &portRequestListOutput{}
	out.Body.Data, out.Body.NextCursor = page.Requests, page.NextCursor
	return out, nil
}

func (s *Server) handlePortRequestGet(ctx context.Context, in *portRequestPath) (*portRequestOutput, error) {
	p := principal(ctx)
	v, err := s.Service.Requests.GetPortRequest(ctx, p, in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &portRequestOutput{Body: portRequestBody{PortRequest: *v.Request, PortOrders: orderBodies(p, v.Orders), Messages: nonNil(v.Messages)}}, nil
}

func (s *Server) handleMessageCreate(ctx context.Context, in *messageCreateInput) (*messageOutput, error) {
	m, err := s.Service.Requests.AddMessage(ctx, principal(ctx), in.ID, in.Body.Body)
	if err != nil {
		return nil, problem(err)
	}
	return &messageOutput{Body: m}, nil
}
