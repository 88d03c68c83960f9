package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func testUser(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	staff := &porting.User{Email: "ops@example.com", Name: "Ops", Role: porting.RoleAdmin, PasswordHash: "$argon2id$x"}
	cust := &porting.User{Email: "jane@acme.example", Name: "Jane", Role: porting.RoleCustomer, AccountID: acct.ID}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.CreateUser(ctx, staff); err != nil {
			return err
		}
		return tx.CreateUser(ctx, cust)
	})
	if staff.ID == "" || !staff.CreatedAt.Equal(storetest.Epoch) {
		t.Fatalf("CreateUser left ID %q, CreatedAt %v", staff.ID, staff.CreatedAt)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, want := range []*porting.User{staff, cust} {
			got, err := tx.FindUser(ctx, want.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindUser = %+v, want %+v", got, want)
			}
			got, err = tx.FindUserByEmail(ctx, want.Email)
			if err != nil {
				return err
			}
			if got.ID != want.ID {
				t.Errorf("FindUserByEmail(%s) = %s, want %s", want.Email, got.ID, want.ID)
			}
		}
		_, err := tx.FindUserByEmail(ctx, "nobody@example.com")
		wantCode(t, err, porting.ENOTFOUND)
		_, err = tx.FindUser(ctx, "usr_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	// Emails are unique; a customer needs an account and staff have none.
	for name, u := range map[string]*porting.User{
		"duplicate email": {Email: "ops@example.com", Name: "Again", Role: porting.RoleSpecialist},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateUser(ctx, u) })
		if code := porting.ErrorCode(err); code != porting.ECONFLICT {
			t.Errorf("%s: code %q, want conflict (%v)", name, code, err)
		}
	}
	for name, u := range map[string]*porting.User{
		"customer without account": {Email: "a@example.com", Name: "A", Role: porting.RoleCustomer},
		"staff with account":       {Email: "b@example.com", Name: "B", Role: porting.RoleAdmin, AccountID: acct.ID},
		"system role":              {Email: "c@example.com", Name: "C", Role: porting.RoleSystem},
		"upper-case email":         {Email: "D@example.com", Name: "D", Role: porting.RoleAdmin},
	} {
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateUser(ctx, u) })
		if code := porting.ErrorCode(err); code != porting.EINVALID {
			t.Errorf("%s: code %q, want invalid (%v)", name, code, err)
		}
	}

	disabled := storetest.Epoch.Add(time.Hour)
	staff.Name, staff.PasswordHash, staff.DisabledAt = "Ops Team", "$argon2id$y", &disabled
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdateUser(ctx, staff) })
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindUser(ctx, staff.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, staff) {
			t.Errorf("after UpdateUser: %+v, want %+v", got, staff)
		}
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.UpdateUser(ctx, &porting.User{ID: "usr_nope", Name: "x"})
	})
	wantCode(t, err, porting.ENOTFOUND)
}

func testInvitation(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	in := &porting.Invitation{Email: "new@acme.example", Role: porting.RoleCustomer, AccountID: acct.ID,
		Hash: "h-inv", InvitedBy: "key_1", ExpiresAt: storetest.Epoch.Add(porting.InvitationLifetime)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateInvitation(ctx, in) })
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindInvitationByHash(ctx, "h-inv")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("FindInvitationByHash = %+v, want %+v", got, in)
		}
		_, err = tx.FindInvitationByHash(ctx, "h-other")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateInvitation(ctx, &porting.Invitation{Email: "x@acme.example", Role: porting.RoleAdmin, Hash: "h-inv", ExpiresAt: storetest.Epoch})
	})
	wantCode(t, err, porting.ECONFLICT)

	at := storetest.Epoch.Add(time.Hour)
	for i, want := range []bool{true, false} {
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
			got, err := tx.AcceptInvitation(ctx, in.ID, at.Add(time.Duration(i)*time.Minute))
			if got != want {
				t.Errorf("AcceptInvitation #%d = %v, want %v", i+1, got, want)
			}
			return err
		})
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindInvitationByHash(ctx, "h-inv")
		if err != nil {
			return err
		}
		if got.AcceptedAt == nil || !got.AcceptedAt.Equal(at) {
			t.Errorf("AcceptedAt = %v, want the first accept's %v", got.AcceptedAt, at)
		}
		return nil
	})
}

