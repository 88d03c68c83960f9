package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type accountCreateInput struct {
	Body struct {
		Name        string              `json:"name" minLength:"1" maxLength:"200" doc:"The customer's company name."`
		SupportPlan porting.SupportPlan `json:"support_plan" enum:"basic,premium" doc:"basic files limit-increase cases, premium technical cases."`
	}
}

type accountOutput struct {
	Body *porting.Account
}

type accountGetInput struct {
	ID string `path:"id"`
}

type accountListInput struct {
	Cursor string `query:"cursor" maxLength:"512"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type accountListOutput struct {
	Body struct {
		Data       []*porting.Account `json:"data"`
		NextCursor string             `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
	}
}

func (s *Server) registerAccounts() {
	o := op("create-account", http.MethodPost, "/v1/accounts", "Create a customer account (admin)", "accounts")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, s.handleAccountCreate)
	huma.Register(s.api, op("list-accounts", http.MethodGet, "/v1/accounts", "List customer accounts (staff)", "accounts"), s.handleAccountList)
	huma.Register(s.api, op("get-account", http.MethodGet, "/v1/accounts/{id}", "Get an account", "accounts"), s.handleAccountGet)
	s.registerAPIKeys()
}

func (s *Server) handleAccountCreate(ctx context.Context, in *accountCreateInput) (*accountOutput, error) {
	a, err := s.Service.Accounts.CreateAccount(ctx, principal(ctx), workflow.CreateAccountParams{Name: in.Body.Name, SupportPlan: in.Body.SupportPlan})
	if err != nil {
		return nil, problem(err)
	}
	return &accountOutput{Body: a}, nil
}

func (s *Server) handleAccountList(ctx context.Context, in *accountListInput) (*accountListOutput, error) {
	page, err := s.Service.Accounts.ListAccounts(ctx, principal(ctx), porting.AccountFilter{Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &accountListOutput{}
	out.Body.Data, out.Body.NextCursor = page.Accounts, page.NextCursor
	return out, nil
}

func (s *Server) handleAccountGet(ctx context.Context, in *accountGetInput) (*accountOutput, error) {
	a, err := s.Service.Accounts.GetAccount(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &accountOutput{Body: a}, nil
}
