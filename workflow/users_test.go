package workflow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

var specialist = porting.Principal{Role: porting.RoleSpecialist, KeyID: "test-specialist"}

const testPassword = "correct horse battery 9"

// mustUser invites email as role (of account) by admin, accepts with
// testPassword and returns the user.
func mustUser(t *testing.T, b *testBundle, email string, role porting.Role, account string) *porting.User {
	t.Helper()
	ctx := context.Background()
	_, token, err := b.svc.Users.Invite(ctx, admin, InviteParams{Email: email, Role: role, AccountID: account})
	if err != nil {
		t.Fatalf("Invite(%s): %v", email, err)
	}
	u, err := b.svc.Users.AcceptInvitation(ctx, token, "Pat Doe", testPassword)
	if err != nil {
		t.Fatalf("AcceptInvitation(%s): %v", email, err)
	}
	return u
}

func TestInviteRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		own, other := b.premium.AccountID, b.basic.AccountID
		for _, tc := range []struct {
			name    string
			p       porting.Principal
			role    porting.Role
			account string
			code    string
			field   string
		}{
			{"admin invites an admin", admin, porting.RoleAdmin, "", "", ""},
			{"admin invites a specialist", admin, porting.RoleSpecialist, "", "", ""},
			{"admin invites a customer", admin, porting.RoleCustomer, other, "", ""},
			{"admin: customer needs an account", admin, porting.RoleCustomer, "", porting.EINVALID, "account_id"},
			{"admin: staff have no account", admin, porting.RoleSpecialist, own, porting.EINVALID, "account_id"},
			{"admin: unknown account", admin, porting.RoleCustomer, "acc_nope", porting.ENOTFOUND, "account_id"},
			{"admin: system role", admin, porting.RoleSystem, "", porting.EINVALID, "role"},
			{"customer invites into its account", b.premium, porting.RoleCustomer, own, "", ""},
			{"customer: account defaults to its own", b.premium, porting.RoleCustomer, "", "", ""},
			{"customer: another account is not found", b.premium, porting.RoleCustomer, other, porting.ENOTFOUND, ""},
			{"customer: no staff", b.premium, porting.RoleAdmin, "", porting.EFORBIDDEN, ""},
			{"customer: no specialist", b.premium, porting.RoleSpecialist, "", porting.EFORBIDDEN, ""},
			{"specialist invites nobody", specialist, porting.RoleCustomer, own, porting.EFORBIDDEN, ""},
			{"specialist invites no specialist", specialist, porting.RoleSpecialist, "", porting.EFORBIDDEN, ""},
		} {
			inv, token, err := b.svc.Users.Invite(ctx, tc.p, InviteParams{Email: " New.Person@Example.COM ", Role: tc.role, AccountID: tc.account})
			if tc.code != "" {
				if porting.ErrorCode(err) != tc.code {
					t.Errorf("%s: err %v, want %s", tc.name, err, tc.code)
				} else if e, _ := err.(*porting.Error); tc.field != "" && (e == nil || e.Field != tc.field) {
					t.Errorf("%s: err %v, want field %s", tc.name, err, tc.field)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if inv.Email != "new.person@example.com" || inv.Role != tc.role || !strings.HasPrefix(token, "pdi_") ||
				inv.Hash != HashSecret(token) || !inv.ExpiresAt.Equal(b.clock.Now().Add(7*24*time.Hour)) {
				t.Errorf("%s: invitation %+v, token %q", tc.name, inv, token)
			}
			if tc.role == porting.RoleCustomer && inv.AccountID != own && tc.p.Role == porting.RoleCustomer {
				t.Errorf("%s: account %q, want the customer's %q", tc.name, inv.AccountID, own)
			}
		}
		for _, bad := range []string{"", "not-an-email", "a@b", "Jane <jane@example.com>", strings.Repeat("a", 250) + "@example.com"} {
			_, _, err := b.svc.Users.Invite(ctx, admin, InviteParams{Email: bad, Role: porting.RoleAdmin})
			wantCode(t, err, porting.EINVALID, "email")
		}
	})
}

func TestAcceptInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		inv, token, err := b.svc.Users.Invite(ctx, b.premium, InviteParams{Email: "jane@acme.example", Role: porting.RoleCustomer})
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{"short1A", "alllowercaseletters", strings.Repeat("Ab1", 90)} {
			_, err := b.svc.Users.AcceptInvitation(ctx, token, "Jane", pw)
			wantCode(t, err, porting.EINVALID, "password")
		}
		_, err = b.svc.Users.AcceptInvitation(ctx, token, "  ", testPassword)
		wantCode(t, err, porting.EINVALID, "name")
		_, err = b.svc.Users.AcceptInvitation(ctx, "pdi_wrong", "Jane", testPassword)
		wantCode(t, err, porting.EUNAUTHORIZED, "")

		u, err := b.svc.Users.AcceptInvitation(ctx, token, " Jane Roe ", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != inv.Email || u.Name != "Jane Roe" || u.Role != porting.RoleCustomer || u.AccountID != b.premium.AccountID ||
			!strings.HasPrefix(u.ID, "usr_") || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("user %+v", u)
		}
		if strings.Contains(u.PasswordHash, testPassword) {
			t.Error("the password is stored in clear")
		}
		// The token works once.
		_, err = b.svc.Users.AcceptInvitation(ctx, token, "Jane", testPassword)
		wantCode(t, err, porting.EUNAUTHORIZED, "")

		// A second invitation of the same email cannot make a second user.
		_, again, err := b.svc.Users.Invite(ctx, admin, InviteParams{Email: "JANE@acme.example", Role: porting.RoleCustomer, AccountID: b.basic.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.svc.Users.AcceptInvitation(ctx, again, "Jane", testPassword)
		wantCode(t, err, porting.ECONFLICT, "email")

		// An invitation expires after seven days.
		_, late, err := b.svc.Users.Invite(ctx, admin, InviteParams{Email: "late@example.com", Role: porting.RoleSpecialist})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.clock.Advance(porting.InvitationLifetime); err != nil {
			t.Fatal(err)
		}
		_, err = b.svc.Users.AcceptInvitation(ctx, late, "Late", testPassword)
		wantCode(t, err, porting.EUNAUTHORIZED, "")

		events, err := b.svc.Events.Events(ctx, admin, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		var invited, created int
		for _, e := range events {
			switch e.Type {
			case porting.EventInvitationCreated:
				invited++
			case porting.EventUserCreated:
				created++
			}
			if strings.Contains(string(e.After), token) || strings.Contains(string(e.After), "argon2id") || strings.Contains(string(e.After), HashSecret(token)) {
				t.Errorf("event %s holds a secret: %s", e.Type, e.After)
			}
		}
		if invited != 3 || created != 1 {
			t.Errorf("events: %d invitation.created, %d user.created, want 3 and 1", invited, created)
		}
	})
}

func TestSignIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		u := mustUser(t, b, "jane@acme.example", porting.RoleCustomer, b.premium.AccountID)
		_, _, err := b.svc.Users.SignIn(ctx, "jane@acme.example", "wrong password 1", "192.0.2.1")
		wantCode(t, err, porting.EUNAUTHORIZED, "")
		_, _, unknownErr := b.svc.Users.SignIn(ctx, "nobody@acme.example", testPassword, "192.0.2.1")
		wantCode(t, unknownErr, porting.EUNAUTHORIZED, "")
		if porting.ErrorMessage(err) != porting.ErrorMessage(unknownErr) {
			t.Errorf("a wrong password (%v) and an unknown email (%v) answer differently", err, unknownErr)
		}
		_, _, err = b.svc.Users.SignIn(ctx, "jane@acme.example", testPassword, "not an address")
		wantCode(t, err, porting.EINVALID, "remote_ip")

		// Every sign-in is a new session with a new ID and secret.
		s1, secret1, err := b.svc.Users.SignIn(ctx, " JANE@acme.example", testPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		s2, secret2, err := b.svc.Users.SignIn(ctx, "jane@acme.example", testPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if s1.ID == s2.ID || secret1 == secret2 || s1.Hash == secret1 {
			t.Errorf("two sign-ins: sessions %s and %s, secrets equal: %v", s1.ID, s2.ID, secret1 == secret2)
		}
		p, sess, err := b.svc.Users.Session(ctx, secret1)
		if err != nil {
			t.Fatal(err)
		}
		want := porting.Principal{Role: porting.RoleCustomer, AccountID: b.premium.AccountID, KeyID: u.ID}
		if p != want || sess.ID != s1.ID {
			t.Errorf("Session = %+v, %s, want %+v, %s", p, sess.ID, want, s1.ID)
		}
		// The principal works like an API key's: another account's order is hidden.
		if _, err := b.svc.Events.Events(ctx, p, 0, 10); err != nil {
			t.Errorf("events as the session's principal: %v", err)
		}

		// Signing out ends that session only, and twice is fine.
		if err := b.svc.Users.SignOut(ctx, secret1); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.Users.SignOut(ctx, secret1); err != nil {
			t.Errorf("second sign-out: %v", err)
		}
		_, _, err = b.svc.Users.Session(ctx, secret1)
		wantCode(t, err, porting.EUNAUTHORIZED, "")
		if _, _, err := b.svc.Users.Session(ctx, secret2); err != nil {
			t.Errorf("the other session ended too: %v", err)
		}
		for _, bad := range []string{"", strings.Repeat("x", porting.MaxTokenLength+1), "pds_unknown"} {
			_, _, err := b.svc.Users.Session(ctx, bad)
			wantCode(t, err, porting.EUNAUTHORIZED, "")
		}
	})
}

func TestLoginLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		mustUser(t, b, "ops@example.com", porting.RoleAdmin, "")
		for i := 0; i < porting.MaxLoginFailuresPerEmail; i++ {
			_, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", "wrong password 1", "192.0.2.7")
			wantCode(t, err, porting.EUNAUTHORIZED, "")
			b.clock.Advance(time.Minute)
		}
		// Over the limit even the right password is refused, from any address.
		_, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "198.51.100.1")
		wantCode(t, err, porting.ETOOMANY, "")
		// The first failure leaves the window 15 minutes after it was made.
		b.clock.Advance(porting.LoginFailureWindow - porting.MaxLoginFailuresPerEmail*time.Minute + time.Second)
		if _, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "198.51.100.1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// A success forgets the email's failures.
		_, _, err = b.svc.Users.SignIn(ctx, "ops@example.com", "wrong password 1", "198.51.100.1")
		wantCode(t, err, porting.EUNAUTHORIZED, "")
		if _, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "198.51.100.1"); err != nil {
			t.Fatalf("after a success and one failure: %v", err)
		}

		// One address guessing many emails is limited too.
		for i := 0; i < porting.MaxLoginFailuresPerIP; i++ {
			_, _, err := b.svc.Users.SignIn(ctx, "guess"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.com", testPassword, "203.0.113.9")
			wantCode(t, err, porting.EUNAUTHORIZED, "")
		}
		_, _, err = b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "203.0.113.9")
		wantCode(t, err, porting.ETOOMANY, "")
		if _, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "203.0.113.10"); err != nil {
			t.Errorf("another address: %v", err)
		}
		b.clock.Advance(porting.LoginFailureWindow + time.Second)
		if _, _, err := b.svc.Users.SignIn(ctx, "ops@example.com", testPassword, "203.0.113.9"); err != nil {
			t.Errorf("the address after the window: %v", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		mustUser(t, b, "spec@example.com", porting.RoleSpecialist, "")
		signIn := func() string {
			t.Helper()
			_, secret, err := b.svc.Users.SignIn(ctx, "spec@example.com", testPassword, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}

		// Idle: 12 hours without use end a session.
		idle := signIn()
		b.clock.Advance(porting.SessionIdleTimeout - time.Second)
		if _, _, err := b.svc.Users.Session(ctx, idle); err != nil {
			t.Fatalf("just before the idle timeout: %v", err)
		}
		b.clock.Advance(porting.SessionIdleTimeout - time.Second)
		if _, _, err := b.svc.Users.Session(ctx, idle); err != nil {
			t.Fatalf("use kept the session alive, but: %v", err)
		}
		b.clock.Advance(porting.SessionIdleTimeout)
		_, _, err := b.svc.Users.Session(ctx, idle)
		wantCode(t, err, porting.EUNAUTHORIZED, "")

		// Absolute: seven days end a session however busy.
		busy := signIn()
		start := b.clock.Now()
		for b.clock.Now().Before(start.Add(porting.SessionLifetime - 11*time.Hour)) {
			b.clock.Advance(11 * time.Hour)
			if _, _, err := b.svc.Users.Session(ctx, busy); err != nil {
				t.Fatalf("%s after sign-in: %v", b.clock.Now().Sub(start), err)
			}
		}
		b.clock.Advance(start.Add(porting.SessionLifetime).Sub(b.clock.Now()))
		_, _, err = b.svc.Users.Session(ctx, busy)
		wantCode(t, err, porting.EUNAUTHORIZED, "")

		// Last use is written at most once a minute.
		fresh := signIn()
		_, s1, _ := b.svc.Users.Session(ctx, fresh)
		b.clock.Advance(30 * time.Second)
		_, s2, _ := b.svc.Users.Session(ctx, fresh)
		b.clock.Advance(30 * time.Second)
		_, s3, _ := b.svc.Users.Session(ctx, fresh)
		if !s1.LastSeenAt.Equal(s2.LastSeenAt) || !s3.LastSeenAt.After(s2.LastSeenAt) {
			t.Errorf("last seen: %v, %v, %v", s1.LastSeenAt, s2.LastSeenAt, s3.LastSeenAt)
		}
	})
}

