package workflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/portdesk/portdesk/porting"
)

// Users holds the web console's people: invitations, accounts of their
// own (User), sign-in with the login limit, and server-side sessions. A
// session's principal is the user's (porting.User.Principal), so every
// other use case treats a console user like an API key of its role.
type Users struct {
	store     porting.Store
	clock     porting.Clock
	events    *Events
	notifier  porting.Notifier // sends invitation and reset emails; nil: none
	publicURL string           // the console's base URL, for the emails' links
	sandbox   bool             // serve --sandbox: SandboxSignIn works
}

// InviteParams are the inputs of Invite.
type InviteParams struct {
	Email string
	Role  porting.Role
	// AccountID is the account of a customer user; "" for staff, and for a
	// customer inviting into its own account.
	AccountID string
	// Language is the language of the invitation email (BCP 47; en, es
	// and de are spoken); "" is English.
	Language string
}

// Invite invites a person to become a console user and returns the
// invitation with its token, which is shown only here: the database keeps
// its hash. Admins invite anyone; customers invite customers of their own
// account (another account is ENOTFOUND); specialists invite nobody.
// The invitation can be accepted once within porting.InvitationLifetime.
// When a mailer is configured, the invitee is also emailed a link to
// <public URL>/invitations/<token> in in.Language: the email job, queued
// in the same transaction, names the invitation only, and the token waits
// sealed in the invitation's row until the email went out (see
// SendUserEmail).
func (s *Users) Invite(ctx context.Context, p porting.Principal, in InviteParams) (*porting.Invitation, string, error) {
	email, err := porting.NormalizeEmail("email", in.Email)
	if err != nil {
		return nil, "", err
	}
	role, accountID := in.Role, in.AccountID
	if !role.KeyRole() {
		return nil, "", porting.FieldErrorf("role", "role must be admin, specialist or customer")
	}
	switch p.Role {
	case porting.RoleAdmin:
	case porting.RoleCustomer:
		if role != porting.RoleCustomer {
			return nil, "", porting.Errorf(porting.EFORBIDDEN, "customers invite customers of their own account only")
		}
		if accountID == "" {
			accountID = p.AccountID
		}
		if err := visible(p, accountID, "account", accountID); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", porting.Errorf(porting.EFORBIDDEN, "only admins and customers invite users")
	}
	switch {
	case role == porting.RoleCustomer && accountID == "":
		return nil, "", porting.FieldErrorf("account_id", "a customer user belongs to an account")
	case role != porting.RoleCustomer && accountID != "":
		return nil, "", porting.FieldErrorf("account_id", "staff users belong to no account")
	}
	token := newToken("pdi_")
	now := s.clock.Now()
	inv := &porting.Invitation{ID: porting.NewID("inv"), Email: email, Role: role, AccountID: accountID,
		Hash: HashSecret(token), InvitedBy: p.KeyID, CreatedAt: now, ExpiresAt: now.Add(porting.InvitationLifetime),
		Language: emailLanguage(in.Language)}
	mail := s.mailsUsers()
	if mail {
		inv.Token = token
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		if accountID != "" {
			if _, err := tx.FindAccount(ctx, accountID); err != nil {
				if porting.ErrorCode(err) == porting.ENOTFOUND {
					return &porting.Error{Code: porting.ENOTFOUND, Field: "account_id", Message: "account " + accountID + " not found", Err: err}
				}
				return err
			}
		}
		if err := tx.CreateInvitation(ctx, inv); err != nil {
			return err
		}
		if mail {
			if err := tx.Enqueue(ctx, porting.SendUserEmailJob{Purpose: porting.PurposeInvitation, ID: inv.ID}); err != nil {
				return err
			}
		}
		return s.events.record(ctx, tx, p, porting.EventInvitationCreated, porting.Event{AccountID: accountID}, nil, inv)
	})
	if err != nil {
		return nil, "", err
	}
	inv.Token = ""
	return inv, token, nil
}

