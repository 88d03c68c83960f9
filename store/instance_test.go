package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testInstance(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	in := &porting.Instance{
		AccountID: acct.ID, Name: "Support", ARN: "arn:aws:connect:eu-west-2:1:instance/x", Region: "eu-west-2",
		Quotas: porting.Quotas{PhoneNumbers: 25, ConcurrentCalls: 40, OutboundCountries: []string{"GB", "IE"}},
	}
	bare := &porting.Instance{AccountID: acct.ID, Name: "Bare", ARN: "arn:2", Region: "us-east-1"}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.CreateInstance(ctx, in); err != nil {
			return err
		}
		return tx.CreateInstance(ctx, bare)
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, want := range []*porting.Instance{in, bare} {
			got, err := tx.FindInstance(ctx, want.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindInstance = %+v, want %+v", got, want)
			}
		}
		_, err := tx.FindInstance(ctx, "inst_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateInstance(ctx, &porting.Instance{AccountID: "acct_nope", Name: "x"})
	})
	wantCode(t, err, porting.EINVALID)
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateInstance(ctx, &porting.Instance{ID: in.ID, AccountID: acct.ID})
	})
	wantCode(t, err, porting.ECONFLICT)
}

func testContactFlow(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	in := storetest.MustCreateInstance(t, db, nil)
	other := storetest.MustCreateInstance(t, db, nil)
	flows := []*porting.ContactFlow{
		{InstanceID: in.ID, Name: "Main menu"},
		{InstanceID: in.ID, Name: "After hours", CreatedAt: storetest.Epoch.Add(time.Minute)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, f := range flows {
			if err := tx.CreateContactFlow(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindContactFlows(ctx, in.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, flows) {
			t.Errorf("FindContactFlows = %+v, want %+v", got, flows)
		}
		got, err = tx.FindContactFlows(ctx, other.ID)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("FindContactFlows(other) = %v, %v; want empty list", got, err)
		}
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateContactFlow(ctx, &porting.ContactFlow{InstanceID: "inst_nope", Name: "x"})
	})
	wantCode(t, err, porting.EINVALID)
}

func testInstancePhoneNumber(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	in := storetest.MustCreateInstance(t, db, nil)
	order := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: in.AccountID})
	flow := &porting.ContactFlow{InstanceID: in.ID, Name: "Main"}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateContactFlow(ctx, flow) })

	b := &porting.InstancePhoneNumber{InstanceID: in.ID, PhoneNumber: "+442071838750", Status: porting.InventoryPendingPort, PortOrderID: order.ID}
	a := &porting.InstancePhoneNumber{InstanceID: in.ID, PhoneNumber: "+12025550100", Status: porting.InventoryActive}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.UpsertInstancePhoneNumber(ctx, b); err != nil {
			return err
		}
		return tx.UpsertInstancePhoneNumber(ctx, a)
	})
	find := func() []*porting.InstancePhoneNumber {
		var got []*porting.InstancePhoneNumber
		view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
			got, err = tx.FindInstancePhoneNumbers(ctx, in.ID)
			return err
		})
		return got
	}
	if got, want := find(), []*porting.InstancePhoneNumber{a, b}; !reflect.DeepEqual(got, want) {
		t.Errorf("FindInstancePhoneNumbers = %+v, want %+v (ordered by number)", got, want)
	}

	// Upserting the same number replaces the row.
	b2 := &porting.InstancePhoneNumber{InstanceID: in.ID, PhoneNumber: b.PhoneNumber, Status: porting.InventoryActive,
		ContactFlowID: flow.ID, PortOrderID: order.ID, UpdatedAt: storetest.Epoch.Add(time.Hour)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpsertInstancePhoneNumber(ctx, b2) })
	if got, want := find(), []*porting.InstancePhoneNumber{a, b2}; !reflect.DeepEqual(got, want) {
		t.Errorf("after upsert = %+v, want %+v", got, want)
	}

	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.DeleteInstancePhoneNumber(ctx, in.ID, a.PhoneNumber); err != nil {
			return err
		}
		return tx.DeleteInstancePhoneNumber(ctx, in.ID, "+10000000000") // absent is fine
	})
	if got, want := find(), []*porting.InstancePhoneNumber{b2}; !reflect.DeepEqual(got, want) {
		t.Errorf("after delete = %+v, want %+v", got, want)
	}

	for name, n := range map[string]porting.InstancePhoneNumber{
		"bad status":       {InstanceID: in.ID, PhoneNumber: "+1", Status: "lost"},
		"unknown flow":     {InstanceID: in.ID, PhoneNumber: "+1", Status: porting.InventoryActive, ContactFlowID: "flow_nope"},
		"unknown instance": {InstanceID: "inst_nope", PhoneNumber: "+1", Status: porting.InventoryActive},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpsertInstancePhoneNumber(ctx, &n) })
		if got := porting.ErrorCode(err); got != porting.EINVALID {
			t.Errorf("%s: code = %q, want invalid (%v)", name, got, err)
		}
	}
}
