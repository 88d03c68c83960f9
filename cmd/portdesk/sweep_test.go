package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestTwoServersFireEachDeadlineOnce is the deadlines issue's acceptance
// item 4: two server processes share one PostgreSQL with 1,000 due
// deadlines, and each deadline fires exactly once.
func TestTwoServersFireEachDeadlineOnce(t *testing.T) {
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDatabaseURL)
	}
	if testing.Short() {
		t.Skip("starts two real servers")
	}
	ctx := context.Background()
	dbURL := storetest.PostgresURL(t)
	key, _ := store.ParseSecretKey(testSecretKey)
	clock := porting.ClockFunc(time.Now)
	db, err := store.Open(ctx, store.Config{DatabaseURL: dbURL, Clock: clock, SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	// Ten orders waiting on the customer, each with 100 reminders already due.
	now := time.Now().UTC()
	respondBy := now.AddDate(0, 0, 20)
	acct := storetest.MustCreateAccount(t, db, &porting.Account{Name: "Many", SupportPlan: porting.PlanBasic})
	req := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: acct.ID, CaseType: porting.CaseLimitIncrease,
		AuthorizedContact: porting.Contact{Name: "Jo"}, ContactPreferences: porting.ContactPreferences{Language: "en", Methods: []string{"web"}}})
	for i := 0; i < 10; i++ {
		o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: acct.ID, PortRequestID: req.ID, Status: porting.StateAwaitingLOA,
			Country: "US", LosingCarrier: "Old", NumberKind: porting.KindDID, RespondBy: &respondBy,
			PhoneNumbers: storetest.Numbers(fmt.Sprintf("+1212555%04d", i))})
		var plan []porting.Deadline
		for j := 0; j < 100; j++ {
			plan = append(plan, porting.Deadline{PortOrderID: o.ID, AccountID: acct.ID, Kind: porting.DeadlineRespondReminder,
				DueAt: now.Add(-time.Duration(i*100+j+1) * time.Second)})
		}
		storetest.MustInTx(t, db, func(tx porting.Tx) error {
			_, err := tx.ChangeDeadlines(ctx, o.ID, plan, nil)
			return err
		})
	}

	const sweepInterval = 100 * time.Millisecond
	args := []string{"--database-url", dbURL, "--sweep-interval", sweepInterval.String()}
	startProcess(t, args...)
	_, base := startProcess(t, args...)
	c := &client{t: t, base: base}

	count := func() (events int, ids map[float64]int) {
		ids = map[float64]int{}
		for after := "0"; ; {
			page := c.must(http.StatusOK, "GET", "/v1/events?limit=1000&after="+after, testAdminToken, nil)
			data := list(t, page, "data")
			if len(data) == 0 {
				return events, ids
			}
			for _, e := range data {
				if str(t, e, "type") == "deadline.respond_reminder" {
					events++
					ids[e.(map[string]any)["after"].(map[string]any)["deadline_id"].(float64)]++
				}
			}
			after = fmt.Sprint(int64(page["next_cursor"].(float64)))
		}
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if n, _ := count(); n >= 1000 {
			break
		}
		if time.Now().After(deadline) {
			n, _ := count()
			t.Fatalf("after 90s: %d reminder events, want 1000", n)
		}
	}
	// A deadline fired twice would show on a later sweep of either server:
	// stay quiet over several sweep intervals of both.
	quietFor(t, "1000 reminder events for 1000 distinct deadlines, each once", 5*sweepInterval+jobFetchMargin, func() bool {
		n, ids := count()
		for id, k := range ids {
			if k != 1 {
				t.Errorf("deadline %v fired %d times", id, k)
			}
		}
		return n == 1000 && len(ids) == 1000
	})
	var fired int
	storetest.MustView(t, db, func(tx porting.Tx) error {
		due, err := tx.FindDueDeadlines(ctx, time.Now(), 2000)
		fired = 1000 - len(due)
		return err
	})
	if fired != 1000 {
		t.Errorf("%d deadlines marked fired, want 1000", fired)
	}
}
