package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// errDuplicateAnswer rolls back the application of an answer the carrier
// had already given.
var errDuplicateAnswer = errors.New("duplicate carrier answer")

// AnswerResult is what ApplyAnswer did with an answer.
type AnswerResult struct {
	Outcome porting.AnswerOutcome `json:"outcome"`
	OrderID string                `json:"port_order_id,omitempty"`
	Status  porting.State         `json:"status,omitempty"`
	Detail  string                `json:"detail,omitempty"`
}

// ApplyAnswer takes a carrier's answer from its callback (already
// authenticated by the caller with the carrier's secret) or a staff entry
// for a manual carrier. An answer already taken (same ID) changes nothing;
// one older than the newest applied is recorded and ignored; one that
// does not fit the order, or breaks a porting rule, is recorded and flags
// the order for a person. Everything else goes through the same action as
// a staff entry would.
func (s *Carriers) ApplyAnswer(ctx context.Context, carrierID string, a porting.CarrierAnswer) (AnswerResult, error) {
	if err := checkAnswer(&a); err != nil {
		return AnswerResult{}, err
	}
	var entry *porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		entry, err = tx.FindCarrier(ctx, carrierID)
		return err
	})
	if err != nil {
		return AnswerResult{}, err
	}
	return s.answer(ctx, porting.Principal{Role: porting.RoleCarrier, KeyID: entry.ID}, entry, a)
}

// answer applies a and words the result.
func (s *Carriers) answer(ctx context.Context, p porting.Principal, entry *porting.Carrier, a porting.CarrierAnswer) (AnswerResult, error) {
	outcome, o, err := s.applyAnswer(ctx, p, entry, a)
	if err != nil {
		return AnswerResult{}, err
	}
	r := AnswerResult{Outcome: outcome, OrderID: o.ID, Status: o.Status}
	if len(o.Attention) > 0 && (outcome == porting.OutcomeRefused || outcome == porting.OutcomeNotApplicable) {
		r.Detail = o.Attention[len(o.Attention)-1].Message
	}
	return r, nil
}

// checkAnswer refuses an answer that cannot be read.
func checkAnswer(a *porting.CarrierAnswer) error {
	a.ID, a.Reference, a.OrderID = strings.TrimSpace(a.ID), strings.TrimSpace(a.Reference), strings.TrimSpace(a.OrderID)
	switch {
	case a.ID == "" || len(a.ID) > 200:
		return porting.FieldErrorf("id", "an answer needs an id of 1 to 200 characters, unique per carrier")
	case !a.Kind.Valid():
		return porting.FieldErrorf("type", "unknown answer type %q; one of accepted, foc, rejected, activated, cancelled", a.Kind)
	case a.Reference == "" && a.OrderID == "":
		return porting.FieldErrorf("reference", "name the submission: its reference or the order_id")
	case a.Sequence < 0:
		return porting.FieldErrorf("sequence", "sequence cannot be negative")
	case a.Kind == porting.AnswerFOC && a.FOCAt == nil:
		return porting.FieldErrorf("foc_at", "an FOC answer names the committed port date and time")
	case a.Kind == porting.AnswerRejected && len(a.Rejections) == 0:
		return porting.FieldErrorf("rejections", "a rejection gives at least one reason")
	case len(a.Message) > porting.MaxTextLength:
		return porting.FieldErrorf("message", "at most %d characters", porting.MaxTextLength)
	}
	if a.FOCAt != nil {
		if err := porting.CheckTime("foc_at", *a.FOCAt); err != nil {
			return err
		}
	}
	if !a.OccurredAt.IsZero() {
		if err := porting.CheckTime("occurred_at", a.OccurredAt); err != nil {
			return err
		}
	}
	return checkRejections(a.Rejections)
}

