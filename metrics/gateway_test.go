package metrics

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portdesk/portdesk/porting"
)

// failingGateway fails Submit, succeeds Activate, and supports no CSR.
type failingGateway struct{}

func (failingGateway) Kind() porting.GatewayKind { return porting.GatewayHTTP }
func (failingGateway) Submit(context.Context, *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return porting.CarrierReceipt{}, errors.New("connection refused")
}
func (failingGateway) Supplement(context.Context, *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return porting.CarrierReceipt{}, nil
}
func (failingGateway) Cancel(context.Context, porting.CarrierTicket) error   { return nil }
func (failingGateway) Activate(context.Context, porting.CarrierTicket) error { return nil }
func (failingGateway) Status(context.Context, porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	return nil, nil
}
func (failingGateway) LookupCarriers(context.Context, []string) (map[string]string, error) {
	return nil, nil
}
func (failingGateway) FetchCSR(context.Context, porting.CSRQuery) (*porting.CSR, error) {
	return nil, porting.ErrGatewayUnsupported
}

// parsingGateway also reads callbacks.
type parsingGateway struct{ failingGateway }

func (parsingGateway) ParseCallback(porting.CallbackRequest) ([]porting.CarrierAnswer, error) {
	return []porting.CarrierAnswer{{ID: "a1"}}, nil
}

func TestGatewayMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := NewGatewayMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	factory := m.Wrap(func(c *porting.Carrier) (porting.CarrierGateway, error) {
		if c.ID == "car_parse" {
			return parsingGateway{}, nil
		}
		return failingGateway{}, nil
	})
	gw, err := factory(&porting.Carrier{ID: "car_1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := gw.Submit(ctx, &porting.CarrierSubmission{}); err == nil {
			t.Fatal("the wrapper swallowed Submit's error")
		}
	}
	if err := gw.Activate(ctx, porting.CarrierTicket{}); err != nil {
		t.Fatal(err)
	}
	if _, err := gw.FetchCSR(ctx, porting.CSRQuery{}); !errors.Is(err, porting.ErrGatewayUnsupported) {
		t.Fatalf("FetchCSR: %v, want ErrGatewayUnsupported passed through", err)
	}
	for _, c := range []struct {
		vec  *prometheus.CounterVec
		op   string
		want float64
	}{
		{m.errors, "submit", 2}, {m.calls, "submit", 2}, {m.errors, "activate", 0}, {m.calls, "activate", 1},
		{m.calls, "fetch_csr", 0},
	} {
		if got := testutil.ToFloat64(c.vec.WithLabelValues("car_1", "http", c.op)); got != c.want {
			t.Errorf("%s: %v, want %v", c.op, got, c.want)
		}
	}
	if _, ok := gw.(porting.CallbackParser); ok {
		t.Error("a gateway without callbacks gained ParseCallback")
	}
	parsing, err := factory(&porting.Carrier{ID: "car_parse"})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := parsing.(porting.CallbackParser)
	if !ok {
		t.Fatal("the wrapper hides the gateway's ParseCallback")
	}
	if a, err := p.ParseCallback(porting.CallbackRequest{}); err != nil || len(a) != 1 || a[0].ID != "a1" {
		t.Fatalf("ParseCallback through the wrapper: %v %v", a, err)
	}
}
