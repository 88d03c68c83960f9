package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type apiKeyCreateInput struct {
	ID   string `path:"id"`
	Body struct {
		Role      porting.Role `json:"role" enum:"customer" doc:"Keys under an account are customer keys."`
		ExpiresAt *time.Time   `json:"expires_at,omitempty" doc:"When the key stops working: in the future, at most two years ahead. Absent: it does not expire."`
	}
}

type staffKeyCreateInput struct {
	Body struct {
		Role      porting.Role `json:"role" enum:"admin,specialist" doc:"A porting-team key, bound to no account."`
		ExpiresAt *time.Time   `json:"expires_at,omitempty" doc:"When the key stops working: in the future, at most two years ahead. Absent: it does not expire."`
	}
}

type apiKeyBody struct {
	porting.APIKey
	Key string `json:"key" doc:"The secret. It is shown once; only its hash is stored."`
}

type apiKeyOutput struct {
	Body apiKeyBody
}

type apiKeyPath struct {
	ID string `path:"id"`
}

type apiKeyRevokedOutput struct {
	Body *porting.APIKey
}

type apiKeysOutput struct {
	Body struct {
		Data []*porting.APIKey `json:"data"`
	}
}

func (s *Server) registerAPIKeys() {
	o := op("create-api-key", http.MethodPost, "/v1/accounts/{id}/api-keys", "Create a customer API key for an account (at most 20 per account)", "accounts")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleAPIKeyCreate)
	huma.Register(s.api, op("list-account-api-keys", http.MethodGet, "/v1/accounts/{id}/api-keys",
		"List an account's API keys that are not revoked (admin, or the account's customers)", "accounts"), s.handleAccountKeyList)
	o = op("create-staff-api-key", http.MethodPost, "/v1/api-keys", "Create a staff API key (admin)", "accounts")
	o.DefaultStatus = http.StatusCreated
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleStaffKeyCreate)
	huma.Register(s.api, op("list-api-keys", http.MethodGet, "/v1/api-keys",
		"List API keys that are not revoked: a customer's account's, or every key (admin)", "accounts"), s.handleKeyList)
	huma.Register(s.api, op("revoke-api-key", http.MethodDelete, "/v1/api-keys/{id}",
		"Revoke an API key: it answers 401 from then on (admin, or the account's customers)", "accounts"), s.handleKeyRevoke)
}

func (s *Server) handleAPIKeyCreate(ctx context.Context, in *apiKeyCreateInput) (*apiKeyOutput, error) {
	return s.createKey(ctx, workflow.CreateAPIKeyParams{AccountID: in.ID, Role: in.Body.Role, ExpiresAt: in.Body.ExpiresAt})
}

func (s *Server) handleStaffKeyCreate(ctx context.Context, in *staffKeyCreateInput) (*apiKeyOutput, error) {
	return s.createKey(ctx, workflow.CreateAPIKeyParams{Role: in.Body.Role, ExpiresAt: in.Body.ExpiresAt})
}

func (s *Server) createKey(ctx context.Context, in workflow.CreateAPIKeyParams) (*apiKeyOutput, error) {
	k, secret, err := s.Service.Accounts.CreateAPIKey(ctx, principal(ctx), in)
	if err != nil {
		return nil, problem(err)
	}
	return &apiKeyOutput{Body: apiKeyBody{APIKey: *k, Key: secret}}, nil
}

func (s *Server) handleAccountKeyList(ctx context.Context, in *apiKeyPath) (*apiKeysOutput, error) {
	return s.listKeys(ctx, in.ID)
}

func (s *Server) handleKeyList(ctx context.Context, _ *struct{}) (*apiKeysOutput, error) {
	return s.listKeys(ctx, "")
}

func (s *Server) listKeys(ctx context.Context, accountID string) (*apiKeysOutput, error) {
	ks, err := s.Service.Accounts.APIKeys(ctx, principal(ctx), accountID)
	if err != nil {
		return nil, problem(err)
	}
	out := &apiKeysOutput{}
	out.Body.Data = nonNil(ks)
	return out, nil
}

func (s *Server) handleKeyRevoke(ctx context.Context, in *apiKeyPath) (*apiKeyRevokedOutput, error) {
	k, err := s.Service.Accounts.RevokeAPIKey(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &apiKeyRevokedOutput{Body: k}, nil
}
