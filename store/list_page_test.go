package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// pageAll pages through a list with find, a page of limit at a time, and
// returns the IDs of each page.
func pageAll(t *testing.T, db porting.Store, find func(ctx context.Context, tx porting.Tx, cursor string) ([]string, string, error)) [][]string {
	t.Helper()
	var pages [][]string
	cursor := ""
	for range 100 {
		var ids []string
		var next string
		view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
			ids, next, err = find(ctx, tx, cursor)
			return err
		})
		pages = append(pages, ids)
		if next == "" {
			return pages
		}
		cursor = next
	}
	t.Fatal("the list never ended")
	return nil
}

// testFindPortOrderFilters checks the filters by statuses, country and
// pending deadline and the next-deadline sort with its cursor.
func testFindPortOrderFilters(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	at := func(h int) time.Time { return storetest.Epoch.Add(time.Duration(h) * time.Hour) }
	orders := []*porting.PortOrder{
		{ID: "po_a", CreatedAt: at(1), Country: "US", Status: porting.StateAwaitingLOA},
		{ID: "po_b", CreatedAt: at(2), Country: "GB", Status: porting.StateSubmitted},
		{ID: "po_c", CreatedAt: at(3), Country: "US", Status: porting.StateException},
		{ID: "po_d", CreatedAt: at(4), Country: "DE", Status: porting.StateReview},
		{ID: "po_e", CreatedAt: at(5), Country: "US", Status: porting.StateReview},
		{ID: "po_f", CreatedAt: at(6), Country: "GB", Status: porting.StateCompleted},
	}
	for _, o := range orders {
		o.PortRequestID = r.ID
		o.PhoneNumbers = storetest.Numbers("+1555000" + o.ID[3:])
		storetest.MustCreatePortOrder(t, db, o)
	}
	// Next pending deadline: c at 10, a at 20 (its 5 fired, its 15 cancelled),
	// e at 20 (tie broken by ID), b at 30; d and f have none pending.
	replaceDeadlines(t, db, "po_a", []porting.Deadline{{Kind: kindReminder, DueAt: hours(5)}, {Kind: kindLOAExpiry, DueAt: hours(15)}, {Kind: kindRespondBy, DueAt: hours(20)}})
	da := replaceDeadlines(t, db, "po_a", []porting.Deadline{{Kind: kindReminder, DueAt: hours(5)}, {Kind: kindRespondBy, DueAt: hours(20)}})
	fireDeadline(t, db, da[0].ID, hours(5))
	replaceDeadlines(t, db, "po_b", []porting.Deadline{{Kind: porting.DeadlineLoadNumbers, DueAt: hours(30)}})
	replaceDeadlines(t, db, "po_c", []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(10)}, {Kind: kindLOAExpiry, DueAt: hours(40)}})
	replaceDeadlines(t, db, "po_e", []porting.Deadline{{Kind: kindRespondBy, DueAt: hours(20)}})
	dd := replaceDeadlines(t, db, "po_d", []porting.Deadline{{Kind: kindReminder, DueAt: hours(1)}})
	fireDeadline(t, db, dd[0].ID, hours(1))

	before := func(h int) *time.Time { v := hours(h); return &v }
	nd := porting.SortNextDeadline
	tests := []struct {
		name   string
		filter porting.PortOrderFilter
		want   [][]string
	}{
		{"statuses", porting.PortOrderFilter{Statuses: []porting.State{porting.StateAwaitingLOA, porting.StateException}}, [][]string{{"po_a", "po_c"}}},
		{"statuses and status", porting.PortOrderFilter{Status: porting.StateReview, Statuses: []porting.State{porting.StateReview, porting.StateSubmitted}, Limit: 1}, [][]string{{"po_d"}, {"po_e"}}},
		{"statuses and status disjoint", porting.PortOrderFilter{Status: porting.StateCompleted, Statuses: []porting.State{porting.StateReview}}, [][]string{nil}},
		{"country", porting.PortOrderFilter{Country: "GB"}, [][]string{{"po_b", "po_f"}}},
		{"due before 20", porting.PortOrderFilter{DueBefore: before(20)}, [][]string{{"po_c"}}},
		{"due before 20 and a bit", porting.PortOrderFilter{DueBefore: before(21), Limit: 2}, [][]string{{"po_a", "po_c"}, {"po_e"}}},
		{"fired and cancelled deadlines do not count", porting.PortOrderFilter{DueBefore: before(16), Country: "DE"}, [][]string{nil}},
		{"next deadline", porting.PortOrderFilter{Sort: nd}, [][]string{{"po_c", "po_a", "po_e", "po_b", "po_d", "po_f"}}},
		{"next deadline in pages of 2", porting.PortOrderFilter{Sort: nd, Limit: 2}, [][]string{{"po_c", "po_a"}, {"po_e", "po_b"}, {"po_d", "po_f"}}},
		{"next deadline in pages of 1", porting.PortOrderFilter{Sort: nd, Limit: 1}, [][]string{{"po_c"}, {"po_a"}, {"po_e"}, {"po_b"}, {"po_d"}, {"po_f"}}},
		{"next deadline, filtered", porting.PortOrderFilter{Sort: nd, Country: "US", Limit: 2}, [][]string{{"po_c", "po_a"}, {"po_e"}}},
		{"next deadline, due before", porting.PortOrderFilter{Sort: nd, DueBefore: before(35), Limit: 3}, [][]string{{"po_c", "po_a", "po_e"}, {"po_b"}}},
		{"created", porting.PortOrderFilter{Sort: porting.SortCreated, Limit: 4}, [][]string{{"po_a", "po_b", "po_c", "po_d"}, {"po_e", "po_f"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pageIDs(t, db, tc.filter); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("pages = %v, want %v", got, tc.want)
			}
		})
	}

	// The kept next deadline equals the minimum over pending deadlines.
	var stale int
	err := db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM port_orders WHERE next_deadline_at IS DISTINCT FROM
		(SELECT MIN(d.due_at) FROM deadlines d WHERE d.port_order_id = port_orders.id AND d.state = 'pending')`).Scan(&stale)
	if err != nil || stale != 0 {
		t.Errorf("orders whose next_deadline_at is not their earliest pending deadline: %d, %v", stale, err)
	}

	wantNext := map[string]*time.Time{"po_a": before(20), "po_b": before(30), "po_c": before(10), "po_d": nil, "po_e": before(20), "po_f": nil}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{Sort: nd, Limit: 2})
		if err != nil {
			return err
		}
		for _, o := range page.Orders {
			one, err := tx.FindPortOrder(ctx, o.ID)
			if err != nil {
				return err
			}
			for _, got := range []*time.Time{o.NextDeadlineAt, one.NextDeadlineAt} {
				if want := wantNext[o.ID]; (got == nil) != (want == nil) || got != nil && !got.Equal(*want) {
					t.Errorf("%s: NextDeadlineAt = %v, want %v", o.ID, got, want)
				}
			}
		}
		// A cursor of one sort is refused by the other.
		created, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{Limit: 2})
		if err != nil {
			return err
		}
		_, err = tx.FindPortOrders(ctx, porting.PortOrderFilter{Sort: nd, Cursor: created.NextCursor})
		wantCode(t, err, porting.EINVALID)
		_, err = tx.FindPortOrders(ctx, porting.PortOrderFilter{Cursor: page.NextCursor})
		wantCode(t, err, porting.EINVALID)
		_, err = tx.FindPortOrders(ctx, porting.PortOrderFilter{Cursor: strings.Repeat("A", porting.MaxCursorLength+1)})
		wantCode(t, err, porting.EINVALID)
		_, err = tx.FindPortOrders(ctx, porting.PortOrderFilter{Sort: "oldest"})
		wantCode(t, err, porting.EINVALID)
		return nil
	})
}

// testFindLists pages through accounts, instances and port requests, all
// and by account.
func testFindLists(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	at := func(h int) time.Time { return storetest.Epoch.Add(time.Duration(h) * time.Hour) }
	// Created out of order, with a tie on created_at broken by ID.
	a2 := storetest.MustCreateAccount(t, db, &porting.Account{ID: "acct_2", CreatedAt: at(2)})
	a1 := storetest.MustCreateAccount(t, db, &porting.Account{ID: "acct_1", CreatedAt: at(1)})
	a3 := storetest.MustCreateAccount(t, db, &porting.Account{ID: "acct_3", CreatedAt: at(2)})
	for i, acct := range []string{a1.ID, a2.ID, a1.ID, a3.ID, a1.ID} {
		id := string(rune('a' + i))
		storetest.MustCreateInstance(t, db, &porting.Instance{ID: "inst_" + id, AccountID: acct, CreatedAt: at(10 - i)})
		storetest.MustCreatePortRequest(t, db, &porting.PortRequest{ID: "req_" + id, AccountID: acct, CreatedAt: at(10 - i)})
	}
	accounts := func(f porting.AccountFilter) func(context.Context, porting.Tx, string) ([]string, string, error) {
		return func(ctx context.Context, tx porting.Tx, cursor string) ([]string, string, error) {
			f.Cursor = cursor
			p, err := tx.FindAccounts(ctx, f)
			if err != nil {
				return nil, "", err
			}
			var ids []string
			for _, a := range p.Accounts {
				ids = append(ids, a.ID)
			}
			return ids, p.NextCursor, nil
		}
	}
	instances := func(f porting.InstanceFilter) func(context.Context, porting.Tx, string) ([]string, string, error) {
		return func(ctx context.Context, tx porting.Tx, cursor string) ([]string, string, error) {
			f.Cursor = cursor
			p, err := tx.FindInstances(ctx, f)
			if err != nil {
				return nil, "", err
			}
			var ids []string
			for _, in := range p.Instances {
				ids = append(ids, in.ID)
			}
			return ids, p.NextCursor, nil
		}
	}
	requests := func(f porting.PortRequestFilter) func(context.Context, porting.Tx, string) ([]string, string, error) {
		return func(ctx context.Context, tx porting.Tx, cursor string) ([]string, string, error) {
			f.Cursor = cursor
			p, err := tx.FindPortRequests(ctx, f)
			if err != nil {
				return nil, "", err
			}
			var ids []string
			for _, r := range p.Requests {
				ids = append(ids, r.ID)
			}
			return ids, p.NextCursor, nil
		}
	}
	tests := []struct {
		name string
		find func(context.Context, porting.Tx, string) ([]string, string, error)
		want [][]string
	}{
		{"accounts", accounts(porting.AccountFilter{Limit: 2}), [][]string{{"acct_1", "acct_2"}, {"acct_3"}}},
		{"accounts, default limit", accounts(porting.AccountFilter{}), [][]string{{"acct_1", "acct_2", "acct_3"}}},
		{"instances", instances(porting.InstanceFilter{Limit: 2}), [][]string{{"inst_e", "inst_d"}, {"inst_c", "inst_b"}, {"inst_a"}}},
		{"instances of an account", instances(porting.InstanceFilter{AccountID: a1.ID, Limit: 2}), [][]string{{"inst_e", "inst_c"}, {"inst_a"}}},
		{"instances of an account with none", instances(porting.InstanceFilter{AccountID: "acct_none"}), [][]string{nil}},
		{"requests", requests(porting.PortRequestFilter{Limit: 3}), [][]string{{"req_e", "req_d", "req_c"}, {"req_b", "req_a"}}},
		{"requests of an account", requests(porting.PortRequestFilter{AccountID: a2.ID, Limit: 1}), [][]string{{"req_b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pageAll(t, db, tc.find); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("pages = %v, want %v", got, tc.want)
			}
		})
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, bad := range []string{"not base64!", "e30", strings.Repeat("A", porting.MaxCursorLength+1)} {
			_, err := tx.FindAccounts(ctx, porting.AccountFilter{Cursor: bad})
			wantCode(t, err, porting.EINVALID)
			_, err = tx.FindInstances(ctx, porting.InstanceFilter{Cursor: bad})
			wantCode(t, err, porting.EINVALID)
			_, err = tx.FindPortRequests(ctx, porting.PortRequestFilter{Cursor: bad})
			wantCode(t, err, porting.EINVALID)
		}
		return nil
	})
}
