package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// fullOrder returns an order with every field set, on request r.
func fullOrder(r *porting.PortRequest, instanceID string, numbers ...string) *porting.PortOrder {
	foc := storetest.Epoch.Add(10 * 24 * time.Hour)
	requested := foc.Add(-24 * time.Hour)
	respondBy := storetest.Epoch.Add(30 * 24 * time.Hour)
	nums := storetest.Numbers(numbers...)
	nums[0].RangeHolder = "Three"
	if len(nums) > 1 {
		nums[1].Status = porting.NumberNotPortable
		nums[1].NumberType = "mobile"
	}
	return &porting.PortOrder{
		PortRequestID: r.ID, AccountID: r.AccountID, InstanceID: instanceID, Status: porting.StateException,
		Country: "GB", LosingCarrier: "BT", NumberKind: porting.KindDID, PhoneNumbers: nums,
		FOCAt: &foc, RequestedFOCAt: &requested, RespondBy: &respondBy,
		Exception:    &porting.Exception{Code: "ENTITY_NAME_MISMATCH", Message: "Name differs", At: storetest.Epoch},
		StatusReason: "carrier rejected",
		LOA:          fullLOA(numbers...),
		CSR: &porting.CSR{AccountName: "Example Limited", ServiceAddress: testAddress, AuthorizedContact: "Ada Lovelace",
			BTN: numbers[0], AccountNumber: "BT-0042", PhoneNumbers: numbers, Source: "carrier", RecordedAt: storetest.Epoch},
		//lint:ignore SA1019 the store keeps the deprecated mirror for readers of the first API version
		Attestation: &porting.Attestation{Signature: porting.SignatureWet, WetSignature: &yes, Legible: &no, By: "key_staff", At: &respondBy},
		Findings: []porting.Finding{
			{Code: "ENTITY_NAME_MISMATCH", Severity: porting.SeverityBlocking, Field: "entity_name",
				Expected: "Example Limited", Got: "Example Ltd", Hint: "Write the name as on the CSR."},
			{Code: "SIGNATURE_OLD", Severity: "warning"},
		},
	}
}

var (
	yes, no     = true, false
	testAddress = porting.Address{Street: "1 High Street", City: "London", PostalCode: "EC1A 1BB", Country: "GB"}
)

// testPIN is the LOA PIN of fullLOA: distinctive, so finding it in raw
// rows cannot be a coincidence.
const testPIN = "PIN-834271"

// fullLOA returns LOA data with every field set, for the given numbers
// (at least one).
func fullLOA(numbers ...string) *porting.LOAData {
	signed := porting.DateOf(storetest.Epoch.Add(-48 * time.Hour))
	return &porting.LOAData{
		EntityName: "Example Ltd", ServiceAddress: testAddress,
		AuthorizedPerson: porting.LOAPerson{Name: "Ada Lovelace", Title: "Director"},
		AccountNumber:    "BT-0042", PIN: testPIN, BTN: numbers[0],
		PartialPort: &porting.PartialPort{RemainingNumbers: []string{"+442071838799"}, RemainingAction: "keep",
			NewBTN: "+442071838799"},
		SignedOn: &signed,
	}
}

// findOrder reads an order in a read transaction.
func findOrder(t *testing.T, db porting.Store, id string) *porting.PortOrder {
	t.Helper()
	var o *porting.PortOrder
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		o, err = tx.FindPortOrder(ctx, id)
		return err
	})
	return o
}

func testPortOrder(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	in := storetest.MustCreateInstance(t, db, nil)
	r := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: in.AccountID, InstanceID: in.ID})
	full := fullOrder(r, in.ID, "+442071838750", "+447700900123", "+442071838751")
	bare := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: porting.StateReview,
		Country: "US", LosingCarrier: "Verizon", NumberKind: porting.KindTollFree}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.CreatePortOrder(ctx, full); err != nil {
			return err
		}
		return tx.CreatePortOrder(ctx, bare)
	})
	if full.Version != 1 || !full.CreatedAt.Equal(storetest.Epoch) || !full.UpdatedAt.Equal(storetest.Epoch) {
		t.Errorf("after create: version %d, created %v, updated %v; want 1 and the clock", full.Version, full.CreatedAt, full.UpdatedAt)
	}
	for _, want := range []*porting.PortOrder{full, bare} {
		if got := findOrder(t, db, want.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("FindPortOrder =\n%+v\nwant\n%+v", got, want)
		}
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindPortOrder(ctx, "po_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	tests := []struct {
		name   string
		modify func(o *porting.PortOrder)
		want   string
	}{
		{"duplicate id", func(o *porting.PortOrder) { o.ID = bare.ID }, porting.ECONFLICT},
		{"bad status", func(o *porting.PortOrder) { o.Status = "lost" }, porting.EINVALID},
		{"bad kind", func(o *porting.PortOrder) { o.NumberKind = "premium_rate" }, porting.EINVALID},
		{"bad number status", func(o *porting.PortOrder) { o.PhoneNumbers[0].Status = "gone" }, porting.EINVALID},
		{"unknown request", func(o *porting.PortOrder) { o.PortRequestID = "req_nope" }, porting.EINVALID},
		{"unknown previous order", func(o *porting.PortOrder) { o.PreviousOrderID = "po_nope" }, porting.EINVALID},
	}
	for _, tc := range tests {
		o := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: porting.StateReview,
			Country: "US", LosingCarrier: "X", NumberKind: porting.KindDID, PhoneNumbers: storetest.Numbers("+15550000001")}
		tc.modify(o)
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreatePortOrder(ctx, o) })
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