// checkRejections checks a carrier's reasons, from an answer or a staff
// record_rejection alike: known codes, bounded texts.
func checkRejections(rs []porting.CarrierRejection) error {
	if len(rs) > porting.MaxRejections {
		return porting.FieldErrorf("rejections", "at most %d reasons", porting.MaxRejections)
	}
	for i, r := range rs {
		if !slices.Contains(porting.ExceptionCodes, r.Code) {
			return porting.FieldErrorf(fmt.Sprintf("rejections[%d].code", i), "unknown code %q; use one of the carrier exception codes, e.g. ENTITY_NAME_MISMATCH or OTHER", r.Code)
		}
		if len(r.Field) > porting.MaxNameLength || len(r.CarrierValue) > porting.MaxNameLength || len(r.Message) > porting.MaxTextLength {
			return porting.FieldErrorf(fmt.Sprintf("rejections[%d]", i), "a reason's field and carrier_value are at most %d characters, its message %d", porting.MaxNameLength, porting.MaxTextLength)
		}
	}
	return nil
}

// manualCarrierID is the carrier under which staff entries for orders
// without a registry entry are recorded.
const manualCarrierID = "manual"

// applyAnswer applies one answer of a registry entry (nil: the manual
// gateway without an entry), given by p (the carrier, or staff entering
// it), in one transaction with its record.
func (s *Carriers) applyAnswer(ctx context.Context, p porting.Principal, entry *porting.Carrier, a porting.CarrierAnswer) (porting.AnswerOutcome, *porting.PortOrder, error) {
	carrierID, recordAs := "", manualCarrierID
	if entry != nil {
		carrierID, recordAs = entry.ID, entry.ID
	}
	carrier := p
	var outcome porting.AnswerOutcome
	var result *porting.PortOrder
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := answeredOrder(ctx, tx, carrierID, a)
		if err != nil {
			return err
		}
		outcome, err = s.decide(ctx, tx, carrier, o, a)
		if err != nil {
			return err
		}
		fresh, err := tx.RecordCarrierAnswer(ctx, recordAs, o.ID, &a, outcome)
		if err != nil {
			return err
		}
		if !fresh {
			return errDuplicateAnswer
		}
		if result, err = tx.FindPortOrder(ctx, o.ID); err != nil {
			return err
		}
		return s.events.record(ctx, tx, carrier, porting.EventCarrierAnswer, orderEvent(o), nil,
			map[string]any{"answer_id": a.ID, "kind": a.Kind, "sequence": a.Sequence, "reference": a.Reference,
				"outcome": outcome, "foc_at": a.FOCAt, "rejections": a.Rejections})
	})
	if errors.Is(err, errDuplicateAnswer) {
		o, ferr := s.findAnswered(ctx, carrierID, a)
		return porting.OutcomeDuplicate, o, ferr
	}
	return outcome, result, err
}

// findAnswered reads the order an answer is about, outside a transaction.
func (s *Carriers) findAnswered(ctx context.Context, carrierID string, a porting.CarrierAnswer) (*porting.PortOrder, error) {
	var o *porting.PortOrder
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		o, err = answeredOrder(ctx, tx, carrierID, a)
		return err
	})
	return o, err
}

// answeredOrder finds the order an answer is about: by the carrier's
// reference, else by the order ID when that order went to this carrier.
// An answer about a submission whose reference portdesk has not stored
// yet (the carrier answered before the submission's own transaction
// committed) is EUNAVAILABLE: the carrier tries again.
func answeredOrder(ctx context.Context, tx porting.Tx, carrierID string, a porting.CarrierAnswer) (*porting.PortOrder, error) {
	if a.Reference != "" && carrierID != "" {
		o, err := tx.FindOrderByCarrierReference(ctx, carrierID, a.Reference)
		if err == nil || porting.ErrorCode(err) != porting.ENOTFOUND {
			return o, err
		}
	}
	if a.OrderID == "" {
		return nil, porting.Errorf(porting.ENOTFOUND, "no order of this carrier has the reference %q", a.Reference)
	}
	o, err := tx.FindPortOrder(ctx, a.OrderID)
	if err != nil {
		return nil, porting.Errorf(porting.ENOTFOUND, "order %s not found", a.OrderID)
	}
	switch {
	case o.Carrier != nil && o.Carrier.CarrierID == carrierID:
		return o, nil
	case carrierID == "" && (o.Carrier == nil || o.Carrier.CarrierID == ""):
		return o, nil // the manual gateway
	case o.Status == porting.StateSubmitted && (o.Carrier == nil || o.Carrier.Reference == ""):
		return nil, porting.Errorf(porting.EUNAVAILABLE, "order %s is being submitted; send the answer again shortly", a.OrderID)
	}
	return nil, porting.Errorf(porting.ENOTFOUND, "order %s was not submitted to this carrier", a.OrderID)
}

