package store

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// ClaimIdempotencyKey records k as in progress and returns nil when the
// key is new in its scope. When the key was used before it stores nothing
// and returns the stored record: Done is false while the first use is
// still running. Comparing fingerprints is the caller's business.
func (t *tx) ClaimIdempotencyKey(ctx context.Context, k *porting.IdempotencyRecord) (*porting.IdempotencyRecord, error) {
	t.db.stamp(&k.CreatedAt)
	res, err := t.exec(ctx, `INSERT INTO idempotency_keys (scope, idem_key, fingerprint, done, status, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (scope, idem_key) DO NOTHING`,
		k.Scope, k.Key, k.Fingerprint, false, 0, nil, k.CreatedAt)
	if err != nil {
		return nil, errorf(err, "claim idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, errorf(err, "claim idempotency key")
	} else if n == 1 {
		return nil, nil
	}
	var r porting.IdempotencyRecord
	err = t.queryRow(ctx, `SELECT scope, idem_key, fingerprint, done, status, body, created_at
		FROM idempotency_keys WHERE scope = $1 AND idem_key = $2`, k.Scope, k.Key).
		Scan(&r.Scope, &r.Key, &r.Fingerprint, &r.Done, &r.Status, rawCol{&r.Body}, timeCol{&r.CreatedAt})
	if err != nil {
		return nil, errorf(err, "read idempotency key")
	}
	return &r, nil
}

// CompleteIdempotencyKey stores the response of a claimed key and marks it
// done. ENOTFOUND when the key was not claimed (or was released).
func (t *tx) CompleteIdempotencyKey(ctx context.Context, k *porting.IdempotencyRecord) error {
	res, err := t.exec(ctx, `UPDATE idempotency_keys SET done = $1, status = $2, body = $3
		WHERE scope = $4 AND idem_key = $5`, true, k.Status, rawArg(k.Body), k.Scope, k.Key)
	if err != nil {
		return errorf(err, "complete idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "complete idempotency key")
	} else if n == 0 {
		return porting.Errorf(porting.ENOTFOUND, "idempotency key not claimed")
	}
	k.Done = true
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key whose request failed, so a
// retry runs afresh. A completed or absent key is left alone.
func (t *tx) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	if _, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND NOT done`,
		scope, key); err != nil {
		return errorf(err, "release idempotency key")
	}
	return nil
}

// PurgeIdempotencyKeys deletes the records created before cutoff.
func (t *tx) PurgeIdempotencyKeys(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, normTime(cutoff))
	if err != nil {
		return 0, errorf(err, "purge idempotency keys")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errorf(err, "purge idempotency keys")
	}
	return int(n), nil
}
