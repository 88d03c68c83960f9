package store

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// recordIdempotency writes the pending record of the context's
// IdempotencyScope, if any, in this transaction, so that it commits with
// the work. When the key already has a record (another use committed
// first; on PostgreSQL the insert waits for a concurrent one to finish) it
// marks the scope taken and returns ECONFLICT, which rolls the work back.
func (t *tx) recordIdempotency(ctx context.Context, s *porting.IdempotencyScope) error {
	k := s.Pending()
	if k == nil {
		return nil
	}
	t.db.stamp(&k.CreatedAt)
	res, err := t.exec(ctx, `INSERT INTO idempotency_keys (scope, idem_key, fingerprint, ref, done, status, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (scope, idem_key) DO NOTHING`,
		k.Scope, k.Key, k.Fingerprint, k.Ref, false, 0, nil, k.CreatedAt)
	if err != nil {
		return errorf(err, "record idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "record idempotency key")
	} else if n == 0 {
		s.MarkTaken()
		return porting.Errorf(porting.ECONFLICT, "another request with this Idempotency-Key finished first")
	}
	return nil
}

// FindIdempotencyRecord returns the record of key in scope.
func (t *tx) FindIdempotencyRecord(ctx context.Context, scope, key string) (*porting.IdempotencyRecord, error) {
	var r porting.IdempotencyRecord
	err := t.queryRow(ctx, `SELECT scope, idem_key, fingerprint, ref, done, status, body, created_at
		FROM idempotency_keys WHERE scope = $1 AND idem_key = $2`, scope, key).
		Scan(&r.Scope, &r.Key, &r.Fingerprint, &r.Ref, &r.Done, &r.Status, rawCol{&r.Body}, timeCol{&r.CreatedAt})
	if err != nil {
		return nil, findErr(err, "idempotency key", "")
	}
	return &r, nil
}

// CompleteIdempotencyKey stores the answer of a recorded key and marks it
// done. ENOTFOUND when the key has no record.
func (t *tx) CompleteIdempotencyKey(ctx context.Context, k *porting.IdempotencyRecord) error {
	res, err := t.exec(ctx, `UPDATE idempotency_keys SET done = $1, status = $2, body = $3
		WHERE scope = $4 AND idem_key = $5`, true, k.Status, rawArg(k.Body), k.Scope, k.Key)
	if err != nil {
		return errorf(err, "complete idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "complete idempotency key")
	} else if n == 0 {
		return porting.Errorf(porting.ENOTFOUND, "idempotency key not recorded")
	}
	k.Done = true
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
