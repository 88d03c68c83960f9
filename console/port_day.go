package console

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// portDay is the port-day part of the order page: which contact flow each
// of the order's numbers goes to, and the flows of the order's instance.
type portDay struct {
	Open    bool
	Numbers []numberFlow
	Flows   []*porting.ContactFlow
	// Loaded reports whether the order's numbers are in the instance.
	Loaded   bool
	Attested []porting.ChecklistItemName
	// More counts the numbers past the first maxFlowRows, which the page
	// leaves to the API's bulk association.
	More int
}

// maxFlowRows bounds the flow selects on the page.
const maxFlowRows = 500

// numberFlow is one number of the order with its flow in the instance.
type numberFlow struct {
	PhoneNumber, FlowID string
}

// loadPortDay reads the instance's flows and inventory for the order's
// numbers once the carrier agreed a port date.
func (c *console) loadPortDay(ctx context.Context, p porting.Principal, o *porting.PortOrder) (*portDay, error) {
	d := &portDay{Open: o.Status.FOCAgreed() && o.Status != porting.StateCompleted && o.InstanceID != "",
		Attested: porting.AttestedItems}
	if !d.Open {
		return d, nil
	}
	var err error
	if d.Flows, err = c.svc.Instances.ContactFlows(ctx, p, o.InstanceID); err != nil {
		return nil, err
	}
	inv, err := c.svc.Instances.InstancePhoneNumbers(ctx, p, o.InstanceID)
	if err != nil {
		return nil, err
	}
	flowOf := map[string]*porting.InstancePhoneNumber{}
	for _, n := range inv {
		flowOf[n.PhoneNumber] = n
	}
	held, err := c.heldNumbers(ctx, p, o, maxFlowRows)
	if err != nil {
		return nil, err
	}
	d.More = max(0, o.HeldCount()-len(held))
	for _, n := range held {
		nf := numberFlow{PhoneNumber: n}
		if in := flowOf[n]; in != nil {
			nf.FlowID, d.Loaded = in.ContactFlowID, true
		}
		d.Numbers = append(d.Numbers, nf)
	}
	return d, nil
}

// hasForm reports whether the page shows the port-day form of that name;
// forms that are not the port day's are not its business (true).
func (d *portDay) hasForm(name string) bool {
	switch {
	case name == "assoc":
		return d.Open && d.Loaded
	case name == "testcalls":
		return d.Open
	case strings.HasPrefix(name, "attest-"):
		return d.Open && slices.Contains(d.Attested, porting.ChecklistItemName(strings.TrimPrefix(name, "attest-")))
	}
	return true
}

// FlowOptions are the choices of a number's flow select.
func (d *portDay) FlowOptions(selected string) []option {
	out := []option{{Value: "", Label: "—", Selected: selected == ""}}
	for _, f := range d.Flows {
		out = append(out, option{Value: f.ID, Label: f.Name, Selected: f.ID == selected})
	}
	return out
}

// maxAssociateForm bounds the association form: a flow per number.
const maxAssociateForm = 4 << 20

// associationIndex reads the entry of a workflow association error.
var associationIndex = regexp.MustCompile(`^associations\[(\d+)\]\.`)

// handleAssociatePost gives the order's numbers their contact flows
// through PortDay.AssociateNumbers, as the API's bulk association does.
// The form carries flow_<i> for the order's i-th held number.
func (c *console) handleAssociatePost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAssociateForm)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	id := r.PathValue("id")
	o, err := c.svc.Orders.GetPortOrder(r.Context(), p, id)
	if err != nil {
		return err
	}
	var as []workflow.Association
	chosen := map[string]string{}
	held, err := c.heldNumbers(r.Context(), p, o, maxFlowRows)
	if err != nil {
		return err
	}
	for i, n := range held {
		key := fmt.Sprintf("flow_%d", i)
		if !r.PostForm.Has(key) {
			continue // a number the form did not show keeps its flow
		}
		flow := bound(r.PostForm.Get(key), 80)
		as = append(as, workflow.Association{PhoneNumber: n, ContactFlowID: flow})
		chosen[n] = flow
	}
	_, err = c.svc.PortDay.AssociateNumbers(r.Context(), p, o.InstanceID, as)
	if err != nil {
		return c.rerenderOrder(w, r, p, "assoc", associationField(err), func(d *orderData) {
			for i := range d.PortDay.Numbers {
				d.PortDay.Numbers[i].FlowID = chosen[d.PortDay.Numbers[i].PhoneNumber]
			}
		})
	}
	http.Redirect(w, r, "/port-orders/"+id+"#portday", http.StatusSeeOther)
	return nil
}

// associationField points an error about association i at the select of
// the order's i-th number.
func associationField(err error) error {
	var pe *porting.Error
	if !errors.As(err, &pe) {
		return err
	}
	m := associationIndex.FindStringSubmatch(pe.Field)
	if m == nil {
		return err
	}
	i, _ := strconv.Atoi(m[1])
	c := *pe
	c.Field = fmt.Sprintf("flow_%d", i)
	return &c
}

// handleTestCallsPost places test calls through PortDay.PlaceTestCalls.
func (c *console) handleTestCallsPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	id := r.PathValue("id")
	if _, err := c.svc.PortDay.PlaceTestCalls(r.Context(), p, id); err != nil {
		return c.rerenderOrder(w, r, p, "testcalls", err, nil)
	}
	http.Redirect(w, r, "/port-orders/"+id+"#testcalls", http.StatusSeeOther)
	return nil
}

// handleAttestPost records the customer's word for a checklist item
// through PortDay.Attest.
func (c *console) handleAttestPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	id, item := r.PathValue("id"), porting.ChecklistItemName(bound(r.PathValue("item"), 40))
	if _, err := c.svc.PortDay.Attest(r.Context(), p, id, item, bound(r.PostForm.Get("note"), 2*porting.MaxTextLength)); err != nil {
		return c.rerenderOrder(w, r, p, "attest-"+string(item), err, nil)
	}
	http.Redirect(w, r, "/port-orders/"+id+"#checklist", http.StatusSeeOther)
	return nil
}

// handleLOADownload serves the generated LOA or its number attachment
// through LOA.RenderLOA, as the API's loa.pdf and loa-attachment do.
func (c *console) handleLOADownload(format string) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
		if len(r.PathValue("id")) > 100 {
			return porting.Errorf(porting.ENOTFOUND, "port order not found")
		}
		f, err := c.svc.LOA.RenderLOA(r.Context(), p, r.PathValue("id"), format)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", f.ContentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": asciiName(f.Filename)}))
		h.Set("Cache-Control", "private, no-store")
		h.Set("Content-Length", strconv.Itoa(len(f.Content)))
		_, err = w.Write(f.Content)
		return err
	}
}

// FlowField is the select of the i-th number's contact flow, labelled by
// the number, with its error.
func (p *page) FlowField(d *portDay, i int, n numberFlow) field {
	f := p.Field("assoc", fmt.Sprintf("flow_%d", i), "", "select", n.FlowID)
	f.Label, f.Options = n.PhoneNumber, d.FlowOptions(n.FlowID)
	return f
}
