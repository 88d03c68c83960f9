package porting

import (
	"slices"
	"strings"
	"testing"
)

// wantTable is the transition table of DESIGN.md written out independently
// of Transitions: "action: from,from -> to | roles".
const wantTable = `
approve: review -> awaiting_loa | admin,specialist
mark_not_portable: review -> not_portable | admin,specialist
submit_loa: awaiting_loa -> loa_review | admin,specialist,customer
return_loa: loa_review -> awaiting_loa | admin,specialist
approve_loa: loa_review -> submitted | admin,specialist
record_rejection: submitted -> exception | admin,specialist,carrier
resubmit: exception -> loa_review | admin,specialist,customer
record_foc: submitted -> foc_confirmed | admin,specialist,carrier
reschedule: foc_confirmed,numbers_loaded -> submitted | admin,specialist,customer
load_numbers: foc_confirmed -> numbers_loaded | admin,specialist,system
start_port: numbers_loaded -> porting | admin,specialist,system
record_ported: porting -> ported | admin,specialist,carrier
pass_testing: ported -> awaiting_verification | admin,specialist
verify: awaiting_verification -> completed | admin,specialist,customer,system
cancel: review,awaiting_loa,loa_review,submitted,exception,foc_confirmed,numbers_loaded -> cancelled | admin,specialist,customer,system
restart: cancelled -> review | admin,specialist,customer
`

type wantRow struct {
	from  []State
	to    State
	roles []Role
}

func parseWantTable(t *testing.T) map[Action]wantRow {
	t.Helper()
	rows := map[Action]wantRow{}
	for _, line := range strings.Split(strings.TrimSpace(wantTable), "\n") {
		name, rest, _ := strings.Cut(line, ": ")
		states, roles, _ := strings.Cut(rest, " | ")
		from, to, _ := strings.Cut(states, " -> ")
		var r wantRow
		for _, s := range strings.Split(from, ",") {
			r.from = append(r.from, State(s))
		}
		r.to = State(to)
		for _, s := range strings.Split(roles, ",") {
			r.roles = append(r.roles, Role(s))
		}
		rows[Action(name)] = r
	}
	return rows
}

