package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Carriers runs the exchange with the carriers: the registry and its
// routes, submissions, supplements, cancels and activations through the
// routed gateway (as background jobs, retried while the carrier is down),
// and every carrier answer, from a callback, a poll or a staff entry,
// through one path (ApplyAnswer) that applies the same rules as a staff
// action.
type Carriers struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	gateways porting.GatewayFactory
	// publicURL is the desk's own base URL: callbacks and document links
	// point at it.
	publicURL string
	events    *Events
	orders    *Orders
}

// Carrier call names, as the timeline shows them.
const (
	callSubmit     = "submit"
	callSupplement = "supplement"
	callCancel     = "cancel"
	callActivate   = "activate"
)

// Attention codes of the carrier exchange.
const (
	// AttentionCarrierCall: a call to the carrier failed for good (refused,
	// or still failing after every retry).
	AttentionCarrierCall = "carrier_call_failed"
	// AttentionCarrierAnswer: a carrier answer could not be applied (a port
	// date the rules refuse, or an answer that does not fit the order).
	AttentionCarrierAnswer = "carrier_answer_not_applied"
)

// ManualGateway is the gateway of carriers without an API: the porting team
// submits by email or portal and records the carrier's answers (actions or
// carrier answers entered by staff). Its calls only hand work to the team.
type ManualGateway struct{}

var _ porting.CarrierGateway = ManualGateway{}

// Kind implements porting.CarrierGateway.
func (ManualGateway) Kind() porting.GatewayKind { return porting.GatewayManual }

// Submit implements porting.CarrierGateway: the reference is the order ID
// until the team records the carrier's own.
func (ManualGateway) Submit(_ context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return porting.CarrierReceipt{Reference: s.OrderID}, nil
}

// Supplement implements porting.CarrierGateway.
func (ManualGateway) Supplement(_ context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	return porting.CarrierReceipt{Reference: s.Reference}, nil
}

// Cancel implements porting.CarrierGateway: the team withdraws the order.
func (ManualGateway) Cancel(context.Context, porting.CarrierTicket) error { return nil }

// Activate implements porting.CarrierGateway: the team asks the carrier.
func (ManualGateway) Activate(context.Context, porting.CarrierTicket) error { return nil }

// Status implements porting.CarrierGateway: nothing to poll.
func (ManualGateway) Status(context.Context, porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	return nil, porting.ErrGatewayUnsupported
}

// LookupCarriers implements porting.CarrierGateway: no lookup.
func (ManualGateway) LookupCarriers(context.Context, []string) (map[string]string, error) {
	return nil, porting.ErrGatewayUnsupported
}

// FetchCSR implements porting.CarrierGateway: the team asks the carrier.
func (ManualGateway) FetchCSR(context.Context, porting.CSRQuery) (*porting.CSR, error) {
	return nil, porting.ErrGatewayUnsupported
}

// gateway builds the gateway of a registry entry; nil is the manual one.
func (s *Carriers) gateway(c *porting.Carrier) (porting.CarrierGateway, error) {
	if c == nil || c.Gateway == porting.GatewayManual || s.gateways == nil {
		return ManualGateway{}, nil
	}
	gw, err := s.gateways(c)
	if err != nil {
		return nil, porting.Errorf(porting.EINVALID, "carrier %s (%s gateway) is not usable: %s", c.Name, c.Gateway, porting.ErrorMessage(err))
	}
	return gw, nil
}

// CallbackURL is where carrier c posts its answers.
func (s *Carriers) CallbackURL(carrierID string) string {
	return strings.TrimRight(s.publicURL, "/") + "/v1/carrier-callbacks/" + carrierID
}

// CarrierCall is a background call to a carrier: which call, which order,
// and River's attempt count.
type CarrierCall struct {
	OrderID     string
	Attempt     int
	MaxAttempts int
	// SendID names the send a submit job makes (its retries share it):
	// the idempotency key the carrier sees.
	SendID string
}

