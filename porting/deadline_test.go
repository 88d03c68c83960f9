package porting

import (
	"reflect"
	"testing"
	"time"
)

// TestPlanChanges is the deadline plan's diff rule, table by table: what
// stays, what is cancelled, what is inserted, and that a fired deadline is
// never planned again.
func TestPlanChanges(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return time.Date(2027, 3, 2, h, 0, 0, 0, time.UTC) }
	row := func(id int64, k DeadlineKind, h int, st DeadlineState) *Deadline {
		return &Deadline{ID: id, Kind: k, DueAt: at(h), State: st}
	}
	entry := func(k DeadlineKind, h int) Deadline { return Deadline{Kind: k, DueAt: at(h)} }
	for _, tc := range []struct {
		name       string
		existing   []*Deadline
		plan       []Deadline
		wantAdd    []Deadline
		wantCancel []int64
	}{
		{"nothing yet", nil, []Deadline{entry(DeadlineRespondBy, 3)}, []Deadline{entry(DeadlineRespondBy, 3)}, nil},
		{"same plan", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlinePending)}, []Deadline{entry(DeadlineRespondBy, 3)}, nil, nil},
		{"nanoseconds and zones match", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlinePending)},
			[]Deadline{{Kind: DeadlineRespondBy, DueAt: at(3).In(time.FixedZone("JST", 9*3600)).Add(500 * time.Nanosecond)}}, nil, nil},
		{"moved", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlinePending)}, []Deadline{entry(DeadlineRespondBy, 5)},
			[]Deadline{entry(DeadlineRespondBy, 5)}, []int64{1}},
		{"another kind at the same time", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlinePending)}, []Deadline{entry(DeadlineLOAExpiry, 3)},
			[]Deadline{entry(DeadlineLOAExpiry, 3)}, []int64{1}},
		{"fired is not planned again", []*Deadline{row(1, DeadlineRespondReminder, 1, DeadlineFired)}, []Deadline{entry(DeadlineRespondReminder, 1)}, nil, nil},
		{"cancelled is planned again", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlineCancelled)}, []Deadline{entry(DeadlineRespondBy, 3)},
			[]Deadline{entry(DeadlineRespondBy, 3)}, nil},
		{"a pending row stays beside a fired one", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlineFired), row(2, DeadlineRespondBy, 3, DeadlinePending)},
			[]Deadline{entry(DeadlineRespondBy, 3)}, nil, nil},
		{"duplicate entries are one", nil, []Deadline{entry(DeadlineRespondBy, 3), entry(DeadlineRespondBy, 3)}, []Deadline{entry(DeadlineRespondBy, 3)}, nil},
		{"duplicate pending rows: the oldest stays", []*Deadline{row(1, DeadlineRespondBy, 3, DeadlinePending), row(2, DeadlineRespondBy, 3, DeadlinePending)},
			[]Deadline{entry(DeadlineRespondBy, 3)}, nil, []int64{2}},
		{"empty plan cancels what is pending only", []*Deadline{row(1, DeadlineRespondReminder, 1, DeadlineFired), row(2, DeadlineRespondBy, 3, DeadlinePending),
			row(3, DeadlineLOAExpiry, 4, DeadlineCancelled)}, nil, nil, []int64{2}},
	} {
		add, cancel := PlanChanges(tc.existing, tc.plan)
		if !reflect.DeepEqual(add, tc.wantAdd) || !reflect.DeepEqual(cancel, tc.wantCancel) {
			t.Errorf("%s: PlanChanges = add %+v, cancel %v; want add %+v, cancel %v", tc.name, add, cancel, tc.wantAdd, tc.wantCancel)
		}
	}
}
