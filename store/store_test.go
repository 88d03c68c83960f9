package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// conformance is the suite every engine must pass. Each test opens its own
// database through the engine.
var conformance = []struct {
	name string
	run  func(t *testing.T, e storetest.Engine)
}{
	{"Migrate", testMigrate},
	{"InTx", testInTx},
	{"View", testView},
	{"Account", testAccount},
	{"APIKey", testAPIKey},
	{"APIKeyLifecycle", testAPIKeyLifecycle},
	{"Instance", testInstance},
	{"ContactFlow", testContactFlow},
	{"QuotaRequest", testQuotaRequest},
	{"InstancePhoneNumber", testInstancePhoneNumber},
	{"PortRequest", testPortRequest},
	{"Message", testMessage},
	{"PortOrder", testPortOrder},
	{"PortOrderStates", testPortOrderStates},
	{"UpdatePortOrder", testUpdatePortOrder},
	{"PortOrderLOA", testPortOrderLOA},
	{"PortOrderPINSealed", testPortOrderPINSealed},
	{"HeldNumbers", testHeldNumbers},
	{"HeldNumberRace", testHeldNumberRace},
	{"BulkHeldConflict", testBulkHeldConflict},
	{"UpdateWritesChangedNumbers", testUpdateWritesChangedNumbers},
	{"TruncatedOrder", testTruncatedOrder},
	{"FindOrderNumbers", testFindOrderNumbers},
	{"BatchedHeldConflict", testBatchedHeldConflict},
	{"ReactivatedOrder", testReactivatedOrder},
	{"NumbersNameOrders", testNumbersNameOrders},
	{"FindPortOrders", testFindPortOrders},
	{"FindPortOrdersLimit", testFindPortOrdersLimit},
	{"FindPortOrderFilters", testFindPortOrderFilters},
	{"FindLists", testFindLists},
	{"Document", testDocument},
	{"DocumentTypes", testDocumentTypes},
	{"DocumentSealed", testDocumentSealed},
	{"Event", testEvent},
	{"EventOrder", testEventOrder},
	{"FindEvent", testFindEvent},
	{"ChangeDeadlines", testChangeDeadlines},
	{"ChangeDeadlinesRace", testChangeDeadlinesRace},
	{"DeadlineKinds", testDeadlineKinds},
	{"FindDueDeadlines", testFindDueDeadlines},
	{"DueDeadlinesPlan", testDueDeadlinesPlan},
	{"FireDeadline", testFireDeadline},
	{"FireDeadlineRace", testFireDeadlineRace},
	{"SweepRace", testSweepRace},
	{"ClaimDueDeadlines", testClaimDueDeadlines},
	{"ClaimSkipsLocked", testClaimSkipsLocked},
	{"Savepoint", testSavepoint},
	{"WebhookEndpoint", testWebhookEndpoint},
	{"Carrier", testCarrier},
	{"WebhookSecretSealed", testWebhookSecretSealed},
	{"EventEndpoints", testEventEndpoints},
	{"Delivery", testDelivery},
	{"FindDeliveries", testFindDeliveries},
	{"Idempotency", testIdempotency},
	{"Enqueue", testEnqueue},
	{"ConcurrentWrites", testConcurrentWrites},
	{"Times", testTimes},
	{"User", testUser},
	{"Invitation", testInvitation},
	{"Session", testSession},
	{"LoginFailures", testLoginFailures},
	{"EndedSessions", testEndedSessions},
	{"UserEmailTokens", testUserEmailTokens},
	{"ResetRequests", testResetRequests},
	{"NotifyCursor", testNotifyCursor},
	{"NotifyCursorClaim", testNotifyCursorClaim},
	{"NotifyFailures", testNotifyFailures},
	{"NotifyCursorUpgrade", testNotifyCursorUpgrade},
}

// TestStore runs the conformance suite on every engine, as subtests named
// after the engine ("sqlite", "postgres").
func TestStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			t.Logf("engine %s", e.Name)
			for _, tc := range conformance {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, e)
				})
			}
		})
	}
}

// wantCode fails the test unless err carries the porting code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := porting.ErrorCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

// inTx runs fn in a write transaction and returns its error.
func inTx(db porting.Store, fn func(ctx context.Context, tx porting.Tx) error) error {
	ctx := context.Background()
	return db.InTx(ctx, func(tx porting.Tx) error { return fn(ctx, tx) })
}

// view runs fn in a read transaction and fails the test on error.
func view(t *testing.T, db porting.Store, fn func(ctx context.Context, tx porting.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.View(ctx, func(tx porting.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// mustTx runs fn in a write transaction and fails the test on error.
func mustTx(t *testing.T, db porting.Store, fn func(ctx context.Context, tx porting.Tx) error) {
	t.Helper()
	if err := inTx(db, fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

func testInTx(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	boom := errors.New("boom")
	a := &porting.Account{Name: "Rolled back", SupportPlan: porting.PlanBasic}
	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		if store.SQLTx(tx) == nil {
			t.Error("SQLTx(tx) = nil inside InTx")
		}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx error = %v, want the function's error", err)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindAccount(ctx, a.ID)
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	p := &porting.Account{Name: "Panicked", SupportPlan: porting.PlanBasic}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in InTx was swallowed")
			}
		}()
		_ = inTx(db, func(ctx context.Context, tx porting.Tx) error {
			if err := tx.CreateAccount(ctx, p); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindAccount(ctx, p.ID)
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
	// The write pool is usable after the panic.
	storetest.MustCreateAccount(t, db, nil)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testView(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	err := db.View(context.Background(), func(tx porting.Tx) error {
		return tx.CreateAccount(context.Background(), &porting.Account{Name: "x", SupportPlan: porting.PlanBasic})
	})
	if err == nil {
		t.Fatal("CreateAccount inside View succeeded, want an error")
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		n, err := tx.CountAPIKeys(ctx, porting.RoleAdmin)
		if err != nil || n != 0 {
			t.Errorf("CountAPIKeys = %d, %v; want 0, nil", n, err)
		}
		return nil
	})
}
