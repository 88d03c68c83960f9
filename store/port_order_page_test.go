package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// pageIDs pages through FindPortOrders with f and returns the IDs of each page.
func pageIDs(t *testing.T, db porting.Store, f porting.PortOrderFilter) [][]string {
	t.Helper()
	var pages [][]string
	for range 100 {
		var page *porting.PortOrderPage
		view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
			page, err = tx.FindPortOrders(ctx, f)
			return err
		})
		var ids []string
		for _, o := range page.Orders {
			ids = append(ids, o.ID)
		}
		pages = append(pages, ids)
		if page.NextCursor == "" {
			return pages
		}
		f.Cursor = page.NextCursor
	}
	t.Fatal("FindPortOrders never ended")
	return nil
}

func testFindPortOrders(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r1 := storetest.MustCreatePortRequest(t, db, nil)
	r2 := storetest.MustCreatePortRequest(t, db, nil)
	at := func(h int) time.Time { return storetest.Epoch.Add(time.Duration(h) * time.Hour) }
	// Created out of order, with ties on created_at broken by ID.
	orders := []*porting.PortOrder{
		{ID: "po_e", PortRequestID: r1.ID, CreatedAt: at(3), Status: porting.StateSubmitted},
		{ID: "po_a", PortRequestID: r1.ID, CreatedAt: at(1)},
		{ID: "po_c", PortRequestID: r1.ID, CreatedAt: at(2), Status: porting.StateSubmitted},
		{ID: "po_b", PortRequestID: r1.ID, CreatedAt: at(2)},
		{ID: "po_d", PortRequestID: r2.ID, CreatedAt: at(2)},
		{ID: "po_f", PortRequestID: r2.ID, CreatedAt: at(4), Status: porting.StateSubmitted},
		{ID: "po_g", PortRequestID: r1.ID, CreatedAt: at(5)},
	}
	for _, o := range orders {
		o.PhoneNumbers = storetest.Numbers("+1555000" + o.ID[3:])
		storetest.MustCreatePortOrder(t, db, o)
	}

	tests := []struct {
		name   string
		filter porting.PortOrderFilter
		want   [][]string
	}{
		{"all in pages of 3", porting.PortOrderFilter{Limit: 3}, [][]string{{"po_a", "po_b", "po_c"}, {"po_d", "po_e", "po_f"}, {"po_g"}}},
		{"exact pages", porting.PortOrderFilter{Limit: 7}, [][]string{{"po_a", "po_b", "po_c", "po_d", "po_e", "po_f", "po_g"}}},
		{"default limit", porting.PortOrderFilter{}, [][]string{{"po_a", "po_b", "po_c", "po_d", "po_e", "po_f", "po_g"}}},
		{"by request", porting.PortOrderFilter{PortRequestID: r2.ID, Limit: 1}, [][]string{{"po_d"}, {"po_f"}}},
		{"by account", porting.PortOrderFilter{AccountID: r1.AccountID, Limit: 2}, [][]string{{"po_a", "po_b"}, {"po_c", "po_e"}, {"po_g"}}},
		{"by status", porting.PortOrderFilter{Status: porting.StateSubmitted, Limit: 2}, [][]string{{"po_c", "po_e"}, {"po_f"}}},
		{"by account and status", porting.PortOrderFilter{AccountID: r2.AccountID, Status: porting.StateSubmitted}, [][]string{{"po_f"}}},
		{"nothing", porting.PortOrderFilter{Status: porting.StateCompleted}, [][]string{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pageIDs(t, db, tc.filter); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("pages = %v, want %v", got, tc.want)
			}
		})
	}

	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{PortRequestID: r2.ID})
		if err != nil {
			return err
		}
		if len(page.Orders) != 2 || len(page.Orders[1].PhoneNumbers) != 1 || page.Orders[1].PhoneNumbers[0].PhoneNumber != "+1555000f" {
			t.Errorf("orders of a page lack their numbers: %+v", page.Orders)
		}
		for _, bad := range []string{"not base64!", "bm90IGpzb24", "e30"} {
			_, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{Cursor: bad})
			wantCode(t, err, porting.EINVALID)
		}
		return nil
	})
}

// testFindPortOrdersLimit checks the default page of 50 and the cap of 100.
func testFindPortOrdersLimit(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for range 101 {
			o := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: porting.StateReview,
				Country: "US", LosingCarrier: "X", NumberKind: porting.KindDID}
			if err := tx.CreatePortOrder(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {100, 100}, {500, 100}} {
		view(t, db, func(ctx context.Context, tx porting.Tx) error {
			page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{Limit: tc.limit})
			if err != nil {
				return err
			}
			if len(page.Orders) != tc.want || page.NextCursor == "" {
				t.Errorf("Limit %d: %d orders, cursor %q; want %d and a cursor", tc.limit, len(page.Orders), page.NextCursor, tc.want)
			}
			return nil
		})
	}
}
