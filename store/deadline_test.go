package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// hours returns the test epoch plus h hours.
func hours(h int) time.Time { return storetest.Epoch.Add(time.Duration(h) * time.Hour) }

// replaceDeadlines makes an order's deadlines those of plan the way the
// workflow does: hold the order's row, read, diff (porting.PlanChanges),
// then insert and cancel by ID.
func replaceDeadlines(t *testing.T, db porting.Store, orderID string, plan []porting.Deadline) []*porting.Deadline {
	t.Helper()
	var out []*porting.Deadline
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		var err error
		out, err = replaceIn(ctx, tx, orderID, plan)
		return err
	})
	return out
}

func replaceIn(ctx context.Context, tx porting.Tx, orderID string, plan []porting.Deadline) ([]*porting.Deadline, error) {
	existing, err := tx.ChangeDeadlines(ctx, orderID, nil, nil) // locks the order's row
	if err != nil {
		return nil, err
	}
	add, cancel := porting.PlanChanges(existing, plan)
	return tx.ChangeDeadlines(ctx, orderID, add, cancel)
}

func findDeadlines(t *testing.T, db porting.Store, orderID string) []*porting.Deadline {
	t.Helper()
	var out []*porting.Deadline
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		out, err = tx.FindDeadlines(ctx, orderID)
		return err
	})
	return out
}

func findDueDeadlines(t *testing.T, db porting.Store, now time.Time, limit int) []*porting.Deadline {
	t.Helper()
	var out []*porting.Deadline
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		out, err = tx.FindDueDeadlines(ctx, now, limit)
		return err
	})
	return out
}

func fireDeadline(t *testing.T, db porting.Store, id int64, now time.Time) bool {
	t.Helper()
	var ok bool
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		ok, err = tx.FireDeadline(ctx, id, now)
		return err
	})
	return ok
}

// deadlineRow is what the diff tests compare: which row, what, when (in
// hours after the epoch) and in what state.
type deadlineRow struct {
	ID    int64
	Kind  porting.DeadlineKind
	Due   int
	State porting.DeadlineState
}

func deadlineRows(ds []*porting.Deadline) []deadlineRow {
	out := []deadlineRow{}
	for _, d := range ds {
		out = append(out, deadlineRow{d.ID, d.Kind, int(d.DueAt.Sub(storetest.Epoch) / time.Hour), d.State})
	}
	return out
}

