package workflow

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// staleClaim is how long an unfinished use of a key blocks a retry: longer
// than any request runs, so a claim this old belongs to a request that died
// (a crash between its commit and the stored answer).
const staleClaim = 5 * time.Minute

// ClaimIdempotencyKey claims a key for a request; it returns nil when the
// key is new, or the record of its earlier use.
func (s *Service) ClaimIdempotencyKey(ctx context.Context, rec *porting.IdempotencyRecord) (*porting.IdempotencyRecord, error) {
	var prior *porting.IdempotencyRecord
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		prior, err = tx.ClaimIdempotencyKey(ctx, rec)
		if err != nil || prior == nil || prior.Done || s.Clock.Now().Sub(prior.CreatedAt) < staleClaim {
			return err
		}
		if err := tx.ReleaseIdempotencyKey(ctx, rec.Scope, rec.Key); err != nil {
			return err
		}
		prior, err = tx.ClaimIdempotencyKey(ctx, rec)
		return err
	})
	return prior, err
}

// CompleteIdempotencyKey stores the answer given to a claimed key.
func (s *Service) CompleteIdempotencyKey(ctx context.Context, rec *porting.IdempotencyRecord) error {
	return s.Store.InTx(ctx, func(tx porting.Tx) error { return tx.CompleteIdempotencyKey(ctx, rec) })
}

// ReleaseIdempotencyKey forgets a claimed key whose request failed, so a
// retry runs again.
func (s *Service) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	return s.Store.InTx(ctx, func(tx porting.Tx) error { return tx.ReleaseIdempotencyKey(ctx, scope, key) })
}

// idempotencyTTL is how long an Idempotency-Key is honoured.
const idempotencyTTL = 24 * time.Hour

// PurgeExpired deletes what portdesk keeps only for a while: idempotency
// records older than a day. It runs hourly on the job runner's leader.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	var n int
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		n, err = tx.PurgeIdempotencyKeys(ctx, s.Clock.Now().Add(-idempotencyTTL))
		return err
	})
	return n, err
}
