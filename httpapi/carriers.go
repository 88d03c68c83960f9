package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// CarrierFields are the writable fields of a registry entry.
type CarrierFields struct {
	Aliases   []string               `json:"aliases,omitempty" maxItems:"50" doc:"Other names customers use for the carrier; a customer's current carrier matching one is this carrier."`
	Countries []string               `json:"countries,omitempty" maxItems:"250" doc:"Countries the carrier serves (ISO 3166-1 alpha-2)."`
	Gateway   porting.GatewayKind    `json:"gateway,omitempty" enum:"manual,http,twilio" doc:"How portdesk talks to it: manual (the team by email or portal), http (the portdesk carrier protocol) or twilio (Twilio's Port In API)."`
	Settings  map[string]string      `json:"settings,omitempty" doc:"Gateway settings, e.g. base_url, account_sid, legal_name, legal_address. An empty value removes a setting."`
	Secrets   map[string]string      `json:"secrets,omitempty" doc:"Credentials, e.g. signing_secret (http) or auth_token (twilio): stored encrypted, never returned (secrets_set names them). An empty value removes one."`
	Routes    []porting.CarrierRoute `json:"routes,omitempty" maxItems:"300" doc:"The orders this entry submits: a country, and optionally only orders whose losing carrier it names."`
	Enabled   *bool                  `json:"enabled,omitempty" doc:"A disabled entry routes nothing and takes no callbacks."`
}