func deadlineIDs(ds []*porting.Deadline) []int64 {
	ids := []int64{}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

const (
	kindReminder  = porting.DeadlineRespondReminder
	kindRespondBy = porting.DeadlineRespondBy
	kindLOAExpiry = porting.DeadlineLOAExpiry
)

// testChangeDeadlines walks an order's plan through its changes, diffed by
// porting.PlanChanges and applied by ChangeDeadlines: pending rows that
// still match stay, the others are cancelled, new entries are inserted,
// fired and cancelled rows are history that never changes.
func testChangeDeadlines(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	other := storetest.MustCreatePortOrder(t, db, nil)
	otherDeadlines := replaceDeadlines(t, db, other.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(3)}})

	plan := []porting.Deadline{
		{Kind: kindReminder, DueAt: hours(1)},
		{Kind: kindReminder, DueAt: hours(2)},
		{PortOrderID: o.ID, AccountID: o.AccountID, Kind: kindRespondBy, DueAt: hours(3)},
	}
	got := replaceDeadlines(t, db, o.ID, plan)
	if len(got) != 3 {
		t.Fatalf("after the first plan: %+v", deadlineRows(got))
	}
	for i, d := range got {
		if d.ID == 0 || d.State != porting.DeadlinePending || d.PortOrderID != o.ID || d.AccountID != o.AccountID ||
			d.CreatedAt != storetest.Epoch || d.FiredAt != nil || d.Kind != plan[i].Kind || !d.DueAt.Equal(plan[i].DueAt) {
			t.Errorf("deadline %d = %+v, want plan[%d] as a pending row", i, d, i)
		}
	}
	if stored := findDeadlines(t, db, o.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("FindDeadlines =\n%+v\nwant what ChangeDeadlines returned\n%+v", stored, got)
	}
	rem1, rem2, rb3 := got[0].ID, got[1].ID, got[2].ID

	// The same plan again, in another order, zone and with nanoseconds,
	// changes nothing.
	tokyo := time.FixedZone("JST", 9*60*60)
	again := []porting.Deadline{
		{Kind: kindRespondBy, DueAt: hours(3).In(tokyo).Add(500 * time.Nanosecond)},
		{Kind: kindReminder, DueAt: hours(2).In(tokyo)},
		{Kind: kindReminder, DueAt: hours(1)},
	}
	if got2 := replaceDeadlines(t, db, o.ID, again); !reflect.DeepEqual(got2, got) {
		t.Errorf("same plan again =\n%+v\nwant\n%+v", got2, got)
	}

	// The first reminder fires; then respond_by moves and an LOA expiry
	// appears. The fired reminder is still in the plan: it stays fired and
	// is not inserted again.
	if !fireDeadline(t, db, rem1, hours(1)) {
		t.Fatal("FireDeadline(first reminder) = false")
	}
	got3 := replaceDeadlines(t, db, o.ID, []porting.Deadline{
		{Kind: kindReminder, DueAt: hours(1)},
		{Kind: kindRespondBy, DueAt: hours(5)},
		{Kind: kindLOAExpiry, DueAt: hours(4)},
	})
	if len(got3) != 5 {
		t.Fatalf("after moving respond_by: %+v", deadlineRows(got3))
	}
	loa4, rb5 := got3[3].ID, got3[4].ID
	want := []deadlineRow{
		{rem1, kindReminder, 1, porting.DeadlineFired},
		{rem2, kindReminder, 2, porting.DeadlineCancelled},
		{rb3, kindRespondBy, 3, porting.DeadlineCancelled},
		{loa4, kindLOAExpiry, 4, porting.DeadlinePending},
		{rb5, kindRespondBy, 5, porting.DeadlinePending},
	}
	if got := deadlineRows(got3); !reflect.DeepEqual(got, want) {
		t.Errorf("after moving respond_by:\n%+v\nwant\n%+v", got, want)
	}
	if d := got3[0]; d.FiredAt == nil || *d.FiredAt != hours(1) {
		t.Errorf("the fired reminder = %+v, want fired at hour 1", d)
	}

	// Back to respond_by at 3, listed twice: the cancelled row stays
	// cancelled and one new row is inserted; the others are cancelled.
	got4 := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(3)}, {Kind: kindRespondBy, DueAt: hours(3)}})
	if len(got4) != 6 {
		t.Fatalf("after moving respond_by back: %+v", deadlineRows(got4))
	}
	rb3again := got4[3].ID
	want = []deadlineRow{
		{rem1, kindReminder, 1, porting.DeadlineFired},
		{rem2, kindReminder, 2, porting.DeadlineCancelled},
		{rb3, kindRespondBy, 3, porting.DeadlineCancelled},
		{rb3again, kindRespondBy, 3, porting.DeadlinePending},
		{loa4, kindLOAExpiry, 4, porting.DeadlineCancelled},
		{rb5, kindRespondBy, 5, porting.DeadlineCancelled},
	}
	if got := deadlineRows(got4); rb3again <= rb5 || !reflect.DeepEqual(got, want) {
		t.Errorf("after moving respond_by back:\n%+v\nwant\n%+v", got, want)
	}
	if !reflect.DeepEqual(got4[0], got3[0]) {
		t.Errorf("fired row changed:\n%+v\nwas\n%+v", got4[0], got3[0])
	}

	// An empty plan cancels what is pending; fired rows stay.
	got5 := replaceDeadlines(t, db, o.ID, nil)
	want[3].State = porting.DeadlineCancelled
	if got := deadlineRows(got5); !reflect.DeepEqual(got, want) {
		t.Errorf("after an empty plan:\n%+v\nwant\n%+v", got, want)
	}

	// Refused changes change nothing; cancelling another order's row or a
	// fired one does nothing.
	tests := []struct {
		name  string
		order string
		add   []porting.Deadline
		want  string
	}{
		{"unknown order", "po_nope", nil, porting.ENOTFOUND},
		{"unknown kind", o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(7)}, {Kind: "lunch", DueAt: hours(8)}}, porting.EINVALID},
		{"no due time", o.ID, []porting.Deadline{{Kind: kindRespondBy}}, porting.EINVALID},
		{"another order", o.ID, []porting.Deadline{{PortOrderID: other.ID, Kind: kindRespondBy, DueAt: hours(7)}}, porting.EINVALID},
		{"another account", o.ID, []porting.Deadline{{AccountID: other.AccountID, Kind: kindRespondBy, DueAt: hours(7)}}, porting.EINVALID},
	}
	for _, tc := range tests {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
			_, err := tx.ChangeDeadlines(ctx, tc.order, tc.add, nil)
			return err
		})
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.ChangeDeadlines(ctx, o.ID, nil, []int64{otherDeadlines[0].ID, rem1})
		return err
	})
	if got := findDeadlines(t, db, o.ID); !reflect.DeepEqual(got, got5) {
		t.Errorf("refused changes changed the deadlines:\n%+v\nwant\n%+v", deadlineRows(got), deadlineRows(got5))
	}
	if got := findDeadlines(t, db, other.ID); !reflect.DeepEqual(got, otherDeadlines) {
		t.Errorf("the other order's deadlines changed:\n%+v\nwant\n%+v", got, otherDeadlines)
	}
	if got := findDeadlines(t, db, "po_nope"); got == nil || len(got) != 0 {
		t.Errorf("FindDeadlines of an unknown order = %#v, want []", got)
	}
}