// lastAttempt reports whether a failure now is the call's last.
func (c CarrierCall) lastAttempt() bool { return c.MaxAttempts > 0 && c.Attempt >= c.MaxAttempts }

// SubmitToCarrier sends a submitted order to the carrier its route names:
// the first time a submission, later (after an exception or a reschedule)
// a supplement under the first reference. It runs as a job after the
// transaction that submitted the order commits; an order that has moved
// on since is left alone. A failure is on the timeline and retried by the
// job; a refusal, or the last failure, raises an attention flag.
func (s *Carriers) SubmitToCarrier(ctx context.Context, call CarrierCall) error {
	o, carriers, err := s.orderAndRegistry(ctx, call.OrderID)
	if err != nil || o.Status != porting.StateSubmitted {
		return err
	}
	entry := s.entryOf(o, carriers)
	gw, err := s.gateway(entry)
	if err != nil {
		return s.callFailed(ctx, o, callSubmit, call, err)
	}
	sub, err := s.submission(ctx, o, entry)
	if err != nil {
		return err
	}
	sub.IdempotencyKey = fmt.Sprintf("%s-%d", o.ID, sub.Supplement)
	if call.SendID != "" {
		sub.IdempotencyKey = o.ID + "-" + call.SendID
	}
	name := callSubmit
	var receipt porting.CarrierReceipt
	if sub.Reference != "" {
		name = callSupplement
		receipt, err = gw.Supplement(ctx, sub)
	} else {
		receipt, err = gw.Submit(ctx, sub)
	}
	if err != nil {
		return s.callFailed(ctx, o, name, call, err)
	}
	return s.submitted(ctx, o.ID, entry, gw.Kind(), name, call, receipt)
}

// entryOf is the registry entry that carries an order: the one of its
// first submission (supplements go where the submission went), else the
// one its route names; nil is the manual gateway.
func (s *Carriers) entryOf(o *porting.PortOrder, carriers []*porting.Carrier) *porting.Carrier {
	if o.Carrier != nil && o.Carrier.Reference != "" {
		i := slices.IndexFunc(carriers, func(c *porting.Carrier) bool { return c.ID == o.Carrier.CarrierID })
		if i < 0 {
			return nil
		}
		return carriers[i]
	}
	return porting.RouteOrder(carriers, o.Country, o.LosingCarrier)
}

// submitted records a submission the carrier took: the link on the order,
// the attempt on the timeline, and the answers the carrier gave at once.
func (s *Carriers) submitted(ctx context.Context, orderID string, entry *porting.Carrier, kind porting.GatewayKind, name string, call CarrierCall, r porting.CarrierReceipt) error {
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := tx.FindPortOrder(ctx, orderID)
		if err != nil {
			return err
		}
		before := o.Clone()
		now := s.clock.Now()
		link := porting.CarrierLink{Gateway: kind}
		if o.Carrier != nil {
			link = *o.Carrier
		}
		if entry != nil {
			link.CarrierID, link.CarrierName = entry.ID, entry.Name
		}
		if r.Reference != link.Reference {
			link.LastSequence = 0 // a new submission numbers its answers afresh
		}
		link.Gateway, link.Reference, link.SubmittedAt = kind, r.Reference, &now
		link.Submissions++
		o.Carrier = &link
		clearCarrierAttention(o)
		if err := s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated); err != nil {
			return err
		}
		if o.Status == porting.StateCancelled {
			// Cancelled while the carrier was taking it: withdraw it, or
			// the carrier ports numbers the customer keeps.
			if err := tx.Enqueue(ctx, porting.CancelAtCarrierJob{PortOrderID: o.ID}); err != nil {
				return err
			}
		}
		return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventCarrierSubmission, orderEvent(o), nil,
			map[string]any{"call": name, "attempt": call.Attempt, "outcome": "sent", "gateway": kind,
				"carrier": link.CarrierName, "reference": r.Reference, "awaiting": "carrier answer (FOC or rejection)"})
	})
	if err != nil {
		return err
	}
	for _, a := range r.Answers {
		if _, _, err := s.applyAnswer(ctx, carrierPrincipal(entry), entry, a); err != nil {
			s.flagUnreadable(ctx, orderID, a, err)
		}
	}
	return nil
}

