package console

import (
	"net/http"

	"github.com/portdesk/portdesk/porting"
)

// The pages a person reaches without a session: accepting an invitation
// and resetting a forgotten password. Their links carry one-time tokens,
// so the pages that show a token are never sent as a Referer, and every
// decision is the workflow's (Users.AcceptInvitation, ResetPassword).

func init() {
	pageNames = append(pageNames, "invitation", "password_reset", "password_reset_set")
}

// routeAccess adds the invitation and password reset pages to mux.
func (c *console) routeAccess(mux *http.ServeMux) {
	mux.HandleFunc("GET /invitations/{token}", c.handleInvitation)
	mux.HandleFunc("POST /invitations/{token}", c.handleInvitationAccept)
	mux.HandleFunc("GET /password-reset", c.handleResetRequestForm)
	mux.HandleFunc("POST /password-reset", c.handleResetRequest)
	mux.HandleFunc("GET /password-reset/{token}", c.handleResetForm)
	mux.HandleFunc("POST /password-reset/{token}", c.handleReset)
}

// noReferrer keeps a token in the page's URL out of the Referer of every
// request the page makes (its assets, its links).
func noReferrer(w http.ResponseWriter) { w.Header().Set("Referrer-Policy", "no-referrer") }

// invitationData is the accept page: whom the invitation is for, the
// name typed so far, and whether the link still works.
type invitationData struct {
	Invitation *porting.Invitation
	Name       string
	Dead       bool // the link is unknown, used or expired
}

func (c *console) handleInvitation(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	pg := c.newPage(r, porting.Principal{}, "access.invitation_title")
	inv, err := c.svc.Users.CheckInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		c.showInvitation(w, r, pg, &invitationData{Dead: true}, err)
		return
	}
	c.render(w, r, http.StatusOK, "invitation", pg, &invitationData{Invitation: inv})
}

// handleInvitationAccept makes the user (Users.AcceptInvitation) and sends
// the browser to sign in; a refusal shows the form again with its errors
// next to their fields.
func (c *console) handleInvitationAccept(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	pg := c.newPage(r, porting.Principal{}, "access.invitation_title")
	token := r.PathValue("token")
	if err := readForm(w, r); err != nil {
		c.showInvitation(w, r, pg, &invitationData{}, porting.Errorf(porting.EINVALID, "%s", pg.T("access.unreadable")))
		return
	}
	d := &invitationData{Name: bound(r.PostForm.Get("name"), 400)}
	inv, err := c.svc.Users.CheckInvitation(r.Context(), token)
	if err != nil {
		d.Dead = true
		c.showInvitation(w, r, pg, d, err)
		return
	}
	d.Invitation = inv
	password, err := newPassword(r, pg)
	if err == nil {
		_, err = c.svc.Users.AcceptInvitation(r.Context(), token, d.Name, password)
	}
	if err != nil {
		d.Dead = porting.ErrorCode(err) == porting.EUNAUTHORIZED
		c.showInvitation(w, r, pg, d, err)
		return
	}
	http.Redirect(w, r, "/sign-in?notice=invitation_accepted", http.StatusSeeOther)
}

func (c *console) showInvitation(w http.ResponseWriter, r *http.Request, pg *page, d *invitationData, err error) {
	status := formStatus(err)
	if status == http.StatusInternalServerError {
		c.logError(r, err)
		err = porting.Errorf(porting.EINTERNAL, "%s", pg.T("error.internal"))
	} else if d.Dead {
		err = porting.Errorf(porting.EUNAUTHORIZED, "%s", pg.T("access.invitation_dead"))
	}
	pg.setError("accept", err)
	c.render(w, r, status, "invitation", pg, d)
}

// newPassword reads the password typed twice; a mismatch is an error on
// the second input. The workflow judges the password itself.
func newPassword(r *http.Request, pg *page) (string, error) {
	password, again := r.PostForm.Get("password"), r.PostForm.Get("password_again")
	switch {
	case password == "":
		return "", porting.FieldErrorf("password", "%s", pg.T("signin.password_required"))
	case len(password) > maxPassword:
		return "", porting.FieldErrorf("password", "%s", pg.T("access.password_long"))
	case password != again:
		return "", porting.FieldErrorf("password_again", "%s", pg.T("access.password_mismatch"))
	}
	return password, nil
}
