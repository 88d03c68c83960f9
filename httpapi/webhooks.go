package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type webhookCreateInput struct {
	Body struct {
		URL        string   `json:"url" format:"uri" maxLength:"2000"`
		EventTypes []string `json:"event_types,omitempty" maxItems:"100" doc:"Event types to receive, e.g. port_order.status_changed; empty means all."`
	}
}

type webhookBody struct {
	porting.WebhookEndpoint
	Secret string `json:"secret,omitempty" doc:"The signing secret (Standard Webhooks, whsec_…), shown only when the endpoint is created."`
}

type webhookOutput struct {
	Body webhookBody
}

type webhookPath struct {
	ID string `path:"id"`
}

type webhookUpdateInput struct {
	ID   string `path:"id"`
	Body struct {
		URL        string   `json:"url,omitempty" maxLength:"2000"`
		EventTypes []string `json:"event_types,omitempty" maxItems:"100"`
		Enabled    *bool    `json:"enabled,omitempty" doc:"true re-enables an endpoint disabled after repeated failures."`
	}
}

type webhooksOutput struct {
	Body struct {
		Data []*porting.WebhookEndpoint `json:"data"`
	}
}

type replayInput struct {
	ID   string `path:"id"`
	Body struct {
		After int64 `json:"after" minimum:"0" doc:"Send the events after this event ID again."`
		Limit int   `json:"limit,omitempty" minimum:"1" maximum:"1000"`
	}
}

type replayOutput struct {
	Body struct {
		Queued int `json:"queued"`
	}
}

type deliveriesOutput struct {
	Body struct {
		Data []*porting.Delivery `json:"data"`
	}
}

type focWindowsInput struct {
	ID    string    `path:"id"`
	From  time.Time `query:"from" doc:"List windows from this time on (default now)."`
	Count int       `query:"count" minimum:"1" maximum:"100" default:"10"`
}

type focWindowsOutput struct {
	Body struct {
		Data []porting.Slot `json:"data"`
	}
}

func (s *Server) registerWebhooks() {
	o := op("create-webhook-endpoint", http.MethodPost, "/v1/webhook-endpoints", "Register a webhook endpoint (the secret is shown once; at most 10 per account)", "webhooks")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	o.Metadata = map[string]any{answerHoldsSecret: true}
	huma.Register(s.api, o, s.handleWebhookCreate)
	huma.Register(s.api, op("list-webhook-endpoints", http.MethodGet, "/v1/webhook-endpoints", "List webhook endpoints", "webhooks"), s.handleWebhookList)
	huma.Register(s.api, op("update-webhook-endpoint", http.MethodPatch, "/v1/webhook-endpoints/{id}", "Change or re-enable a webhook endpoint", "webhooks"), s.handleWebhookUpdate)
	huma.Register(s.api, op("replay-webhooks", http.MethodPost, "/v1/webhook-endpoints/{id}/replay", "Send past events again", "webhooks"), s.handleWebhookReplay)
	huma.Register(s.api, op("list-webhook-deliveries", http.MethodGet, "/v1/webhook-endpoints/{id}/deliveries", "List recent deliveries", "webhooks"), s.handleDeliveryList)
	huma.Register(s.api, op("list-foc-windows", http.MethodGet, "/v1/port-orders/{id}/foc-windows", "List the next valid port windows of an order", "port orders"), s.handleFOCWindows)
}

func (s *Server) handleWebhookCreate(ctx context.Context, in *webhookCreateInput) (*webhookOutput, error) {
	w, secret, err := s.Service.Webhooks.CreateWebhookEndpoint(ctx, principal(ctx), workflow.WebhookParams{URL: in.Body.URL, EventTypes: in.Body.EventTypes})
	if err != nil {
		return nil, problem(err)
	}
	return &webhookOutput{Body: webhookBody{WebhookEndpoint: *w, Secret: secret}}, nil
}

func (s *Server) handleWebhookList(ctx context.Context, _ *struct{}) (*webhooksOutput, error) {
	ws, err := s.Service.Webhooks.WebhookEndpoints(ctx, principal(ctx))
	if err != nil {
		return nil, problem(err)
	}
	out := &webhooksOutput{}
	out.Body.Data = nonNil(ws)
	return out, nil
}

func (s *Server) handleWebhookUpdate(ctx context.Context, in *webhookUpdateInput) (*webhookOutput, error) {
	w, err := s.Service.Webhooks.UpdateWebhookEndpoint(ctx, principal(ctx), in.ID, workflow.WebhookParams{URL: in.Body.URL, EventTypes: in.Body.EventTypes, Enabled: in.Body.Enabled})
	if err != nil {
		return nil, problem(err)
	}
	return &webhookOutput{Body: webhookBody{WebhookEndpoint: *w}}, nil
}

func (s *Server) handleWebhookReplay(ctx context.Context, in *replayInput) (*replayOutput, error) {
	n, err := s.Service.Webhooks.ReplayWebhooks(ctx, principal(ctx), in.ID, in.Body.After, in.Body.Limit)
	if err != nil {
		return nil, problem(err)
	}
	out := &replayOutput{}
	out.Body.Queued = n
	return out, nil
}

func (s *Server) handleDeliveryList(ctx context.Context, in *webhookPath) (*deliveriesOutput, error) {
	ds, err := s.Service.Webhooks.Deliveries(ctx, principal(ctx), in.ID, 100)
	if err != nil {
		return nil, problem(err)
	}
	out := &deliveriesOutput{}
	out.Body.Data = nonNil(ds)
	return out, nil
}

func (s *Server) handleFOCWindows(ctx context.Context, in *focWindowsInput) (*focWindowsOutput, error) {
	slots, err := s.Service.Orders.FOCWindows(ctx, principal(ctx), in.ID, in.From, in.Count)
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &focWindowsOutput{}
	out.Body.Data = slots
	return out, nil
}
