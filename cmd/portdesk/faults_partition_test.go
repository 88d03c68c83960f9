package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/internal/pgcluster"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestFaultCutReplicaOff is issue 15's fault test 3: of three replicas,
// one runs in a network namespace and reaches PostgreSQL over a veth pair
// of its own (its HTTP over a second pair). Reminders fall due all along.
// While its database link is down the other two keep firing them (taking
// over leadership when the cut one led) and the cut-off one fires nothing:
// it runs no sweep, and its /readyz answers 503. Once the link is up again
// it rejoins: /readyz 200, and it runs sweeps again. Every reminder fires
// exactly once.
func TestFaultCutReplicaOff(t *testing.T) {
	requireFaults(t, "ip")
	started := time.Now()
	ns := pgcluster.NewNamespace(t, 2) // link 0: the database; link 1: its HTTP
	dbLink, httpLink := ns.Links[0], ns.Links[1]
	cluster := pgcluster.Start(t, pgcluster.Options{Listen: []string{dbLink.HostAddr}, Trust: []string{dbLink.Subnet}})
	dbURL := cluster.URL("127.0.0.1")
	db := openFaultStore(t, dbURL)
	const reminders = 2000
	reminderOrders(t, db, reminders/100)

	// The namespaced replica starts first, so that it leads.
	cut := startReplica(t, "cut-ns", cluster.URL(dbLink.HostAddr), httpLink.NSAddr+":0", ns)
	startReplica(t, "cut-r1", dbURL, "127.0.0.1:0", nil)
	startReplica(t, "cut-r2", dbURL, "127.0.0.1:0", nil)
	leader := func() string {
		var id string
		_ = db.SQL().QueryRow(`SELECT leader_id FROM river_leader`).Scan(&id)
		return id
	}
	eventually(t, "a leader elected", func() bool { return leader() != "" })
	ledBefore := leader()

	// Feed: a few reminders fall due every 100ms.
	stopFeed := make(chan struct{})
	var feedDone sync.WaitGroup
	feedDone.Add(1)
	go func() {
		defer feedDone.Done()
		for {
			select {
			case <-stopFeed:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := db.SQL().Exec(`UPDATE deadlines SET due_at = now() - interval '1 second' WHERE id IN
				(SELECT id FROM deadlines WHERE state = 'pending' AND due_at > now() ORDER BY id LIMIT 3)`); err != nil {
				t.Errorf("making reminders due: %v", err)
				return
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-stopFeed:
		default:
			close(stopFeed)
		}
		feedDone.Wait()
	})
	sweepsBy := func(name string, since time.Time) int {
		return queryInt(t, db, `SELECT count(*) FROM river_job WHERE kind = 'sweep_deadlines' AND state = 'completed'
			AND attempted_by[array_length(attempted_by, 1)] = $1 AND attempted_at > $2`, name, since)
	}
	firedSince := func(since time.Time) int {
		return queryInt(t, db, `SELECT count(*) FROM deadlines WHERE state = 'fired' AND fired_at > $1`, since)
	}
	eventually(t, "the namespaced replica sweeps before the cut", func() bool { return sweepsBy(cut.name, started) > 0 })
	eventually(t, "reminders fire before the cut", func() bool { return firedSince(started) >= 30 })

	ns.SetUp(t, 0, false)
	cutAt := time.Now()
	t.Cleanup(func() { _ = pgcluster.SetLink(dbLink.HostDev, true) })
	eventually(t, "the cut-off replica's /readyz answers 503", func() bool { return cut.ready() == http.StatusServiceUnavailable })
	// The others keep firing: after any leadership change and the rescue
	// of a sweep the cut one left running, reminders fall due and fire.
	var firstByOthers time.Duration
	for limit := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if firedSince(cutAt.Add(time.Second)) >= 30 {
			firstByOthers = time.Since(cutAt)
			break
		}
		if time.Now().After(limit) {
			t.Fatalf("90s after the cut the others fired %d reminders; leader %q; jobs %v; sweeps not done %v; sessions %v", firedSince(cutAt), leader(), jobStates(t, db),
				countJobs(t, db, `SELECT state || ' attempt ' || attempt || ' at ' || coalesce(scheduled_at::text, '') || ': ' || coalesce(errors[array_length(errors, 1)]::text, ''), count(*)
					FROM river_job WHERE kind = 'sweep_deadlines' AND state <> 'completed' GROUP BY 1`),
				countJobs(t, db, `SELECT state || ' ' || coalesce(host(client_addr), '') || ' ' || left(query, 60), count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1`))
		}
	}
	ledDuring := leader()
	if ledDuring == cut.name {
		t.Errorf("the cut-off replica still leads after %v", firstByOthers)
	}
	if st := cut.ready(); st != http.StatusServiceUnavailable {
		t.Errorf("the cut-off replica's /readyz answers %d while cut", st)
	}
	upAt := time.Now()
	ns.SetUp(t, 0, true)
	sweptWhileCut := sweepsBy(cut.name, cutAt)
	if sweptWhileCut != 0 {
		t.Errorf("the cut-off replica completed %d sweeps attempted while it was cut off", sweptWhileCut)
	}
	firedWhileCut := queryInt(t, db, `SELECT count(*) FROM deadlines WHERE state = 'fired' AND fired_at > $1 AND fired_at <= $2`, cutAt, upAt)

	eventually(t, "the rejoined replica's /readyz answers 200", func() bool { return cut.ready() == http.StatusOK })
	rejoinedIn := time.Since(upAt)
	for limit := time.Now().Add(60 * time.Second); sweepsBy(cut.name, upAt) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatalf("60s after the link came up the rejoined replica ran no sweep; jobs %v", jobStates(t, db))
		}
	}
	sweptAfter := sweepsBy(cut.name, upAt)
	close(stopFeed)
	feedDone.Wait()

	// Everything made due fires, each once.
	due := queryInt(t, db, `SELECT count(*) FROM deadlines WHERE due_at <= now()`)
	eventually(t, "every due reminder fired", func() bool {
		return queryInt(t, db, `SELECT count(*) FROM deadlines WHERE state = 'fired'`) == due
	})
	events := queryInt(t, db, `SELECT count(*) FROM events WHERE type = 'deadline.respond_reminder'`)
	distinct := queryInt(t, db, `SELECT count(DISTINCT data_after->>'deadline_id') FROM events WHERE type = 'deadline.respond_reminder'`)
	if events != due || distinct != due {
		t.Errorf("%d reminder events for %d distinct deadlines, want %d of each", events, distinct, due)
	}
	faultSummary(t, "leader %s before the cut, %s while cut; others fired %d reminders while %s was cut off (%.1fs), first 30 within %.1fs; "+
		"%s completed %d sweeps while cut, /readyz 200 %.1fs after the link came up, %d sweeps since; %d reminders due, %d fired, %d events for %d distinct deadlines; total %.1fs",
		ledBefore, ledDuring, firedWhileCut, cut.name, upAt.Sub(cutAt).Seconds(), firstByOthers.Seconds(),
		cut.name, sweptWhileCut, rejoinedIn.Seconds(), sweptAfter, due,
		queryInt(t, db, `SELECT count(*) FROM deadlines WHERE state = 'fired'`), events, distinct, time.Since(started).Seconds())
}

