package workflow

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Idempotency remembers the answers to creating POSTs sent with an Idempotency-Key.
type Idempotency struct {
	store porting.Store
	clock porting.Clock
}

// PriorIdempotentUse returns the record of an earlier use of the scope's
// key, or nil when the key is new (or its work never committed). A key
// first used for another request (method, path or body) is EINVALID.
//
// The record itself is written by the store, in the transaction of the
// request's work (see porting.IdempotencyScope), so there is no claim to
// take or release here: a request whose work never committed left nothing
// behind and a retry runs it once.
func (s *Idempotency) PriorIdempotentUse(ctx context.Context, sc *porting.IdempotencyScope) (*porting.IdempotencyRecord, error) {
	var prior *porting.IdempotencyRecord
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		prior, err = tx.FindIdempotencyRecord(ctx, sc.Scope, sc.Key)
		return err
	})
	if porting.ErrorCode(err) == porting.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if prior.Fingerprint != sc.Fingerprint {
		return nil, porting.FieldErrorf("Idempotency-Key", "this Idempotency-Key was used for a different request")
	}
	return prior, nil
}

// CompleteIdempotencyKey stores the answer given to a key whose record
// committed with the work. Losing it (a crash just before) is safe: a
// replay then renders the answer again from the record's Ref.
func (s *Idempotency) CompleteIdempotencyKey(ctx context.Context, rec *porting.IdempotencyRecord) error {
	return s.store.InTx(ctx, func(tx porting.Tx) error { return tx.CompleteIdempotencyKey(ctx, rec) })
}

// answers tells the request's idempotency scope, if any, which object its
// answer shows. Creating use cases call it inside their transaction.
func answers(ctx context.Context, kind porting.RefKind, id, parent string) {
	porting.IdempotencyScopeFrom(ctx).SetRef(porting.Ref{Kind: kind, ID: id, Parent: parent})
}

// idempotencyTTL is how long an Idempotency-Key is honoured.
const idempotencyTTL = 24 * time.Hour

// PurgeExpired deletes what portdesk keeps only for a while: idempotency
// records older than a day. It runs hourly on the job runner's leader.
func (s *Idempotency) PurgeExpired(ctx context.Context) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		n, err = tx.PurgeIdempotencyKeys(ctx, s.clock.Now().Add(-idempotencyTTL))
		return err
	})
	return n, err
}
