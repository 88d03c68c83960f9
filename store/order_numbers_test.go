package store_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// manyNumbers returns n pending numbers +1202555xxxx from first on.
func manyNumbers(first, n int) []porting.OrderNumber {
	e164 := make([]string, n)
	for i := range e164 {
		e164[i] = fmt.Sprintf("+1202%07d", 5550000+first+i)
	}
	return storetest.Numbers(e164...)
}

// rowIdentity maps each position of an order's numbers to the row's
// physical identity (SQLite rowid, PostgreSQL ctid), which an UPDATE
// keeps on SQLite and changes on PostgreSQL, and a DELETE and INSERT
// changes on both.
func rowIdentity(t *testing.T, db *store.DB, orderID string) map[int]string {
	t.Helper()
	col := "rowid"
	if db.Engine() == store.EnginePostgres {
		col = "ctid::text"
	}
	rows, err := db.SQL().QueryContext(context.Background(),
		`SELECT position, `+col+` FROM port_order_numbers WHERE order_id = $1`, orderID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var pos int
		var id string
		if err := rows.Scan(&pos, &id); err != nil {
			t.Fatal(err)
		}
		out[pos] = id
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// testUpdateWritesChangedNumbers checks that an update of an order writes
// only the number rows that changed: an edit that changes no number leaves
// every row as it is, and a change of one number's status touches that
// row only.
func testUpdateWritesChangedNumbers(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: manyNumbers(0, 300)})
	// Rows stored after o's, so a rewritten row of o cannot get its old
	// rowid back on SQLite.
	storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: manyNumbers(300, 1)})
	before := rowIdentity(t, db, o.ID)
	if len(before) != 300 {
		t.Fatalf("%d rows stored, want 300", len(before))
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		got.StatusReason = "an edit of the order alone"
		return tx.UpdatePortOrder(ctx, got)
	})
	if after := rowIdentity(t, db, o.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("an update that changes no number rewrote number rows")
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		if err := tx.LoadPortOrderNumbers(ctx, got); err != nil {
			return err
		}
		got.PhoneNumbers[250].Status = porting.NumberExcluded
		return tx.UpdatePortOrder(ctx, got)
	})
	after := rowIdentity(t, db, o.ID)
	for pos, id := range before {
		if pos != 250 && after[pos] != id {
			t.Errorf("excluding the number at 250 rewrote the row at %d", pos)
			break
		}
	}
	if got := heldNumbers(t, db, o.PhoneNumbers[250].PhoneNumber, o.PhoneNumbers[249].PhoneNumber); len(got) != 1 || got[o.PhoneNumbers[249].PhoneNumber] != o.ID {
		t.Errorf("held after excluding one = %v, want only the other", got)
	}
}

// testTruncatedOrder checks the bounded read of a big order: the first
// ShownNumbers numbers, counts of all, a truncated order saved without
// losing the numbers it does not carry, and its end releasing them all.
func testTruncatedOrder(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	const total = 250
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: manyNumbers(0, total)})
	if o.PhoneNumbersTotal != total || o.PhoneNumberCounts[porting.NumberPending] != total || o.PhoneNumbersTruncated {
		t.Errorf("created: total %d, counts %v, truncated %v", o.PhoneNumbersTotal, o.PhoneNumberCounts, o.PhoneNumbersTruncated)
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		if len(got.PhoneNumbers) != porting.ShownNumbers || !got.PhoneNumbersTruncated || got.PhoneNumbersTotal != total ||
			got.PhoneNumbersURL != "/v1/port-orders/"+o.ID+"/phone-numbers" {
			t.Errorf("found %d numbers, truncated %v, total %d, url %q", len(got.PhoneNumbers), got.PhoneNumbersTruncated, got.PhoneNumbersTotal, got.PhoneNumbersURL)
		}
		if !reflect.DeepEqual(got.PhoneNumbers, o.PhoneNumbers[:porting.ShownNumbers]) {
			t.Errorf("the numbers shown are not the first ones")
		}
		// A change among the numbers carried is written, the rest stay.
		got.PhoneNumbers[3].Status = porting.NumberExcluded
		return tx.UpdatePortOrder(ctx, got)
	})
	// A page of orders carries each one's first numbers and counts too.
	small := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: o.PortRequestID, PhoneNumbers: manyNumbers(total, 2)})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{PortRequestID: o.PortRequestID})
		if err != nil {
			return err
		}
		if len(page.Orders) != 2 {
			t.Fatalf("FindPortOrders: %d orders", len(page.Orders))
		}
		big, sm := page.Orders[0], page.Orders[1]
		if big.ID != o.ID { // both may be created in the same instant
			big, sm = sm, big
		}
		if big.ID != o.ID || sm.ID != small.ID {
			t.Fatalf("FindPortOrders: orders %s and %s", big.ID, sm.ID)
		}
		if len(big.PhoneNumbers) != porting.ShownNumbers || !big.PhoneNumbersTruncated || big.PhoneNumbersTotal != total || big.PhoneNumbers[3].Status != porting.NumberExcluded {
			t.Errorf("big order in a page: %d numbers, truncated %v, total %d", len(big.PhoneNumbers), big.PhoneNumbersTruncated, big.PhoneNumbersTotal)
		}
		if !reflect.DeepEqual(sm.PhoneNumbers, small.PhoneNumbers) || sm.PhoneNumbersTruncated || sm.PhoneNumbersTotal != 2 || sm.PhoneNumbersURL != "" {
			t.Errorf("small order in a page: %+v", sm)
		}
		return nil
	})
	wantCounts := map[porting.NumberStatus]int{porting.NumberPending: total - 1, porting.NumberExcluded: 1}
	all := allNumbers(t, db, o.ID)
	if len(all) != total || all[3].Status != porting.NumberExcluded || all[total-1] != o.PhoneNumbers[total-1] {
		t.Fatalf("after saving the truncated order: %d numbers, [3] %v, last %v", len(all), all[3], all[total-1])
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, o.ID)
		if err == nil && (!maps.Equal(got.PhoneNumberCounts, wantCounts) || got.PhoneNumbersTotal != total) {
			t.Errorf("counts %v total %d, want %v", got.PhoneNumberCounts, got.PhoneNumbersTotal, wantCounts)
		}
		return err
	})
	last := o.PhoneNumbers[total-1].PhoneNumber
	if got := heldNumbers(t, db, last); got[last] != o.ID {
		t.Fatalf("the last number is not held by its order: %v", got)
	}
	// Cancelling the truncated order releases every number, carried or not.
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		got.Status = porting.StateCancelled
		return tx.UpdatePortOrder(ctx, got)
	})
	if got := heldNumbers(t, db, last, o.PhoneNumbers[0].PhoneNumber); len(got) != 0 {
		t.Errorf("the cancelled order still holds %v", got)
	}
	// Another order may now take the last number.
	if _, err := createOrder(db, storetest.MustCreatePortRequest(t, db, nil), porting.StateReview, storetest.Numbers(last)); err != nil {
		t.Errorf("taking a released number: %v", err)
	}
}

