package porting

import "slices"

// State is the status of a port order. The database stores the text and
// checks it against this list.
type State string

// Port order states, in the order a port normally walks through them.
const (
	StateReview               State = "review"
	StateAwaitingLOA          State = "awaiting_loa"
	StateLOAReview            State = "loa_review"
	StateSubmitted            State = "submitted"
	StateException            State = "exception"
	StateFOCConfirmed         State = "foc_confirmed"
	StateNumbersLoaded        State = "numbers_loaded"
	StatePorting              State = "porting"
	StatePorted               State = "ported"
	StateAwaitingVerification State = "awaiting_verification"
	StateCompleted            State = "completed"
	StateNotPortable          State = "not_portable"
	StateCancelled            State = "cancelled"
)

// States lists every port order state.
var States = []State{
	StateReview, StateAwaitingLOA, StateLOAReview, StateSubmitted, StateException,
	StateFOCConfirmed, StateNumbersLoaded, StatePorting, StatePorted,
	StateAwaitingVerification, StateCompleted, StateNotPortable, StateCancelled,
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Terminal reports whether no further action leads anywhere but a restart.
func (s State) Terminal() bool {
	return s == StateCompleted || s == StateNotPortable || s == StateCancelled
}

// Active reports whether an order in this state holds its numbers: a number
// can be on only one active order at a time.
func (s State) Active() bool { return !s.Terminal() }

// WaitingOn tells whose move it is in state s: the customer, the porting
// team, the carrier, or nobody.
func (s State) WaitingOn() Party {
	switch s {
	case StateAwaitingLOA, StateException, StateNumbersLoaded, StateAwaitingVerification:
		return PartyCustomer
	case StateReview, StateLOAReview, StatePorted:
		return PartyTeam
	case StateSubmitted, StateFOCConfirmed, StatePorting:
		return PartyCarrier
	default:
		return PartyNone
	}
}

// LOAEditableBy reports whether role may change the LOA data (and, for a
// customer, the CSR) in state s: the customer while the LOA is theirs to
// fix, staff until it is submitted.
func (s State) LOAEditableBy(role Role) bool {
	switch s {
	case StateAwaitingLOA, StateException:
		return true
	case StateReview, StateLOAReview:
		return role.Staff()
	}
	return false
}

// BeforeSubmission reports whether the order has not been submitted to the
// carrier yet (or came back from it with an exception): the LOA, the CSR
// and the requested port date may still change.
func (s State) BeforeSubmission() bool {
	switch s {
	case StateReview, StateAwaitingLOA, StateLOAReview, StateException:
		return true
	}
	return false
}

// FOCAgreed reports whether the carrier has confirmed a port date that the
// order is working towards or went through.
func (s State) FOCAgreed() bool {
	switch s {
	case StateFOCConfirmed, StateNumbersLoaded, StatePorting, StatePorted,
		StateAwaitingVerification, StateCompleted:
		return true
	}
	return false
}

// BeforeLoading reports whether the numbers are not loaded into the
// instance yet, so the instance may still change.
func (s State) BeforeLoading() bool {
	switch s {
	case StateReview, StateAwaitingLOA, StateLOAReview, StateSubmitted,
		StateException, StateFOCConfirmed:
		return true
	}
	return false
}

// AtCarrier reports whether the carrier holds a live submission of the
// order that a cancel must withdraw.
func (s State) AtCarrier() bool {
	switch s {
	case StateSubmitted, StateFOCConfirmed, StateNumbersLoaded:
		return true
	}
	return false
}

// Deadlines lists the deadline kinds that run while an order is in state
// s; a deadline of another kind means nothing in s. Whether one is planned
// also depends on the order's dates (respond_by, the LOA date, the FOC).
func (s State) Deadlines() []DeadlineKind {
	switch s {
	case StateAwaitingLOA, StateException:
		return []DeadlineKind{DeadlineRespondReminder, DeadlineRespondBy, DeadlineLOAExpiry}
	case StateLOAReview:
		return []DeadlineKind{DeadlineLOAExpiry}
	case StateFOCConfirmed:
		return []DeadlineKind{DeadlineQuotaRequestsDue, DeadlineLoadNumbers, DeadlinePortWindowOpens, DeadlineChecklistReminder}
	case StateNumbersLoaded:
		return []DeadlineKind{DeadlineQuotaRequestsDue, DeadlinePortWindowOpens, DeadlineChecklistReminder}
	case StateAwaitingVerification:
		// Reminders to verify, then completion with a note.
		return []DeadlineKind{DeadlineRespondReminder, DeadlineRespondBy}
	}
	return nil
}

// Party is who an order waits on.
type Party string

// Parties an order can wait on.
const (
	PartyCustomer Party = "customer"
	PartyTeam     Party = "team"
	PartyCarrier  Party = "carrier"
	PartyNone     Party = "none"
)

// Parties lists every party an order can wait on.
var Parties = []Party{PartyCustomer, PartyTeam, PartyCarrier, PartyNone}

// Action is a named transition of a port order.
type Action string

// Port order actions; the transition table below gives their states and roles.
const (
	ActionApprove         Action = "approve"
	ActionMarkNotPortable Action = "mark_not_portable"
	ActionSubmitLOA       Action = "submit_loa"
	ActionReturnLOA       Action = "return_loa"
	ActionApproveLOA      Action = "approve_loa"
	ActionRecordRejection Action = "record_rejection"
	ActionResubmit        Action = "resubmit"
	ActionRecordFOC       Action = "record_foc"
	ActionReschedule      Action = "reschedule"
	ActionLoadNumbers     Action = "load_numbers"
	ActionStartPort       Action = "start_port"
	ActionRecordPorted    Action = "record_ported"
	ActionPassTesting     Action = "pass_testing"
	ActionVerify          Action = "verify"
	ActionCancel          Action = "cancel"
	ActionRestart         Action = "restart"
)

// Transition is one row of the transition table: the states an action may
// start from, the state it leads to, and the roles that may take it.
type Transition struct {
	Action Action
	From   []State
	To     State
	Roles  []Role
}

var (
	staff         = []Role{RoleAdmin, RoleSpecialist}
	staffCustomer = []Role{RoleAdmin, RoleSpecialist, RoleCustomer}
	staffSystem   = []Role{RoleAdmin, RoleSpecialist, RoleSystem}
	staffCarrier  = []Role{RoleAdmin, RoleSpecialist, RoleCarrier}
	everyone      = []Role{RoleAdmin, RoleSpecialist, RoleCustomer, RoleSystem}
	cancellable   = []State{StateReview, StateAwaitingLOA, StateLOAReview, StateSubmitted,
		StateException, StateFOCConfirmed, StateNumbersLoaded}
)

// Transitions is the port order transition table. The restart action leaves
// the cancelled order as it is and creates a new order in review linked to it.
var Transitions = []Transition{
	{ActionApprove, []State{StateReview}, StateAwaitingLOA, staff},
	{ActionMarkNotPortable, []State{StateReview}, StateNotPortable, staff},
	{ActionSubmitLOA, []State{StateAwaitingLOA}, StateLOAReview, staffCustomer},
	{ActionReturnLOA, []State{StateLOAReview}, StateAwaitingLOA, staff},
	{ActionApproveLOA, []State{StateLOAReview}, StateSubmitted, staff},
	{ActionRecordRejection, []State{StateSubmitted}, StateException, staffCarrier},
	{ActionResubmit, []State{StateException}, StateLOAReview, staffCustomer},
	{ActionRecordFOC, []State{StateSubmitted}, StateFOCConfirmed, staffCarrier},
	{ActionReschedule, []State{StateFOCConfirmed, StateNumbersLoaded}, StateSubmitted, staffCustomer},
	{ActionLoadNumbers, []State{StateFOCConfirmed}, StateNumbersLoaded, staffSystem},
	{ActionStartPort, []State{StateNumbersLoaded}, StatePorting, staffSystem},
	{ActionRecordPorted, []State{StatePorting}, StatePorted, staffCarrier},
	{ActionPassTesting, []State{StatePorted}, StateAwaitingVerification, staff},
	{ActionVerify, []State{StateAwaitingVerification}, StateCompleted, everyone},
	{ActionCancel, cancellable, StateCancelled, everyone},
	{ActionRestart, []State{StateCancelled}, StateReview, staffCustomer},
}

// Actions lists every action name.
func Actions() []Action {
	out := make([]Action, len(Transitions))
	for i, t := range Transitions {
		out[i] = t.Action
	}
	return out
}

// LookupTransition returns the row of action a, or false for an unknown action.
func LookupTransition(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// AllowedActions lists the actions role may take on an order in state s, in
// table order.
func AllowedActions(s State, role Role) []Action {
	var out []Action
	for _, t := range Transitions {
		if slices.Contains(t.From, s) && slices.Contains(t.Roles, role) {
			out = append(out, t.Action)
		}
	}
	return out
}

// Apply checks that role may take action a on an order in state s and
// returns the state it leads to. An unknown action is EINVALID, a role not
// allowed the action at all is EFORBIDDEN, and an action not allowed from s
// is ECONFLICT carrying the actions allowed now.
func Apply(s State, a Action, role Role) (State, error) {
	t, ok := LookupTransition(a)
	if !ok {
		return "", &Error{Code: EINVALID, Field: "action", Message: "unknown action " + string(a)}
	}
	if !slices.Contains(t.Roles, role) {
		return "", Errorf(EFORBIDDEN, "role %s may not %s", role, a)
	}
	if !slices.Contains(t.From, s) {
		allowed := AllowedActions(s, role)
		if allowed == nil {
			allowed = []Action{} // present but empty: nothing is allowed now
		}
		return "", &Error{
			Code:    ECONFLICT,
			Message: "cannot " + string(a) + " an order in state " + string(s),
			Allowed: allowed,
		}
	}
	return t.To, nil
}
