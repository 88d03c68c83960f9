package workflow

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// CreateAPIKeyParams are the inputs of CreateAPIKey.
type CreateAPIKeyParams struct {
	// AccountID is the account of a customer key; "" for staff keys.
	AccountID string
	Role      porting.Role
	// ExpiresAt, when set, is when the key stops working: after now and at
	// most porting.MaxAPIKeyLifetime ahead.
	ExpiresAt *time.Time
}

// CreateAPIKey creates an API key and returns it with its secret, which is
// never shown again. Customer keys belong to an account; admins create any
// key, and a customer may create more customer keys for its own account.
// Staff keys (admin, specialist) belong to no account: AccountID must be "".
// An account holds at most porting.MaxAccountAPIKeys keys that are not
// revoked (ECONFLICT beyond).
func (s *Accounts) CreateAPIKey(ctx context.Context, p porting.Principal, in CreateAPIKeyParams) (*porting.APIKey, string, error) {
	accountID, role := in.AccountID, in.Role
	if !role.KeyRole() {
		return nil, "", porting.FieldErrorf("role", "role must be admin, specialist or customer")
	}
	switch {
	case p.Role == porting.RoleCustomer && role != porting.RoleCustomer:
		return nil, "", porting.Errorf(porting.EFORBIDDEN, "customers may create customer keys only")
	case role == porting.RoleCustomer && accountID == "":
		return nil, "", porting.FieldErrorf("account_id", "a customer key belongs to an account")
	case role != porting.RoleCustomer && accountID != "":
		return nil, "", porting.FieldErrorf("role", "staff keys belong to no account; create them with POST /v1/api-keys")
	}
	if err := mayManageKeys(p, accountID); err != nil {
		return nil, "", err
	}
	now := s.clock.Now()
	if e := in.ExpiresAt; e != nil {
		if !e.After(now) {
			return nil, "", porting.FieldErrorf("expires_at", "expires_at must be in the future")
		}
		if e.After(porting.MaxAPIKeyLifetime(now)) {
			return nil, "", porting.FieldErrorf("expires_at", "expires_at may be at most two years ahead")
		}
	}
	secret := newSecret()
	k := &porting.APIKey{
		ID: porting.NewID("key"), AccountID: accountID, Role: role, ExpiresAt: in.ExpiresAt,
		Prefix: secret[:11], Hash: HashSecret(secret), CreatedAt: now,
	}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		if err := outliveNoCreator(ctx, tx, p, k); err != nil {
			return err
		}
		if accountID != "" {
			if err := tx.LockAccount(ctx, accountID); err != nil {
				return err
			}
			held, err := tx.FindAPIKeys(ctx, porting.APIKeyFilter{AccountID: accountID})
			if err != nil {
				return err
			}
			if len(held) >= porting.MaxAccountAPIKeys {
				return porting.Errorf(porting.ECONFLICT, "the account holds %d API keys that are not revoked, the most it may; revoke unused or expired keys first", len(held))
			}
		}
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventAPIKeyCreated, porting.Event{AccountID: accountID}, nil, k)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// outliveNoCreator keeps a key from outliving the key that creates it:
// otherwise a key that expires in an hour could mint one that never does.
// A new key of an expiring creator expires with it at the latest (and by
// default). Keys made without a key (the admin token, the CLI) are free.
func outliveNoCreator(ctx context.Context, tx porting.APIKeyStore, p porting.Principal, k *porting.APIKey) error {
	if p.KeyID == "" {
		return nil
	}
	creator, err := tx.FindAPIKey(ctx, p.KeyID)
	if porting.ErrorCode(err) == porting.ENOTFOUND || err == nil && creator.ExpiresAt == nil {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case k.ExpiresAt == nil:
		e := *creator.ExpiresAt
		k.ExpiresAt = &e
	case k.ExpiresAt.After(*creator.ExpiresAt):
		return porting.FieldErrorf("expires_at", "a key may not outlive the key that creates it (which expires at %s)", creator.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// mayManageKeys is the one rule for listing, creating and revoking keys:
// admins manage every key, a customer its own account's keys, and nobody
// else any. A customer asking about another account gets ENOTFOUND.
func mayManageKeys(p porting.Principal, accountID string) error {
	switch p.Role {
	case porting.RoleAdmin:
		return nil
	case porting.RoleCustomer:
		if accountID == "" {
			return porting.Errorf(porting.EFORBIDDEN, "customers manage their own account's keys only")
		}
		return visible(p, accountID, "account", accountID)
	}
	return porting.Errorf(porting.EFORBIDDEN, "only admins and the account's customers manage API keys")
}

// APIKeys lists the keys that are not revoked, oldest first. With an
// account ID, that account's keys; without, a customer's own account's keys
// and, for an admin, every key.
func (s *Accounts) APIKeys(ctx context.Context, p porting.Principal, accountID string) ([]*porting.APIKey, error) {
	if accountID == "" && p.Role == porting.RoleCustomer {
		accountID = p.AccountID
	}
	if err := mayManageKeys(p, accountID); err != nil {
		return nil, err
	}
	var out []*porting.APIKey
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if accountID != "" {
			if _, err := tx.FindAccount(ctx, accountID); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.FindAPIKeys(ctx, porting.APIKeyFilter{AccountID: accountID})
		return err
	})
	return out, err
}

// RevokeAPIKey revokes a key: from then on it answers EUNAUTHORIZED on
// every replica, since Authenticate reads the key from the database on
// every request. Revoking a revoked key returns it unchanged. A key the
// caller may not manage is ENOTFOUND for customers, EFORBIDDEN for others.
func (s *Accounts) RevokeAPIKey(ctx context.Context, p porting.Principal, id string) (*porting.APIKey, error) {
	var k *porting.APIKey
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		before, err := tx.FindAPIKey(ctx, id)
		if err != nil {
			return err
		}
		if err := mayManageKeys(p, before.AccountID); err != nil {
			if p.Role == porting.RoleCustomer {
				return porting.Errorf(porting.ENOTFOUND, "api key %s not found", id)
			}
			return err
		}
		if before.RevokedAt != nil {
			k = before
			return nil
		}
		if err := tx.RevokeAPIKey(ctx, id, s.clock.Now()); err != nil {
			return err
		}
		if k, err = tx.FindAPIKey(ctx, id); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventAPIKeyRevoked, porting.Event{AccountID: k.AccountID}, before, k)
	})
	return k, err
}

