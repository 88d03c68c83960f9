package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// actionForm is the values of a refused action form, shown again.
type actionForm struct {
	Reason, Message, ExceptionCode, FOCAt, OverrideReason, Signature, NotPortable string
	Legible                                                                       bool
}

// handleActionPost takes an action on an order through Orders.Act, with
// the fields the action's form carries.
func (c *console) handleActionPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxNumbersForm)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	v := r.PostForm
	f := actionForm{
		Reason: bound(v.Get("reason"), 4000), Message: bound(v.Get("message"), 2*porting.MaxTextLength),
		ExceptionCode: strings.ToUpper(bound(v.Get("exception_code"), 64)), FOCAt: bound(v.Get("foc_at"), 20),
		OverrideReason: bound(v.Get("override_reason"), 1000), Signature: bound(v.Get("attestation.signature"), 20),
		NotPortable: v.Get("not_portable_numbers"), Legible: v.Get("legible") == "on",
	}
	action := porting.Action(bound(r.PathValue("action"), 40))
	id := r.PathValue("id")
	in, err := f.input(r, c, p, id)
	if err == nil {
		_, err = c.svc.Orders.Act(r.Context(), p, id, action, in)
	}
	if err != nil {
		return c.rerenderOrder(w, r, p, "act-"+string(action), err, func(d *orderData) { d.Act, d.ActionName = f, string(action) })
	}
	http.Redirect(w, r, "/port-orders/"+id, http.StatusSeeOther)
	return nil
}

// input maps the form onto the workflow's action input. A port date is
// read in the zone the page shows times in (viewerZone).
func (f actionForm) input(r *http.Request, c *console, p porting.Principal, id string) (workflow.ActionInput, error) {
	in := workflow.ActionInput{Reason: f.Reason, Message: f.Message, ExceptionCode: f.ExceptionCode,
		OverrideReason: f.OverrideReason, NotPortableNumbers: splitNumbers(f.NotPortable)}
	if f.Signature != "" {
		legible := f.Legible
		in.Attestation = &workflow.AttestationInput{Signature: porting.SignatureKind(f.Signature), Legible: &legible}
	}
	if f.FOCAt != "" {
		var req *porting.PortRequest
		if o, err := c.svc.Orders.GetPortOrder(r.Context(), p, id); err == nil {
			req, _ = c.svc.Requests.PortRequestHeader(r.Context(), p, o.PortRequestID)
		}
		zone := viewerZone(r, req)
		t, err := time.ParseInLocation("2006-01-02T15:04", f.FOCAt, zone)
		if err != nil {
			return in, porting.FieldErrorf("foc_at", "the port date must be a date and time such as 2026-03-02T09:00")
		}
		in.FOCAt = &t
	}
	return in, nil
}

// ActionFields says which inputs an action's form has.
func (d *orderData) ActionFields(a porting.Action) []string {
	switch a {
	case porting.ActionCancel:
		return []string{"reason"}
	case porting.ActionMarkNotPortable:
		return []string{"reason"}
	case porting.ActionApprove:
		return []string{"not_portable_numbers"}
	case porting.ActionReturnLOA:
		return []string{"message"}
	case porting.ActionRecordRejection:
		return []string{"exception_code", "message"}
	case porting.ActionRecordFOC, porting.ActionReschedule:
		return []string{"foc_at", "override_reason"}
	case porting.ActionApproveLOA:
		return []string{"signature", "legible"}
	}
	return nil
}
