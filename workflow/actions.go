package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// ActionInput carries what some actions need besides the order.
type ActionInput struct {
	// Reason explains a cancel or mark_not_portable (required for the latter).
	Reason string
	// Message goes to the customer with return_loa (required) and
	// record_rejection.
	Message string
	// ExceptionCode is the carrier's rejection code for record_rejection
	// (one reason; Rejections gives several, each with its field).
	ExceptionCode string
	// Rejections are the carrier's reasons for record_rejection.
	Rejections []porting.CarrierRejection
	// FOCAt is the confirmed port date (record_foc) or the newly requested
	// one (reschedule).
	FOCAt *time.Time
	// NotPortableNumbers are numbers staff found not portable on approve; the
	// order ports the rest.
	NotPortableNumbers []string
	// Attestation is the team's judgement of the signed LOA, given with
	// approve_loa (or earlier with PATCH).
	Attestation *AttestationInput
	// OverrideReason lets staff accept a port date (record_foc,
	// reschedule) that the porting rules refuse; it is recorded on the
	// order as FOCOverride.
	OverrideReason string
	// IfVersion, when set, is the version the caller acts on (If-Match):
	// another version is EPRECONDITION.
	IfVersion *int
}

// Act takes action a on an order. It checks the transition table (ECONFLICT
// naming the allowed actions, EFORBIDDEN for a role not allowed), applies
// the action's rules, and saves the order and its event in one transaction.
// restart returns the new order it creates.
func (s *Orders) Act(ctx context.Context, p porting.Principal, orderID string, a porting.Action, in ActionInput) (*porting.PortOrder, error) {
	if in.FOCAt != nil {
		if err := porting.CheckTime("foc_at", *in.FOCAt); err != nil {
			return nil, err
		}
	}
	var result *porting.PortOrder
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		if err := checkVersion(o, in.IfVersion); err != nil {
			return err
		}
		if result, err = s.act(ctx, tx, p, o, a, in); err != nil {
			return err
		}
		answers(ctx, porting.RefPortOrder, result.ID, "") // restart answers with the new order
		return s.loa.present(ctx, tx, result)
	})
	if err != nil {
		return nil, preconditionFailed(err, in.IfVersion)
	}
	return result, nil
}

// act is Act inside a transaction the caller holds (the sweeper's).
func (s *Orders) act(ctx context.Context, tx porting.Tx, p porting.Principal, o *porting.PortOrder, a porting.Action, in ActionInput) (*porting.PortOrder, error) {
	to, err := porting.Apply(o.Status, a, p.Role)
	if err != nil {
		return nil, err
	}
	if a == porting.ActionRestart {
		return s.restart(ctx, tx, p, o)
	}
	before := o.Clone()
	if err := s.applyRules(ctx, tx, p, o, a, in); err != nil {
		return nil, err
	}
	o.Status = to
	if p.Role != porting.RoleSystem {
		clearCarrierAttention(o) // a person or the carrier moved the exchange on
	}
	s.setRespondBy(o)
	return o, s.saveOrder(ctx, tx, p, before, o, porting.EventOrderStatusChanged)
}