// allNumbers pages through an order's numbers with FindOrderNumbers.
func allNumbers(t *testing.T, db porting.Store, orderID string) []porting.OrderNumber {
	t.Helper()
	var out []porting.OrderNumber
	f := porting.OrderNumberFilter{OrderID: orderID, Limit: 100}
	for {
		var page *porting.OrderNumberPage
		view(t, db, func(ctx context.Context, tx porting.Tx) error {
			var err error
			page, err = tx.FindOrderNumbers(ctx, f)
			return err
		})
		out = append(out, page.Numbers...)
		if page.NextCursor == "" {
			return out
		}
		f.Cursor = page.NextCursor
	}
}

// testFindOrderNumbers pages through an order's numbers, all or in one
// status, and refuses a foreign cursor.
func testFindOrderNumbers(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	nums := manyNumbers(1000, 230)
	for i := range nums {
		if i%3 == 0 {
			nums[i].Status = porting.NumberPortable
		}
	}
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: nums})
	if got := allNumbers(t, db, o.ID); !reflect.DeepEqual(got, nums) {
		t.Errorf("paging through all gave %d numbers, not the %d stored in order", len(got), len(nums))
	}
	var portable []porting.OrderNumber
	f := porting.OrderNumberFilter{OrderID: o.ID, Status: porting.NumberPortable, Limit: 30}
	for pages := 0; ; pages++ {
		var page *porting.OrderNumberPage
		view(t, db, func(ctx context.Context, tx porting.Tx) error {
			var err error
			page, err = tx.FindOrderNumbers(ctx, f)
			return err
		})
		portable = append(portable, page.Numbers...)
		if page.NextCursor == "" {
			if pages != 2 {
				t.Errorf("77 portable numbers in pages of 30 took %d pages, want 3", pages+1)
			}
			break
		}
		f.Cursor = page.NextCursor
	}
	if len(portable) != 77 {
		t.Errorf("%d portable numbers, want 77", len(portable))
	}
	for i, n := range portable {
		if n != nums[3*i] {
			t.Fatalf("portable[%d] = %v, want %v", i, n, nums[3*i])
		}
	}
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{Limit: 1})
		if err != nil {
			return err
		}
		_, err = tx.FindOrderNumbers(ctx, porting.OrderNumberFilter{OrderID: o.ID, Cursor: page.NextCursor + "x"})
		return err
	})
	wantCode(t, err, porting.EINVALID)
}

