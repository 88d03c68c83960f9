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
	case a.ID == "" || len(a.ID) > porting.MaxNameLength:
		return porting.FieldErrorf("id", "an answer needs an id of 1 to %d characters, unique per carrier", porting.MaxNameLength)
	case len(a.Reference) > porting.MaxNameLength || len(a.OrderID) > porting.MaxNameLength:
		return porting.FieldErrorf("reference", "reference and order_id are at most %d characters", porting.MaxNameLength)
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
// it), in one transaction with its record. Every path an answer takes
// (callback, poll, receipt, staff entry) comes through here, so every
// answer is checked the same way. An answer a porting rule refuses is
// rolled back whole and then recorded, unapplied, with an attention flag
// (staff entering it get the refusal instead).
func (s *Carriers) applyAnswer(ctx context.Context, p porting.Principal, entry *porting.Carrier, a porting.CarrierAnswer) (porting.AnswerOutcome, *porting.PortOrder, error) {
	if err := checkAnswer(&a); err != nil {
		return "", nil, err
	}
	carrierID := ""
	if entry != nil {
		carrierID = entry.ID
	}
	var outcome porting.AnswerOutcome
	var result *porting.PortOrder
	var refusal *refusedAnswer
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := answeredOrder(ctx, tx, carrierID, a)
		if err != nil {
			return err
		}
		if outcome, err = s.decide(ctx, tx, p, entry, o, a); err != nil {
			return err
		}
		result, err = s.recordAnswer(ctx, tx, p, carrierID, o.ID, a, outcome)
		return err
	})
	switch {
	case errors.Is(err, errDuplicateAnswer):
		o, ferr := s.findAnswered(ctx, carrierID, a)
		return porting.OutcomeDuplicate, o, ferr
	case errors.As(err, &refusal) && !p.Role.Staff():
		result, err = s.refuseAnswer(ctx, p, entry, a, refusal.cause)
		return porting.OutcomeRefused, result, err
	case errors.As(err, &refusal):
		return "", nil, refusal.cause // staff entering the answer are told at once
	}
	return outcome, result, err
}

// recordAnswer stores the answer with its outcome and puts it on the
// order's timeline; errDuplicateAnswer when the carrier gave it before
// (the caller's transaction then rolls back whatever deciding did).
func (s *Carriers) recordAnswer(ctx context.Context, tx porting.Tx, p porting.Principal, carrierID, orderID string, a porting.CarrierAnswer, outcome porting.AnswerOutcome) (*porting.PortOrder, error) {
	recordAs := carrierID
	if recordAs == "" {
		recordAs = manualCarrierID
	}
	fresh, err := tx.RecordCarrierAnswer(ctx, recordAs, orderID, &a, outcome)
	if err != nil {
		return nil, err
	}
	if !fresh {
		return nil, errDuplicateAnswer
	}
	o, err := tx.FindPortOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	return o, s.events.record(ctx, tx, p, porting.EventCarrierAnswer, orderEvent(o), nil,
		map[string]any{"answer_id": a.ID, "kind": a.Kind, "sequence": a.Sequence, "reference": a.Reference,
			"outcome": outcome, "foc_at": a.FOCAt, "rejections": a.Rejections})
}

// refusedAnswer carries the rule that refused an answer out of the
// transaction it rolls back.
type refusedAnswer struct{ cause error }

func (r *refusedAnswer) Error() string { return "carrier answer refused: " + r.cause.Error() }

