package workflow

import (
	"context"
	"reflect"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// TestPortRequestHeader checks that the header is GetPortRequest's request
// for whoever may see it, and ENOTFOUND, as there, for whoever may not.
func TestPortRequestHeader(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		req, _ := quotaOrder(t, b, 10, 2)
		staff := porting.Principal{Role: porting.RoleSpecialist, KeyID: "test"}
		for _, p := range []porting.Principal{b.premium, staff} {
			view, err := b.svc.Requests.GetPortRequest(ctx, p, req.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.svc.Requests.PortRequestHeader(ctx, p, req.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, view.Request) {
				t.Errorf("%s: header %+v, GetPortRequest's %+v", p.Role, got, view.Request)
			}
		}
		for _, tt := range []struct {
			name string
			p    porting.Principal
			id   string
		}{{"another account", b.basic, req.ID}, {"no such request", b.premium, "pr_nonexistent"}} {
			_, getErr := b.svc.Requests.GetPortRequest(ctx, tt.p, tt.id)
			_, err := b.svc.Requests.PortRequestHeader(ctx, tt.p, tt.id)
			if porting.ErrorCode(err) != porting.ENOTFOUND || porting.ErrorCode(getErr) != porting.ENOTFOUND {
				t.Errorf("%s: header %v, GetPortRequest %v; want not_found from both", tt.name, err, getErr)
			}
		}
	})
}

// TestOrderChecklistMatchesTheTwoCalls checks that OrderChecklist gives the
// order GetPortOrder gives and the checklist Checklist gives, the quota
// shortfall included, and refuses another account's order alike.
func TestOrderChecklistMatchesTheTwoCalls(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, short := quotaOrder(t, b, 10, 3)
		_, _ = quotaOrder(t, b, 20, 3) // 6 numbers on a quota of 5
		wantOrder, err := b.svc.Orders.GetPortOrder(ctx, b.premium, short.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantList, err := b.svc.PortDay.Checklist(ctx, b.premium, short.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotOrder, gotList, err := b.svc.PortDay.OrderChecklist(ctx, b.premium, short.ID)
		if err != nil {
			t.Fatal(err)
		}
		if findingOf(gotOrder, CodeQuotaShortfall) == nil {
			t.Errorf("order %s has no quota shortfall finding: %+v", short.ID, gotOrder.Findings)
		}
		if !reflect.DeepEqual(gotOrder, wantOrder) {
			t.Errorf("order:\n got %+v\nwant %+v", gotOrder, wantOrder)
		}
		if !reflect.DeepEqual(gotList, wantList) {
			t.Errorf("checklist:\n got %+v\nwant %+v", gotList, wantList)
		}
		if _, _, err := b.svc.PortDay.OrderChecklist(ctx, b.basic, short.ID); porting.ErrorCode(err) != porting.ENOTFOUND {
			t.Errorf("another account's order: %v, want not_found", err)
		}
	})
}
