package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testQuotaRequest(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	in := storetest.MustCreateInstance(t, db, nil)
	other := storetest.MustCreateInstance(t, db, nil)
	reqs := []*porting.QuotaRequest{
		{InstanceID: in.ID, AccountID: in.AccountID, Quota: porting.QuotaPhoneNumbers, Value: 20, Reason: "port", Status: porting.QuotaRequestOpen, CreatedBy: "key_a"},
		{InstanceID: in.ID, AccountID: in.AccountID, Quota: porting.QuotaOutboundCountries, Countries: []string{"GB", "US"}, Reason: "calls",
			Status: porting.QuotaRequestOpen, CreatedAt: storetest.Epoch.Add(time.Minute)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, r := range reqs {
			if err := tx.CreateQuotaRequest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindQuotaRequest(ctx, reqs[0].ID)
		if err != nil || !reflect.DeepEqual(got, reqs[0]) {
			t.Errorf("FindQuotaRequest = %+v, %v; want %+v", got, err, reqs[0])
		}
		list, err := tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: in.ID})
		if err != nil || len(list) != 2 || list[0].ID != reqs[1].ID || !slices.Equal(list[0].Countries, []string{"GB", "US"}) {
			t.Errorf("FindQuotaRequests = %+v, %v; want newest first", list, err)
		}
		if list, _ = tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: in.ID, Limit: 1}); len(list) != 1 {
			t.Errorf("FindQuotaRequests limit 1 = %d rows", len(list))
		}
		if list, _ = tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: other.ID}); list == nil || len(list) != 0 {
			t.Errorf("FindQuotaRequests(other) = %v, want an empty list", list)
		}
		_, err = tx.FindQuotaRequest(ctx, "qr_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	// A decision is saved once.
	at := storetest.Epoch.Add(time.Hour)
	d := *reqs[0]
	d.Status, d.DecidedBy, d.DecidedAt, d.DecisionReason = porting.QuotaRequestApproved, "key_s", &at, "ok"
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.DecideQuotaRequest(ctx, &d) })
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.DecideQuotaRequest(ctx, &d) })
	wantCode(t, err, porting.ECONFLICT)
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.DecideQuotaRequest(ctx, &porting.QuotaRequest{ID: "qr_nope", Status: porting.QuotaRequestDenied})
	})
	wantCode(t, err, porting.ENOTFOUND)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindQuotaRequest(ctx, d.ID)
		if err != nil || !reflect.DeepEqual(got, &d) {
			t.Errorf("after the decision = %+v, %v; want %+v", got, err, &d)
		}
		open, _ := tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: in.ID, Status: porting.QuotaRequestOpen})
		if len(open) != 1 || open[0].ID != reqs[1].ID {
			t.Errorf("open requests = %+v", open)
		}
		return nil
	})
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateQuotaRequest(ctx, &porting.QuotaRequest{InstanceID: "inst_nope", AccountID: in.AccountID, Quota: porting.QuotaPhoneNumbers, Status: porting.QuotaRequestOpen})
	})
	wantCode(t, err, porting.EINVALID)

	// Quotas change in place.
	q := porting.Quotas{PhoneNumbers: 20, ConcurrentCalls: 10, OutboundCountries: []string{"GB"}}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateInstanceQuotas(ctx, in.ID, q) })
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateInstanceQuotas(ctx, "inst_nope", q) })
	wantCode(t, err, porting.ENOTFOUND)

	// The numbers held by active orders naming the instance; not those of
	// other instances, released numbers or finished orders.
	active := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: in.AccountID, InstanceID: in.ID,
		PhoneNumbers: append(storetest.Numbers("+12125550170", "+12125550171"), porting.OrderNumber{PhoneNumber: "+12125550172", NumberType: "fixed_line", Status: porting.NumberExcluded})})
	storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: in.AccountID, InstanceID: in.ID, Status: porting.StateCancelled,
		PhoneNumbers: storetest.Numbers("+12125550173")})
	otherOrder := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: other.AccountID, InstanceID: other.ID, PhoneNumbers: storetest.Numbers("+12125550174")})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindInstance(ctx, in.ID)
		if err != nil || !reflect.DeepEqual(got.Quotas, q) {
			t.Errorf("quotas = %+v, %v; want %+v", got.Quotas, err, q)
		}
		nums, err := tx.FindInstanceOrderNumbers(ctx, in.ID)
		want := []porting.InstanceOrderNumber{{PortOrderID: active.ID, PhoneNumber: "+12125550170"}, {PortOrderID: active.ID, PhoneNumber: "+12125550171"}}
		if err != nil || !reflect.DeepEqual(nums, want) {
			t.Errorf("FindInstanceOrderNumbers = %+v, %v; want %+v", nums, err, want)
		}
		return nil
	})
	// Counted once each: two held numbers, one of them also loaded, and
	// another inventory number; never the cancelled order's number; the
	// other instance's order's number only when that order is named.
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, n := range []string{"+12125550170", "+12125550179"} {
			if err := tx.UpsertInstancePhoneNumber(ctx, &porting.InstancePhoneNumber{InstanceID: in.ID, PhoneNumber: n, Status: porting.InventoryPendingPort}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, c := range []struct {
			order string
			want  int
		}{{"", 3}, {active.ID, 3}, {otherOrder.ID, 4}} {
			if n, err := tx.CountInstanceNumbers(ctx, in.ID, c.order); err != nil || n != c.want {
				t.Errorf("CountInstanceNumbers(%q) = %d, %v; want %d", c.order, n, err, c.want)
			}
		}
		return nil
	})
}