// refuseAnswer records an answer a porting rule refused: the order keeps
// its state, takes note of the answer's sequence (so an older one stays
// stale) and is flagged for a person, who may accept the answer (staff may
// record an FOC with an override reason).
func (s *Carriers) refuseAnswer(ctx context.Context, p porting.Principal, entry *porting.Carrier, a porting.CarrierAnswer, cause error) (*porting.PortOrder, error) {
	carrierID := ""
	if entry != nil {
		carrierID = entry.ID
	}
	var result *porting.PortOrder
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := answeredOrder(ctx, tx, carrierID, a)
		if err != nil {
			return err
		}
		before := o.Clone()
		o.Carrier = s.noteAnswer(o, entry, a)
		if err := s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated); err != nil {
			return err
		}
		msg := fmt.Sprintf("The carrier's %s answer (answer %s) was not applied: %s", a.Kind, a.ID, porting.ErrorMessage(cause))
		if err := s.raiseAttention(ctx, tx, o.ID, AttentionCarrierAnswer, msg); err != nil {
			return err
		}
		result, err = s.recordAnswer(ctx, tx, p, carrierID, o.ID, a, porting.OutcomeRefused)
		return err
	})
	if errors.Is(err, errDuplicateAnswer) {
		o, ferr := s.findAnswered(ctx, carrierID, a)
		return o, ferr
	}
	return result, err
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
// reference, else by the order ID when that order went (or is going) to
// this carrier. An answer about a submission whose reference portdesk has
// not stored yet (the carrier answered before the submission's own
// transaction committed) is EUNAVAILABLE: the carrier tries again.
func answeredOrder(ctx context.Context, tx porting.Tx, carrierID string, a porting.CarrierAnswer) (*porting.PortOrder, error) {
	if a.Reference != "" && carrierID != "" {
		o, err := tx.FindOrderByCarrierReference(ctx, carrierID, a.Reference)
		if err == nil || porting.ErrorCode(err) != porting.ENOTFOUND {
			return o, err
		}
	}
	notOurs := porting.Errorf(porting.ENOTFOUND, "no order of this carrier has the reference %q or the id %q", a.Reference, a.OrderID)
	if a.OrderID == "" {
		return nil, notOurs
	}
	o, err := tx.FindPortOrder(ctx, a.OrderID)
	if err != nil {
		return nil, notOurs
	}
	switch {
	case o.Carrier != nil && o.Carrier.CarrierID == carrierID:
		return o, nil
	case carrierID == "" && (o.Carrier == nil || o.Carrier.CarrierID == ""):
		return o, nil // the manual gateway
	case o.Carrier != nil && o.Carrier.Reference != "":
		return nil, notOurs // another carrier's
	}
	// Not stored yet: is the order this carrier's by its route?
	carriers, err := tx.FindCarriers(ctx)
	if err != nil {
		return nil, err
	}
	if e := porting.RouteOrder(carriers, o.Country, o.LosingCarrier); e == nil || e.ID != carrierID {
		return nil, notOurs
	}
	if o.Status == porting.StateSubmitted {
		return nil, porting.Errorf(porting.EUNAVAILABLE, "order %s is being submitted; send the answer again shortly", a.OrderID)
	}
	return o, nil // e.g. cancelled while the carrier was taking it
}

// noteAnswer is o's carrier link after taking note of a: its sequence, its
// reference (the manual gateway: staff record the carrier's own), when.
func (s *Carriers) noteAnswer(o *porting.PortOrder, entry *porting.Carrier, a porting.CarrierAnswer) *porting.CarrierLink {
	link := porting.CarrierLink{Gateway: porting.GatewayManual}
	if o.Carrier != nil {
		link = *o.Carrier
	}
	if link.CarrierID == "" && entry != nil {
		link.CarrierID, link.CarrierName, link.Gateway = entry.ID, entry.Name, entry.Gateway
	}
	if a.Sequence > link.LastSequence {
		link.LastSequence = a.Sequence
	}
	if a.Reference != "" && (link.Reference == "" || link.Gateway == porting.GatewayManual && a.Kind == porting.AnswerAccepted) {
		link.Reference = a.Reference
	}
	now := s.clock.Now()
	link.LastAnswerAt = &now
	return &link
}

// stale reports whether a is older than what o already applied: a lower
// sequence (an equal one is another answer of the same stage, e.g. a
// second number's rejection), or another submission's reference.
func stale(o *porting.PortOrder, a porting.CarrierAnswer) bool {
	if o.Carrier == nil {
		return false
	}
	l := o.Carrier
	return a.Sequence > 0 && a.Sequence < l.LastSequence ||
		a.Reference != "" && l.Reference != "" && a.Reference != l.Reference && l.Gateway != porting.GatewayManual
}

