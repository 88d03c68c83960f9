package console

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// UserSessions is the Sessions of the workflow's users: what portdesk
// serve passes to New.
func UserSessions(u *workflow.Users) Sessions { return userSessions{u} }

type userSessions struct{ users *workflow.Users }

func (s userSessions) SignIn(ctx context.Context, email, password, remoteIP string) (string, error) {
	_, secret, err := s.users.SignIn(ctx, email, password, remoteIP)
	return secret, err
}

func (s userSessions) Principal(ctx context.Context, secret string) (porting.Principal, error) {
	p, _, err := s.users.Session(ctx, secret)
	return p, err
}

func (s userSessions) SignOut(ctx context.Context, secret string) error {
	return s.users.SignOut(ctx, secret)
}

// Bounds of the sign-in form's inputs.
const (
	maxEmail    = 254
	maxPassword = 1024
	maxFormBody = 64 << 10
)

// pageFunc is a handler of a signed-in page. It returns an error instead of
// writing one; serveError maps it.
type pageFunc func(w http.ResponseWriter, r *http.Request, p porting.Principal) error

// authed resolves the session cookie to a principal and runs h, or sends
// the browser to the sign-in page.
func (c *console) authed(h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(CookieName)
		if err != nil || ck.Value == "" || len(ck.Value) > 512 {
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
			return
		}
		p, err := c.sessions.Principal(r.Context(), ck.Value)
		if err != nil {
			if code := porting.ErrorCode(err); code != porting.EUNAUTHORIZED && code != porting.ENOTFOUND {
				c.serveError(w, r, porting.Principal{}, err)
				return
			}
			c.clearCookie(w, r)
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
			return
		}
		if err := h(w, r, p); err != nil {
			c.serveError(w, r, p, err)
		}
	})
}

// cookie is the session cookie with the given value and lifetime.
func (c *console) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil || c.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	}
}

func (c *console) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, c.cookie(r, "", -1))
}

type signInData struct {
	Email string
	// Notice is the catalogue key of what the page says first, after an
	// invitation was accepted or a password was reset.
	Notice string
}

// signInNotices are the notices ?notice= may ask the sign-in page for.
var signInNotices = map[string]string{"invitation_accepted": "access.accepted", "password_reset": "access.reset_done"}

func (c *console) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "sign_in", c.newPage(r, porting.Principal{}, "signin.title"),
		&signInData{Notice: signInNotices[r.URL.Query().Get("notice")]})
}

// handleSignIn starts a session. A session the browser already had is
// ended first and a new secret is issued, so a planted cookie (session
// fixation) never becomes a signed-in session.
func (c *console) handleSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	pg := c.newPage(r, porting.Principal{}, "signin.title")
	data := &signInData{}
	if err := r.ParseForm(); err != nil {
		pg.setError("signin", porting.Errorf(porting.EINVALID, "the form could not be read"))
		c.render(w, r, http.StatusBadRequest, "sign_in", pg, data)
		return
	}
	data.Email = strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	var err error
	switch {
	case data.Email == "" || len(data.Email) > maxEmail:
		err = porting.FieldErrorf("email", "%s", pg.T("signin.email_required"))
	case password == "" || len(password) > maxPassword:
		err = porting.FieldErrorf("password", "%s", pg.T("signin.password_required"))
	}
	if ck, cerr := r.Cookie(CookieName); cerr == nil && ck.Value != "" && len(ck.Value) <= 512 {
		_ = c.sessions.SignOut(r.Context(), ck.Value) // the old session ends whatever happens next
	}
	var secret string
	if err == nil {
		secret, err = c.sessions.SignIn(r.Context(), data.Email, password, remoteIP(r))
	}
	if err != nil {
		c.clearCookie(w, r)
		status := formStatus(err)
		if status == http.StatusInternalServerError {
			c.logError(r, err)
		}
		pg.setError("signin", signInError(err, pg))
		c.render(w, r, status, "sign_in", pg, data)
		return
	}
	http.SetCookie(w, c.cookie(r, secret, 0))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signInError words a refused sign-in without saying which of email or
// password was wrong.
func signInError(err error, pg *page) error {
	switch porting.ErrorCode(err) {
	case porting.EINVALID, porting.EUNAVAILABLE:
		return err
	case porting.ETOOMANY:
		return porting.Errorf(porting.ETOOMANY, "%s", pg.T("signin.too_many"))
	case porting.EUNAUTHORIZED:
		return porting.FieldErrorf("password", "%s", pg.T("signin.wrong"))
	}
	return porting.Errorf(porting.EINTERNAL, "%s", pg.T("error.internal"))
}

func (c *console) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(CookieName); err == nil && ck.Value != "" && len(ck.Value) <= 512 {
		if err := c.sessions.SignOut(r.Context(), ck.Value); err != nil {
			c.logError(r, err)
		}
	}
	c.clearCookie(w, r)
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}

// remoteIP is the peer address without its port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
