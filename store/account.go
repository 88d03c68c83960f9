package store

import (
	"context"
	"time"

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
	a, err := scanAccount(t.queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "account", id)
	}
	return a, nil
}

const accountColumns = `id, name, support_plan, created_at`

func scanAccount(r scanner) (*porting.Account, error) {
	var a porting.Account
	if err := r.Scan(&a.ID, &a.Name, &a.SupportPlan, timeCol{&a.CreatedAt}); err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAccounts returns one page of accounts, oldest first (then by ID).
// A cursor it did not return is EINVALID.
func (t *tx) FindAccounts(ctx context.Context, f porting.AccountFilter) (*porting.AccountPage, error) {
	rows, next, err := findCreatedPage(ctx, t, `SELECT `+accountColumns+` FROM accounts`, where{}, f.Cursor, f.Limit,
		scanAccount, func(a *porting.Account) (time.Time, string) { return a.CreatedAt, a.ID })
	if err != nil {
		return nil, errorf(err, "find accounts")
	}
	return &porting.AccountPage{Accounts: rows, NextCursor: next}, nil
}

// LockAccount takes the account's row lock on PostgreSQL until the
// transaction ends, so writers counting the account's keys or endpoints
// take turns; SQLite's write transactions take turns already. ENOTFOUND
// when the account does not exist.
func (t *tx) LockAccount(ctx context.Context, id string) error {
	if id == "" {
		// The staff's own things (keys, webhook endpoints) have no account
		// row to lock: a transaction-scoped advisory lock stands in for it.
		if t.writable && t.db.engine == EnginePostgres {
			if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portdesk:staff'))`); err != nil {
				return errorf(err, "lock the staff's records")
			}
		}
		return nil
	}
	query := `SELECT id FROM accounts WHERE id = $1`
	if t.writable && t.db.engine == EnginePostgres {
		query += ` FOR UPDATE`
	}
	var got string
	if err := t.queryRow(ctx, query, id).Scan(&got); err != nil {
		return findErr(err, "account", id)
	}
	return nil
}

const apiKeyColumns = `id, account_id, role, prefix, hash, expires_at, revoked_at, last_used_at, created_at`

func scanAPIKey(r scanner) (*porting.APIKey, error) {
	var k porting.APIKey
	err := r.Scan(&k.ID, strCol{&k.AccountID}, &k.Role, &k.Prefix, &k.Hash,
		nullTimeCol{&k.ExpiresAt}, nullTimeCol{&k.RevokedAt}, nullTimeCol{&k.LastUsedAt}, timeCol{&k.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// CreateAPIKey stores k. ECONFLICT when its ID or hash exists already,
// EINVALID for a role keys cannot have or an unknown account.
func (t *tx) CreateAPIKey(ctx context.Context, k *porting.APIKey) error {
	setID(&k.ID, "key")
	t.db.stamp(&k.CreatedAt)
	k.ExpiresAt, k.RevokedAt, k.LastUsedAt = normTimePtr(k.ExpiresAt), normTimePtr(k.RevokedAt), normTimePtr(k.LastUsedAt)
	_, err := t.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, nullStr(k.AccountID), k.Role, k.Prefix, k.Hash, k.ExpiresAt, k.RevokedAt, k.LastUsedAt, k.CreatedAt)
	if err != nil {
		return errorf(err, "create api key %s", k.ID)
	}
	return nil
}

// FindAPIKeyByHash returns the key whose secret hashes to hash, revoked or
// expired ones included; ENOTFOUND if none.
func (t *tx) FindAPIKeyByHash(ctx context.Context, hash string) (*porting.APIKey, error) {
	k, err := scanAPIKey(t.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1`, hash))
	if err != nil {
		// The hash stands in for a secret: keep it out of messages.
		return nil, findErr(err, "api key", "")
	}
	return k, nil
}

// FindAPIKey returns the key with the given ID; ENOTFOUND if none.
func (t *tx) FindAPIKey(ctx context.Context, id string) (*porting.APIKey, error) {
	k, err := scanAPIKey(t.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "api key", id)
	}
	return k, nil
}

// FindAPIKeys lists the keys f selects that are not revoked, oldest first.
func (t *tx) FindAPIKeys(ctx context.Context, f porting.APIKeyFilter) ([]*porting.APIKey, error) {
	var w where
	w.add("revoked_at IS NULL")
	switch {
	case f.AccountID != "":
		w.add("account_id = %s", f.AccountID)
	case f.Staff:
		w.add("account_id IS NULL")
	}
	out := []*porting.APIKey{}
	err := queryAll(ctx, t, func(r scanner) error {
		k, err := scanAPIKey(r)
		if err == nil {
			out = append(out, k)
		}
		return err
	}, `SELECT `+apiKeyColumns+` FROM api_keys`+w.String()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, errorf(err, "find api keys")
	}
	return out, nil
}

// RevokeAPIKey sets the key's revocation time unless it has one already.
// ENOTFOUND when there is no such key.
func (t *tx) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at, id); err != nil {
		return errorf(err, "revoke api key %s", id)
	}
	_, err := t.FindAPIKey(ctx, id)
	return err
}

// TouchAPIKey records a use of the key at at unless one at or after
// staleBefore is recorded already; it reports whether it wrote.
func (t *tx) TouchAPIKey(ctx context.Context, id string, at, staleBefore time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE api_keys SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`, at, id, staleBefore)
	if err != nil {
		return false, errorf(err, "record use of api key %s", id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, errorf(err, "record use of api key %s", id)
	}
	return n > 0, nil
}

// CountAPIKeys counts the keys of role r, revoked and expired ones too.
func (t *tx) CountAPIKeys(ctx context.Context, r porting.Role) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM api_keys WHERE role = $1`, r).Scan(&n); err != nil {
		return 0, errorf(err, "count %s api keys", r)
	}
	return n, nil
}