func testSession(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	u := &porting.User{Email: "ops@example.com", Name: "Ops", Role: porting.RoleSpecialist}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateUser(ctx, u) })
	sessions := []*porting.Session{
		{UserID: u.ID, Hash: "h-s1", LastSeenAt: storetest.Epoch, ExpiresAt: storetest.Epoch.Add(porting.SessionLifetime)},
		{UserID: u.ID, Hash: "h-s2", LastSeenAt: storetest.Epoch, ExpiresAt: storetest.Epoch.Add(porting.SessionLifetime)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, s := range sessions {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if sessions[0].ID == sessions[1].ID {
		t.Fatalf("two sessions share ID %s", sessions[0].ID)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindSessionByHash(ctx, "h-s1")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, sessions[0]) {
			t.Errorf("FindSessionByHash = %+v, want %+v", got, sessions[0])
		}
		return nil
	})
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateSession(ctx, &porting.Session{UserID: "usr_nope", Hash: "h-s3", LastSeenAt: storetest.Epoch, ExpiresAt: storetest.Epoch})
	})
	wantCode(t, err, porting.EINVALID)

	// A touch writes only when the last one is stale.
	later := storetest.Epoch.Add(2 * time.Minute)
	for i, tc := range []struct {
		at   time.Time
		want bool
	}{{later, true}, {later.Add(30 * time.Second), false}, {later.Add(time.Minute), true}} {
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
			got, err := tx.TouchSession(ctx, sessions[0].ID, tc.at, tc.at.Add(-time.Minute))
			if got != tc.want {
				t.Errorf("TouchSession #%d at %v = %v, want %v", i+1, tc.at, got, tc.want)
			}
			return err
		})
	}

	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.DeleteSession(ctx, sessions[0].ID); err != nil {
			return err
		}
		return tx.DeleteSession(ctx, sessions[0].ID) // absent is fine
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindSessionByHash(ctx, "h-s1")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if n != 1 {
			t.Errorf("DeleteUserSessions = %d, want 1", n)
		}
		return err
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindSessionByHash(ctx, "h-s2")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
}

func testLoginFailures(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	t0 := storetest.Epoch
	failures := []porting.LoginFailure{
		{Email: "a@example.com", RemoteIP: "192.0.2.1", At: t0},
		{Email: "a@example.com", RemoteIP: "192.0.2.2", At: t0.Add(10 * time.Minute)},
		{Email: "b@example.com", RemoteIP: "192.0.2.1", At: t0.Add(11 * time.Minute)},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, f := range failures {
			if err := tx.RecordLoginFailure(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	count := func(email, ip string, since time.Time) (int, int) {
		t.Helper()
		var byEmail, byIP int
		view(t, db, func(ctx context.Context, tx porting.Tx) error {
			var err error
			byEmail, byIP, err = tx.CountLoginFailures(ctx, email, ip, since)
			return err
		})
		return byEmail, byIP
	}
	for _, tc := range []struct {
		email, ip         string
		since             time.Time
		wantEmail, wantIP int
	}{
		{"a@example.com", "192.0.2.1", t0, 2, 2},
		{"a@example.com", "192.0.2.1", t0.Add(time.Minute), 1, 1},
		{"b@example.com", "192.0.2.2", t0, 1, 1},
		{"c@example.com", "192.0.2.9", t0, 0, 0},
	} {
		if e, i := count(tc.email, tc.ip, tc.since); e != tc.wantEmail || i != tc.wantIP {
			t.Errorf("CountLoginFailures(%s, %s, %v) = %d, %d, want %d, %d", tc.email, tc.ip, tc.since, e, i, tc.wantEmail, tc.wantIP)
		}
	}
	// Clearing forgets the email's failures and every one before the cutoff.
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		return tx.ClearLoginFailures(ctx, "b@example.com", t0.Add(5*time.Minute))
	})
	if e, i := count("a@example.com", "192.0.2.1", t0); e != 1 || i != 0 {
		t.Errorf("after ClearLoginFailures: %d, %d, want 1, 0", e, i)
	}
}

func testEndedSessions(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	u := &porting.User{Email: "ops@example.com", Name: "Ops", Role: porting.RoleAdmin}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateUser(ctx, u) })
	t0 := storetest.Epoch
	live := &porting.Session{UserID: u.ID, Hash: "h-live", LastSeenAt: t0.Add(10 * time.Hour), ExpiresAt: t0.Add(48 * time.Hour)}
	idle := &porting.Session{UserID: u.ID, Hash: "h-idle", LastSeenAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}
	expired := &porting.Session{UserID: u.ID, Hash: "h-expired", LastSeenAt: t0.Add(11 * time.Hour), ExpiresAt: t0.Add(12 * time.Hour)}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, s := range []*porting.Session{live, idle, expired} {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		n, err := tx.DeleteEndedSessions(ctx, t0.Add(12*time.Hour), t0.Add(time.Hour))
		if n != 2 {
			t.Errorf("DeleteEndedSessions = %d, want 2", n)
		}
		return err
	})
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		if _, err := tx.FindSessionByHash(ctx, "h-live"); err != nil {
			t.Errorf("the live session went: %v", err)
		}
		for _, h := range []string{"h-idle", "h-expired"} {
			_, err := tx.FindSessionByHash(ctx, h)
			wantCode(t, err, porting.ENOTFOUND)
		}
		return nil
	})
}
