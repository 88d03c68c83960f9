// Package httpapi serves portdesk's JSON API: OpenAPI 3.1 through Huma,
// RFC 9457 problems, Bearer API keys, idempotent creating POSTs, health and
// metrics. Handlers translate between HTTP and the workflow use cases; they
// never decide.
package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/workflow"
)

// APIVersion is the version of the API contract in the OpenAPI document.
// Changing the document without changing this fails the golden test.
const APIVersion = "0.22.0"

// Server is the HTTP API.
type Server struct {
	Service *workflow.Service
	// Registry receives the HTTP metrics; nil uses a private registry.
	Registry *prometheus.Registry

	api     huma.API
	handler http.Handler
	// metricsElsewhere leaves GET /metrics off the API's routes.
	metricsElsewhere bool
	// ready is GET /readyz's check (see WithReadiness).
	ready func(context.Context) error
}

// Option adjusts a Server built by NewServer.
type Option func(*Server)

// WithoutMetrics leaves GET /metrics off the API's listener (it answers
// 404 there), for a program that serves MetricsHandler on an address of
// its own.
func WithoutMetrics() Option { return func(s *Server) { s.metricsElsewhere = true } }

// NewServer builds the API's routes. GET /metrics is among them unless
// WithoutMetrics is given.
func NewServer(svc *workflow.Service, reg *prometheus.Registry, opts ...Option) *Server {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{Service: svc, Registry: reg}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	s.api = humago.New(mux, apiConfig())
	s.api.UseMiddleware(refuseNUL(s.api))
	s.registerAccounts()
	s.registerInstances()
	s.registerQuotas()
	s.registerPortability()
	s.registerPortRequests()
	s.registerPortOrders()
	s.registerEvents()
	s.registerDocuments()
	s.registerLOA()
	s.registerWebhooks()
	s.registerInvitations()
	s.registerCarriers()
	s.registerPortDay()
	s.registerSandbox()
	s.registerHealth(mux)
	registerDocs(mux)
	setSchemaExamples(s.api.OpenAPI().Components.Schemas)
	m := newMetrics(reg)
	s.handler = m.instrument(s.limitUploads(s.authenticate(s.streamChecks(s.idempotent(mux, routerProblems(mux, reportRoute(mux)))))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OpenAPI returns the API's OpenAPI document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

func apiConfig() huma.Config {
	cfg := huma.DefaultConfig("portdesk", APIVersion)
	cfg.Info.Description = "Number-porting desk for cloud contact centers: intake, portability, LOA, carrier submission, FOC, port day and verification."
	cfg.Info.License = &huma.License{Name: "Apache-2.0", URL: "https://www.apache.org/licenses/LICENSE-2.0"}
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // served by registerDocs, from the binary
	cfg.Info.Contact = &huma.Contact{Name: "portdesk maintainers", URL: "https://github.com/portdesk/portdesk/issues"}
	cfg.Servers = []*huma.Server{{URL: "/", Description: "The portdesk server that serves this document."}}
	cfg.Tags = apiTags
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	cfg.Components.SecuritySchemes = securitySchemes()
	registerDomainSchemas(cfg.Components.Schemas)
	return cfg
}

// op fills the fields every /v1 operation shares; the description comes
// from operationDescriptions.
func op(id, method, path, summary string, tags ...string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: method, Path: path, Summary: summary, Description: operationDescriptions[id],
		Tags: tags, Security: bearer,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}
}