// pollCallTimeout bounds one status call of a poll, so one slow carrier
// does not hold up the rest.
const pollCallTimeout = 30 * time.Second

// flagUnreadable flags an order whose carrier sent an answer portdesk
// could not take (by poll or with a receipt, where no carrier is waiting
// for a refusal): a person looks at it. Other failures are retried by the
// next poll.
func (s *Carriers) flagUnreadable(ctx context.Context, orderID string, a porting.CarrierAnswer, cause error) {
	if porting.ErrorCode(cause) != porting.EINVALID {
		return
	}
	msg := fmt.Sprintf("The carrier sent an answer portdesk cannot take (answer %q): %s", a.ID, porting.ErrorMessage(cause))
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		return s.raiseAttention(ctx, tx, orderID, AttentionCarrierAnswer, msg)
	})
	if err != nil {
		slog.Error("could not flag an order with an unreadable carrier answer", "port_order_id", orderID, "err", err)
	}
}

// RetryCall sends an order's carrier call again after it failed for good
// (staff): the submission of a submitted order, the cancel of a cancelled
// one, the activation of one porting.
func (s *Carriers) RetryCall(ctx context.Context, p porting.Principal, orderID string) (*porting.PortOrder, error) {
	if !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "only the porting team retries carrier calls")
	}
	var out *porting.PortOrder
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := tx.FindPortOrder(ctx, orderID)
		if err != nil {
			return err
		}
		job, name := retryJob(o)
		if job == nil {
			return porting.Errorf(porting.ECONFLICT, "no carrier call to retry in status %s (retry a submission while submitted, a cancel once cancelled, an activation while porting)", o.Status)
		}
		if err := tx.Enqueue(ctx, job); err != nil {
			return err
		}
		out = o
		return s.events.record(ctx, tx, p, porting.EventCarrierSubmission, orderEvent(o), nil,
			map[string]any{"call": name, "outcome": "retry_requested"})
	})
	return out, err
}

// retryJob is the carrier call an order in its state can make again.
func retryJob(o *porting.PortOrder) (porting.Job, string) {
	atCarrier := o.Carrier != nil && o.Carrier.Reference != ""
	switch {
	case o.Status == porting.StateSubmitted:
		return porting.NewSubmitJob(o.ID), callSubmit
	case o.Status == porting.StateCancelled && atCarrier:
		return porting.CancelAtCarrierJob{PortOrderID: o.ID}, callCancel
	case o.Status == porting.StatePorting && atCarrier:
		return porting.ActivateAtCarrierJob{PortOrderID: o.ID}, callActivate
	}
	return nil, ""
}

