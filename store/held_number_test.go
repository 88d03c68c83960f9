package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// createOrder creates an order in state s with the given numbers and
// returns it with the error.
func createOrder(db porting.Store, r *porting.PortRequest, s porting.State, nums []porting.OrderNumber) (*porting.PortOrder, error) {
	o := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: s, Country: "US",
		LosingCarrier: "X", NumberKind: porting.KindDID, PhoneNumbers: nums}
	return o, inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreatePortOrder(ctx, o) })
}

// heldNumbers maps the held numbers among numbers to their orders' IDs,
// checking that each names its order's account.
func heldNumbers(t *testing.T, db porting.Store, numbers ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		held, err := tx.FindHeldNumbers(ctx, numbers)
		for n, h := range held {
			o, err := tx.FindPortOrder(ctx, h.OrderID)
			if err != nil {
				return err
			}
			if h.AccountID != o.AccountID {
				t.Errorf("FindHeldNumbers says %s's order %s is of account %q, not %q", n, h.OrderID, h.AccountID, o.AccountID)
			}
			got[n] = h.OrderID
		}
		return err
	})
	return got
}

func testHeldNumbers(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	const n1, n2, n3 = "+12025550101", "+12025550102", "+12025550103"

	a, err := createOrder(db, r, porting.StateReview, storetest.Numbers(n1, n2))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := heldNumbers(t, db, n1, n2, n3), map[string]string{n1: a.ID, n2: a.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("FindHeldNumbers = %v, want %v", got, want)
	}

	// A second active order cannot carry n2; the error names n2 and a.
	_, err = createOrder(db, r, porting.StateReview, storetest.Numbers(n3, n2))
	wantCode(t, err, porting.ECONFLICT)
	if msg := porting.ErrorMessage(err); !strings.Contains(msg, n2) || !strings.Contains(msg, a.ID) {
		t.Errorf("conflict message %q does not name %s and %s", msg, n2, a.ID)
	}
	if got := heldNumbers(t, db, n3); len(got) != 0 {
		t.Errorf("the refused order left %v held", got)
	}

	// Numbers an order does not hold, and orders that are not active, take
	// nothing: an excluded n2, or n2 on a completed order.
	excluded := storetest.Numbers(n3, n2)
	excluded[1].Status = porting.NumberExcluded
	b, err := createOrder(db, r, porting.StateReview, excluded)
	if err != nil {
		t.Fatalf("order with excluded held number: %v", err)
	}
	if _, err := createOrder(db, r, porting.StateCompleted, storetest.Numbers(n1)); err != nil {
		t.Fatalf("completed order with a held number: %v", err)
	}

	// Releasing n1 on a (excluding it) frees it; cancelling a frees n2.
	a.PhoneNumbers[0].Status = porting.NumberExcluded
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, a) })
	if got, want := heldNumbers(t, db, n1, n2, n3), map[string]string{n2: a.ID, n3: b.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("after excluding n1: %v, want %v", got, want)
	}
	a.Status = porting.StateCancelled
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, a) })
	if got, want := heldNumbers(t, db, n1, n2, n3), map[string]string{n3: b.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("after cancelling: %v, want %v", got, want)
	}
	c, err := createOrder(db, r, porting.StateReview, storetest.Numbers(n1, n2))
	if err != nil {
		t.Fatalf("numbers of a cancelled order are not free: %v", err)
	}

	// Bringing b's excluded n2 back while c holds it conflicts.
	b.PhoneNumbers[1].Status = porting.NumberPortable
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, b) })
	wantCode(t, err, porting.ECONFLICT)
	if got := heldNumbers(t, db, n2); got[n2] != c.ID {
		t.Errorf("n2 held by %q, want %q", got[n2], c.ID)
	}

	// Many numbers at once (more than one IN list).
	var many []string
	for i := range 1200 {
		many = append(many, fmt.Sprintf("+1303555%04d", i))
	}
	if _, err := createOrder(db, r, porting.StateSubmitted, storetest.Numbers(many...)); err != nil {
		t.Fatal(err)
	}
	if got := heldNumbers(t, db, append(many, n1)...); len(got) != 1201 {
		t.Errorf("FindHeldNumbers of 1201 numbers found %d", len(got))
	}
}

// testHeldNumberRace creates orders carrying the same number from many
// goroutines at once: exactly one wins, the others get ECONFLICT.
func testHeldNumberRace(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	const racers = 10
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			_, errs[i] = createOrder(db, r, porting.StateReview, storetest.Numbers("+12025550000", fmt.Sprintf("+120255510%02d", i)))
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch porting.ErrorCode(err) {
		case "":
			won++
		case porting.ECONFLICT:
		default:
			t.Errorf("racer failed with %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d orders took the number, want 1", won)
	}
}

// testBulkHeldConflict: an order of thousands of numbers (PostgreSQL
// writes it with COPY) that carries one number another active order holds
// is refused whole, naming the number and the holder, and leaves nothing
// held; the same numbers without it go in, all of them.
func testBulkHeldConflict(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	const taken = "+12025550199"
	a, err := createOrder(db, r, porting.StateReview, storetest.Numbers(taken))
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	for i := range 2_500 {
		nums = append(nums, fmt.Sprintf("+1303555%04d", i))
	}
	withTaken := append(append([]string{}, nums[:1_700]...), append([]string{taken}, nums[1_700:]...)...)
	_, err = createOrder(db, r, porting.StateReview, storetest.Numbers(withTaken...))
	wantCode(t, err, porting.ECONFLICT)
	if msg := porting.ErrorMessage(err); !strings.Contains(msg, taken) || !strings.Contains(msg, a.ID) {
		t.Errorf("conflict message %q does not name %s and %s", msg, taken, a.ID)
	}
	if got := heldNumbers(t, db, nums...); len(got) != 0 {
		t.Errorf("the refused order left %d numbers held", len(got))
	}
	b, err := createOrder(db, r, porting.StateReview, storetest.Numbers(nums...))
	if err != nil {
		t.Fatal(err)
	}
	got := heldNumbers(t, db, nums...)
	if len(got) != len(nums) {
		t.Fatalf("%d of %d numbers held", len(got), len(nums))
	}
	for _, n := range nums {
		if got[n] != b.ID {
			t.Fatalf("%s held by %q, want %s", n, got[n], b.ID)
		}
	}
}
