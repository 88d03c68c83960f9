package console

import (
	"net/http"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// requestPageData is a port request with its orders and message thread.
type requestPageData struct {
	View    *workflow.PortRequestView
	Message string
}

func (c *console) handlePortRequest(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	return c.showRequest(w, r, p, http.StatusOK, "", nil)
}

func (c *console) showRequest(w http.ResponseWriter, r *http.Request, p porting.Principal, status int, message string, cause error) error {
	id := r.PathValue("id")
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "port request not found")
	}
	v, err := c.svc.Requests.GetPortRequest(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := c.newPage(r, p, "prequest.title")
	pg.zoneOf(v.Request)
	if cause != nil {
		pg.setError("msg", cause)
	}
	c.render(w, r, status, "port_request", pg, &requestPageData{View: v, Message: message})
	return nil
}

// handleMessagePost posts to the thread through Requests.AddMessage.
func (c *console) handleMessagePost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	body := bound(r.PostForm.Get("body"), 2*porting.MaxTextLength)
	if _, err := c.svc.Requests.AddMessage(r.Context(), p, r.PathValue("id"), body); err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusNotFound {
			return err
		}
		if pe, ok := err.(*porting.Error); ok && pe.Field == "" {
			shown := *pe // a copy: the workflow's error stays as it was
			shown.Field = "body"
			err = &shown
		}
		return c.showRequest(w, r, p, formStatus(err), body, err)
	}
	http.Redirect(w, r, "/port-requests/"+r.PathValue("id")+"#thread", http.StatusSeeOther)
	return nil
}
