package workflow

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// CreateAccountParams are the inputs of CreateAccount.
type CreateAccountParams struct {
	Name        string
	SupportPlan porting.SupportPlan
}

// CreateAccount creates a customer account. Admins only.
func (s *Service) CreateAccount(ctx context.Context, p porting.Principal, in CreateAccountParams) (*porting.Account, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return nil, porting.FieldErrorf("name", "name must hold 1 to 200 characters")
	}
	if !in.SupportPlan.Valid() {
		return nil, porting.FieldErrorf("support_plan", "support_plan must be basic or premium")
	}
	a := &porting.Account{ID: porting.NewID("acc"), Name: name, SupportPlan: in.SupportPlan, CreatedAt: s.Clock.Now()}
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefAccount, a.ID, "")
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, tx, p, porting.EventAccountCreated, porting.Event{AccountID: a.ID}, nil, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// GetAccount returns an account its owner or staff may see.
func (s *Service) GetAccount(ctx context.Context, p porting.Principal, id string) (*porting.Account, error) {
	if err := visible(p, id, "account", id); err != nil {
		return nil, err
	}
	var a *porting.Account
	err := s.Store.View(ctx, func(tx porting.Tx) error {
		var err error
		a, err = tx.FindAccount(ctx, id)
		return err
	})
	return a, err
}

// CreateAPIKey creates an API key and returns it with its secret, which is
// never shown again. Customer keys belong to an account; admins create any
// key, and a customer may create more customer keys for its own account.
// Staff keys (admin, specialist) belong to no account: accountID must be "".
func (s *Service) CreateAPIKey(ctx context.Context, p porting.Principal, accountID string, role porting.Role) (*porting.APIKey, string, error) {
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
	case p.Role == porting.RoleCustomer:
		if err := visible(p, accountID, "account", accountID); err != nil {
			return nil, "", err
		}
	default:
		if err := requireAdmin(p); err != nil {
			return nil, "", err
		}
	}
	secret := newSecret()
	k := &porting.APIKey{
		ID: porting.NewID("key"), AccountID: accountID, Role: role,
		Prefix: secret[:11], Hash: HashSecret(secret), CreatedAt: s.Clock.Now(),
	}
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		if accountID != "" {
			if _, err := tx.FindAccount(ctx, accountID); err != nil {
				return err
			}
		}
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.record(ctx, tx, p, porting.EventAPIKeyCreated, porting.Event{AccountID: accountID}, nil, k)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// Authenticate returns the principal of an API key secret. Unknown keys are
// EUNAUTHORIZED. The admin token is accepted while no admin key exists.
func (s *Service) Authenticate(ctx context.Context, secret string) (porting.Principal, error) {
	if secret == "" {
		return porting.Principal{}, porting.Errorf(porting.EUNAUTHORIZED, "missing API key: send Authorization: Bearer <key>")
	}
	var p porting.Principal
	err := s.Store.View(ctx, func(tx porting.Tx) error {
		k, err := tx.FindAPIKeyByHash(ctx, HashSecret(secret))
		if err == nil {
			p = porting.Principal{Role: k.Role, AccountID: k.AccountID, KeyID: k.ID}
			return nil
		}
		if porting.ErrorCode(err) != porting.ENOTFOUND {
			return err
		}
		if s.AdminToken != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.AdminToken)) == 1 {
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
	return p, err
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
