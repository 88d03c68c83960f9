// Package httpapi serves portdesk's JSON API: OpenAPI 3.1 through Huma,
// RFC 9457 problems, Bearer API keys, idempotent creating POSTs, health and
// metrics. Handlers translate between HTTP and the workflow use cases; they
// never decide.
package httpapi

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/workflow"
)

// APIVersion is the version of the API contract in the OpenAPI document.
// Changing the document without changing this fails the golden test.
const APIVersion = "0.7.1"

// Server is the HTTP API.
type Server struct {
	Service *workflow.Service
	// Registry receives the HTTP metrics; nil uses a private registry.
	Registry *prometheus.Registry

	api     huma.API
	handler http.Handler
}

// NewServer builds the API's routes.
func NewServer(svc *workflow.Service, reg *prometheus.Registry) *Server {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{Service: svc, Registry: reg}
	mux := http.NewServeMux()
	s.api = humago.New(mux, apiConfig())
	s.registerAccounts()
	s.registerInstances()
	s.registerPortability()
	s.registerPortRequests()
	s.registerPortOrders()
	s.registerEvents()
	s.registerDocuments()
	s.registerLOA()
	s.registerWebhooks()
	s.registerSandbox()
	s.registerHealth(mux)
	m := newMetrics(reg)
	s.handler = m.instrument(limitUploads(s.authenticate(s.idempotent(mux, reportRoute(mux)))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OpenAPI returns the API's OpenAPI document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

func apiConfig() huma.Config {
	cfg := huma.DefaultConfig("portdesk", APIVersion)
	cfg.Info.Description = "Number-porting desk for cloud contact centers: intake, portability, LOA, carrier submission, FOC, port day and verification."
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "/docs"
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Components.SecuritySchemes = securitySchemes()
	registerDomainSchemas(cfg.Components.Schemas)
	return cfg
}

// op fills the fields every /v1 operation shares.
func op(id, method, path, summary string, tags ...string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: method, Path: path, Summary: summary,
		Tags: tags, Security: bearer,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}
}
