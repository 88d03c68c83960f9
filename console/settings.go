package console

import (
	"net/http"
	"strings"
)

// The settings pages: an account's webhook endpoints and API keys, and an
// instance's quotas. Each form calls the workflow function its API twin
// calls (httpapi/webhooks.go, api_keys.go, quotas.go) and redirects (303)
// after a change; a secret is shown only on the page that answers its
// creation.

func init() {
	pageNames = append(pageNames, "webhooks", "api_keys", "instances", "quotas")
}

// routeSettings adds the settings pages to mux.
func (c *console) routeSettings(mux *http.ServeMux) {
	mux.Handle("GET /settings/webhooks", c.authed(c.handleWebhooks))
	mux.Handle("POST /settings/webhooks", c.authed(c.handleWebhookCreate))
	mux.Handle("POST /settings/webhooks/{id}/enabled", c.authed(c.handleWebhookEnabled))
	mux.Handle("GET /settings/api-keys", c.authed(c.handleAPIKeys))
	mux.Handle("POST /settings/api-keys", c.authed(c.handleAPIKeyCreate))
	mux.Handle("POST /settings/api-keys/{id}/revoke", c.authed(c.handleAPIKeyRevoke))
	mux.Handle("GET /settings/users", c.authed(c.handleUsers))
	mux.Handle("POST /settings/users", c.authed(c.handleUserInvite))
	mux.Handle("POST /settings/users/{id}/disable", c.authed(c.handleUserDisable))
	mux.Handle("GET /instances", c.authed(c.handleInstances))
	mux.Handle("GET /instances/{id}/quotas", c.authed(c.handleQuotas))
	mux.Handle("GET /instances/{id}/associations", c.authed(c.handleAssociations))
	mux.Handle("POST /instances/{id}/associations", c.authed(c.handleAssociationsPost))
	mux.Handle("POST /instances/{id}/quota-requests", c.authed(c.handleQuotaRequestCreate))
	mux.Handle("POST /quota-requests/{id}/{decision}", c.authed(c.handleQuotaDecision))
}

// splitList reads a list typed into one input: commas, semicolons and
// white space separate, blanks are skipped.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
}

// readForm bounds and parses a posted form.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return err
	}
	return nil
}