// testDeadlineKinds stores a deadline of every kind: the CHECK constraint
// accepts the whole vocabulary.
func testDeadlineKinds(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	var plan []porting.Deadline
	for i, k := range porting.DeadlineKinds {
		plan = append(plan, porting.Deadline{Kind: k, DueAt: hours(i + 1)})
	}
	got := replaceDeadlines(t, db, o.ID, plan)
	if len(got) != len(porting.DeadlineKinds) {
		t.Fatalf("%d deadlines stored, want %d", len(got), len(porting.DeadlineKinds))
	}
	for i, d := range got {
		if d.Kind != porting.DeadlineKinds[i] || d.State != porting.DeadlinePending {
			t.Errorf("deadline %d = %s %s, want %s pending", i, d.Kind, d.State, porting.DeadlineKinds[i])
		}
	}
}

// testFindDueDeadlines lists pending deadlines due by a time across
// orders, oldest first with ties broken by ID, skipping fired, cancelled
// and later ones.
func testFindDueDeadlines(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o1 := storetest.MustCreatePortOrder(t, db, nil)
	o2 := storetest.MustCreatePortOrder(t, db, nil)
	d1 := replaceDeadlines(t, db, o1.ID, []porting.Deadline{
		{Kind: kindReminder, DueAt: hours(1)}, {Kind: kindRespondBy, DueAt: hours(3)}, {Kind: kindLOAExpiry, DueAt: hours(2)}})
	d2 := replaceDeadlines(t, db, o2.ID, []porting.Deadline{
		{Kind: porting.DeadlineLoadNumbers, DueAt: hours(3)}, {Kind: kindReminder, DueAt: hours(1)},
		{Kind: porting.DeadlineQuotaRequestsDue, DueAt: hours(2)}, {Kind: porting.DeadlinePortWindowOpens, DueAt: hours(6)}})
	// d1: reminder 1, loa 2, respond_by 3; d2: reminder 1, quota 2, load 3, window 6.
	fireDeadline(t, db, d2[1].ID, hours(2))            // quota: fired
	replaceDeadlines(t, db, o1.ID, []porting.Deadline{ // loa: cancelled
		{Kind: kindReminder, DueAt: hours(1)}, {Kind: kindRespondBy, DueAt: hours(3)}})
	rem1, rb1, rem2, load2 := d1[0].ID, d1[2].ID, d2[0].ID, d2[2].ID
	if rem1 > rem2 || rb1 > load2 {
		t.Fatalf("IDs do not follow insert order: %d %d %d %d", rem1, rem2, rb1, load2)
	}

	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []int64
	}{
		{"due at three", hours(3), 10, []int64{rem1, rem2, rb1, load2}},
		{"limit", hours(3), 3, []int64{rem1, rem2, rb1}},
		{"default limit", hours(3), 0, []int64{rem1, rem2, rb1, load2}},
		{"just before three", hours(3).Add(-time.Microsecond), 10, []int64{rem1, rem2}},
		{"later", hours(9), 10, []int64{rem1, rem2, rb1, load2, d2[3].ID}},
		{"before all", hours(0), 10, []int64{}},
	}
	for _, tc := range tests {
		if got := deadlineIDs(findDueDeadlines(t, db, tc.now, tc.limit)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: IDs %v, want %v", tc.name, got, tc.want)
		}
	}
	due := findDueDeadlines(t, db, hours(1), 10)
	if want := []*porting.Deadline{d1[0], d2[0]}; !reflect.DeepEqual(due, want) {
		t.Errorf("FindDueDeadlines =\n%+v\nwant\n%+v", due, want)
	}
}