// Authenticate returns the principal of an API key secret. Unknown,
// revoked and expired keys are EUNAUTHORIZED. The key is read from the
// database on every call, never cached, so a revocation holds at once on
// every replica. The admin token is accepted while no admin key exists
// (revoked ones included: revoking every admin key does not bring the
// token back).
func (s *Accounts) Authenticate(ctx context.Context, secret string) (porting.Principal, error) {
	if secret == "" {
		return porting.Principal{}, porting.Errorf(porting.EUNAUTHORIZED, "missing API key: send Authorization: Bearer <key>")
	}
	now := s.clock.Now()
	var (
		p   porting.Principal
		key *porting.APIKey
	)
	err := s.store.View(ctx, func(tx porting.Tx) error {
		k, err := tx.FindAPIKeyByHash(ctx, HashSecret(secret))
		if err == nil {
			if err := k.Usable(now); err != nil {
				return err
			}
			key, p = k, porting.Principal{Role: k.Role, AccountID: k.AccountID, KeyID: k.ID}
			return nil
		}
		if porting.ErrorCode(err) != porting.ENOTFOUND {
			return err
		}
		if s.adminToken != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.adminToken)) == 1 {
			n, err := tx.CountAPIKeys(ctx, porting.RoleAdmin)
			if err != nil {
				return err
			}
			if n == 0 {
				p = porting.Principal{Role: porting.RoleAdmin, KeyID: "admin-token"}
				return nil
			}
		}
		return porting.Errorf(porting.EUNAUTHORIZED, "unknown API key")
	})
	if err != nil {
		return porting.Principal{}, err
	}
	if key != nil && key.UseIsStale(now) {
		s.recordKeyUse(ctx, key.ID, now)
	}
	return p, nil
}

// recordKeyUse writes a key's last use, at most once per
// porting.APIKeyUseResolution however many requests and replicas race. It
// is bookkeeping: a failure (a busy database) must not refuse the request
// the key authenticated, so it is dropped and the next request retries.
func (s *Accounts) recordKeyUse(ctx context.Context, id string, now time.Time) {
	_ = s.store.InTx(ctx, func(tx porting.Tx) error {
		_, err := tx.TouchAPIKey(ctx, id, now, now.Add(-porting.APIKeyUseResolution))
		return err
	})
}

// HashSecret returns the stored form of an API key secret. Secrets carry
// 192 random bits, so a fast hash is enough: there is nothing to brute-force.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newSecret() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("workflow: no randomness: " + err.Error())
	}
	return "pd_" + base64.RawURLEncoding.EncodeToString(b[:])
}