// TestApplyEveryTriple checks every (state, action, role) triple against
// the written-out table: allowed ones lead to the right state, a role that
// may never take the action is forbidden, and a wrong state is a conflict
// naming the actions allowed now.
func TestApplyEveryTriple(t *testing.T) {
	want := parseWantTable(t)
	if len(want) != len(Transitions) {
		t.Fatalf("table has %d actions, Transitions %d", len(want), len(Transitions))
	}
	roles := []Role{RoleAdmin, RoleSpecialist, RoleCustomer, RoleSystem, RoleCarrier}
	allowedNow := func(s State, r Role) []Action {
		var out []Action
		for _, a := range Actions() {
			if w := want[a]; slices.Contains(w.from, s) && slices.Contains(w.roles, r) {
				out = append(out, a)
			}
		}
		return out
	}
	n := 0
	for _, s := range States {
		for _, a := range Actions() {
			for _, r := range roles {
				n++
				w := want[a]
				got, err := Apply(s, a, r)
				switch {
				case !slices.Contains(w.roles, r):
					if ErrorCode(err) != EFORBIDDEN {
						t.Errorf("Apply(%s, %s, %s) = %q, %v; want forbidden", s, a, r, got, err)
					}
				case !slices.Contains(w.from, s):
					var e *Error
					if ErrorCode(err) != ECONFLICT || !asError(err, &e) {
						t.Errorf("Apply(%s, %s, %s) = %q, %v; want conflict", s, a, r, got, err)
						continue
					}
					if wantAllowed := allowedNow(s, r); !slices.Equal(e.Allowed, wantAllowed) && !(len(e.Allowed) == 0 && len(wantAllowed) == 0) {
						t.Errorf("Apply(%s, %s, %s) allowed = %v, want %v", s, a, r, e.Allowed, wantAllowed)
					}
				default:
					if err != nil || got != w.to {
						t.Errorf("Apply(%s, %s, %s) = %q, %v; want %s", s, a, r, got, err, w.to)
					}
				}
			}
		}
	}
	if want := len(States) * len(Transitions) * len(roles); n != want {
		t.Fatalf("checked %d triples, want %d", n, want)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestApplyUnknownAction(t *testing.T) {
	if _, err := Apply(StateReview, "fly", RoleAdmin); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown action: got %v, want invalid", err)
	}
}

func TestWaitingOn(t *testing.T) {
	tests := map[State]Party{
		StateReview: PartyTeam, StateAwaitingLOA: PartyCustomer, StateSubmitted: PartyCarrier,
		StateException: PartyCustomer, StateCompleted: PartyNone, StateCancelled: PartyNone,
	}
	for s, want := range tests {
		if got := s.WaitingOn(); got != want {
			t.Errorf("%s.WaitingOn() = %s, want %s", s, got, want)
		}
	}
}

func TestEveryStateReachable(t *testing.T) {
	reached := map[State]bool{StateReview: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range Transitions {
			for _, f := range tr.From {
				if reached[f] && !reached[tr.To] {
					reached[tr.To], changed = true, true
				}
			}
		}
	}
	for _, s := range States {
		if !reached[s] {
			t.Errorf("state %s cannot be reached from review", s)
		}
	}
}

// wantPredicates answers the state questions of DESIGN.md for every state,
// written out independently of state.go: "state | loa editable by | before
// submission, FOC agreed, before loading, at carrier | deadline kinds".
const wantPredicates = `
review                | admin,specialist                         | yes no  yes no  | -
awaiting_loa          | admin,specialist,customer,system,carrier | yes no  yes no  | respond_reminder,respond_by,loa_expiry
loa_review            | admin,specialist                         | yes no  yes no  | loa_expiry
submitted             | -                                        | no  no  yes yes | -
exception             | admin,specialist,customer,system,carrier | yes no  yes no  | respond_reminder,respond_by,loa_expiry
foc_confirmed         | -                                        | no  yes yes yes | quota_requests_due,load_numbers,port_window_opens,checklist_reminder
numbers_loaded        | -                                        | no  yes no  yes | quota_requests_due,port_window_opens,checklist_reminder
porting               | -                                        | no  yes no  no  | -
ported                | -                                        | no  yes no  no  | -
awaiting_verification | -                                        | no  yes no  no  | respond_reminder,respond_by
completed             | -                                        | no  yes no  no  | -
not_portable          | -                                        | no  no  no  no  | -
cancelled             | -                                        | no  no  no  no  | -
`

func TestStatePredicates(t *testing.T) {
	seen := map[State]bool{}
	for _, line := range strings.Split(strings.TrimSpace(wantPredicates), "\n") {
		cols := strings.Split(line, "|")
		s := State(strings.TrimSpace(cols[0]))
		seen[s] = true
		if !s.Valid() {
			t.Fatalf("%q: not a state", s)
		}
		list := func(col string) []string {
			if col = strings.TrimSpace(col); col == "-" {
				return nil
			}
			return strings.Split(col, ",")
		}
		editors := list(cols[1])
		for _, r := range []Role{RoleAdmin, RoleSpecialist, RoleCustomer, RoleSystem, RoleCarrier} {
			if got, want := s.LOAEditableBy(r), slices.Contains(editors, string(r)); got != want {
				t.Errorf("%s.LOAEditableBy(%s) = %t, want %t", s, r, got, want)
			}
		}
		flags := strings.Fields(cols[2])
		for i, c := range []struct {
			name string
			got  bool
		}{
			{"BeforeSubmission", s.BeforeSubmission()},
			{"FOCAgreed", s.FOCAgreed()},
			{"BeforeLoading", s.BeforeLoading()},
			{"AtCarrier", s.AtCarrier()},
		} {
			if want := flags[i] == "yes"; c.got != want {
				t.Errorf("%s.%s() = %t, want %t", s, c.name, c.got, want)
			}
		}
		var got []string
		for _, k := range s.Deadlines() {
			got = append(got, string(k))
		}
		if want := list(cols[3]); !slices.Equal(got, want) {
			t.Errorf("%s.Deadlines() = %v, want %v", s, got, want)
		}
	}
	for _, s := range States {
		if !seen[s] {
			t.Errorf("state %s missing from wantPredicates", s)
		}
	}
}
