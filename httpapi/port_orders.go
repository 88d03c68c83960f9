package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type portOrderBody struct {
	porting.PortOrder
	WaitingOn      porting.Party    `json:"waiting_on" enum:"customer,team,carrier,none" doc:"Whose move it is."`
	AllowedActions []porting.Action `json:"allowed_actions" doc:"The actions the caller may take now."`
}

// orderBody is the API form of an order: with at most the first
// porting.ShownNumbers numbers (the rest are paged by list-order-numbers).
func orderBody(p porting.Principal, o *porting.PortOrder) portOrderBody {
	o = o.Bounded(porting.ShownNumbers)
	b := portOrderBody{PortOrder: *o, WaitingOn: o.WaitingOn(), AllowedActions: nonNil(porting.AllowedActions(o.Status, p.Role))}
	b.Findings = nonNil(o.Findings)
	b.Attention = nonNil(o.Attention)
	return b
}

func orderBodies(p porting.Principal, orders []*porting.PortOrder) []portOrderBody {
	out := make([]portOrderBody, len(orders))
	for i, o := range orders {
		out[i] = orderBody(p, o)
	}
	return out
}

type portOrderOutput struct {
	ETag string `header:"ETag" doc:"The order's version; send it back as If-Match to change the order only if nobody changed it meanwhile."`
	Body portOrderBody
}

// orderOutput answers with an order and its version as ETag.
func orderOutput(p porting.Principal, o *porting.PortOrder) *portOrderOutput {
	return &portOrderOutput{ETag: strconv.Quote(strconv.Itoa(o.Version)), Body: orderBody(p, o)}
}

// ifMatch reads an If-Match header: the version the caller changes the
// order from (ETag), or nil for none or "*".
func ifMatch(h string) (*int, error) {
	h = strings.TrimPrefix(strings.TrimSpace(h), "W/")
	if h == "" || h == "*" {
		return nil, nil
	}
	v, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || v < 1 {
		return nil, &porting.Error{Code: porting.EINVALID, Field: "If-Match", Message: `If-Match must be an ETag of this order, such as "3"`}
	}
	return &v, nil
}

type portOrderPath struct {
	ID string `path:"id"`
}

type portOrderListInput struct {
	AccountID     string    `query:"account_id" doc:"Staff: only this account's orders (customers always see only their own)."`
	PortRequestID string    `query:"port_request_id"`
	Status        string    `query:"status" enum:"review,awaiting_loa,loa_review,submitted,exception,foc_confirmed,numbers_loaded,porting,ported,awaiting_verification,completed,not_portable,cancelled"`
	WaitingOn     string    `query:"waiting_on" enum:"customer,team,carrier,none" doc:"Only orders whose move it is of this party (see waiting_on on an order)."`
	Country       string    `query:"country" minLength:"2" maxLength:"2" example:"US" doc:"Only orders of this country (ISO 3166-1 alpha-2, any case)."`
	Attention     bool      `query:"attention" doc:"Only orders with an attention flag: work the desk could not do by itself."`
	DueBefore     time.Time `query:"due_before" doc:"Only orders with a pending deadline due before this time (RFC 3339)."`
	Sort          string    `query:"sort" enum:"created,next_deadline" default:"created" doc:"created: oldest first. next_deadline: the order whose next pending deadline is due first, orders without one last."`
	Cursor        string    `query:"cursor" maxLength:"512"`
	Limit         int       `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type portOrderListOutput struct {
	Body struct {
		Data       []portOrderBody `json:"data"`
		NextCursor string          `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
	}
}

