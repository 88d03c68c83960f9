package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type invitationCreateInput struct {
	Body struct {
		Email     string       `json:"email" maxLength:"254" doc:"Whom to invite; trimmed and lower-cased. Becomes the user's sign-in email."`
		Role      porting.Role `json:"role" enum:"admin,specialist,customer" doc:"The user's role, as for API keys. Customers may invite customers only."`
		AccountID string       `json:"account_id,omitempty" doc:"The account of a customer user; absent for staff, and for a customer inviting into its own account."`
		Language  string       `json:"language,omitempty" enum:"en,es,de" doc:"The language of the invitation email, which links to the console's accept page; English when absent. The email is sent only when the desk has an SMTP server."`
	}
}

type invitationBody struct {
	porting.Invitation
	Token string `json:"token" doc:"The invitation's secret, to accept it in the console. It is shown once; only its hash is stored."`
}

type invitationOutput struct {
	Body invitationBody
}

func (s *Server) registerInvitations() {
	o := op("create-invitation", http.MethodPost, "/v1/invitations", "Invite a person to the web console (the token is shown once)", "accounts")
	o.DefaultStatus = http.StatusCreated
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleInvitationCreate)
}

func (s *Server) handleInvitationCreate(ctx context.Context, in *invitationCreateInput) (*invitationOutput, error) {
	inv, token, err := s.Service.Users.Invite(ctx, principal(ctx), workflow.InviteParams{
		Email: in.Body.Email, Role: in.Body.Role, AccountID: in.Body.AccountID, Language: in.Body.Language})
	if err != nil {
		return nil, problem(err)
	}
	return &invitationOutput{Body: invitationBody{Invitation: *inv, Token: token}}, nil
}
