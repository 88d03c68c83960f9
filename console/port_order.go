package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// orderData is the order page: the order and everything the workflow
// computes about it, each from the same call the API makes.
type orderData struct {
	Order     *porting.PortOrder
	Waiting   porting.Party
	Actions   []porting.Action
	Request   *porting.PortRequest
	Timeline  []*porting.Event
	Deadlines []workflow.DeadlineView
	SVG       *deadlineChart
	Checklist *workflow.Checklist
	Traffic   *trafficChart
	TestCalls *workflow.TestCallRun
	Documents []*porting.Document
	DocTypes  []string
	LOAEdit   bool
	LOA       loaForm
	// CSR is the CSR entry form (staff); Diff the LOA fields that differ
	// from what the carrier will check.
	CSR     csrForm
	Diff    []diffRow
	PortDay *portDay
	Act     actionForm
	// ActionName is the action whose form was refused, if any.
	ActionName string
	Codes      []string
	Signatures []string
}

// timelineLimit bounds the events the page shows.
const timelineLimit = 200

func (c *console) handlePortOrder(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	pg := c.newPage(r, p, "order.title")
	d, err := c.orderData(r.Context(), pg, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "port_order", pg, d)
	return nil
}

// orderData loads the order page. The order itself decides visibility: an
// order of another account is ENOTFOUND before anything else is read.
func (c *console) orderData(ctx context.Context, pg *page, p porting.Principal, id string) (*orderData, error) {
	if len(id) > 100 {
		return nil, porting.Errorf(porting.ENOTFOUND, "port order not found")
	}
	// The order and its checklist in one call: the instance's numbers are
	// counted once for the quota finding and the quota item.
	o, checklist, err := c.svc.PortDay.OrderChecklist(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &orderData{Order: o, Waiting: o.WaitingOn(), Actions: porting.AllowedActions(o.Status, p.Role),
		LOAEdit: o.Status.LOAEditableBy(p.Role), LOA: loaFormOf(o.LOA), CSR: csrFormOf(o.CSR), Diff: loaDiff(o.Findings), Codes: porting.ExceptionCodes,
		Signatures: []string{string(porting.SignatureWet), string(porting.SignatureElectronic), string(porting.SignaturePrinted)}}
	for _, t := range porting.DocumentTypes {
		d.DocTypes = append(d.DocTypes, string(t))
	}
	for _, f := range o.Findings {
		pg.findings[f.Field] = append(pg.findings[f.Field], f)
	}
	// The header only: GetPortRequest would present every order of the
	// request and load its thread, which this page does not show.
	if d.Request, err = c.svc.Requests.PortRequestHeader(ctx, p, o.PortRequestID); err != nil {
		return nil, err
	}
	pg.zoneOf(d.Request)
	if d.Timeline, err = c.svc.Events.Timeline(ctx, p, id, 0, timelineLimit); err != nil {
		return nil, err
	}
	if d.Deadlines, err = c.svc.Deadlines.Deadlines(ctx, p, id, false); err != nil {
		return nil, err
	}
	d.SVG = newDeadlineChart(pg, d.Deadlines, o.FOCAt)
	d.Checklist = checklist
	d.Traffic = newTrafficChart(pg, d.Checklist)
	if d.TestCalls, err = c.svc.PortDay.TestCalls(ctx, p, id); err != nil && porting.ErrorCode(err) != porting.ENOTFOUND {
		return nil, err
	}
	if d.Documents, err = c.svc.Documents.Documents(ctx, p, id); err != nil {
		return nil, err
	}
	if d.PortDay, err = c.loadPortDay(ctx, p, o); err != nil {
		return nil, err
	}
	return d, nil
}

// rerenderOrder shows the order page again with a refused form's error
// (formName) next to its fields.
func (c *console) rerenderOrder(w http.ResponseWriter, r *http.Request, p porting.Principal, formName string, cause error, edit func(*orderData)) error {
	if formStatus(cause) == http.StatusInternalServerError || porting.ErrorCode(cause) == porting.ENOTFOUND {
		return cause
	}
	pg := c.newPage(r, p, "order.title")
	d, err := c.orderData(r.Context(), pg, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if edit != nil {
		edit(d)
	}
	// An action that is not offered now (the order moved on, or no such
	// action) has no form on the page: its error goes above the actions.
	if a, ok := strings.CutPrefix(formName, "act-"); ok && !slices.Contains(d.Actions, porting.Action(a)) {
		formName = "actions"
	}
	// Likewise a port-day form the page does not show now: its error goes
	// above the checklist.
	if !d.PortDay.hasForm(formName) {
		formName = "portday"
	}
	pg.setError(formName, cause)
	c.render(w, r, formStatus(cause), "port_order", pg, d)
	return nil
}