// decide applies answer a to o and says what was done. Stale answers (an
// older sequence, or another submission's reference) change nothing.
func (s *Carriers) decide(ctx context.Context, tx porting.Tx, carrier porting.Principal, o *porting.PortOrder, a porting.CarrierAnswer) (porting.AnswerOutcome, error) {
	link := porting.CarrierLink{Gateway: porting.GatewayManual}
	if o.Carrier != nil {
		link = *o.Carrier
	}
	if a.Sequence > 0 && a.Sequence <= link.LastSequence ||
		a.Reference != "" && link.Reference != "" && a.Reference != link.Reference && link.Gateway != porting.GatewayManual {
		return porting.OutcomeStale, nil
	}
	action, fits := answerAction(o.Status, a.Kind)
	if !fits {
		if o.Status.Active() && o.Status != porting.StateException {
			msg := fmt.Sprintf("The carrier answered %q (answer %s) while the order is %s; check with the carrier what it means for the port.", a.Kind, a.ID, o.Status)
			return porting.OutcomeNotApplicable, s.raiseAttention(ctx, tx, o.ID, AttentionCarrierAnswer, msg)
		}
		return porting.OutcomeNotApplicable, nil
	}
	now := s.clock.Now()
	if a.Sequence > link.LastSequence {
		link.LastSequence = a.Sequence
	}
	if a.Reference != "" && (link.Reference == "" || link.Gateway == porting.GatewayManual && a.Kind == porting.AnswerAccepted) {
		link.Reference = a.Reference // the manual gateway: staff record the carrier's reference
	}
	link.LastAnswerAt = &now
	before := o.Clone()
	o.Carrier = &link
	clearCarrierAttention(o)
	if action == "" {
		return porting.OutcomeApplied, s.orders.saveOrder(ctx, tx, carrier, before, o, porting.EventOrderUpdated)
	}
	in := ActionInput{FOCAt: a.FOCAt, Message: a.Message, Rejections: a.Rejections}
	if _, err := s.orders.act(ctx, tx, carrier, o, action, in); err != nil {
		if !isRuleRefusal(err) || carrier.Role.Staff() {
			return "", err // staff entering the answer are told at once
		}
		// The answer is kept (recorded) but not applied; the order keeps
		// its state and a person decides (staff may accept the date with
		// an override reason).
		fresh, ferr := tx.FindPortOrder(ctx, o.ID)
		if ferr != nil {
			return "", ferr
		}
		fb := fresh.Clone()
		fresh.Carrier = &link
		if err := s.orders.saveOrder(ctx, tx, carrier, fb, fresh, porting.EventOrderUpdated); err != nil {
			return "", err
		}
		msg := fmt.Sprintf("The carrier's %s answer (answer %s) was not applied: %s", a.Kind, a.ID, porting.ErrorMessage(err))
		return porting.OutcomeRefused, s.raiseAttention(ctx, tx, o.ID, AttentionCarrierAnswer, msg)
	}
	return porting.OutcomeApplied, nil
}

// isRuleRefusal reports whether err is a porting rule refusing the answer
// (rather than a failure to retry).
func isRuleRefusal(err error) bool {
	switch porting.ErrorCode(err) {
	case porting.EINVALID, porting.ECONFLICT:
		return !errors.Is(err, porting.ErrStaleVersion)
	}
	return false
}

