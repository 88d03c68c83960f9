// Package httpgw is the HTTP carrier gateway: the desk side of portdesk's
// carrier protocol (docs/carrier-protocol.md). It signs every call with the
// carrier's Standard Webhooks secret and maps the carrier's answers to the
// domain's error codes: EUNAVAILABLE for what a retry may fix (no answer,
// a timeout, a 5xx, a 429, a garbled body), EINVALID for what it will not
// (any other 4xx, with the carrier's problem detail).
package httpgw

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

// DefaultTimeout bounds a call when Config.Client is nil.
const DefaultTimeout = 30 * time.Second

// Config configures a Gateway.
type Config struct {
	// BaseURL is the carrier's API base, e.g. https://carrier.example/v1.
	BaseURL string
	// Secret is the carrier's Standard Webhooks secret (whsec_…); it signs
	// every request.
	Secret string
	// Client makes the calls. Default: a client with a 30s timeout.
	Client *http.Client
	// Now is the signing time. Default time.Now.
	Now func() time.Time
}

// Gateway talks to one carrier over HTTP. It implements
// porting.CarrierGateway and is safe for concurrent use.
type Gateway struct {
	base   string
	secret string
	client *http.Client
	now    func() time.Time
}

var _ porting.CarrierGateway = (*Gateway)(nil)

// New returns a gateway for cfg, filling the defaults.
func New(cfg Config) *Gateway {
	g := &Gateway{base: strings.TrimRight(cfg.BaseURL, "/"), secret: cfg.Secret, client: cfg.Client, now: cfg.Now}
	if g.client == nil {
		g.client = &http.Client{Timeout: DefaultTimeout}
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g
}

// Kind returns porting.GatewayHTTP.
func (g *Gateway) Kind() porting.GatewayKind { return porting.GatewayHTTP }

// Submit posts a first submission. Its idempotency key is the order and
// the supplement count, so a retried submission is one at the carrier.
func (g *Gateway) Submit(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return g.send(ctx, protocol.PathPortIns, s)
}

// Supplement posts a changed submission under the first one's reference;
// EINVALID without a reference.
func (g *Gateway) Supplement(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	if s.Reference == "" {
		return porting.CarrierReceipt{}, porting.Errorf(porting.EINVALID, "httpgw: supplement of order %s has no carrier reference", s.OrderID)
	}
	return g.send(ctx, pathOf(protocol.PathSupplements, s.Reference), s)
}

// send posts a submission or a supplement to path.
func (g *Gateway) send(ctx context.Context, path string, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	key := s.IdempotencyKey
	if key == "" {
		key = s.OrderID + "-" + strconv.Itoa(s.Supplement)
	}
	var rc protocol.Receipt
	if err := g.call(ctx, http.MethodPost, path, key, protocol.FromSubmission(s), &rc); err != nil {
		return porting.CarrierReceipt{}, fmt.Errorf("httpgw: submit order %s (supplement %d): %w", s.OrderID, s.Supplement, err)
	}
	if rc.Reference == "" {
		return porting.CarrierReceipt{}, porting.Errorf(porting.EUNAVAILABLE,
			"carrier at %s did not answer: its receipt for order %s has no reference", g.base, s.OrderID)
	}
	return porting.CarrierReceipt{Reference: rc.Reference}, nil
}

// Cancel withdraws a submission; the carrier confirms with a cancelled
// callback.
func (g *Gateway) Cancel(ctx context.Context, t porting.CarrierTicket) error {
	return g.ticket(ctx, protocol.PathCancel, "cancel", t)
}

// Activate asks the carrier to activate the numbers; it confirms with an
// activated callback. EINVALID when the carrier refuses (no FOC yet).
func (g *Gateway) Activate(ctx context.Context, t porting.CarrierTicket) error {
	return g.ticket(ctx, protocol.PathActivate, "activate", t)
}

// ticket posts a cancel or an activation, one per order and reference.
func (g *Gateway) ticket(ctx context.Context, pathTmpl, verb string, t porting.CarrierTicket) error {
	if t.Reference == "" {
		return porting.Errorf(porting.EINVALID, "httpgw: %s order %s: no carrier reference", verb, t.OrderID)
	}
	key := t.OrderID + "-" + verb + "-" + t.Reference
	body := protocol.Ticket{OrderID: t.OrderID, Reason: t.Reason}
	if err := g.call(ctx, http.MethodPost, pathOf(pathTmpl, t.Reference), key, body, &protocol.Receipt{}); err != nil {
		return fmt.Errorf("httpgw: %s order %s (%s): %w", verb, t.OrderID, t.Reference, err)
	}
	return nil
}

// Status lists every answer the carrier gave about a submission, oldest
// first: the fallback for callbacks that never came.
func (g *Gateway) Status(ctx context.Context, t porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	if t.Reference == "" {
		return nil, porting.Errorf(porting.EINVALID, "httpgw: status of order %s: no carrier reference", t.OrderID)
	}
	var st protocol.Status
	if err := g.call(ctx, http.MethodGet, pathOf(protocol.PathPortIn, t.Reference), "", nil, &st); err != nil {
		return nil, fmt.Errorf("httpgw: status of order %s (%s): %w", t.OrderID, t.Reference, err)
	}
	out := make([]porting.CarrierAnswer, 0, len(st.Answers))
	for _, cb := range st.Answers {
		out = append(out, cb.Answer())
	}
	return out, nil
}

// pathOf fills the {reference} of a protocol path, escaped.
func pathOf(tmpl, reference string) string {
	return strings.Replace(tmpl, "{reference}", url.PathEscape(reference), 1)
}
