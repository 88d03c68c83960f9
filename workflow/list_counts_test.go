package workflow

import (
	"context"
	"slices"
	"testing"
)

// TestListingFindingsMatchGet checks that a listing, which reads each
// instance and counts its numbers once, gives every order the findings a
// GetPortOrder of it gives, the quota shortfall included.
func TestListingFindingsMatchGet(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, _ := quotaOrder(t, b, 10, 3)
		quotaOrder(t, b, 20, 3) // 6 numbers on a quota of 5: both orders fall short
		quotaOrder(t, b, 30, 1)
		page, err := b.svc.Orders.ListPortOrders(ctx, b.premium, PortOrderQuery{})
		if err != nil {
			t.Fatal(err)
		}
		view, err := b.svc.Requests.GetPortRequest(ctx, b.premium, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		shortfalls := 0
		for _, listed := range append(page.Orders, view.Orders...) {
			got, err := b.svc.Orders.GetPortOrder(ctx, b.premium, listed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(listed.Findings, got.Findings) {
				t.Errorf("order %s: listed findings %+v, by ID %+v", listed.ID, listed.Findings, got.Findings)
			}
			if findingOf(listed, CodeQuotaShortfall) != nil {
				shortfalls++
			}
		}
		if shortfalls < 3 {
			t.Fatalf("%d listed orders show the shortfall, want the 3 orders of the list and the request's", shortfalls)
		}
	})
}