type carrierCreateInput struct {
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"200"`
		CarrierFields
	}
}

type carrierUpdateInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Name *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
		CarrierFields
	}
}

type carrierPath struct {
	ID string `path:"id" maxLength:"64"`
}

type carrierOutput struct {
	Body *porting.Carrier
}

type carriersOutput struct {
	Body struct {
		Data []*porting.Carrier `json:"data"`
	}
}

type carrierCallbackInput struct {
	CarrierID       string `path:"carrier_id" maxLength:"64"`
	WebhookID       string `header:"webhook-id" maxLength:"200" doc:"Standard Webhooks message ID (http gateway)."`
	WebhookTime     string `header:"webhook-timestamp" maxLength:"20"`
	WebhookSig      string `header:"webhook-signature" maxLength:"2000"`
	TwilioSignature string `header:"X-Twilio-Signature" maxLength:"200" doc:"Twilio's request signature (twilio gateway)."`
	ContentType     string `header:"Content-Type" maxLength:"200"`
	BodySHA256      string `query:"bodySHA256" maxLength:"128" doc:"Twilio's hash of a JSON webhook body, part of the URL it signs."`
	RawBody         []byte
}

type carrierCallbackOutput struct {
	Body struct {
		Outcome string                  `json:"outcome" enum:"applied,stale,duplicate,not_applicable,refused" doc:"What portdesk did with the (first) answer."`
		Results []workflow.AnswerResult `json:"results"`
	}
}

type carrierAnswerInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		AnswerID   string                     `json:"answer_id,omitempty" maxLength:"200" doc:"The carrier's own ID of the answer, when it has one; an entry repeated with the same ID changes nothing."`
		Type       porting.AnswerKind         `json:"type" enum:"accepted,foc,rejected,activated,cancelled" doc:"accepted records the carrier's reference; foc, rejected and activated move the order as record_foc, record_rejection and record_ported do."`
		Reference  string                     `json:"reference,omitempty" maxLength:"200" doc:"The carrier's reference of the submission."`
		FOCAt      *time.Time                 `json:"foc_at,omitempty" doc:"The committed port date and time (foc)."`
		Rejections []porting.CarrierRejection `json:"rejections,omitempty" maxItems:"50" doc:"The carrier's reasons (rejected)."`
		Message    string                     `json:"message,omitempty" maxLength:"10000"`
	}
}

type answerResultOutput struct {
	Body workflow.AnswerResult
}

type carrierDocumentInput struct {
	ID        string `path:"id" maxLength:"64"`
	Carrier   string `query:"carrier" maxLength:"64"`
	Expires   int64  `query:"expires" minimum:"0"`
	Signature string `query:"signature" maxLength:"128"`
}

// unsigned marks operations a carrier calls without an API key: a
// signature authenticates them.
var unsigned = []map[string][]string{}

func (s *Server) registerCarriers() {
	huma.Register(s.api, op("list-carriers", http.MethodGet, "/v1/carriers", "List the carrier registry", "carriers"), s.handleCarrierList)
	o := op("create-carrier", http.MethodPost, "/v1/carriers", "Add a carrier to the registry", "carriers")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handleCarrierCreate)
	huma.Register(s.api, op("get-carrier", http.MethodGet, "/v1/carriers/{id}", "Get a carrier", "carriers"), s.handleCarrierGet)
	o = op("update-carrier", http.MethodPatch, "/v1/carriers/{id}", "Change a carrier", "carriers")
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handleCarrierUpdate)

	o = op("carrier-callback", http.MethodPost, "/v1/carrier-callbacks/{carrier_id}", "Take a carrier's answer (signed callback)", "carriers")
	o.Security = unsigned
	o.MaxBodyBytes = 1 << 20
	o.Errors = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusServiceUnavailable}
	huma.Register(s.api, o, s.handleCarrierCallback)

	o = op("get-carrier-document", http.MethodGet, "/v1/carrier-documents/{id}", "Download a document through a link handed to a carrier", "carriers")
	o.Security = unsigned
	o.Errors = []int{http.StatusNotFound, http.StatusUnprocessableEntity}
	o.Responses = map[string]*huma.Response{"200": {Description: "The document.", Content: map[string]*huma.MediaType{"application/octet-stream": {}}}}
	huma.Register(s.api, o, s.handleCarrierDocument)

	o = op("retry-carrier-call", http.MethodPost, "/v1/port-orders/{id}/carrier-retry", "Send a failed carrier call again (staff)", "port orders")
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handleCarrierRetry)
	huma.Register(s.api, op("fetch-csr", http.MethodPost, "/v1/port-orders/{id}/csr-fetch", "Fetch the CSR from the carrier (staff)", "port orders"), s.handleFetchCSR)

	o = op("enter-carrier-answer", http.MethodPost, "/v1/port-orders/{id}/carrier-answers", "Enter a carrier's answer by hand (staff)", "port orders")
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, s.handleCarrierAnswer)
}

func (s *Server) handleCarrierList(ctx context.Context, _ *struct{}) (*carriersOutput, error) {
	cs, err := s.Service.Carriers.Carriers(ctx, principal(ctx))
	if err != nil {
		return nil, problem(err)
	}
	out := &carriersOutput{}
	out.Body.Data = nonNil(cs)
	return out, nil
}

func (s *Server) handleCarrierCreate(ctx context.Context, in *carrierCreateInput) (*carrierOutput, error) {
	f := in.Body.CarrierFields
	c, err := s.Service.Carriers.CreateCarrier(ctx, principal(ctx), workflow.CarrierInput{Name: in.Body.Name, Aliases: f.Aliases,
		Countries: f.Countries, Gateway: f.Gateway, Settings: f.Settings, Secrets: f.Secrets, Routes: f.Routes, Enabled: f.Enabled})
	if err != nil {
		return nil, problem(err)
	}
	return &carrierOutput{Body: c}, nil
}

func (s *Server) handleCarrierGet(ctx context.Context, in *carrierPath) (*carrierOutput, error) {
	c, err := s.Service.Carriers.Carrier(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return &carrierOutput{Body: c}, nil
}

func (s *Server) handleCarrierUpdate(ctx context.Context, in *carrierUpdateInput) (*carrierOutput, error) {
	f := in.Body.CarrierFields
	patch := workflow.CarrierPatch{Name: in.Body.Name, Settings: f.Settings, Secrets: f.Secrets, Enabled: f.Enabled}
	if f.Aliases != nil {
		patch.Aliases = &f.Aliases
	}
	if f.Countries != nil {
		patch.Countries = &f.Countries
	}
	if f.Gateway != "" {
		patch.Gateway = &f.Gateway
	}
	if f.Routes != nil {
		patch.Routes = &f.Routes
	}
	c, err := s.Service.Carriers.UpdateCarrier(ctx, principal(ctx), in.ID, patch)
	if err != nil {
		return nil, problem(err)
	}
	return &carrierOutput{Body: c}, nil
}

func (s *Server) handleCarrierCallback(ctx context.Context, in *carrierCallbackInput) (*carrierCallbackOutput, error) {
	h := http.Header{}
	for k, v := range map[string]string{"webhook-id": in.WebhookID, "webhook-timestamp": in.WebhookTime,
		"webhook-signature": in.WebhookSig, "X-Twilio-Signature": in.TwilioSignature, "Content-Type": in.ContentType} {
		if v != "" {
			h.Set(k, v)
		}
	}
	// The signature's replay window is real time, whatever the desk's
	// (sandbox) clock says.
	rs, err := s.Service.Carriers.Callback(ctx, in.CarrierID, porting.CallbackRequest{Header: h, Body: in.RawBody, Now: time.Now(), Query: bodyHashQuery(in.BodySHA256)})
	if err != nil {
		return nil, problem(err)
	}
	out := &carrierCallbackOutput{}
	out.Body.Results = nonNil(rs)
	out.Body.Outcome = string(porting.OutcomeNotApplicable) // a signed callback that carries no answer (an event portdesk does not track)
	if len(rs) > 0 {
		out.Body.Outcome = string(rs[0].Outcome)
	}
	return out, nil
}

func (s *Server) handleCarrierDocument(ctx context.Context, in *carrierDocumentInput) (*fileOutput, error) {
	d, content, err := s.Service.Carriers.CarrierDocument(ctx, in.Carrier, in.ID, in.Expires, strings.ToLower(in.Signature))
	if err != nil {
		return nil, problem(err)
	}
	return newFileOutput(d.Filename, d.ContentType, content), nil
}

func (s *Server) handleCarrierAnswer(ctx context.Context, in *carrierAnswerInput) (*answerResultOutput, error) {
	b := in.Body
	a := porting.CarrierAnswer{ID: b.AnswerID, Kind: b.Type, Reference: b.Reference, FOCAt: b.FOCAt, Rejections: b.Rejections, Message: b.Message}
	r, err := s.Service.Carriers.EnterAnswer(ctx, principal(ctx), in.ID, a)
	if err != nil {
		return nil, problem(err)
	}
	return &answerResultOutput{Body: r}, nil
}

// bodyHashQuery is the query Twilio signs with a JSON body.
func bodyHashQuery(h string) string {
	if h == "" {
		return ""
	}
	return url.Values{"bodySHA256": {h}}.Encode()
}

func (s *Server) handleFetchCSR(ctx context.Context, in *carrierPath) (*portOrderOutput, error) {
	p := principal(ctx)
	o, err := s.Service.Carriers.FetchCSR(ctx, p, in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return orderOutput(p, o), nil
}

func (s *Server) handleCarrierRetry(ctx context.Context, in *carrierPath) (*portOrderOutput, error) {
	p := principal(ctx)
	o, err := s.Service.Carriers.RetryCall(ctx, p, in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return orderOutput(p, o), nil
}