// requeueFailedCalls queues again the failed calls of the orders an entry
// carries, once the entry changed (a fixed secret or address is the usual
// cure). At most maxRequeue orders are looked at.
func (s *Carriers) requeueFailedCalls(ctx context.Context, tx porting.Tx, entry *porting.Carrier) error {
	carriers, err := tx.FindCarriers(ctx)
	if err != nil {
		return err
	}
	f := porting.PortOrderFilter{Attention: true, Limit: 500}
	for seen := 0; seen < maxRequeue; {
		page, err := tx.FindPortOrders(ctx, f)
		if err != nil {
			return err
		}
		for _, o := range page.Orders {
			seen++
			failed := slices.ContainsFunc(o.Attention, func(a porting.Attention) bool { return a.Code == AttentionCarrierCall })
			if e := s.entryOf(o, carriers); !failed || e == nil || e.ID != entry.ID {
				continue
			}
			if job, _ := retryJob(o); job != nil {
				if err := tx.Enqueue(ctx, job); err != nil {
					return err
				}
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Cursor = page.NextCursor
	}
	return nil
}

// maxRequeue bounds the orders a registry change looks at for failed calls.
const maxRequeue = 50_000

// callFailed puts a failed carrier call on the order's timeline. A
// refusal (the carrier or the gateway said the call cannot work as it is)
// and the last attempt raise an attention flag and stop; any other failure
// is returned so that the job runs again later.
func (s *Carriers) callFailed(ctx context.Context, o *porting.PortOrder, name string, call CarrierCall, cause error) error {
	code := porting.ErrorCode(cause)
	refused := code == porting.EINVALID || code == porting.EFORBIDDEN || code == porting.EUNAUTHORIZED || code == porting.ENOTFOUND
	final := refused || call.lastAttempt()
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		data := map[string]any{"call": name, "attempt": call.Attempt, "outcome": "failed", "error": porting.ErrorMessage(cause), "retry": !final}
		if err := s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventCarrierSubmission, orderEvent(o), nil, data); err != nil {
			return err
		}
		if !final {
			return nil
		}
		msg := fmt.Sprintf("The carrier %s call failed after %d attempt(s) and is not retried: %s", name, call.Attempt, porting.ErrorMessage(cause))
		return s.raiseAttention(ctx, tx, o.ID, AttentionCarrierCall, msg)
	})
	if err != nil {
		return err
	}
	if final {
		return nil
	}
	return fmt.Errorf("carrier %s of order %s: %w", name, o.ID, cause)
}

// raiseAttention flags an order for a person with a carrier problem.
func (s *Carriers) raiseAttention(ctx context.Context, tx porting.Tx, orderID, code, msg string) error {
	o, err := tx.FindPortOrder(ctx, orderID)
	if err != nil {
		return err
	}
	before := o.Clone()
	a := porting.Attention{Code: code, Message: msg, Since: s.clock.Now()}
	if i := slices.IndexFunc(o.Attention, func(x porting.Attention) bool { return x.Code == code }); i >= 0 {
		a.Since = o.Attention[i].Since
		o.Attention[i] = a
	} else {
		o.Attention = append(o.Attention, a)
	}
	if err := s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated); err != nil {
		return err
	}
	return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventAttentionRaised, orderEvent(o), nil, a)
}

// clearCarrierAttention drops the carrier exchange's flags: the exchange
// moved on.
func clearCarrierAttention(o *porting.PortOrder) {
	o.Attention = slices.DeleteFunc(o.Attention, func(a porting.Attention) bool {
		return a.Code == AttentionCarrierCall || a.Code == AttentionCarrierAnswer || a.Code == AttentionTestCalls
	})
}

// CancelAtCarrier withdraws an order from the carrier after a cancel.
func (s *Carriers) CancelAtCarrier(ctx context.Context, call CarrierCall) error {
	return s.ticketCall(ctx, call, callCancel, func(gw porting.CarrierGateway, t porting.CarrierTicket) error {
		return gw.Cancel(ctx, t)
	})
}

// ActivateAtCarrier asks the carrier to activate an order's numbers once
// its port window has opened (the order is porting).
func (s *Carriers) ActivateAtCarrier(ctx context.Context, call CarrierCall) error {
	return s.ticketCall(ctx, call, callActivate, func(gw porting.CarrierGateway, t porting.CarrierTicket) error {
		return gw.Activate(ctx, t)
	})
}