func TestDisableAndSignOutEverywhere(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		jane := mustUser(t, b, "jane@acme.example", porting.RoleCustomer, b.premium.AccountID)
		bob := mustUser(t, b, "bob@bakery.example", porting.RoleCustomer, b.basic.AccountID)
		signIn := func(email string) string {
			t.Helper()
			_, secret, err := b.svc.Users.SignIn(ctx, email, testPassword, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		a, c := signIn("jane@acme.example"), signIn("jane@acme.example")

		// Another account's user is not found; specialists manage no users.
		_, err := b.svc.Users.SignOutEverywhere(ctx, b.premium, bob.ID)
		wantCode(t, err, porting.ENOTFOUND, "")
		_, err = b.svc.Users.DisableUser(ctx, b.premium, bob.ID)
		wantCode(t, err, porting.ENOTFOUND, "")
		_, err = b.svc.Users.SignOutEverywhere(ctx, specialist, jane.ID)
		wantCode(t, err, porting.EFORBIDDEN, "")

		n, err := b.svc.Users.SignOutEverywhere(ctx, jane.Principal(), jane.ID)
		if err != nil || n != 2 {
			t.Fatalf("SignOutEverywhere = %d, %v, want 2", n, err)
		}
		for _, secret := range []string{a, c} {
			_, _, err := b.svc.Users.Session(ctx, secret)
			wantCode(t, err, porting.EUNAUTHORIZED, "")
		}

		// Disabling ends the sessions and refuses sign-ins like a wrong password.
		d := signIn("jane@acme.example")
		u, err := b.svc.Users.DisableUser(ctx, b.premium, jane.ID)
		if err != nil || u.DisabledAt == nil {
			t.Fatalf("DisableUser = %+v, %v", u, err)
		}
		_, _, err = b.svc.Users.Session(ctx, d)
		wantCode(t, err, porting.EUNAUTHORIZED, "")
		_, _, err = b.svc.Users.SignIn(ctx, "jane@acme.example", testPassword, "192.0.2.1")
		wantCode(t, err, porting.EUNAUTHORIZED, "")
		if again, err := b.svc.Users.DisableUser(ctx, admin, jane.ID); err != nil || !again.DisabledAt.Equal(*u.DisabledAt) {
			t.Errorf("disabling again = %+v, %v", again, err)
		}
	})
}

func TestSandboxSignIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		_, _, err := b.svc.Users.SandboxSignIn(ctx, "admin@sandbox.portdesk.test")
		wantCode(t, err, porting.EFORBIDDEN, "")

		b.svc.Users.sandbox = true
		if _, err := b.svc.Sandbox.SeedSandbox(ctx); err != nil {
			t.Fatal(err)
		}
		_, secret, err := b.svc.Users.SandboxSignIn(ctx, "acme@sandbox.portdesk.test")
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := b.svc.Users.Session(ctx, secret)
		if err != nil || p.Role != porting.RoleCustomer || p.AccountID != DemoPremiumAccountID {
			t.Errorf("sandbox session principal = %+v, %v", p, err)
		}
		_, _, err = b.svc.Users.SandboxSignIn(ctx, "jane@acme.example")
		wantCode(t, err, porting.EINVALID, "email")
		// The demo users have no password to guess.
		_, _, err = b.svc.Users.SignIn(ctx, "acme@sandbox.portdesk.test", "", "192.0.2.1")
		wantCode(t, err, porting.EUNAUTHORIZED, "")
	})
}
