package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// scopedTx runs fn in InTx with sc in the context and returns its error.
func scopedTx(db porting.Store, sc *porting.IdempotencyScope, fn func(ctx context.Context, tx porting.Tx) error) error {
	ctx := porting.WithIdempotencyScope(context.Background(), sc)
	return db.InTx(ctx, func(tx porting.Tx) error { return fn(ctx, tx) })
}

func findRecord(t *testing.T, db porting.Store, scope, key string) (*porting.IdempotencyRecord, error) {
	t.Helper()
	var got *porting.IdempotencyRecord
	err := db.View(context.Background(), func(tx porting.Tx) (err error) {
		got, err = tx.FindIdempotencyRecord(context.Background(), scope, key)
		return err
	})
	return got, err
}

func createAccountTx(id string) func(ctx context.Context, tx porting.Tx) error {
	return func(ctx context.Context, tx porting.Tx) error {
		return tx.CreateAccount(ctx, &porting.Account{ID: id, Name: id, SupportPlan: porting.PlanBasic})
	}
}

func testIdempotency(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	first := &porting.IdempotencyScope{Scope: "key_1", Key: "k-1", Fingerprint: "f1"}
	first.SetRef(porting.Ref{Kind: porting.RefAccount, ID: "acct_1"})

	// Work that fails leaves no record.
	err := scopedTx(db, first, func(ctx context.Context, tx porting.Tx) error {
		return porting.Errorf(porting.EINVALID, "refused")
	})
	wantCode(t, err, porting.EINVALID)
	if first.Stored() {
		t.Fatal("a rolled-back request's record is marked stored")
	}
	_, err = findRecord(t, db, "key_1", "k-1")
	wantCode(t, err, porting.ENOTFOUND)

	// Work that commits commits its record with it.
	if err := scopedTx(db, first, createAccountTx("acct_1")); err != nil {
		t.Fatal(err)
	}
	if !first.Stored() || first.Taken() {
		t.Fatalf("stored %v, taken %v; want true, false", first.Stored(), first.Taken())
	}
	want := &porting.IdempotencyRecord{Scope: "key_1", Key: "k-1", Fingerprint: "f1", Ref: "account:acct_1", CreatedAt: storetest.Epoch}
	if got, err := findRecord(t, db, "key_1", "k-1"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("record = %+v, %v; want %+v", got, err, want)
	}
	// A later transaction of the same request writes nothing more.
	if err := scopedTx(db, first, createAccountTx("acct_1b")); err != nil {
		t.Fatalf("second transaction of a stored scope: %v", err)
	}

	// Another use of the key cannot commit its work.
	second := &porting.IdempotencyScope{Scope: "key_1", Key: "k-1", Fingerprint: "f1"}
	err = scopedTx(db, second, createAccountTx("acct_2"))
	wantCode(t, err, porting.ECONFLICT)
	if !second.Taken() || second.Stored() {
		t.Fatalf("taken %v, stored %v; want true, false", second.Taken(), second.Stored())
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindAccount(ctx, "acct_2")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	// The same key in another scope is another key.
	other := &porting.IdempotencyScope{Scope: "key_2", Key: "k-1", Fingerprint: "x"}
	if err := scopedTx(db, other, createAccountTx("acct_3")); err != nil || !other.Stored() {
		t.Fatalf("same key, other scope: %v, stored %v", err, other.Stored())
	}

	body := json.RawMessage(`{"id": "acct_1"}`)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CompleteIdempotencyKey(ctx, &porting.IdempotencyRecord{Scope: "key_1", Key: "k-1", Status: 201, Body: body})
	})
	want.Done, want.Status, want.Body = true, 201, body
	if got, err := findRecord(t, db, "key_1", "k-1"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("completed record = %+v, %v; want %+v", got, err, want)
	}

	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.CompleteIdempotencyKey(ctx, &porting.IdempotencyRecord{Scope: "key_1", Key: "k-never", Status: 200})
	})
	wantCode(t, err, porting.ENOTFOUND)
}