// testPortOrderStates stores an order in every state and every number in
// every number status, and an order of every number kind: the CHECK
// constraints accept the whole vocabulary.
func testPortOrderStates(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	r := storetest.MustCreatePortRequest(t, db, nil)
	for i, s := range porting.States {
		o := &porting.PortOrder{PortRequestID: r.ID, AccountID: r.AccountID, Status: s, Country: "US",
			LosingCarrier: "X", NumberKind: porting.KindDID}
		for j, ns := range porting.NumberStatuses {
			o.PhoneNumbers = append(o.PhoneNumbers, porting.OrderNumber{
				PhoneNumber: "+1555" + string(rune('a'+i)) + string(rune('a'+j)), NumberType: "voip", Status: ns})
		}
		mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreatePortOrder(ctx, o) })
		if got := findOrder(t, db, o.ID); got.Status != s || !reflect.DeepEqual(got.PhoneNumbers, o.PhoneNumbers) {
			t.Errorf("state %s: got %s with %+v", s, got.Status, got.PhoneNumbers)
		}
	}
	for _, k := range porting.NumberKinds {
		storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID, NumberKind: k})
	}
}

func testUpdatePortOrder(t *testing.T, e storetest.Engine) {
	clock := porting.NewFixedClock(storetest.Epoch)
	db := e.OpenClock(t, clock)
	in := storetest.MustCreateInstance(t, db, nil)
	r := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: in.AccountID})
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: r.ID,
		PhoneNumbers: storetest.Numbers("+12025550100", "+12025550101")})
	stale := *findOrder(t, db, o.ID)

	later, _ := clock.Advance(36 * time.Hour)
	foc := later.Add(240 * time.Hour)
	o.Status = porting.StateFOCConfirmed
	o.InstanceID = in.ID
	o.FOCAt = &foc
	o.StatusReason = "carrier confirmed"
	o.Exception = &porting.Exception{Code: "OTHER", At: later}
	o.PhoneNumbers = append(o.PhoneNumbers[:1], porting.OrderNumber{PhoneNumber: "+12025550199", NumberType: "fixed_line", Status: porting.NumberInProgress})
	o.PhoneNumbers[0].Status = porting.NumberExcluded
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })
	if o.Version != 2 || !o.UpdatedAt.Equal(later) {
		t.Errorf("after update: version %d, updated %v; want 2 and %v", o.Version, o.UpdatedAt, later)
	}
	if got := findOrder(t, db, o.ID); !reflect.DeepEqual(got, o) {
		t.Errorf("FindPortOrder after update =\n%+v\nwant\n%+v", got, o)
	}

	// The copy read before the update has version 1: saving it conflicts.
	stale.StatusReason = "lost update"
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, &stale) })
	wantCode(t, err, porting.ECONFLICT)
	if stale.Version != 1 {
		t.Errorf("a refused update changed the version to %d", stale.Version)
	}
	if got := findOrder(t, db, o.ID); got.StatusReason != "carrier confirmed" {
		t.Errorf("stale update was saved: %q", got.StatusReason)
	}

	missing := *o
	missing.ID = "po_nope"
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, &missing) })
	wantCode(t, err, porting.ENOTFOUND)

	// A refused update inside a transaction rolls back the whole unit.
	o2 := *o
	o2.Status = "lost"
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, &o2) })
	wantCode(t, err, porting.EINVALID)

	// Restart: the new order links back, the old one forward (the
	// forward link may be written before the new order exists).
	o.Status = porting.StateCancelled
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.UpdatePortOrder(ctx, o) })
	next := &porting.PortOrder{ID: "po_next", PortRequestID: r.ID, AccountID: r.AccountID, Status: porting.StateReview,
		Country: o.Country, LosingCarrier: o.LosingCarrier, NumberKind: o.NumberKind, PreviousOrderID: o.ID}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		o.NextOrderID = next.ID
		if err := tx.UpdatePortOrder(ctx, o); err != nil {
			return err
		}
		return tx.CreatePortOrder(ctx, next)
	})
	if got := findOrder(t, db, o.ID); got.NextOrderID != "po_next" || got.Version != 4 {
		t.Errorf("restarted order: next %q version %d", got.NextOrderID, got.Version)
	}
	if got := findOrder(t, db, "po_next"); got.PreviousOrderID != o.ID {
		t.Errorf("new order: previous %q, want %q", got.PreviousOrderID, o.ID)
	}
	if !strings.HasPrefix(o.ID, "po_") {
		t.Errorf("generated order ID %q lacks its prefix", o.ID)
	}
}
