package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// testPortOrderLOA saves LOA, CSR, attestation and findings through
// UpdatePortOrder and reads them back through FindPortOrder and
// FindPortOrders, PIN included.
func testPortOrderLOA(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PhoneNumbers: storetest.Numbers("+12025550100")})
	if o.Findings == nil {
		t.Error("CreatePortOrder left Findings nil, want the empty list a read returns")
	}
	got := findOrder(t, db, o.ID)
	if got.LOA != nil || got.CSR != nil || got.Attestation != nil || got.Findings == nil || len(got.Findings) != 0 {
		t.Errorf("order created without LOA: LOA %v CSR %v attestation %v findings %#v; want nil, nil, nil, []",
			got.LOA, got.CSR, got.Attestation, got.Findings)
	}

	// Times inside the JSON columns come back like column times: UTC, µs.
	tokyo := time.FixedZone("JST", 9*60*60)
	signed := time.Date(2026, 1, 2, 18, 0, 0, 123456789, tokyo)
	attested := storetest.Epoch.Add(time.Hour)
	o.LOA = fullLOA("+12025550100")
	o.LOA.SignedOn = &porting.Date{Year: 2026, Month: time.January, Day: 3}
	o.CSR = &porting.CSR{AccountName: "Example Ltd", BTN: "+12025550100", PhoneNumbers: []string{"+12025550100"},
		Source: "customer", RecordedAt: signed}
	//lint:ignore SA1019 the store keeps the deprecated mirror for readers of the first API version
	o.Attestation = &porting.Attestation{Signature: porting.SignatureWet, WetSignature: &yes, By: "key_staff", At: &attested}
	o.Findings = []porting.Finding{{Code: "BTN_ATN_MISMATCH", Severity: porting.SeverityBlocking, Field: "btn"}}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })

	wantSigned := time.Date(2026, 1, 2, 9, 0, 0, 123456000, time.UTC)
	if !o.LOA.PINSet || o.CSR.RecordedAt != wantSigned {
		t.Errorf("after update: PINSet %v, recorded %v; want true and %v", o.LOA.PINSet, o.CSR.RecordedAt, wantSigned)
	}
	got = findOrder(t, db, o.ID)
	if !reflect.DeepEqual(got, o) {
		t.Errorf("FindPortOrder =\n%+v\nwant\n%+v", got, o)
	}
	if got.LOA.PIN != testPIN || !got.LOA.PINSet {
		t.Errorf("PIN read = %q, PINSet %v; want %q, true", got.LOA.PIN, got.LOA.PINSet, testPIN)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		page, err := tx.FindPortOrders(ctx, porting.PortOrderFilter{PortRequestID: o.PortRequestID})
		if err != nil {
			return err
		}
		if len(page.Orders) != 1 || !reflect.DeepEqual(page.Orders[0], o) {
			t.Errorf("FindPortOrders =\n%+v\nwant\n%+v", page.Orders, o)
		}
		return nil
	})

	// The PIN is nowhere in the row as plaintext, though the rest of the LOA is.
	raw := rawRow(t, db, "port_orders", o.ID)
	if bytes.Contains(raw, []byte(testPIN)) {
		t.Errorf("port_orders row holds the PIN in plaintext: %q", raw)
	}
	if !bytes.Contains(raw, []byte(o.LOA.EntityName)) || !bytes.Contains(raw, []byte("BTN_ATN_MISMATCH")) {
		t.Errorf("port_orders row lacks the LOA and findings: %q", raw)
	}

	// Dropping the PIN clears the sealed column; nil findings read as [].
	o.LOA.PIN = ""
	o.Findings = nil
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })
	got = findOrder(t, db, o.ID)
	if got.LOA.PIN != "" || got.LOA.PINSet || got.Findings == nil || len(got.Findings) != 0 {
		t.Errorf("after dropping PIN and findings: PIN %q, PINSet %v, findings %#v", got.LOA.PIN, got.LOA.PINSet, got.Findings)
	}
	if !reflect.DeepEqual(got, o) {
		t.Errorf("FindPortOrder =\n%+v\nwant\n%+v", got, o)
	}
	if n := countRows(t, db, `SELECT count(*) FROM port_orders WHERE id = $1 AND loa_pin_sealed IS NULL`, o.ID); n != 1 {
		t.Error("loa_pin_sealed is not NULL for an LOA without PIN")
	}

	// The signing date is stored as a date; rows written when it was an
	// RFC 3339 timestamp read as the date written in it.
	if raw := rawRow(t, db, "port_orders", o.ID); !bytes.Contains(raw, []byte(`"2026-01-03"`)) {
		t.Errorf("port_orders row lacks signed_on as a date: %q", raw)
	}
	setRaw(t, db, `UPDATE port_orders SET loa = $1 WHERE id = $2`, `{"entity_name": "Example Ltd", "signed_on": "2026-01-02T00:00:00Z"}`, o.ID)
	if got := findOrder(t, db, o.ID); got.LOA == nil || got.LOA.SignedOn == nil || *got.LOA.SignedOn != (porting.Date{Year: 2026, Month: time.January, Day: 2}) {
		t.Errorf("a stored RFC 3339 signed_on read as %+v, want 2026-01-02", got.LOA)
	}

	o.LOA, o.CSR, o.Attestation = nil, nil, nil
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })
	if got := findOrder(t, db, o.ID); got.LOA != nil || got.CSR != nil || got.Attestation != nil {
		t.Errorf("cleared LOA, CSR, attestation read back as %v, %v, %v", got.LOA, got.CSR, got.Attestation)
	}
}