// answerAction is the action an answer of kind k takes on an order in
// state st: "" when the answer only confirms the state, and false when
// it does not fit the state.
func answerAction(st porting.State, k porting.AnswerKind) (porting.Action, bool) {
	switch k {
	case porting.AnswerAccepted:
		return "", st == porting.StateSubmitted
	case porting.AnswerFOC:
		return porting.ActionRecordFOC, st == porting.StateSubmitted
	case porting.AnswerRejected:
		return porting.ActionRecordRejection, st == porting.StateSubmitted
	case porting.AnswerActivated:
		return porting.ActionRecordPorted, st == porting.StatePorting
	case porting.AnswerCancelled:
		return "", st == porting.StateCancelled
	}
	return "", false
}

// EnterAnswer is a staff entry of a carrier's answer for an order (the
// manual gateway, or a carrier that answered by email): the same path as
// a callback, so the same rules apply. The answer ID defaults to one the
// entry makes up.
func (s *Carriers) EnterAnswer(ctx context.Context, p porting.Principal, orderID string, a porting.CarrierAnswer) (AnswerResult, error) {
	if !p.Role.Staff() {
		return AnswerResult{}, porting.Errorf(porting.EFORBIDDEN, "only the porting team enters carrier answers")
	}
	var o *porting.PortOrder
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		o, err = tx.FindPortOrder(ctx, orderID)
		return err
	})
	if err != nil {
		return AnswerResult{}, err
	}
	a.OrderID = o.ID
	if a.ID == "" {
		a.ID = porting.NewID("ans")
	}
	if a.OccurredAt.IsZero() {
		a.OccurredAt = s.clock.Now()
	}
	if err := checkAnswer(&a); err != nil {
		return AnswerResult{}, err
	}
	var entry *porting.Carrier
	if o.Carrier != nil && o.Carrier.CarrierID != "" {
		if a.Reference == "" {
			a.Reference = o.Carrier.Reference
		}
		if err := s.store.View(ctx, func(tx porting.Tx) error {
			var err error
			entry, err = tx.FindCarrier(ctx, o.Carrier.CarrierID)
			return err
		}); err != nil {
			return AnswerResult{}, err
		}
	}
	return s.answer(ctx, p, entry, a)
}

// Callback takes a carrier's callback: the entry's gateway checks its
// signature and reads its answers, and each answer is applied. An unknown
// or disabled entry is ENOTFOUND; a gateway that takes no callbacks (the
// manual one) EINVALID.
func (s *Carriers) Callback(ctx context.Context, carrierID string, r porting.CallbackRequest) ([]AnswerResult, error) {
	var entry *porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		entry, err = tx.FindCarrier(ctx, carrierID)
		return err
	})
	if err != nil || !entry.Enabled {
		return nil, porting.Errorf(porting.ENOTFOUND, "carrier %s not found", carrierID)
	}
	gw, err := s.gateway(entry)
	if err != nil {
		return nil, err
	}
	parser, ok := gw.(porting.CallbackParser)
	if !ok {
		return nil, porting.Errorf(porting.EINVALID, "carrier %s (%s gateway) takes no callbacks", entry.Name, entry.Gateway)
	}
	r.URL = s.CallbackURL(entry.ID)
	if r.Query != "" {
		r.URL += "?" + r.Query
	}
	if r.Now.IsZero() {
		r.Now = s.clock.Now() // the adapter passes the wall clock: a replay window is real time
	}
	found, err := parser.ParseCallback(r)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 || len(found) > porting.MaxRejections {
		return nil, porting.Errorf(porting.EINVALID, "a callback carries 1 to %d answers", porting.MaxRejections)
	}
	out := make([]AnswerResult, 0, len(found))
	p := carrierPrincipal(entry)
	for _, a := range found {
		if err := checkAnswer(&a); err != nil {
			return nil, err
		}
		res, err := s.answer(ctx, p, entry, a)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}
