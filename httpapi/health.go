package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portdesk/portdesk/porting"
)

// registerHealth serves the probes and (unless served elsewhere) the
// metrics, outside the API's auth.
func (s *Server) registerHealth(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.readiness(ctx); err != nil {
			msg := "not ready"
			if porting.ErrorCode(err) != porting.EINTERNAL {
				msg = porting.ErrorMessage(err)
			}
			writeProblem(w, newProblem(http.StatusServiceUnavailable, msg))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ready"}` + "\n"))
	})
	if !s.metricsElsewhere {
		mux.Handle("GET /metrics", MetricsHandler(s.Registry))
	}
}

// WithReadiness makes ready GET /readyz's check: nil is ready, an error
// answers 503 with the error's message (its porting message; "not ready"
// for an internal error), so a balancer stops sending requests and an
// operator sees why. Without it /readyz pings the store.
func WithReadiness(ready func(context.Context) error) Option {
	return func(s *Server) { s.ready = ready }
}

// readiness runs the configured check, or pings the store.
func (s *Server) readiness(ctx context.Context) error {
	if s.ready != nil {
		return s.ready(ctx)
	}
	if err := s.Service.Store.Ping(ctx); err != nil {
		return &porting.Error{Code: porting.EUNAVAILABLE, Message: "the database does not answer", Err: err}
	}
	return nil
}

// MetricsHandler serves reg's metrics in the Prometheus text format.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// metrics counts and times HTTP requests by route pattern and status.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portdesk_http_requests_total", Help: "HTTP requests answered, by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portdesk_http_request_duration_seconds", Help: "HTTP request latency, by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // latency is wall time, whatever the sandbox clock says
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		route := new(string)
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
		if *route == "" {
			*route = "unmatched"
		}
		m.requests.WithLabelValues(r.Method, *route, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(r.Method, *route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// routeKey holds, in a request's context, where the router reports the
// pattern it matched: middleware in between copies the request, so the
// outer layer cannot read r.Pattern itself.
type routeKey struct{}

// reportRoute wraps the router and reports the matched pattern outwards.
func reportRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			*route = r.Pattern
		}
	})
}

// Flush sends what was written so far (a streamed answer's lines). The
// writer has no Unwrap on purpose: through it, http.ResponseController
// would let Huma set read deadlines on the connection that outlive the
// request on a kept-alive connection.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
