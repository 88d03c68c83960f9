package main

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portdesk/portdesk/console"
)

// apiPrefixes start the paths the JSON API serves (/v1/…, /openapi.json,
// /docs and its files, the health and metrics endpoints); every other path
// is the console's.
var apiPrefixes = []string{"/v1/", "/openapi.", "/openapi/", "/docs", "/healthz", "/readyz", "/metrics"}

// site routes a request to the API or the console; in the sandbox it also
// signs demo users in by link.
func (m *Main) site(api http.Handler) http.Handler {
	ui := console.New(m.Service, console.UserSessions(m.Service.Users), console.Options{Logger: m.logger.With("component", "console")})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range apiPrefixes {
			if strings.HasPrefix(r.URL.Path, p) {
				api.ServeHTTP(w, r)
				return
			}
		}
		if m.Config.Sandbox && r.Method == http.MethodGet && r.URL.Path == "/sandbox/sign-in" {
			m.sandboxSignIn(w, r)
			return
		}
		ui.ServeHTTP(w, r)
	})
}

// sandboxSignIn starts a console session for a demo user of the sandbox
// (the banner prints a link per user) and goes to the dashboard.
func (m *Main) sandboxSignIn(w http.ResponseWriter, r *http.Request) {
	_, secret, err := m.Service.Users.SandboxSignIn(r.Context(), r.URL.Query().Get("user"))
	if err != nil {
		http.Error(w, "no such demo user", http.StatusNotFound)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: console.CookieName, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signInLink is the sandbox's sign-in link of a demo user.
func (m *Main) signInLink(email string) string {
	return strings.TrimRight(m.URL(), "/") + "/sandbox/sign-in?user=" + url.QueryEscape(email)
}