// ticketCall makes a call about a submission the carrier holds and puts
// it on the timeline.
func (s *Carriers) ticketCall(ctx context.Context, call CarrierCall, name string, do func(porting.CarrierGateway, porting.CarrierTicket) error) error {
	o, carriers, err := s.orderAndRegistry(ctx, call.OrderID)
	if err != nil {
		return err
	}
	if name == callActivate && o.Status != porting.StatePorting {
		return nil
	}
	if o.Carrier == nil || o.Carrier.Reference == "" {
		return nil // never reached the carrier
	}
	entry := s.entryOf(o, carriers)
	gw, err := s.gateway(entry)
	if err != nil {
		return s.callFailed(ctx, o, name, call, err)
	}
	t := porting.CarrierTicket{OrderID: o.ID, Reference: o.Carrier.Reference, Reason: o.StatusReason}
	if err := do(gw, t); err != nil {
		return s.callFailed(ctx, o, name, call, err)
	}
	typ := porting.EventCarrierSubmission
	if name == callCancel {
		typ = porting.EventCarrierCancel
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		return s.events.record(ctx, tx, porting.SystemPrincipal, typ, orderEvent(o), nil,
			map[string]any{"call": name, "attempt": call.Attempt, "outcome": "sent", "gateway": gw.Kind(),
				"carrier": o.Carrier.CarrierName, "reference": o.Carrier.Reference, "status": o.Status})
	})
}

// orderAndRegistry reads an order and the registry for a carrier job,
// outside any transaction: the gateway's call must not hold one open.
func (s *Carriers) orderAndRegistry(ctx context.Context, id string) (*porting.PortOrder, []*porting.Carrier, error) {
	var o *porting.PortOrder
	var carriers []*porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if o, err = tx.FindPortOrder(ctx, id); err != nil {
			return err
		}
		// The submission lists every number the order holds.
		if err := loadAllNumbers(ctx, tx, o); err != nil {
			return err
		}
		carriers, err = tx.FindCarriers(ctx)
		return err
	})
	return o, carriers, err
}

// PollCarriers asks the gateways that can tell for the status of every
// order they hold and applies what they say: the fallback for callbacks
// that never came. It returns how many answers it applied.
func (s *Carriers) PollCarriers(ctx context.Context) (int, error) {
	var orders []*porting.PortOrder
	var carriers []*porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if carriers, err = tx.FindCarriers(ctx); err != nil {
			return err
		}
		orders, err = atCarrier(ctx, tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	applied := 0
	var errs []error
	for _, o := range orders {
		entry := s.entryOf(o, carriers)
		if entry == nil || o.Carrier == nil || o.Carrier.CarrierID != entry.ID {
			continue
		}
		gw, err := s.gateway(entry)
		if err != nil {
			continue
		}
		pollCtx, cancel := context.WithTimeout(ctx, pollCallTimeout)
		answers, err := gw.Status(pollCtx, porting.CarrierTicket{OrderID: o.ID, Reference: o.Carrier.Reference})
		cancel()
		if errors.Is(err, porting.ErrGatewayUnsupported) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("poll order %s: %w", o.ID, err))
			continue
		}
		for _, a := range answers {
			outcome, _, err := s.applyAnswer(ctx, carrierPrincipal(entry), entry, a)
			if err != nil {
				errs = append(errs, fmt.Errorf("apply answer %s: %w", a.ID, err))
				s.flagUnreadable(ctx, o.ID, a, err)
				continue
			}
			if outcome == porting.OutcomeApplied {
				applied++
			}
		}
	}
	return applied, errors.Join(errs...)
}

// atCarrier lists the orders a carrier holds a live submission of.
func atCarrier(ctx context.Context, tx porting.Tx) ([]*porting.PortOrder, error) {
	var out []*porting.PortOrder
	f := porting.PortOrderFilter{Statuses: []porting.State{porting.StateSubmitted, porting.StateFOCConfirmed,
		porting.StateNumbersLoaded, porting.StatePorting}, Limit: 500}
	for range 1000 { // at most 500,000 orders per poll
		page, err := tx.FindPortOrders(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Orders {
			if o.Carrier != nil && o.Carrier.Reference != "" && o.Carrier.CarrierID != "" {
				out = append(out, o)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	return out, nil
}

// carrierPrincipal is who answers for a registry entry.
func carrierPrincipal(entry *porting.Carrier) porting.Principal {
	if entry == nil {
		return porting.Principal{Role: porting.RoleCarrier}
	}
	return porting.Principal{Role: porting.RoleCarrier, KeyID: entry.ID}
}