// testBatchedHeldConflict checks that the batched inserts of a big order
// still name a number another active order holds, and the holder, when it
// lies in a later batch, and leave nothing of the refused order held.
func testBatchedHeldConflict(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	nums := manyNumbers(2000, 1200)
	holder, err := createOrder(db, r, porting.StateReview, nums[1100:1101])
	if err != nil {
		t.Fatal(err)
	}
	_, err = createOrder(db, r, porting.StateReview, nums)
	wantCode(t, err, porting.ECONFLICT)
	if msg := porting.ErrorMessage(err); !strings.Contains(msg, nums[1100].PhoneNumber) || !strings.Contains(msg, holder.ID) {
		t.Errorf("conflict message %q does not name %s and %s", msg, nums[1100].PhoneNumber, holder.ID)
	}
	if got := heldNumbers(t, db, nums[0].PhoneNumber, nums[1199].PhoneNumber); len(got) != 0 {
		t.Errorf("the refused order left %v held", got)
	}
	// Without the conflict, all 1,200 are stored and held.
	o, err := createOrder(db, r, porting.StateReview, append(nums[:1100:1100], nums[1101:]...))
	if err != nil {
		t.Fatal(err)
	}
	if got := heldNumbers(t, db, nums[0].PhoneNumber, nums[1199].PhoneNumber); len(got) != 2 {
		t.Errorf("held of the big order: %v", got)
	}
	if got := len(allNumbers(t, db, o.ID)); got != 1199 {
		t.Errorf("%d numbers stored, want 1199", got)
	}
}

// testReactivatedOrder checks that a truncated order that becomes active
// again holds its numbers again, those it does not carry included, through
// the held index: a number another active order took meanwhile is a
// conflict naming that order.
func testReactivatedOrder(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	nums := manyNumbers(5000, 150)
	o, err := createOrder(db, r, porting.StateCompleted, nums)
	if err != nil {
		t.Fatal(err)
	}
	if got := heldNumbers(t, db, nums[149].PhoneNumber); len(got) != 0 {
		t.Fatalf("a completed order holds %v", got)
	}
	reactivate := func() error {
		return inTx(db, func(ctx context.Context, tx porting.Tx) error {
			got, err := tx.FindPortOrder(ctx, o.ID)
			if err != nil {
				return err
			}
			if !got.PhoneNumbersTruncated {
				t.Fatalf("a 150-number order read whole")
			}
			got.Status = porting.StateReview
			return tx.UpdatePortOrder(ctx, got)
		})
	}
	other, err := createOrder(db, r, porting.StateReview, nums[149:150])
	if err != nil {
		t.Fatal(err)
	}
	err = reactivate()
	wantCode(t, err, porting.ECONFLICT)
	if msg := porting.ErrorMessage(err); !strings.Contains(msg, nums[149].PhoneNumber) || !strings.Contains(msg, other.ID) {
		t.Errorf("conflict message %q does not name %s and %s", msg, nums[149].PhoneNumber, other.ID)
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindPortOrder(ctx, other.ID)
		if err != nil {
			return err
		}
		got.Status = porting.StateCancelled
		return tx.UpdatePortOrder(ctx, got)
	})
	if err := reactivate(); err != nil {
		t.Fatal(err)
	}
	if got := heldNumbers(t, db, nums[0].PhoneNumber, nums[149].PhoneNumber); got[nums[0].PhoneNumber] != o.ID || got[nums[149].PhoneNumber] != o.ID {
		t.Errorf("held after reactivating = %v, want both by %s", got, o.ID)
	}
	if got := allNumbers(t, db, o.ID); !reflect.DeepEqual(got, nums) {
		t.Errorf("reactivating changed the numbers")
	}
}

// testNumbersNameOrders: a number row naming no order is refused, and an
// order with numbers is neither deleted nor renamed — the foreign key's
// rule, which PostgreSQL checks once per statement (migration 0016).
func testNumbersNameOrders(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: storetest.Numbers("+12125550100", "+12125550101")})
	ctx := context.Background()
	sqlDB := db.SQL()
	if _, err := sqlDB.ExecContext(ctx, `INSERT INTO port_order_numbers (order_id, position, phone_number, number_type, range_holder, status, held)
		VALUES ('po_nope', 0, '+12125550199', 'fixed_line', '', 'pending', true)`); err == nil {
		t.Error("a number of an order that does not exist was stored")
	}
	if _, err := sqlDB.ExecContext(ctx, `UPDATE port_order_numbers SET order_id = 'po_nope' WHERE order_id = $1`, o.ID); err == nil {
		t.Error("a number was moved to an order that does not exist")
	}
	if _, err := sqlDB.ExecContext(ctx, `DELETE FROM port_orders WHERE id = $1`, o.ID); err == nil {
		t.Error("an order with numbers was deleted")
	}
	if _, err := sqlDB.ExecContext(ctx, `UPDATE port_orders SET id = 'po_renamed' WHERE id = $1`, o.ID); err == nil {
		t.Error("an order with numbers changed its ID")
	}
	// Rows naming existing orders still go in, many in one statement.
	var n int
	if err := sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM port_order_numbers WHERE order_id = $1`, o.ID).Scan(&n); err != nil || n == 0 {
		t.Fatalf("the order's numbers: %d, %v", n, err)
	}
}
