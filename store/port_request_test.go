package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testPortRequest(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	in := storetest.MustCreateInstance(t, db, nil)
	premium := &porting.PortRequest{
		AccountID: in.AccountID, CaseType: porting.CaseTechnical, InstanceID: in.ID,
		Severity: porting.SeverityHigh, Subject: "Port our UK numbers", Description: "Two numbers from BT.",
		CurrentCarrier:     "BT",
		AuthorizedContact:  porting.Contact{Name: "Ada", Email: "ada@example.com", Phone: "+442071838750"},
		ContactPreferences: porting.ContactPreferences{Language: "en", Methods: []string{"email", "phone"}},
		RejectedNumbers:    []porting.RejectedNumber{{PhoneNumber: "+449", Reasons: []string{"invalid_number"}}},
		CreatedBy:          porting.Principal{Role: porting.RoleCustomer, AccountID: in.AccountID, KeyID: "key_1"},
	}
	basicAcct := storetest.MustCreateAccount(t, db, &porting.Account{SupportPlan: porting.PlanBasic})
	basic := &porting.PortRequest{
		AccountID: basicAcct.ID, CaseType: porting.CaseLimitIncrease,
		LimitRequests:      []porting.LimitRequest{{Region: "us-east-1", NewLimitValue: 12}},
		Description:        "Limit increase for porting.",
		AuthorizedContact:  porting.Contact{Name: "Bo"},
		ContactPreferences: porting.ContactPreferences{Language: "es"},
		CreatedBy:          porting.Principal{Role: porting.RoleAdmin},
		CreatedAt:          storetest.Epoch.Add(-time.Hour),
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.CreatePortRequest(ctx, premium); err != nil {
			return err
		}
		return tx.CreatePortRequest(ctx, basic)
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, want := range []*porting.PortRequest{premium, basic} {
			got, err := tx.FindPortRequest(ctx, want.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindPortRequest =\n%+v\nwant\n%+v", got, want)
			}
		}
		_, err := tx.FindPortRequest(ctx, "req_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	for name, r := range map[string]porting.PortRequest{
		"bad severity":     {AccountID: in.AccountID, CaseType: porting.CaseTechnical, Severity: "meh", CreatedBy: porting.SystemPrincipal},
		"bad case type":    {AccountID: in.AccountID, CaseType: "billing", CreatedBy: porting.SystemPrincipal},
		"unknown account":  {AccountID: "acct_nope", CaseType: porting.CaseTechnical, CreatedBy: porting.SystemPrincipal},
		"unknown instance": {AccountID: in.AccountID, CaseType: porting.CaseTechnical, InstanceID: "inst_nope", CreatedBy: porting.SystemPrincipal},
		"no creator role":  {AccountID: in.AccountID, CaseType: porting.CaseTechnical},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreatePortRequest(ctx, &r) })
		if got := porting.ErrorCode(err); got != porting.EINVALID {
			t.Errorf("%s: code = %q, want invalid (%v)", name, got, err)
		}
	}
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		dup := *premium
		return tx.CreatePortRequest(ctx, &dup)
	})
	wantCode(t, err, porting.ECONFLICT)
}

func testMessage(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	other := storetest.MustCreatePortRequest(t, db, nil)
	msgs := []*porting.Message{
		{PortRequestID: r.ID, Author: porting.Principal{Role: porting.RoleCustomer, AccountID: r.AccountID, KeyID: "key_c"}, Body: "Hello"},
		{PortRequestID: r.ID, Author: porting.Principal{Role: porting.RoleSpecialist, KeyID: "key_s"}, Body: "Hi, we are on it.", CreatedAt: storetest.Epoch.Add(time.Minute)},
		{PortRequestID: r.ID, Author: porting.SystemPrincipal, Body: "Reminder", CreatedAt: storetest.Epoch.Add(2 * time.Minute)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, m := range msgs {
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindMessages(ctx, r.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, msgs) {
			t.Errorf("FindMessages = %+v, want %+v", got, msgs)
		}
		got, err = tx.FindMessages(ctx, other.ID)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("FindMessages(other) = %v, %v; want empty list", got, err)
		}
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateMessage(ctx, &porting.Message{PortRequestID: "req_nope", Author: porting.SystemPrincipal, Body: "x"})
	})
	wantCode(t, err, porting.EINVALID)
}
