// Package console is portdesk's web console: server-rendered pages for
// customers and the porting team. It is an adapter like the JSON API: every
// page calls the same workflow functions as httpapi does, so no rule lives
// in a page. Forms post back to the server and work with JavaScript off.
package console

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// Sessions signs people in and out of the console. The users and sessions
// live in the workflow; this is the console's view of them.
type Sessions interface {
	// SignIn checks an email and password and starts a session, returning
	// its secret (the cookie value). Wrong credentials are EUNAUTHORIZED,
	// too many attempts ETOOMANY; Field, when set, names the input at
	// fault. remoteIP feeds the login rate limit.
	SignIn(ctx context.Context, email, password, remoteIP string) (secret string, err error)
	// Principal returns who holds the session with this secret; an unknown,
	// ended or expired session is EUNAUTHORIZED.
	Principal(ctx context.Context, secret string) (porting.Principal, error)
	// SignOut ends the session with this secret; an unknown one is no error.
	SignOut(ctx context.Context, secret string) error
}

// Options tune the console. The zero value is usable.
type Options struct {
	// SecureCookies marks the session cookie Secure even on plain-HTTP
	// requests (behind a TLS-terminating proxy). TLS requests always get it.
	SecureCookies bool
	// Logger receives internal errors (never form values); nil discards.
	Logger *slog.Logger
}

// CookieName is the session cookie's name.
const CookieName = "portdesk_session"

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// console holds what the handlers share.
type console struct {
	svc      *workflow.Service
	sessions Sessions
	opts     Options
	pages    *pages
	log      *slog.Logger
}

// New returns the console's handler, to be mounted at "/". Unsafe
// cross-origin requests are refused (http.CrossOriginProtection).
func New(svc *workflow.Service, sessions Sessions, opts Options) http.Handler {
	c := &console{svc: svc, sessions: sessions, opts: opts, pages: mustParsePages(), log: opts.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	assets, _ := fs.Sub(assetFS, "assets") // the directory is embedded above
	mux := http.NewServeMux()
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", assetHandler(assets)))
	mux.HandleFunc("GET /sign-in", c.handleSignInForm)
	mux.HandleFunc("POST /sign-in", c.handleSignIn)
	mux.HandleFunc("POST /sign-out", c.handleSignOut)
	mux.HandleFunc("POST /preferences/time-zone", c.handleZone)
	c.routeAccess(mux)
	mux.Handle("GET /{$}", c.authed(c.handleDashboard))
	mux.Handle("GET /requests/new", c.authed(c.handleRequestForm))
	mux.Handle("POST /requests/new", c.authed(c.handleRequestPost))
	mux.Handle("GET /port-requests/{id}", c.authed(c.handlePortRequest))
	mux.Handle("POST /port-requests/{id}/messages", c.authed(c.handleMessagePost))
	mux.Handle("GET /port-orders/{id}", c.authed(c.handlePortOrder))
	mux.Handle("GET /port-orders/{id}/numbers", c.authed(c.handleOrderNumbers))
	mux.Handle("POST /port-orders/{id}/loa", c.authed(c.handleLOAPost))
	mux.Handle("POST /port-orders/{id}/documents", c.authed(c.handleDocumentPost))
	mux.Handle("GET /port-orders/{id}/documents/{document_id}", c.authed(c.handleDocumentGet))
	mux.Handle("POST /port-orders/{id}/actions/{action}", c.authed(c.handleActionPost))
	mux.Handle("POST /port-orders/{id}/csr", c.authed(c.handleCSRPost))
	mux.Handle("GET /port-orders/{id}/loa.pdf", c.authed(c.handleLOADownload(workflow.FormatPDF)))
	mux.Handle("GET /port-orders/{id}/loa-attachment.csv", c.authed(c.handleLOADownload(workflow.FormatCSV)))
	mux.Handle("GET /port-orders/{id}/loa-attachment.xlsx", c.authed(c.handleLOADownload(workflow.FormatXLSX)))
	mux.Handle("POST /port-orders/{id}/associations", c.authed(c.handleAssociatePost))
	mux.Handle("POST /port-orders/{id}/test-calls", c.authed(c.handleTestCallsPost))
	mux.Handle("POST /port-orders/{id}/checklist/{item}", c.authed(c.handleAttestPost))
	c.routeSettings(mux)
	mux.Handle("/", c.authed(func(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
		return porting.Errorf(porting.ENOTFOUND, "page not found")
	}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders sets the headers every answer carries: no framing, no
// sniffing, scripts and styles only from the console itself.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// assetHandler serves the embedded CSS and JS with a short cache.
func assetHandler(assets fs.FS) http.Handler {
	files := http.FileServerFS(assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}