// decide applies answer a to o and says what was done. A porting rule
// refusing it is a *refusedAnswer (the transaction rolls back).
func (s *Carriers) decide(ctx context.Context, tx porting.Tx, p porting.Principal, entry *porting.Carrier, o *porting.PortOrder, a porting.CarrierAnswer) (porting.AnswerOutcome, error) {
	if stale(o, a) {
		return porting.OutcomeStale, nil
	}
	if o.Status == porting.StateCancelled && a.Kind != porting.AnswerCancelled {
		// The carrier is working on an order the customer cancelled (the
		// cancel crossed the submission): withdraw it again.
		before := o.Clone()
		o.Carrier = s.noteAnswer(o, entry, a)
		if err := s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated); err != nil {
			return "", err
		}
		return porting.OutcomeNotApplicable, tx.Enqueue(ctx, porting.CancelAtCarrierJob{PortOrderID: o.ID})
	}
	if a.Kind == porting.AnswerRejected && o.Status == porting.StateException && o.Exception != nil {
		return porting.OutcomeApplied, s.addReasons(ctx, tx, p, entry, o, a)
	}
	steps, fits := answerSteps(o.Status, a.Kind)
	if !fits {
		if o.Status.Active() && o.Status != porting.StateException {
			msg := fmt.Sprintf("The carrier answered %q (answer %s) while the order is %s; check with the carrier what it means for the port.", a.Kind, a.ID, o.Status)
			return porting.OutcomeNotApplicable, s.raiseAttention(ctx, tx, o.ID, AttentionCarrierAnswer, msg)
		}
		return porting.OutcomeNotApplicable, nil
	}
	before := o.Clone()
	o.Carrier = s.noteAnswer(o, entry, a)
	clearCarrierAttention(o)
	if len(steps) == 0 {
		return porting.OutcomeApplied, s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated)
	}
	for _, st := range steps {
		who, in := porting.SystemPrincipal, ActionInput{}
		if st == steps[len(steps)-1] {
			who, in = p, ActionInput{FOCAt: a.FOCAt, Message: a.Message, Rejections: a.Rejections}
		}
		if _, err := s.orders.act(ctx, tx, who, o, st, in); err != nil {
			if isRuleRefusal(err) {
				return "", &refusedAnswer{cause: err}
			}
			return "", err
		}
	}
	return porting.OutcomeApplied, nil
}

// addReasons adds the reasons of another rejection of the same stage (a
// carrier rejecting number by number) to the order's exception.
func (s *Carriers) addReasons(ctx context.Context, tx porting.Tx, p porting.Principal, entry *porting.Carrier, o *porting.PortOrder, a porting.CarrierAnswer) error {
	before := o.Clone()
	o.Carrier = s.noteAnswer(o, entry, a)
	for _, r := range a.Rejections {
		if r.Field == "" {
			r.Field = r.ExceptionField()
		}
		if !slices.Contains(o.Exception.Rejections, r) && len(o.Exception.Rejections) < porting.MaxRejections {
			o.Exception.Rejections = append(o.Exception.Rejections, r)
		}
	}
	return s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated)
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

// answerSteps are the actions an answer of kind k takes on an order in
// state st, the last one the carrier's own: none when the answer only
// confirms the state, and false when it does not fit the state. An
// activation that comes before the port window opened (a provider that
// activates by itself) first takes the steps the desk would have taken.
func answerSteps(st porting.State, k porting.AnswerKind) ([]porting.Action, bool) {
	switch k {
	case porting.AnswerAccepted:
		return nil, st == porting.StateSubmitted
	case porting.AnswerFOC:
		return []porting.Action{porting.ActionRecordFOC}, st == porting.StateSubmitted
	case porting.AnswerRejected:
		return []porting.Action{porting.ActionRecordRejection}, st == porting.StateSubmitted
	case porting.AnswerActivated:
		switch st {
		case porting.StateFOCConfirmed:
			return []porting.Action{porting.ActionLoadNumbers, porting.ActionStartPort, porting.ActionRecordPorted}, true
		case porting.StateNumbersLoaded:
			return []porting.Action{porting.ActionStartPort, porting.ActionRecordPorted}, true
		case porting.StatePorting:
			return []porting.Action{porting.ActionRecordPorted}, true
		}
		return nil, false
	case porting.AnswerCancelled:
		return nil, st == porting.StateCancelled
	}
	return nil, false
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
	if len(found) > porting.MaxRejections {
		return nil, porting.Errorf(porting.EINVALID, "a callback carries at most %d answers", porting.MaxRejections)
	}
	// Every answer is checked before any is applied: a callback with one
	// answer that cannot be read changes nothing.
	for i := range found {
		if err := checkAnswer(&found[i]); err != nil {
			return nil, err
		}
	}
	out := make([]AnswerResult, 0, len(found))
	p := carrierPrincipal(entry)
	for _, a := range found {
		res, err := s.answer(ctx, p, entry, a)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}