// applyRules checks and applies what action a does to o besides the state
// change.
func (s *Orders) applyRules(ctx context.Context, tx porting.Tx, p porting.Principal, o *porting.PortOrder, a porting.Action, in ActionInput) error {
	o.StatusReason = strings.TrimSpace(in.Reason)
	if numberActions[a] {
		if err := loadAllNumbers(ctx, tx, o); err != nil {
			return err
		}
	}
	switch a {
	case porting.ActionApprove:
		return approveNumbers(o, in.NotPortableNumbers)
	case porting.ActionMarkNotPortable:
		if o.StatusReason == "" {
			return porting.FieldErrorf("reason", "say why the numbers are not portable")
		}
		o.SetNumberStatus(porting.NumberNotPortable)
	case porting.ActionSubmitLOA:
		return s.loa.submitLOA(ctx, tx, p, o)
	case porting.ActionReturnLOA:
		return s.loa.returnLOA(ctx, tx, p, o, in.Message)
	case porting.ActionApproveLOA:
		if in.Attestation != nil {
			if err := s.loa.attest(p, o, *in.Attestation); err != nil {
				return err
			}
		}
		return s.loa.approveLOA(ctx, tx, p, o)
	case porting.ActionRecordRejection:
		return s.recordRejection(ctx, tx, p, o, in)
	case porting.ActionResubmit:
		o.Exception = nil
		return s.loa.submitLOA(ctx, tx, p, o)
	case porting.ActionRecordFOC:
		return s.recordFOC(ctx, tx, p, o, in)
	case porting.ActionReschedule:
		return s.reschedule(ctx, tx, p, o, in)
	case porting.ActionLoadNumbers:
		return s.loadNumbers(ctx, tx, p, o)
	case porting.ActionStartPort:
		o.SetNumberStatus(porting.NumberInProgress)
		// The carrier activates the numbers in the window that opens now.
		return tx.Enqueue(ctx, porting.ActivateAtCarrierJob{PortOrderID: o.ID})
	case porting.ActionRecordPorted:
		o.SetNumberStatus(porting.NumberPorted)
		if err := s.placeInventory(ctx, tx, p, o, porting.InventoryActive); err != nil {
			return err
		}
		// Calls must now reach the instance's flows: test them.
		return tx.Enqueue(ctx, porting.TestCallsJob{PortOrderID: o.ID})
	case porting.ActionPassTesting:
		return s.testsPassed(ctx, tx, p, o, in)
	case porting.ActionVerify:
		o.SetNumberStatus(porting.NumberVerified)
	case porting.ActionCancel:
		wasLoaded := o.Status == porting.StateNumbersLoaded
		atCarrier := o.Status.AtCarrier()
		o.SetNumberStatus(porting.NumberCancelled)
		if atCarrier {
			// Do not leave the carrier porting numbers the customer keeps.
			if err := tx.Enqueue(ctx, porting.CancelAtCarrierJob{PortOrderID: o.ID}); err != nil {
				return err
			}
		}
		if wasLoaded {
			return s.unloadInventory(ctx, tx, p, o)
		}
	}
	return nil
}

// numberActions are the actions that change the numbers' statuses or hand
// all of them on (to the instance's inventory): they load every number of
// the order first. The others leave the numbers as they are.
var numberActions = map[porting.Action]bool{
	porting.ActionApprove: true, porting.ActionMarkNotPortable: true, porting.ActionReschedule: true,
	porting.ActionLoadNumbers: true, porting.ActionStartPort: true, porting.ActionRecordPorted: true,
	porting.ActionVerify: true, porting.ActionCancel: true,
}

