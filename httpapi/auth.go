package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

type principalKey struct{}

// principal returns the caller authenticated by the auth middleware.
func principal(ctx context.Context) porting.Principal {
	p, _ := ctx.Value(principalKey{}).(porting.Principal)
	return p
}

// authenticate resolves the Bearer key of every /v1 request into a
// principal; anything else passes through untouched.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") || signedByCarrier(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		// The scheme name is case-insensitive (RFC 9110, section 11.1).
		scheme, secret, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			secret = ""
		}
		p, err := s.Service.Accounts.Authenticate(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="portdesk"`)
			writeProblem(w, problem(err))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// signedByCarrier reports whether a path is one a carrier calls without
// an API key: its signature (checked by the workflow) authenticates it.
func signedByCarrier(path string) bool {
	return strings.HasPrefix(path, "/v1/carrier-callbacks/") || strings.HasPrefix(path, "/v1/carrier-documents/")
}

// writeProblem writes a problem outside Huma (middleware answers).
func writeProblem(w http.ResponseWriter, err error) {
	p, ok := err.(*Problem)
	if !ok {
		p = problem(err).(*Problem)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// bearer is the security requirement of every /v1 operation.
var bearer = []map[string][]string{{"bearer": {}}}

// securitySchemes declares the API key scheme in the OpenAPI document.
func securitySchemes() map[string]*huma.SecurityScheme {
	return map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API key: Authorization: Bearer <key>."},
	}
}
