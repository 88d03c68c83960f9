package workflow

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// maxOrderEventBytes bounds the JSON of an order event's body, whatever
// the order's size: 100 numbers of about 90 bytes, counts and fields.
const maxOrderEventBytes = 32 << 10

// orderEventBody is what a test reads of an order in an event.
type orderEventBody struct {
	PhoneNumbers []porting.OrderNumber        `json:"phone_numbers"`
	Counts       map[porting.NumberStatus]int `json:"phone_number_counts"`
	Total        int                          `json:"phone_numbers_total"`
	Truncated    bool                         `json:"phone_numbers_truncated"`
	URL          string                       `json:"phone_numbers_url"`
}

// TestBigOrderIsBounded takes a 100,000-number order through intake,
// approval with one number found not portable (beyond the first page),
// and cancellation: its events and the order as read carry the counts of
// all numbers and only the first 100, while the actions change every
// number and the paged list shows them.
func TestBigOrderIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("a 100,000-number order")
	}
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		const total = 100_000
		nums := nanpNumbers(total)
		_, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, b.premiumParams(nums...))
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != 1 {
			t.Fatalf("%d orders, want 1", len(orders))
		}
		id := orders[0].ID
		created := eventsOf(t, b, id, porting.EventOrderCreated)
		if len(created) != 1 {
			t.Fatalf("%d port_order.created events", len(created))
		}
		t.Logf("port_order.created of a %d-number order: %d bytes", total, len(created[0].After))
		body := boundedBody(t, created[0].After, total)
		if body.Counts[porting.NumberPending] != total || body.PhoneNumbers[0].PhoneNumber != nums[0] {
			t.Errorf("created event: counts %v, first %v", body.Counts, body.PhoneNumbers[0])
		}

		last := nums[total-1]
		_, err = b.svc.Orders.Act(ctx, spec, id, porting.ActionApprove, ActionInput{NotPortableNumbers: []string{last}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range eventsOf(t, b, id, porting.EventOrderStatusChanged) {
			boundedBody(t, e.Before, total)
			after := boundedBody(t, e.After, total)
			if after.Counts[porting.NumberPortable] != total-1 || after.Counts[porting.NumberNotPortable] != 1 {
				t.Errorf("approve event counts %v", after.Counts)
			}
		}
		o, err := b.svc.Orders.GetPortOrder(ctx, b.premium, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.PhoneNumbers) != porting.ShownNumbers || !o.PhoneNumbersTruncated || o.PhoneNumbersTotal != total ||
			o.PhoneNumberCounts[porting.NumberNotPortable] != 1 {
			t.Errorf("GetPortOrder: %d numbers, truncated %v, total %d, counts %v", len(o.PhoneNumbers), o.PhoneNumbersTruncated, o.PhoneNumbersTotal, o.PhoneNumberCounts)
		}
		page, err := b.svc.Orders.PortOrderNumbers(ctx, b.premium, porting.OrderNumberFilter{OrderID: id, Status: porting.NumberNotPortable})
		if err != nil || len(page.Numbers) != 1 || page.Numbers[0].PhoneNumber != last || page.NextCursor != "" {
			t.Fatalf("not portable numbers: %+v, %v", page, err)
		}
		_, err = b.svc.Orders.PortOrderNumbers(ctx, b.basic, porting.OrderNumberFilter{OrderID: id})
		wantCode(t, err, porting.ENOTFOUND, "")

		if _, err := b.svc.Orders.Act(ctx, b.premium, id, porting.ActionCancel, ActionInput{Reason: "too big"}); err != nil {
			t.Fatal(err)
		}
		o, err = b.svc.Orders.GetPortOrder(ctx, b.premium, id)
		if err != nil || o.PhoneNumberCounts[porting.NumberCancelled] != total-1 || o.PhoneNumberCounts[porting.NumberNotPortable] != 1 {
			t.Fatalf("after cancel: counts %v, %v", o.PhoneNumberCounts, err)
		}
		var held map[string]porting.HeldNumber
		err = b.svc.Store.View(ctx, func(tx porting.Tx) error {
			held, err = tx.FindHeldNumbers(ctx, []string{nums[0], nums[total/2], nums[total-2]})
			return err
		})
		if err != nil || len(held) != 0 {
			t.Errorf("the cancelled order still holds %v (%v)", held, err)
		}
	})
}

// boundedBody reads an order event's body and checks its bound.
func boundedBody(t *testing.T, raw json.RawMessage, total int) orderEventBody {
	t.Helper()
	var body orderEventBody
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if len(raw) > maxOrderEventBytes || len(body.PhoneNumbers) != porting.ShownNumbers || body.Total != total || !body.Truncated || body.URL == "" {
		t.Errorf("order in an event: %d bytes, %d numbers, total %d, truncated %v, url %q; want at most %d bytes and %d numbers of %d",
			len(raw), len(body.PhoneNumbers), body.Total, body.Truncated, body.URL, maxOrderEventBytes, porting.ShownNumbers, total)
	}
	return body
}