// testPortOrderPINSealed checks that a sealed PIN is bound to its order:
// copied to another order, or with a byte changed, it does not open.
func testPortOrderPINSealed(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	a := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID, LOA: fullLOA("+12025550100")})
	b := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID, LOA: fullLOA("+12025550101")})
	b.LOA.PIN = "PIN-111111"
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, b) })
	if got := findOrder(t, db, b.ID); got.LOA.PIN != "PIN-111111" {
		t.Fatalf("PIN of b = %q", got.LOA.PIN)
	}

	sealedA := rawBytes(t, db, `SELECT loa_pin_sealed FROM port_orders WHERE id = $1`, a.ID)
	if want := len(testPIN) + 28; len(sealedA) != want {
		t.Errorf("sealed PIN is %d bytes, want %d (nonce, ciphertext, tag)", len(sealedA), want)
	}
	setRaw(t, db, `UPDATE port_orders SET loa_pin_sealed = $1 WHERE id = $2`, sealedA, b.ID)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindPortOrder(ctx, b.ID)
		wantSealError(t, err)
		_, err = tx.FindPortOrders(ctx, porting.PortOrderFilter{PortRequestID: r.ID})
		wantSealError(t, err)
		return nil
	})
	if got := findOrder(t, db, a.ID); got.LOA.PIN != testPIN {
		t.Errorf("PIN of a = %q, want %q", got.LOA.PIN, testPIN)
	}

	setRaw(t, db, `UPDATE port_orders SET loa_pin_sealed = $1 WHERE id = $2`, flipByte(sealedA, 15), a.ID)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindPortOrder(ctx, a.ID)
		wantSealError(t, err)
		return nil
	})
}

// wantSealError fails the test unless err is the EINTERNAL error of a
// sealed value that does not open.
func wantSealError(t *testing.T, err error) {
	t.Helper()
	var pe *porting.Error
	if !errors.As(err, &pe) || pe.Code != porting.EINTERNAL || !strings.Contains(pe.Message, "cannot be decrypted") {
		t.Errorf("error = %v, want EINTERNAL saying the value cannot be decrypted", err)
	}
}

// rawRow returns every column of the row of table with the given id, as
// the database driver hands them over, concatenated.
func rawRow(t *testing.T, db *store.DB, table, id string) []byte {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT * FROM `+table+` WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatalf("no row %s in %s (%v)", id, table, rows.Err())
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			out = append(out, v...)
		case string:
			out = append(out, v...)
		default:
			out = fmt.Append(out, v)
		}
		out = append(out, '|')
	}
	return out
}

// rawBytes runs a query for one value directly on the database.
func rawBytes(t *testing.T, db *store.DB, query string, args ...any) []byte {
	t.Helper()
	var b []byte
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&b); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return b
}

// setRaw runs a statement directly on the database, past the store.
func setRaw(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	res, err := db.SQL().ExecContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("%s: changed %d rows (%v), want 1", query, n, err)
	}
}

// countRows runs a count query directly on the database.
func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// flipByte returns a copy of b with the byte at i inverted.
func flipByte(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}
