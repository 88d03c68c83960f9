package console

import (
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// webhooksData is the webhook settings page: the endpoints the viewer may
// see, the form to add one and, on the answer to a creation, the new
// endpoint with its signing secret.
type webhooksData struct {
	Endpoints  []*porting.WebhookEndpoint
	CanManage  bool
	URL        string
	EventTypes string
	Created    *porting.WebhookEndpoint
	Secret     string
}

// mayManageWebhooks mirrors who the workflow lets manage endpoints, only
// to decide whether to draw the forms; the workflow still decides.
func mayManageWebhooks(p porting.Principal) bool {
	return p.Role == porting.RoleAdmin || p.Role == porting.RoleCustomer
}

// handleWebhooks lists endpoints through Webhooks.WebhookEndpoints.
func (c *console) handleWebhooks(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	return c.showWebhooks(w, r, p, http.StatusOK, &webhooksData{}, nil)
}

func (c *console) showWebhooks(w http.ResponseWriter, r *http.Request, p porting.Principal, status int, d *webhooksData, cause error) error {
	list, err := c.svc.Webhooks.WebhookEndpoints(r.Context(), p)
	if err != nil {
		return err
	}
	d.Endpoints, d.CanManage = list, mayManageWebhooks(p)
	pg := c.newPage(r, p, "webhooks.title")
	if cause != nil {
		pg.setError(formOf(cause, "webhook"), cause)
	}
	c.render(w, r, status, "webhooks", pg, d)
	return nil
}

// formOf is the form an error belongs on: a field error on the form with
// the field, any other above the list.
func formOf(err error, form string) string {
	if pe, ok := err.(*porting.Error); ok && pe.Field != "" {
		return form
	}
	return "list"
}

// handleWebhookCreate registers an endpoint (Webhooks.CreateWebhookEndpoint)
// and answers with its signing secret, the only time it is shown.
func (c *console) handleWebhookCreate(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	d := &webhooksData{URL: bound(r.PostForm.Get("url"), 2100), EventTypes: bound(r.PostForm.Get("event_types"), 4000)}
	in := workflow.WebhookParams{URL: d.URL, EventTypes: splitList(d.EventTypes)}
	ep, secret, err := c.svc.Webhooks.CreateWebhookEndpoint(r.Context(), p, in)
	if err != nil {
		if formStatus(err) == http.StatusInternalServerError {
			return err
		}
		return c.showWebhooks(w, r, p, formStatus(err), d, err)
	}
	return c.showWebhooks(w, r, p, http.StatusCreated, &webhooksData{Created: ep, Secret: secret}, nil)
}

// handleWebhookEnabled pauses or re-enables an endpoint
// (Webhooks.UpdateWebhookEndpoint with Enabled).
func (c *console) handleWebhookEnabled(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	id := r.PathValue("id")
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "webhook endpoint not found")
	}
	enabled := strings.EqualFold(r.PostForm.Get("enabled"), "true")
	if _, err := c.svc.Webhooks.UpdateWebhookEndpoint(r.Context(), p, id, workflow.WebhookParams{Enabled: &enabled}); err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusNotFound {
			return err
		}
		return c.showWebhooks(w, r, p, formStatus(err), &webhooksData{}, err)
	}
	http.Redirect(w, r, "/settings/webhooks", http.StatusSeeOther)
	return nil
}
