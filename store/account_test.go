package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testAccount(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	a := &porting.Account{ID: "acct_1", Name: "Acme", SupportPlan: porting.PlanPremium}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateAccount(ctx, a) })
	if !a.CreatedAt.Equal(storetest.Epoch) {
		t.Errorf("CreatedAt = %v, want the clock's %v", a.CreatedAt, storetest.Epoch)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindAccount(ctx, "acct_1")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("FindAccount = %+v, want %+v", got, a)
		}
		_, err = tx.FindAccount(ctx, "acct_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	generated := &porting.Account{Name: "No ID", SupportPlan: porting.PlanBasic}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateAccount(ctx, generated) })
	if generated.ID == "" || generated.ID == a.ID {
		t.Errorf("generated ID = %q", generated.ID)
	}

	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateAccount(ctx, &porting.Account{ID: "acct_1", Name: "Again", SupportPlan: porting.PlanBasic})
	})
	wantCode(t, err, porting.ECONFLICT)
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateAccount(ctx, &porting.Account{Name: "Gold", SupportPlan: "gold"})
	})
	wantCode(t, err, porting.EINVALID)
}

func testAPIKey(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	keys := []*porting.APIKey{
		{Role: porting.RoleAdmin, Prefix: "pd_adm", Hash: "h-admin"},
		{Role: porting.RoleSpecialist, Prefix: "pd_spe", Hash: "h-spec"},
		{Role: porting.RoleCustomer, AccountID: acct.ID, Prefix: "pd_cus", Hash: "h-cust1"},
		{Role: porting.RoleCustomer, AccountID: acct.ID, Prefix: "pd_cus", Hash: "h-cust2", CreatedAt: storetest.Epoch.Add(time.Hour)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, k := range keys {
			if err := tx.CreateAPIKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, want := range keys {
			got, err := tx.FindAPIKeyByHash(ctx, want.Hash)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindAPIKeyByHash(%s) = %+v, want %+v", want.Hash, got, want)
			}
		}
		_, err := tx.FindAPIKeyByHash(ctx, "h-unknown")
		wantCode(t, err, porting.ENOTFOUND)
		for role, want := range map[porting.Role]int{porting.RoleAdmin: 1, porting.RoleSpecialist: 1, porting.RoleCustomer: 2, porting.RoleSystem: 0} {
			got, err := tx.CountAPIKeys(ctx, role)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("CountAPIKeys(%s) = %d, want %d", role, got, want)
			}
		}
		return nil
	})

	tests := []struct {
		name string
		key  porting.APIKey
		want string
	}{
		{"duplicate hash", porting.APIKey{Role: porting.RoleAdmin, Hash: "h-admin"}, porting.ECONFLICT},
		{"duplicate id", porting.APIKey{ID: keys[0].ID, Role: porting.RoleAdmin, Hash: "h-new"}, porting.ECONFLICT},
		{"system role", porting.APIKey{Role: porting.RoleSystem, Hash: "h-sys"}, porting.EINVALID},
		{"unknown account", porting.APIKey{Role: porting.RoleCustomer, AccountID: "acct_nope", Hash: "h-x"}, porting.EINVALID},
	}
	for _, tc := range tests {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateAPIKey(ctx, &tc.key) })
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

func testAPIKeyLifecycle(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	expires := storetest.Epoch.Add(48 * time.Hour)
	cust := &porting.APIKey{Role: porting.RoleCustomer, AccountID: acct.ID, Prefix: "pd_c", Hash: "h-c", ExpiresAt: &expires}
	staff := &porting.APIKey{Role: porting.RoleSpecialist, Prefix: "pd_s", Hash: "h-s", CreatedAt: storetest.Epoch.Add(time.Minute)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.LockAccount(ctx, acct.ID); err != nil {
			return err
		}
		wantCode(t, tx.LockAccount(ctx, "acct_nope"), porting.ENOTFOUND)
		if err := tx.CreateAPIKey(ctx, cust); err != nil {
			return err
		}
		return tx.CreateAPIKey(ctx, staff)
	})
	ids := func(f porting.APIKeyFilter) []string {
		var out []string
		view(t, db, func(ctx context.Context, tx porting.Tx) error {
			ks, err := tx.FindAPIKeys(ctx, f)
			for _, k := range ks {
				out = append(out, k.ID)
			}
			return err
		})
		return out
	}
	for _, tc := range []struct {
		f    porting.APIKeyFilter
		want []string
	}{
		{porting.APIKeyFilter{AccountID: acct.ID}, []string{cust.ID}},
		{porting.APIKeyFilter{Staff: true}, []string{staff.ID}},
		{porting.APIKeyFilter{}, []string{cust.ID, staff.ID}},
	} {
		if got := ids(tc.f); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindAPIKeys(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}

	// A use is written once per interval, however many try.
	at := storetest.Epoch.Add(time.Hour)
	for i, want := range []bool{true, false} {
		var wrote bool
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
			var err error
			wrote, err = tx.TouchAPIKey(ctx, cust.ID, at.Add(time.Duration(i)*time.Second), at.Add(-time.Minute))
			return err
		})
		if wrote != want {
			t.Errorf("TouchAPIKey #%d wrote %v, want %v", i, wrote, want)
		}
	}
	revokedAt := storetest.Epoch.Add(2 * time.Hour)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.RevokeAPIKey(ctx, cust.ID, revokedAt); err != nil {
			return err
		}
		wantCode(t, tx.RevokeAPIKey(ctx, "key_nope", revokedAt), porting.ENOTFOUND)
		return tx.RevokeAPIKey(ctx, cust.ID, revokedAt.Add(time.Hour)) // keeps the first time
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindAPIKey(ctx, cust.ID)
		if err != nil {
			return err
		}
		want := *cust
		want.RevokedAt, want.LastUsedAt = &revokedAt, &at
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("FindAPIKey = %+v, want %+v", got, &want)
		}
		_, err = tx.FindAPIKey(ctx, "key_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	if got := ids(porting.APIKeyFilter{AccountID: acct.ID}); len(got) != 0 {
		t.Errorf("FindAPIKeys lists the revoked key: %v", got)
	}
}
