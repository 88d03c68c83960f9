package workflow

import (
	"context"
	"net/netip"

	"github.com/portdesk/portdesk/porting"
)

// errSignIn is the one answer to a wrong email, a wrong password, a
// disabled user and a user without a password: none tells which it was.
func errSignIn() error { return porting.Errorf(porting.EUNAUTHORIZED, "wrong email or password") }

// SignIn checks an email and password and starts a new session, returning
// it with its secret (for the cookie; only its hash is stored). Every
// sign-in makes a new session with a new ID, so a session fixed before
// sign-in is never the signed-in one. Wrong credentials are EUNAUTHORIZED,
// after the same slow hash whether or not the email is a user's. Over the
// login limit (porting.MaxLoginFailuresPerEmail refused sign-ins for the
// email, or porting.MaxLoginFailuresPerIP from the address, within
// porting.LoginFailureWindow by the clock) the answer is ETOOMANY without
// checking the password. The failures are counted in the database, so
// every replica shares them. remoteIP is the client's address.
func (s *Users) SignIn(ctx context.Context, email, password, remoteIP string) (*porting.Session, string, error) {
	email, err := porting.NormalizeEmail("email", email)
	if err != nil {
		return nil, "", err
	}
	ip, err := netip.ParseAddr(remoteIP)
	if err != nil {
		return nil, "", porting.FieldErrorf("remote_ip", "remote_ip is not an IP address")
	}
	remoteIP = ip.Unmap().String()
	now := s.clock.Now()
	var u *porting.User
	err = s.store.View(ctx, func(tx porting.Tx) error {
		byEmail, byIP, err := tx.CountLoginFailures(ctx, email, remoteIP, now.Add(-porting.LoginFailureWindow))
		if err != nil {
			return err
		}
		if byEmail >= porting.MaxLoginFailuresPerEmail || byIP >= porting.MaxLoginFailuresPerIP {
			return porting.Errorf(porting.ETOOMANY, "too many refused sign-ins; try again in %s", porting.LoginFailureWindow)
		}
		u, err = tx.FindUserByEmail(ctx, email)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			u, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	ok := false
	switch {
	case len(password) > porting.MaxPasswordLength:
		// Never hash an unbounded input; nobody has such a password.
	case u == nil || u.DisabledAt != nil || u.PasswordHash == "":
		verifyPassword(password, dummyHash())
	default:
		ok = verifyPassword(password, u.PasswordHash)
	}
	if !ok {
		err := s.store.InTx(ctx, func(tx porting.Tx) error {
			// Failures older than the window count for nothing: dropping
			// them here keeps the table small under a long attack.
			if err := tx.ClearLoginFailures(ctx, "", now.Add(-porting.LoginFailureWindow)); err != nil {
				return err
			}
			return tx.RecordLoginFailure(ctx, porting.LoginFailure{Email: email, RemoteIP: remoteIP, At: now})
		})
		if err != nil {
			return nil, "", err
		}
		return nil, "", errSignIn()
	}
	var sess *porting.Session
	var secret string
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		if err := tx.ClearLoginFailures(ctx, email, now.Add(-porting.LoginFailureWindow)); err != nil {
			return err
		}
		// Sessions that ended by time are rows nobody can use: each
		// sign-in sweeps them, so the table holds live sessions only.
		if _, err := tx.DeleteEndedSessions(ctx, now, now.Add(-porting.SessionIdleTimeout)); err != nil {
			return err
		}
		sess, secret, err = s.startSession(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return sess, secret, nil
}

// startSession creates a new session of a user that is still enabled, in
// tx, and returns it with its secret.
func (s *Users) startSession(ctx context.Context, tx porting.Tx, userID string) (*porting.Session, string, error) {
	u, err := tx.FindUser(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "", errSignIn()
	}
	now := s.clock.Now()
	secret := newToken("pds_")
	sess := &porting.Session{ID: porting.NewID("ses"), UserID: u.ID, Hash: HashSecret(secret),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(porting.SessionLifetime)}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return nil, "", err
	}
	return sess, secret, nil
}

// Session returns the principal and session of a session secret: its
// user's principal. An unknown or signed-out secret, a session idle for
// porting.SessionIdleTimeout or past its absolute expiry, and a disabled
// user are EUNAUTHORIZED. Like an API key, the session is read from the
// database on every call, so signing out holds at once on every replica;
// its last use is written at most once per porting.SessionSeenResolution.
func (s *Users) Session(ctx context.Context, secret string) (porting.Principal, *porting.Session, error) {
	hash, err := tokenHash(secret, "session")
	if err != nil {
		return porting.Principal{}, nil, err
	}
	now := s.clock.Now()
	var (
		sess *porting.Session
		u    *porting.User
	)
	err = s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		sess, err = tx.FindSessionByHash(ctx, hash)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			return porting.Errorf(porting.EUNAUTHORIZED, "not signed in")
		}
		if err != nil {
			return err
		}
		if err := sess.Usable(now); err != nil {
			return err
		}
		if u, err = tx.FindUser(ctx, sess.UserID); err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return porting.Errorf(porting.EUNAUTHORIZED, "the user is disabled")
		}
		return nil
	})
	if err != nil {
		return porting.Principal{}, nil, err
	}
	if sess.SeenIsStale(now) {
		err := s.store.InTx(ctx, func(tx porting.Tx) error {
			_, err := tx.TouchSession(ctx, sess.ID, now, now.Add(-porting.SessionSeenResolution))
			return err
		})
		if err != nil {
			return porting.Principal{}, nil, err
		}
		sess.LastSeenAt = now
	}
	return u.Principal(), sess, nil
}

// SignOut ends the session of a secret. An unknown or ended session is
// fine: signing out twice is not an error.
func (s *Users) SignOut(ctx context.Context, secret string) error {
	hash, err := tokenHash(secret, "session")
	if err != nil {
		return nil
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		sess, err := tx.FindSessionByHash(ctx, hash)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.DeleteSession(ctx, sess.ID)
	})
}

// SignOutEverywhere ends every session of a user and returns how many.
// Users may do it for themselves; otherwise mayManageUser's rule holds.
func (s *Users) SignOutEverywhere(ctx context.Context, p porting.Principal, userID string) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		u, err := tx.FindUser(ctx, userID)
		if err != nil {
			return err
		}
		if p.KeyID != u.ID {
			if err := mayManageUser(p, u); err != nil {
				return err
			}
		}
		n, err = tx.DeleteUserSessions(ctx, userID)
		return err
	})
	return n, err
}

// SandboxSignIn starts a session for a sandbox demo user (SandboxKeys'
// emails) without a password, so the sandbox can offer one sign-in link
// per demo user. It is EFORBIDDEN outside serve --sandbox, where the demo
// users do not exist either; in the sandbox it grants nothing the demo API
// keys, whose secrets are published, do not grant already.
func (s *Users) SandboxSignIn(ctx context.Context, email string) (*porting.Session, string, error) {
	if !s.sandbox {
		return nil, "", porting.Errorf(porting.EFORBIDDEN, "sign-in without a password exists only in the sandbox")
	}
	email, err := porting.NormalizeEmail("email", email)
	if err != nil {
		return nil, "", err
	}
	demo := false
	for _, k := range SandboxKeys {
		demo = demo || k.Email == email
	}
	if !demo {
		return nil, "", porting.FieldErrorf("email", "not a sandbox demo user")
	}
	var sess *porting.Session
	var secret string
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		u, err := tx.FindUserByEmail(ctx, email)
		if err != nil {
			return err
		}
		sess, secret, err = s.startSession(ctx, tx, u.ID)
		return err
	})
	return sess, secret, err
}
