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

type apiKeyCreateInput struct {
	ID   string `path:"id"`
	Body struct {
		Role porting.Role `json:"role" enum:"customer" doc:"Keys under an account are customer keys."`
	}
}

type staffKeyCreateInput struct {
	Body struct {
		Role porting.Role `json:"role" enum:"admin,specialist" doc:"A porting-team key, bound to no account."`
	}
}

type apiKeyBody struct {
	porting.APIKey
	Key string `json:"key" doc:"The secret. It is shown once; only its hash is stored."`
}

type apiKeyOutput struct {
	Body apiKeyBody
}

func (s *Server) registerAccounts() {
	o := op("create-account", http.MethodPost, "/v1/accounts", "Create a customer account (admin)", "accounts")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, s.handleAccountCreate)
	huma.Register(s.api, op("get-account", http.MethodGet, "/v1/accounts/{id}", "Get an account", "accounts"), s.handleAccountGet)
	o = op("create-api-key", http.MethodPost, "/v1/accounts/{id}/api-keys", "Create a customer API key for an account", "accounts")
	o.DefaultStatus = http.StatusCreated
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleAPIKeyCreate)
	o = op("create-staff-api-key", http.MethodPost, "/v1/api-keys", "Create a staff API key (admin)", "accounts")
	o.DefaultStatus = http.StatusCreated
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleStaffKeyCreate)
}

func (s *Server) handleAccountCreate(ctx context.Context, in *accountCreateInput) (*accountOutput, error) {
	a, err := s.Service.CreateAccount(ctx, principal(ctx), workflow.CreateAccountParams{Name: in.Body.Name, SupportPlan: in.Body.SupportPlan})
	if err != nil {
		return nil, problem(err)
	}
	return &accountOutput{Body: a}, nil
}

func (s *Server) handleAccountGet(ctx context.Context, in *accountGetInput) (*accountOutput, error) {
	a, err := s.Service.GetAccount(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &accountOutput{Body: a}, nil
}

func (s *Server) handleAPIKeyCreate(ctx context.Context, in *apiKeyCreateInput) (*apiKeyOutput, error) {
	return s.createKey(ctx, in.ID, in.Body.Role)
}

func (s *Server) handleStaffKeyCreate(ctx context.Context, in *staffKeyCreateInput) (*apiKeyOutput, error) {
	return s.createKey(ctx, "", in.Body.Role)
}

func (s *Server) createKey(ctx context.Context, accountID string, role porting.Role) (*apiKeyOutput, error) {
	k, secret, err := s.Service.CreateAPIKey(ctx, principal(ctx), accountID, role)
	if err != nil {
		return nil, problem(err)
	}
	return &apiKeyOutput{Body: apiKeyBody{APIKey: *k, Key: secret}}, nil
}