// AcceptInvitation turns an invitation into a user with the given name and
// password (checkPassword's rules). An unknown, used or expired token is
// EUNAUTHORIZED; an email that has become a user meanwhile is ECONFLICT.
// The user still signs in afterwards: accepting starts no session.
func (s *Users) AcceptInvitation(ctx context.Context, token, name, password string) (*porting.User, error) {
	hash, err := tokenHash(token, "token")
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, porting.FieldErrorf("name", "name is required")
	case !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return nil, porting.FieldErrorf("name", "name must be text")
	case utf8.RuneCountInString(name) > porting.MaxNameLength:
		return nil, porting.FieldErrorf("name", "name may be at most %d characters", porting.MaxNameLength)
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	// The slow hash is made before the transaction, which it would
	// otherwise hold open.
	pwHash := hashPassword(password)
	var u *porting.User
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		now := s.clock.Now()
		inv, err := tx.FindInvitationByHash(ctx, hash)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation is unknown")
		}
		if err != nil {
			return err
		}
		if !now.Before(inv.ExpiresAt) {
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation expired; ask for a new one")
		}
		if ok, err := tx.AcceptInvitation(ctx, inv.ID, now); err != nil {
			return err
		} else if !ok {
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation was used already")
		}
		u = &porting.User{ID: porting.NewID("usr"), Email: inv.Email, Name: name, Role: inv.Role,
			AccountID: inv.AccountID, PasswordHash: pwHash, CreatedAt: now}
		if err := tx.CreateUser(ctx, u); err != nil {
			if porting.ErrorCode(err) == porting.ECONFLICT {
				return &porting.Error{Code: porting.ECONFLICT, Field: "email", Message: "a user with this email exists already; sign in instead", Err: err}
			}
			return err
		}
		return s.events.record(ctx, tx, u.Principal(), porting.EventUserCreated, porting.Event{AccountID: u.AccountID}, nil, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// DisableUser disables a user and ends its sessions in the same
// transaction. Admins disable anyone, customers the users of their own
// account (others are ENOTFOUND). Disabling a disabled user returns it
// unchanged.
func (s *Users) DisableUser(ctx context.Context, p porting.Principal, id string) (*porting.User, error) {
	var u *porting.User
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		before, err := tx.FindUser(ctx, id)
		if err != nil {
			return err
		}
		if err := mayManageUser(p, before); err != nil {
			return err
		}
		if before.DisabledAt != nil {
			u = before
			return nil
		}
		after := *before
		now := s.clock.Now()
		after.DisabledAt = &now
		if err := tx.UpdateUser(ctx, &after); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, id); err != nil {
			return err
		}
		u = &after
		return s.events.record(ctx, tx, p, porting.EventUserDisabled, porting.Event{AccountID: u.AccountID}, before, u)
	})
	return u, err
}

// mayManageUser is the one rule for acting on another user: admins on
// anyone, customers on their own account's users (another account's user
// is ENOTFOUND), nobody else.
func mayManageUser(p porting.Principal, u *porting.User) error {
	switch p.Role {
	case porting.RoleAdmin:
		return nil
	case porting.RoleCustomer:
		return visible(p, u.AccountID, "user", u.ID)
	}
	return porting.Errorf(porting.EFORBIDDEN, "only admins and the account's customers manage users")
}

// tokenHash bounds a secret sent back by a browser and returns its stored
// form; an empty or oversized one is EUNAUTHORIZED without a look-up.
func tokenHash(secret, what string) (string, error) {
	if secret == "" || len(secret) > porting.MaxTokenLength {
		return "", porting.Errorf(porting.EUNAUTHORIZED, "the %s is missing or malformed", what)
	}
	return HashSecret(secret), nil
}

// newToken returns a random secret of 192 bits after a readable prefix.
func newToken(prefix string) string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("workflow: no randomness: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}
