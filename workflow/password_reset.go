package workflow

import (
	"context"
	"net/netip"

	"github.com/portdesk/portdesk/porting"
)

// RequestPasswordReset emails the user of an email a one-time link to
// <public URL>/password-reset/<token>, valid porting.PasswordResetLifetime,
// in lang. The answer is the same whether or not the email is a user's
// (and for a disabled user, who gets no email): nil, or EINVALID for an
// email that is not an address, or ETOOMANY over the request limit
// (porting.MaxResetRequestsPerEmail for the email,
// porting.MaxResetRequestsPerIP from remoteIP, within
// porting.LoginFailureWindow), which counts every request alike. Without a
// mailer it is EUNAVAILABLE, for every email alike.
func (s *Users) RequestPasswordReset(ctx context.Context, email, lang, remoteIP string) error {
	email, err := porting.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(remoteIP)
	if err != nil {
		return porting.FieldErrorf("remote_ip", "remote_ip is not an IP address")
	}
	remoteIP = ip.Unmap().String()
	if !s.mailsUsers() {
		return porting.Errorf(porting.EUNAVAILABLE, "password reset emails cannot be sent here; ask an admin")
	}
	token := newToken("pdr_")
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		now := s.clock.Now()
		since := now.Add(-porting.LoginFailureWindow)
		byEmail, byIP, err := tx.CountResetRequests(ctx, email, remoteIP, since)
		if err != nil {
			return err
		}
		if byEmail >= porting.MaxResetRequestsPerEmail || byIP >= porting.MaxResetRequestsPerIP {
			return porting.Errorf(porting.ETOOMANY, "too many password reset requests; try again in %s", porting.LoginFailureWindow)
		}
		if err := tx.RecordResetRequest(ctx, porting.LoginFailure{Email: email, RemoteIP: remoteIP, At: now}, since); err != nil {
			return err
		}
		u, err := tx.FindUserByEmail(ctx, email)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			return nil
		}
		if err != nil || u.DisabledAt != nil {
			return err
		}
		r := &porting.PasswordReset{ID: porting.NewID("pwr"), UserID: u.ID, Hash: HashSecret(token), Token: token,
			Language: emailLanguage(lang), CreatedAt: now, ExpiresAt: now.Add(porting.PasswordResetLifetime)}
		if err := tx.CreatePasswordReset(ctx, r); err != nil {
			return err
		}
		return tx.Enqueue(ctx, porting.SendUserEmailJob{Purpose: porting.PurposePasswordReset, ID: r.ID})
	})
}

// CheckPasswordReset reports whether a reset token can still set a
// password: nil, or EUNAUTHORIZED for an unknown, used or expired one.
// The console asks before showing the form; ResetPassword checks again.
func (s *Users) CheckPasswordReset(ctx context.Context, token string) error {
	hash, err := tokenHash(token, "link")
	if err != nil {
		return err
	}
	return s.store.View(ctx, func(tx porting.Tx) error {
		_, err := s.usableReset(ctx, tx, hash)
		return err
	})
}

// usableReset finds the reset of a token hash that is neither used nor
// expired, and its user enabled; EUNAUTHORIZED otherwise.
func (s *Users) usableReset(ctx context.Context, tx porting.Tx, hash string) (*porting.PasswordReset, error) {
	r, err := tx.FindPasswordResetByHash(ctx, hash)
	switch {
	case porting.ErrorCode(err) == porting.ENOTFOUND:
		return nil, porting.Errorf(porting.EUNAUTHORIZED, "the password reset link is unknown")
	case err != nil:
		return nil, err
	case r.UsedAt != nil:
		return nil, porting.Errorf(porting.EUNAUTHORIZED, "the password reset link was used already; ask for a new one")
	case !s.clock.Now().Before(r.ExpiresAt):
		return nil, porting.Errorf(porting.EUNAUTHORIZED, "the password reset link expired; ask for a new one")
	}
	return r, nil
}

// ResetPassword sets a new password (checkPassword's rules) with a reset
// token, uses the token up and ends every session of the user, in one
// transaction. An unknown, used or expired token, or a disabled user, is
// EUNAUTHORIZED. It starts no session: the user signs in afterwards.
func (s *Users) ResetPassword(ctx context.Context, token, password string) error {
	hash, err := tokenHash(token, "link")
	if err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	pwHash := hashPassword(password) // slow: before the transaction
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		r, err := s.usableReset(ctx, tx, hash)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if ok, err := tx.UsePasswordReset(ctx, r.ID, now); err != nil {
			return err
		} else if !ok {
			return porting.Errorf(porting.EUNAUTHORIZED, "the password reset link was used already; ask for a new one")
		}
		before, err := tx.FindUser(ctx, r.UserID)
		if err != nil {
			return err
		}
		if before.DisabledAt != nil {
			return porting.Errorf(porting.EUNAUTHORIZED, "the user is disabled")
		}
		after := *before
		after.PasswordHash = pwHash
		if err := tx.UpdateUser(ctx, &after); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, after.ID); err != nil {
			return err
		}
		// A forgotten password's refused sign-ins no longer say anything.
		if err := tx.ClearLoginFailures(ctx, after.Email, now.Add(-porting.LoginFailureWindow)); err != nil {
			return err
		}
		return s.events.record(ctx, tx, after.Principal(), porting.EventPasswordReset, porting.Event{AccountID: after.AccountID}, nil,
			map[string]string{"user_id": after.ID})
	})
}

// ListUsers returns the users and the pending (not accepted) invitations
// p may manage: admins see everyone's, customers their own account's
// (accountID, when set, must be theirs: another is ENOTFOUND), specialists
// are EFORBIDDEN. accountID "" for an admin lists every account and staff.
func (s *Users) ListUsers(ctx context.Context, p porting.Principal, accountID string) ([]*porting.User, []*porting.Invitation, error) {
	switch p.Role {
	case porting.RoleAdmin:
	case porting.RoleCustomer:
		if accountID == "" {
			accountID = p.AccountID
		}
		if err := visible(p, accountID, "account", accountID); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, porting.Errorf(porting.EFORBIDDEN, "only admins and the account's customers manage users")
	}
	var (
		users []*porting.User
		invs  []*porting.Invitation
	)
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if users, err = tx.ListUsers(ctx, accountID); err != nil {
			return err
		}
		invs, err = tx.ListInvitations(ctx, accountID)
		return err
	})
	return users, invs, err
}