// testsPassed lets pass_testing through only when the latest test-call
// run reached every number's flow; staff may pass an order anyway with an
// override reason (a platform whose edge takes no test calls), recorded.
func (s *Orders) testsPassed(ctx context.Context, tx porting.Tx, p porting.Principal, o *porting.PortOrder, in ActionInput) error {
	run, err := latestRun(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	if run.RunID != "" && run.Failed == 0 {
		return nil
	}
	if reason := strings.TrimSpace(in.OverrideReason); reason != "" {
		o.StatusReason = "testing passed without passing test calls: " + reason
		return nil
	}
	if run.RunID == "" {
		return porting.Errorf(porting.ECONFLICT, "no test calls were placed for this order: place them (POST /v1/port-orders/%s/test-calls) once every number has a contact flow, or pass it with an override_reason", o.ID)
	}
	var bad []string
	for _, c := range run.Calls {
		if c.Result != porting.TestCallPass {
			bad = append(bad, fmt.Sprintf("%s (%s: %s)", c.PhoneNumber, c.Result, c.Detail))
		}
	}
	return porting.Errorf(porting.ECONFLICT, "testing cannot pass while test calls misroute or fail: %s; fix the contact flows and place the test calls again",
		strings.Join(firstN(bad, 10), "; "))
}

// approveNumbers marks the numbers staff found not portable and the rest
// portable. At least one number must stay, or the order is not portable.
func approveNumbers(o *porting.PortOrder, notPortable []string) error {
	// Sets on both sides: an order and the list may each hold 100,000.
	onOrder := make(map[string]bool, len(o.PhoneNumbers))
	for _, n := range o.PhoneNumbers {
		onOrder[n.PhoneNumber] = true
	}
	named := make(map[string]bool, len(notPortable))
	for _, n := range notPortable {
		if !onOrder[n] {
			return porting.FieldErrorf("not_portable_numbers", "%s is not a number of this order", n)
		}
		named[n] = true
	}
	if len(notPortable) >= len(o.PhoneNumbers) {
		return porting.FieldErrorf("not_portable_numbers", "no number would be left to port; use mark_not_portable")
	}
	for i := range o.PhoneNumbers {
		if named[o.PhoneNumbers[i].PhoneNumber] {
			o.PhoneNumbers[i].Status = porting.NumberNotPortable
		} else {
			o.PhoneNumbers[i].Status = porting.NumberPortable
		}
	}
	return nil
}

func (s *Orders) recordRejection(ctx context.Context, tx messageTx, p porting.Principal, o *porting.PortOrder, in ActionInput) error {
	reasons := slices.Clone(in.Rejections)
	if len(reasons) == 0 {
		if !slices.Contains(porting.ExceptionCodes, in.ExceptionCode) {
			return porting.FieldErrorf("exception_code", "use one of the carrier codes, e.g. ENTITY_NAME_MISMATCH or OTHER; %q is not one", in.ExceptionCode)
		}
		reasons = []porting.CarrierRejection{{Code: in.ExceptionCode}}
	}
	if err := checkRejections(reasons); err != nil {
		return err
	}
	for i, r := range reasons {
		if r.Field == "" {
			reasons[i].Field = r.ExceptionField()
		}
	}
	o.Exception = &porting.Exception{Code: reasons[0].Code, Message: strings.TrimSpace(in.Message), At: s.clock.Now(), Rejections: reasons}
	s.takeCarrierValues(o, reasons)
	return s.requests.notifyCustomer(ctx, tx, p, o, messages.ThreadRejected,
		messages.Data{ExceptionCode: reasons[0].Code, ExceptionMessage: o.Exception.Message, Rejections: reasons})
}

// takeCarrierValues writes the values the carrier says its record holds
// into the order's CSR, so the LOA is compared with them field by field
// and the customer sees exactly what to change.
func (s *Orders) takeCarrierValues(o *porting.PortOrder, reasons []porting.CarrierRejection) {
	for _, r := range reasons {
		if r.CarrierValue == "" {
			continue
		}
		if o.CSR == nil {
			return // the exception's findings show the carrier's values
		}
		switch r.Field {
		case "loa.entity_name":
			o.CSR.AccountName = r.CarrierValue
		case "loa.authorized_person.name":
			o.CSR.AuthorizedContact = r.CarrierValue
		case "loa.account_number":
			o.CSR.AccountNumber = r.CarrierValue
		case "loa.btn":
			o.CSR.BTN = r.CarrierValue
		case "loa.service_address.postal_code":
			o.CSR.ServiceAddress.PostalCode = r.CarrierValue
		default:
			continue
		}
		o.CSR.Source, o.CSR.RecordedAt = "carrier", s.clock.Now()
	}
}

// recordFOC records the carrier's firm order commitment after the same
// port-date rules as every other path. An order that names no instance yet
// cannot have its numbers loaded: the customer is told by when to choose one.
func (s *Orders) recordFOC(ctx context.Context, tx messageTx, p porting.Principal, o *porting.PortOrder, in ActionInput) error {
	if in.FOCAt == nil {
		return porting.FieldErrorf("foc_at", "name the port date the carrier confirmed")
	}
	override, err := s.checkPortDate(p, o, *in.FOCAt, "foc_at", portDateConfirmed, in.OverrideReason)
	if err != nil {
		return err
	}
	foc := in.FOCAt.UTC()
	o.FOCAt, o.Exception, o.FOCOverride = &foc, nil, override
	if o.InstanceID != "" {
		return nil
	}
	load := calendar.Plan(o.Country, foc, s.settings.Plan).LoadNumbersAt
	return s.requests.notifyCustomer(ctx, tx, p, o, messages.ThreadFOCWithoutInstance, messages.Data{FOCAt: &foc, LoadBy: &load})
}

// reschedule asks the carrier for a new date. It needs the configured
// business days' notice before the current FOC, in the order's country.
func (s *Orders) reschedule(ctx context.Context, tx inventoryTx, p porting.Principal, o *porting.PortOrder, in ActionInput) error {
	now := s.clock.Now()
	newAt := in.FOCAt
	if newAt == nil {
		return porting.FieldErrorf("foc_at", "name the new requested port date, in the future")
	}
	need := s.settings.rescheduleNotice()
	shortNotice := o.FOCAt != nil && calendar.BusinessDaysBetween(o.Country, now, *o.FOCAt) < need
	staffOverride := p.Role.Staff() && strings.TrimSpace(in.OverrideReason) != ""
	if shortNotice && !staffOverride {
		loc := country.CivilZone(o.Country) // business days are counted in civil time
		latest := calendar.AddCountryBusinessDays(o.Country, *o.FOCAt, -need)
		e := porting.Errorf(porting.ECONFLICT, "a reschedule needs %d business days' notice before the port date %s (holidays excluded); the last day for it was %s. The order keeps its agreed date; if that date cannot work, the porting team can still ask the carrier for another one (a reschedule with an override_reason).",
			need, o.FOCAt.In(loc).Format(time.RFC3339), latest.In(loc).Format("2006-01-02"))
		if next, err := s.nextWindows(ctx, o, now, 3); err == nil {
			e.Next = next
			if len(next) > 0 {
				e.Message += " The earliest date the carrier could be asked for is " + next[0].Day + "."
			}
		}
		return e
	}
	override, err := s.checkPortDate(p, o, *newAt, "foc_at", portDateRequested, in.OverrideReason)
	if err != nil {
		return s.offerLaterWindows(ctx, o, *newAt, err)
	}
	if shortNotice && override == nil {
		override = &porting.FOCOverride{Reason: strings.TrimSpace(in.OverrideReason), Rule: porting.ReasonRescheduleNotice,
			Message: fmt.Sprintf("rescheduled with less than %d business days' notice", need), By: p.KeyID, At: now}
	}
	wasLoaded := o.Status == porting.StateNumbersLoaded
	at := newAt.UTC()
	o.RequestedFOCAt, o.FOCAt, o.FOCOverride = &at, nil, override
	o.SetNumberStatus(porting.NumberPortable)
	// The carrier gets the new requested date as a new submission.
	if err := tx.Enqueue(ctx, porting.NewSubmitJob(o.ID)); err != nil {
		return err
	}
	if wasLoaded {
		return s.unloadInventory(ctx, tx, porting.SystemPrincipal, o)
	}
	return nil
}

// restart creates a new order in review for the numbers of a cancelled one
// and links the two.
func (s *Orders) restart(ctx context.Context, tx orderTx, p porting.Principal, old *porting.PortOrder) (*porting.PortOrder, error) {
	if old.NextOrderID != "" {
		return nil, porting.Errorf(porting.ECONFLICT, "order %s was already restarted as %s", old.ID, old.NextOrderID)
	}
	if err := loadAllNumbers(ctx, tx, old); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	o := &porting.PortOrder{
		ID: porting.NewID("po"), PortRequestID: old.PortRequestID, AccountID: old.AccountID, InstanceID: old.InstanceID,
		Status: porting.StateReview, Country: old.Country, LosingCarrier: old.LosingCarrier,
		NumberKind: old.NumberKind, PreviousOrderID: old.ID, CreatedAt: now, UpdatedAt: now,
	}
	for _, n := range old.PhoneNumbers {
		if n.Status == porting.NumberCancelled {
			o.PhoneNumbers = append(o.PhoneNumbers, porting.OrderNumber{PhoneNumber: n.PhoneNumber, NumberType: n.NumberType, Status: porting.NumberPending})
		}
	}
	if len(o.PhoneNumbers) == 0 {
		return nil, porting.Errorf(porting.ECONFLICT, "order %s has no cancelled numbers to port again", old.ID)
	}
	if err := s.createOrder(ctx, tx, p, o); err != nil {
		return nil, err
	}
	before := old.Clone()
	old.NextOrderID = o.ID
	if err := s.saveOrder(ctx, tx, p, before, old, porting.EventOrderUpdated); err != nil {
		return nil, err
	}
	return o, nil
}

// offerLaterWindows replaces the windows a refused reschedule offers with
// the next valid ones from the date asked for on, leaving out the date the
// order already has: the customer wants to move, not to be told the
// current date or an earlier one.
func (s *Orders) offerLaterWindows(ctx context.Context, o *porting.PortOrder, asked time.Time, err error) error {
	var pe *porting.Error
	if !errors.As(err, &pe) || pe.Next == nil {
		return err
	}
	from := asked
	if now := s.clock.Now(); from.Before(now) {
		from = now
	}
	next, nerr := s.nextWindows(ctx, o, from, 4)
	if nerr != nil {
		return err
	}
	pe.Next = pe.Next[:0]
	for _, sl := range next {
		if (o.FOCAt == nil || !sl.Start.Equal(*o.FOCAt)) && len(pe.Next) < 3 {
			pe.Next = append(pe.Next, sl)
		}
	}
	return err
}