// testFireDeadline fires a deadline once; fired, cancelled and unknown
// ones are false without error.
func testFireDeadline(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	ds := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(1)}, {Kind: kindLOAExpiry, DueAt: hours(2)}})
	rb, loa := ds[0].ID, ds[1].ID

	firedAt := hours(1).Add(time.Minute)
	if !fireDeadline(t, db, rb, firedAt) {
		t.Error("FireDeadline of a pending deadline = false")
	}
	if fireDeadline(t, db, rb, hours(9)) {
		t.Error("FireDeadline fired a deadline twice")
	}
	if got := findDeadlines(t, db, o.ID)[0]; got.State != porting.DeadlineFired || got.FiredAt == nil || *got.FiredAt != firedAt {
		t.Errorf("fired deadline = %+v, want fired at %v", got, firedAt)
	}

	replaceDeadlines(t, db, o.ID, nil) // cancels loa
	if fireDeadline(t, db, loa, hours(3)) {
		t.Error("FireDeadline fired a cancelled deadline")
	}
	if got := findDeadlines(t, db, o.ID)[1]; got.State != porting.DeadlineCancelled || got.FiredAt != nil {
		t.Errorf("cancelled deadline after FireDeadline = %+v, want it still cancelled", got)
	}
	if fireDeadline(t, db, 987654, hours(3)) {
		t.Error("FireDeadline of an unknown deadline = true")
	}

	// A zero time is the clock's.
	w := replaceDeadlines(t, db, o.ID, []porting.Deadline{{Kind: porting.DeadlinePortWindowOpens, DueAt: hours(4)}})[2]
	if !fireDeadline(t, db, w.ID, time.Time{}) {
		t.Fatal("FireDeadline(zero time) = false")
	}
	if got := findDeadlines(t, db, o.ID)[2]; got.FiredAt == nil || *got.FiredAt != storetest.Epoch {
		t.Errorf("fired at %v, want the clock's %v", got.FiredAt, storetest.Epoch)
	}
	if got := findDueDeadlines(t, db, hours(9), 10); len(got) != 0 {
		t.Errorf("FindDueDeadlines after firing all = %v, want none", deadlineIDs(got))
	}
}
