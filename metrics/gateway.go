package metrics

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/porting"
)

// GatewayMetrics counts the calls this replica makes to carrier gateways
// and the calls that failed, by carrier registry entry, gateway kind and
// operation.
type GatewayMetrics struct {
	calls, errors *prometheus.CounterVec
}

// NewGatewayMetrics registers the gateway counters on reg.
func NewGatewayMetrics(reg prometheus.Registerer) (*GatewayMetrics, error) {
	labels := []string{"carrier", "gateway", "operation"}
	m := &GatewayMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portdesk_carrier_gateway_calls_total",
			Help: "Calls this replica made to carrier gateways, by carrier registry ID (none: no entry), gateway kind and operation."}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portdesk_carrier_gateway_errors_total",
			Help: "Carrier gateway calls of this replica that failed (the carrier unreachable, a refused or unreadable answer), by carrier registry ID, gateway kind and operation; calls a gateway does not support are not counted."}, labels),
	}
	for _, c := range []prometheus.Collector{m.calls, m.errors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Wrap returns a factory whose gateways count their calls in m and are
// otherwise those of next (a gateway that reads callbacks still does).
func (m *GatewayMetrics) Wrap(next porting.GatewayFactory) porting.GatewayFactory {
	return func(c *porting.Carrier) (porting.CarrierGateway, error) {
		gw, err := next(c)
		if err != nil {
			return nil, err
		}
		carrier := "none"
		if c != nil && c.ID != "" {
			carrier = c.ID
		}
		counted := &countedGateway{next: gw, m: m, carrier: carrier, kind: string(gw.Kind())}
		if parser, ok := gw.(porting.CallbackParser); ok {
			return &countedParsingGateway{countedGateway: counted, CallbackParser: parser}, nil
		}
		return counted, nil
	}
}

// countedGateway is a gateway whose calls are counted.
type countedGateway struct {
	next          porting.CarrierGateway
	m             *GatewayMetrics
	carrier, kind string
}

// countedParsingGateway is a counted gateway that reads callbacks.
type countedParsingGateway struct {
	*countedGateway
	porting.CallbackParser
}

func (g *countedGateway) count(op string, err error) {
	if errors.Is(err, porting.ErrGatewayUnsupported) {
		return
	}
	g.m.calls.WithLabelValues(g.carrier, g.kind, op).Inc()
	if err != nil {
		g.m.errors.WithLabelValues(g.carrier, g.kind, op).Inc()
	}
}

func (g *countedGateway) Kind() porting.GatewayKind { return g.next.Kind() }

func (g *countedGateway) Submit(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	r, err := g.next.Submit(ctx, s)
	g.count("submit", err)
	return r, err
}

func (g *countedGateway) Supplement(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	r, err := g.next.Supplement(ctx, s)
	g.count("supplement", err)
	return r, err
}

func (g *countedGateway) Cancel(ctx context.Context, t porting.CarrierTicket) error {
	err := g.next.Cancel(ctx, t)
	g.count("cancel", err)
	return err
}

func (g *countedGateway) Activate(ctx context.Context, t porting.CarrierTicket) error {
	err := g.next.Activate(ctx, t)
	g.count("activate", err)
	return err
}

func (g *countedGateway) Status(ctx context.Context, t porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	a, err := g.next.Status(ctx, t)
	g.count("status", err)
	return a, err
}

func (g *countedGateway) LookupCarriers(ctx context.Context, phoneNumbers []string) (map[string]string, error) {
	r, err := g.next.LookupCarriers(ctx, phoneNumbers)
	g.count("lookup_carriers", err)
	return r, err
}

func (g *countedGateway) FetchCSR(ctx context.Context, q porting.CSRQuery) (*porting.CSR, error) {
	r, err := g.next.FetchCSR(ctx, q)
	g.count("fetch_csr", err)
	return r, err
}
