package console

import (
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// resetRequestData is the "forgot password" page: the email typed, and
// whether the request was taken (the same answer for every email).
type resetRequestData struct {
	Email string
	Sent  bool
}

func (c *console) handleResetRequestForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "password_reset", c.newPage(r, porting.Principal{}, "access.reset_title"), &resetRequestData{})
}

// handleResetRequest asks Users.RequestPasswordReset for an email link in
// the page's language. Whether the email is a user's never shows: the
// answer is the same page, "sent", for both.
func (c *console) handleResetRequest(w http.ResponseWriter, r *http.Request) {
	pg := c.newPage(r, porting.Principal{}, "access.reset_title")
	d := &resetRequestData{}
	var err error
	if err = readForm(w, r); err != nil {
		err = porting.Errorf(porting.EINVALID, "%s", pg.T("access.unreadable"))
	} else if d.Email = strings.TrimSpace(r.PostForm.Get("email")); d.Email == "" || len(d.Email) > maxEmail {
		err = porting.FieldErrorf("email", "%s", pg.T("signin.email_required"))
	} else {
		err = c.svc.Users.RequestPasswordReset(r.Context(), d.Email, pg.Lang, remoteIP(r))
	}
	if err != nil {
		status := formStatus(err)
		switch porting.ErrorCode(err) {
		case porting.ETOOMANY:
			err = porting.Errorf(porting.ETOOMANY, "%s", pg.T("access.reset_too_many"))
		case porting.EUNAVAILABLE:
			err = porting.Errorf(porting.EUNAVAILABLE, "%s", pg.T("access.reset_unavailable"))
		case porting.EINVALID:
		default:
			c.logError(r, err)
			err = porting.Errorf(porting.EINTERNAL, "%s", pg.T("error.internal"))
		}
		pg.setError("reset", err)
		c.render(w, r, status, "password_reset", pg, d)
		return
	}
	c.render(w, r, http.StatusOK, "password_reset", pg, &resetRequestData{Sent: true})
}

// resetData is the page that sets a new password with a reset link.
type resetData struct {
	Dead bool // the link is unknown, used or expired
}

func (c *console) handleResetForm(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	pg := c.newPage(r, porting.Principal{}, "access.reset_set_title")
	if err := c.svc.Users.CheckPasswordReset(r.Context(), r.PathValue("token")); err != nil {
		c.showReset(w, r, pg, err)
		return
	}
	c.render(w, r, http.StatusOK, "password_reset_set", pg, &resetData{})
}

// handleReset sets the new password (Users.ResetPassword, which also ends
// every session of the user) and sends the browser to sign in.
func (c *console) handleReset(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	pg := c.newPage(r, porting.Principal{}, "access.reset_set_title")
	if err := readForm(w, r); err != nil {
		c.showReset(w, r, pg, porting.Errorf(porting.EINVALID, "%s", pg.T("access.unreadable")))
		return
	}
	password, err := newPassword(r, pg)
	if err == nil {
		err = c.svc.Users.ResetPassword(r.Context(), r.PathValue("token"), password)
	}
	if err != nil {
		c.showReset(w, r, pg, err)
		return
	}
	http.Redirect(w, r, "/sign-in?notice=password_reset", http.StatusSeeOther)
}

func (c *console) showReset(w http.ResponseWriter, r *http.Request, pg *page, err error) {
	d := &resetData{Dead: porting.ErrorCode(err) == porting.EUNAUTHORIZED}
	status := formStatus(err)
	switch {
	case status == http.StatusInternalServerError:
		c.logError(r, err)
		err = porting.Errorf(porting.EINTERNAL, "%s", pg.T("error.internal"))
	case d.Dead:
		err = porting.Errorf(porting.EUNAUTHORIZED, "%s", pg.T("access.reset_dead"))
	}
	pg.setError("newpw", err)
	c.render(w, r, status, "password_reset_set", pg, d)
}
