package store

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// CreateAccount stores a, giving it an ID and creation time when missing.
// ECONFLICT on a duplicate ID, EINVALID on an unknown plan.
func (t *tx) CreateAccount(ctx context.Context, a *porting.Account) error {
	setID(&a.ID, "acct")
	t.db.stamp(&a.CreatedAt)
	_, err := t.exec(ctx, `INSERT INTO accounts (id, name, support_plan, created_at) VALUES ($1, $2, $3, $4)`,
		a.ID, a.Name, a.SupportPlan, a.CreatedAt)
	if err != nil {
		return errorf(err, "create account %s", a.ID)
	}
	return nil
}

// FindAccount returns the account with the given ID; ENOTFOUND if none.
func (t *tx) FindAccount(ctx context.Context, id string) (*porting.Account, error) {
	var a porting.Account
	err := t.queryRow(ctx, `SELECT id, name, support_plan, created_at FROM accounts WHERE id = $1`, id).
		Scan(&a.ID, &a.Name, &a.SupportPlan, timeCol{&a.CreatedAt})
	if err != nil {
		return nil, findErr(err, "account", id)
	}
	return &a, nil
}

// CreateAPIKey stores k. ECONFLICT when its ID or hash exists already,
// EINVALID for a role keys cannot have or an unknown account.
func (t *tx) CreateAPIKey(ctx context.Context, k *porting.APIKey) error {
	setID(&k.ID, "key")
	t.db.stamp(&k.CreatedAt)
	_, err := t.exec(ctx, `INSERT INTO api_keys (id, account_id, role, prefix, hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, nullStr(k.AccountID), k.Role, k.Prefix, k.Hash, k.CreatedAt)
	if err != nil {
		return errorf(err, "create api key %s", k.ID)
	}
	return nil
}

// FindAPIKeyByHash returns the key whose secret hashes to hash; ENOTFOUND
// if none.
func (t *tx) FindAPIKeyByHash(ctx context.Context, hash string) (*porting.APIKey, error) {
	var k porting.APIKey
	err := t.queryRow(ctx, `SELECT id, account_id, role, prefix, hash, created_at FROM api_keys WHERE hash = $1`, hash).
		Scan(&k.ID, strCol{&k.AccountID}, &k.Role, &k.Prefix, &k.Hash, timeCol{&k.CreatedAt})
	if err != nil {
		// The hash stands in for a secret: keep it out of messages.
		return nil, findErr(err, "api key", "")
	}
	return &k, nil
}

// CountAPIKeys counts the keys of role r.
func (t *tx) CountAPIKeys(ctx context.Context, r porting.Role) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM api_keys WHERE role = $1`, r).Scan(&n); err != nil {
		return 0, errorf(err, "count %s api keys", r)
	}
	return n, nil
}