type portOrderPatchInput struct {
	ID      string `path:"id"`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"The order's ETag: change it only if nobody changed it meanwhile (412 otherwise)."`
	Body    struct {
		InstanceID     *string           `json:"instance_id,omitempty" doc:"The instance to load the numbers into."`
		RequestedFOCAt *time.Time        `json:"requested_foc_at,omitempty" doc:"The port date the customer asks for."`
		LOA            *porting.LOAData  `json:"loa,omitempty" doc:"The LOA data; replaces what is on file. Customers edit it in awaiting_loa and exception."`
		PIN            *string           `json:"pin,omitempty" maxLength:"64" doc:"The account PIN or passcode at the losing carrier; stored encrypted and never shown again."`
		CSR            *csrInput         `json:"csr,omitempty" doc:"The losing carrier's Customer Service Record."`
		Attestation    *attestationInput `json:"attestation,omitempty" doc:"Staff: the judgement of the signed LOA (loa_review)."`
		ConfirmCSR     bool              `json:"confirm_csr,omitempty" doc:"Staff: confirm that the CSR the customer proposed is the carrier's record; until then the LOA cannot be approved against it (CSR_UNVERIFIED)."`
	}
}

type csrInput struct {
	AccountName       string          `json:"account_name" maxLength:"200"`
	ServiceAddress    porting.Address `json:"service_address"`
	AuthorizedContact string          `json:"authorized_contact" maxLength:"200"`
	BTN               string          `json:"btn" maxLength:"64"`
	AccountNumber     string          `json:"account_number" maxLength:"64"`
	PhoneNumbers      []string        `json:"phone_numbers" maxItems:"100000"`
}

type attestationInput struct {
	Signature    string `json:"signature,omitempty" enum:"wet,electronic,printed" doc:"The kind of signature on the returned LOA: wet (handwritten in ink, the only kind carriers accept), electronic, or printed (typed, printed, pasted or copied)."`
	WetSignature *bool  `json:"wet_signature,omitempty" deprecated:"true" doc:"Deprecated: give signature. true is signature wet; false records a signature that is not wet without its kind."`
	Legible      *bool  `json:"legible,omitempty" doc:"The returned LOA is legible."`
}

func (a *attestationInput) input() *workflow.AttestationInput {
	if a == nil {
		return nil
	}
	//lint:ignore SA1019 the API still accepts the deprecated wet_signature and hands it on
	return &workflow.AttestationInput{Signature: porting.SignatureKind(a.Signature), WetSignature: a.WetSignature, Legible: a.Legible}
}

type actionInput struct {
	ID      string `path:"id"`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"The order's ETag: act only if nobody changed the order meanwhile (412 otherwise)."`
	Action  string `path:"action" enum:"approve,mark_not_portable,submit_loa,approve_loa,return_loa,record_rejection,resubmit,record_foc,reschedule,load_numbers,start_port,record_ported,pass_testing,verify,cancel,restart"`
	Body    *struct {
		Reason             string                     `json:"reason,omitempty" maxLength:"2000" doc:"Why (cancel, mark_not_portable)."`
		Message            string                     `json:"message,omitempty" maxLength:"10000" doc:"To the customer (return_loa, record_rejection)."`
		ExceptionCode      string                     `json:"exception_code,omitempty" doc:"The carrier's rejection code (record_rejection); rejections gives several, each with its field."`
		Rejections         []porting.CarrierRejection `json:"rejections,omitempty" maxItems:"50" doc:"The carrier's reasons (record_rejection): each code with the field it concerns and the carrier's value."`
		FOCAt              *time.Time                 `json:"foc_at,omitempty" doc:"Confirmed (record_foc) or newly requested (reschedule) port date."`
		NotPortableNumbers []string                   `json:"not_portable_numbers,omitempty" maxItems:"100000" doc:"Numbers found not portable on approve; the rest port."`
		Attestation        *attestationInput          `json:"attestation,omitempty" doc:"The judgement of the signed LOA (approve_loa)."`
		OverrideReason     string                     `json:"override_reason,omitempty" maxLength:"500" doc:"Staff: accept a port date (record_foc, reschedule) that the porting rules refuse, saying why; recorded on the order as foc_override."`
	}
}

type orderNumbersInput struct {
	ID     string `path:"id"`
	Status string `query:"status" enum:"pending,portable,not_portable,in_progress,loaded,ported,verified,excluded,cancelled" doc:"Only numbers in this number status."`
	Cursor string `query:"cursor" maxLength:"512"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type orderNumbersOutput struct {
	Body struct {
		Data       []porting.OrderNumber `json:"data"`
		NextCursor string                `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
	}
}

type timelineInput struct {
	ID    string `path:"id"`
	After int64  `query:"after" minimum:"0"`
	Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}

func (s *Server) registerPortOrders() {
	huma.Register(s.api, op("list-port-orders", http.MethodGet, "/v1/port-orders", "List port orders", "port orders"), s.handlePortOrderList)
	huma.Register(s.api, op("get-port-order", http.MethodGet, "/v1/port-orders/{id}", "Get a port order", "port orders"), s.handlePortOrderGet)
	o := op("update-port-order", http.MethodPatch, "/v1/port-orders/{id}", "Change a port order: instance, requested date, LOA data and PIN, CSR and its confirmation (confirm_csr), attestation of the signed LOA", "port orders")
	o.MaxBodyBytes = maxNumbersBody // the CSR and the LOA's partial port list up to 100,000 numbers
	huma.Register(s.api, o, s.handlePortOrderPatch)
	o = op("act-on-port-order", http.MethodPost, "/v1/port-orders/{id}/actions/{action}", "Take an action on a port order", "port orders")
	o.Errors = append(o.Errors, http.StatusConflict)
	o.MaxBodyBytes = maxNumbersBody
	huma.Register(s.api, o, s.handlePortOrderAction)
	huma.Register(s.api, op("list-order-numbers", http.MethodGet, "/v1/port-orders/{id}/phone-numbers", "List a port order's phone numbers", "port orders"), s.handleOrderNumbers)
	huma.Register(s.api, op("get-port-order-timeline", http.MethodGet, "/v1/port-orders/{id}/timeline", "List a port order's events", "port orders"), s.handlePortOrderTimeline)
}

