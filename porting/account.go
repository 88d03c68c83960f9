package porting

import (
	"slices"
	"time"
)

// SupportPlan is an account's support plan; it decides the kind of case a
// port request files.
type SupportPlan string

// Support plans.
const (
	PlanBasic   SupportPlan = "basic"
	PlanPremium SupportPlan = "premium"
)

// Valid reports whether p is a known plan.
func (p SupportPlan) Valid() bool { return slices.Contains(SupportPlans, p) }

// SupportPlans lists every support plan.
var SupportPlans = []SupportPlan{PlanBasic, PlanPremium}

// Account is a customer tenant.
type Account struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	SupportPlan SupportPlan `json:"support_plan"`
	CreatedAt   time.Time   `json:"created_at"`
}

// Role is what an API key may do.
type Role string

// Roles. RoleSystem and RoleCarrier are never given to API keys: they name
// the deadline sweeper and carrier gateway answers in the transition table
// and in events.
const (
	RoleAdmin      Role = "admin"
	RoleSpecialist Role = "specialist"
	RoleCustomer   Role = "customer"
	RoleSystem     Role = "system"
	RoleCarrier    Role = "carrier"
)

// KeyRole reports whether r may be given to an API key.
func (r Role) KeyRole() bool {
	return r == RoleAdmin || r == RoleSpecialist || r == RoleCustomer
}

// Staff reports whether r is a porting team role.
func (r Role) Staff() bool { return r == RoleAdmin || r == RoleSpecialist }

// APIKey is a stored API key. Only the SHA-256 hash of the secret is kept;
// Prefix is the first characters of the secret, to recognise it in lists.
// A key stops authenticating once revoked or past its expiry.
type APIKey struct {
	ID        string     `json:"id"`
	AccountID string     `json:"account_id,omitempty"` // empty for staff keys
	Role      Role       `json:"role"`
	Prefix    string     `json:"prefix"`
	Hash      string     `json:"-"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When the key stops working; absent: it does not expire."`
	RevokedAt *time.Time `json:"revoked_at,omitempty" doc:"When the key was revoked; a revoked key answers 401."`
	// LastUsedAt is when the key last authenticated a request, to the
	// minute (APIKeyUseResolution): it is written at most that often.
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"When the key last authenticated a request, accurate to a minute."`
	CreatedAt  time.Time  `json:"created_at"`
}

// API key limits.
const (
	// MaxAccountAPIKeys is how many keys that are not revoked a customer
	// account may hold; expired keys count until revoked.
	MaxAccountAPIKeys = 20
	// APIKeyUseResolution is how stale LastUsedAt may be: a key's use is
	// written at most once per this interval, not on every request.
	APIKeyUseResolution = time.Minute
)

// MaxAPIKeyLifetime is the latest expiry a new key may have, counted from
// its creation: two years.
func MaxAPIKeyLifetime(now time.Time) time.Time { return now.AddDate(2, 0, 0) }

// Usable returns nil when the key may authenticate a request at now, and
// EUNAUTHORIZED saying why not when it is revoked or expired.
func (k *APIKey) Usable(now time.Time) error {
	switch {
	case k.RevokedAt != nil:
		return Errorf(EUNAUTHORIZED, "the API key was revoked")
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return Errorf(EUNAUTHORIZED, "the API key expired")
	}
	return nil
}

// UseIsStale reports whether LastUsedAt is worth writing again at now.
func (k *APIKey) UseIsStale(now time.Time) bool {
	return k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= APIKeyUseResolution
}

// Principal is who is calling: a role, the account a customer belongs to,
// and the key used. Every use case takes one.
type Principal struct {
	Role      Role   `json:"role"`
	AccountID string `json:"account_id,omitempty"`
	KeyID     string `json:"key_id,omitempty"`
}

// SystemPrincipal is the deadline sweeper and other internal jobs.
var SystemPrincipal = Principal{Role: RoleSystem}

// CanSee reports whether p may see data of the given account: staff and
// system see everything, customers only their own account.
func (p Principal) CanSee(accountID string) bool {
	if p.Role == RoleCustomer {
		return p.AccountID != "" && p.AccountID == accountID
	}
	return true
}

// APIKeyFilter selects the keys FindAPIKeys lists. AccountID limits them to
// one account; Staff to the keys of no account; neither lists every key.
type APIKeyFilter struct {
	AccountID string
	Staff     bool
}