// reminderOrders creates n orders waiting on the customer, answer date in
// 20 days, each with 100 respond_reminder deadlines due in an hour (the
// test makes them due a few at a time).
func reminderOrders(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	respondBy := now.AddDate(0, 0, 20)
	acct := storetest.MustCreateAccount(t, db, &porting.Account{Name: "Reminded", SupportPlan: porting.PlanBasic})
	req := storetest.MustCreatePortRequest(t, db, &porting.PortRequest{AccountID: acct.ID, CaseType: porting.CaseLimitIncrease,
		AuthorizedContact: porting.Contact{Name: "Jo"}, ContactPreferences: porting.ContactPreferences{Language: "en", Methods: []string{"web"}}})
	for i := 0; i < n; i++ {
		o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{AccountID: acct.ID, PortRequestID: req.ID, Status: porting.StateAwaitingLOA,
			Country: "US", LosingCarrier: "Old", NumberKind: porting.KindDID, RespondBy: &respondBy,
			PhoneNumbers: storetest.Numbers(fmt.Sprintf("+1312555%04d", i))})
		plan := make([]porting.Deadline, 0, 100)
		for j := 0; j < 100; j++ {
			plan = append(plan, porting.Deadline{PortOrderID: o.ID, AccountID: acct.ID, Kind: porting.DeadlineRespondReminder,
				DueAt: now.Add(time.Hour + time.Duration(i*100+j)*time.Second)})
		}
		storetest.MustInTx(t, db, func(tx porting.Tx) error {
			_, err := tx.ChangeDeadlines(ctx, o.ID, plan, nil)
			return err
		})
	}
}
