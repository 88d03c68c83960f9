package console

import (
	"net/http"
	"strconv"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// maxInstancesListed bounds the instances page: one page of the store's.
const maxInstancesListed = 100

// instancesData lists the instances the viewer may see, each linking to
// its quotas.
type instancesData struct {
	Instances []*porting.Instance
}

// handleInstances lists instances through Instances.ListInstances:
// customers their account's, staff all (the first page).
func (c *console) handleInstances(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	page, err := c.svc.Instances.ListInstances(r.Context(), p, porting.InstanceFilter{Limit: maxInstancesListed})
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "instances", c.newPage(r, p, "instances.title"), &instancesData{Instances: page.Instances})
	return nil
}

// quotasData is an instance's quota page: the quotas with their use, the
// open requests (with the team's decision forms) and the form to ask for
// more.
type quotasData struct {
	Quotas    *workflow.InstanceQuotas
	Names     []string
	Quota     string
	Value     string
	Countries string
	Reason    string
	// DenyReason is the refused deny form's reason, keyed by request ID.
	DenyReason map[string]string
}

// handleQuotas shows an instance's quotas (Instances.Quotas); another
// account's instance is not found.
func (c *console) handleQuotas(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	return c.showQuotas(w, r, p, r.PathValue("id"), http.StatusOK, &quotasData{}, "", nil)
}

func (c *console) showQuotas(w http.ResponseWriter, r *http.Request, p porting.Principal, instanceID string, status int, d *quotasData, form string, cause error) error {
	if len(instanceID) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "instance not found")
	}
	q, err := c.svc.Instances.Quotas(r.Context(), p, instanceID)
	if err != nil {
		return err
	}
	d.Quotas = q
	d.Names = []string{string(porting.QuotaPhoneNumbers), string(porting.QuotaConcurrentCalls), string(porting.QuotaOutboundCountries)}
	if d.Quota == "" {
		d.Quota = d.Names[0]
	}
	pg := c.newPage(r, p, "quotas.title")
	if cause != nil {
		pg.setError(form, cause)
	}
	c.render(w, r, status, "quotas", pg, d)
	return nil
}

// handleQuotaRequestCreate asks for an increase
// (Instances.CreateQuotaRequest).
func (c *console) handleQuotaRequestCreate(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	f := r.PostForm
	d := &quotasData{Quota: bound(f.Get("quota"), 40), Value: bound(f.Get("value"), 12),
		Countries: bound(f.Get("countries"), 2000), Reason: bound(f.Get("reason"), 2*porting.MaxTextLength)}
	in := workflow.QuotaRequestParams{Quota: porting.QuotaName(d.Quota), Countries: splitList(d.Countries), Reason: d.Reason}
	var err error
	if d.Value != "" {
		if in.Value, err = strconv.Atoi(d.Value); err != nil {
			err = porting.FieldErrorf("value", "the new value must be a whole number")
		}
	}
	id := r.PathValue("id")
	if err == nil {
		_, err = c.svc.Instances.CreateQuotaRequest(r.Context(), p, id, in)
	}
	if err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusNotFound {
			return err
		}
		return c.showQuotas(w, r, p, id, formStatus(err), d, "quota", err)
	}
	http.Redirect(w, r, "/instances/"+id+"/quotas#requests", http.StatusSeeOther)
	return nil
}

// handleQuotaDecision approves or denies a request
// (Instances.DecideQuotaRequest) and goes back to its instance's quotas.
func (c *console) handleQuotaDecision(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	id, decision := r.PathValue("id"), r.PathValue("decision")
	if len(id) > 100 || (decision != "approve" && decision != "deny") {
		return porting.Errorf(porting.ENOTFOUND, "page not found")
	}
	reason := bound(r.PostForm.Get("reason"), 2*porting.MaxTextLength)
	qr, err := c.svc.Instances.DecideQuotaRequest(r.Context(), p, id, decision == "approve", reason)
	if err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusNotFound || s == http.StatusForbidden {
			return err
		}
		if qr, err2 := c.svc.Instances.QuotaRequest(r.Context(), p, id); err2 == nil {
			return c.showQuotas(w, r, p, qr.InstanceID, formStatus(err), &quotasData{DenyReason: map[string]string{id: reason}}, decision+"-"+id, err)
		}
		return err
	}
	http.Redirect(w, r, "/instances/"+qr.InstanceID+"/quotas#requests", http.StatusSeeOther)
	return nil
}
