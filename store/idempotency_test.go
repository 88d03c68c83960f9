package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func claim(t *testing.T, db porting.Store, k porting.IdempotencyRecord) *porting.IdempotencyRecord {
	t.Helper()
	var got *porting.IdempotencyRecord
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		got, err = tx.ClaimIdempotencyKey(ctx, &k)
		return err
	})
	return got
}

func testIdempotency(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	first := porting.IdempotencyRecord{Scope: "key_1", Key: "k-1", Fingerprint: "POST /v1/port-requests sha256:aa"}

	if got := claim(t, db, first); got != nil {
		t.Fatalf("first claim returned %+v, want nil", got)
	}
	// A retry while the first use runs sees it in progress.
	retry := first
	retry.Fingerprint = "POST /v1/port-requests sha256:bb"
	want := first
	want.CreatedAt = storetest.Epoch
	if got := claim(t, db, retry); !reflect.DeepEqual(got, &want) {
		t.Errorf("claim in progress = %+v, want %+v", got, &want)
	}
	// The same key in another scope is another key.
	if got := claim(t, db, porting.IdempotencyRecord{Scope: "key_2", Key: "k-1", Fingerprint: "x"}); got != nil {
		t.Errorf("claim in another scope = %+v, want nil", got)
	}

	body := json.RawMessage(`{"id": "req_1", "port_orders": []}`)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CompleteIdempotencyKey(ctx, &porting.IdempotencyRecord{Scope: "key_1", Key: "k-1", Status: 201, Body: body})
	})
	want.Done, want.Status, want.Body = true, 201, body
	if got := claim(t, db, retry); !reflect.DeepEqual(got, &want) {
		t.Errorf("claim after completion = %+v, want %+v", got, &want)
	}
	// Releasing a completed key keeps it.
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.ReleaseIdempotencyKey(ctx, "key_1", "k-1") })
	if got := claim(t, db, retry); got == nil || !got.Done {
		t.Errorf("completed key was released: %+v", got)
	}

	// A released key can be claimed afresh; releasing an absent key is fine.
	second := porting.IdempotencyRecord{Scope: "key_1", Key: "k-2", Fingerprint: "f"}
	claim(t, db, second)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.ReleaseIdempotencyKey(ctx, "key_1", "k-2"); err != nil {
			return err
		}
		return tx.ReleaseIdempotencyKey(ctx, "key_1", "k-absent")
	})
	if got := claim(t, db, second); got != nil {
		t.Errorf("claim after release = %+v, want nil", got)
	}

	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CompleteIdempotencyKey(ctx, &porting.IdempotencyRecord{Scope: "key_1", Key: "k-never", Status: 200})
	})
	wantCode(t, err, porting.ENOTFOUND)
}