func (s *Server) handlePortOrderList(ctx context.Context, in *portOrderListInput) (*portOrderListOutput, error) {
	p := principal(ctx)
	q := workflow.PortOrderQuery{WaitingOn: porting.Party(in.WaitingOn), PortOrderFilter: porting.PortOrderFilter{
		AccountID: in.AccountID, PortRequestID: in.PortRequestID, Status: porting.State(in.Status), Country: in.Country,
		Attention: in.Attention, Sort: porting.PortOrderSort(in.Sort), Cursor: in.Cursor, Limit: in.Limit,
	}}
	if !in.DueBefore.IsZero() {
		q.DueBefore = &in.DueBefore
	}
	page, err := s.Service.Orders.ListPortOrders(ctx, p, q)
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &portOrderListOutput{}
	out.Body.Data, out.Body.NextCursor = orderBodies(p, page.Orders), page.NextCursor
	return out, nil
}

func (s *Server) handlePortOrderGet(ctx context.Context, in *portOrderPath) (*portOrderOutput, error) {
	p := principal(ctx)
	o, err := s.Service.Orders.GetPortOrder(ctx, p, in.ID)
	if err != nil {
		return nil, problem(err)
	}
	return orderOutput(p, o), nil
}

func (s *Server) handlePortOrderPatch(ctx context.Context, in *portOrderPatchInput) (*portOrderOutput, error) {
	p := principal(ctx)
	b := in.Body
	version, err := ifMatch(in.IfMatch)
	if err != nil {
		return nil, problem(err)
	}
	params := workflow.UpdatePortOrderParams{InstanceID: b.InstanceID, RequestedFOCAt: b.RequestedFOCAt, LOA: b.LOA, PIN: b.PIN,
		Attestation: b.Attestation.input(), ConfirmCSR: b.ConfirmCSR, IfVersion: version}
	if c := b.CSR; c != nil {
		params.CSR = &porting.CSR{AccountName: c.AccountName, ServiceAddress: c.ServiceAddress, AuthorizedContact: c.AuthorizedContact,
			BTN: c.BTN, AccountNumber: c.AccountNumber, PhoneNumbers: c.PhoneNumbers}
	}
	o, err := s.Service.Orders.UpdatePortOrder(ctx, p, in.ID, params)
	if err != nil {
		return nil, problem(err)
	}
	return orderOutput(p, o), nil
}

func (s *Server) handlePortOrderAction(ctx context.Context, in *actionInput) (*portOrderOutput, error) {
	p := principal(ctx)
	version, err := ifMatch(in.IfMatch)
	if err != nil {
		return nil, problem(err)
	}
	ai := workflow.ActionInput{IfVersion: version}
	if b := in.Body; b != nil {
		ai = workflow.ActionInput{Reason: b.Reason, Message: b.Message, ExceptionCode: strings.ToUpper(b.ExceptionCode), Rejections: b.Rejections, FOCAt: b.FOCAt,
			NotPortableNumbers: b.NotPortableNumbers, Attestation: b.Attestation.input(), OverrideReason: b.OverrideReason, IfVersion: version}
	}
	o, err := s.Service.Orders.Act(ctx, p, in.ID, porting.Action(in.Action), ai)
	if err != nil {
		return nil, problem(err)
	}
	return orderOutput(p, o), nil
}

func (s *Server) handleOrderNumbers(ctx context.Context, in *orderNumbersInput) (*orderNumbersOutput, error) {
	page, err := s.Service.Orders.PortOrderNumbers(ctx, principal(ctx), porting.OrderNumberFilter{
		OrderID: in.ID, Status: porting.NumberStatus(in.Status), Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &orderNumbersOutput{}
	out.Body.Data, out.Body.NextCursor = page.Numbers, page.NextCursor
	return out, nil
}

func (s *Server) handlePortOrderTimeline(ctx context.Context, in *timelineInput) (*eventsOutput, error) {
	evs, err := s.Service.Events.Timeline(ctx, principal(ctx), in.ID, in.After, in.Limit)
	if err != nil {
		return nil, problem(err)
	}
	return eventPage(evs), nil
}
