package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// TestOperations reads the operator's figures on both engines and checks
// them against the store's other reads: FindDueDeadlines for the overdue
// deadlines, the orders as created for the statuses.
func TestOperations(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t)
			empty, err := db.ReadOperations(ctx, hours(3))
			if err != nil {
				t.Fatal(err)
			}
			if empty.OverdueDeadlines != 0 || empty.OldestOverdueDueAt != nil || empty.LastSweepAt != nil || len(empty.Attention) != 0 {
				t.Errorf("figures of an empty database: %+v", empty)
			}
			o1 := storetest.MustCreatePortOrder(t, db, nil)
			o2 := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{Status: porting.StateSubmitted})
			storetest.MustCreatePortOrder(t, db, &porting.PortOrder{Status: porting.StateCompleted})
			d1 := replaceDeadlines(t, db, o1.ID, []porting.Deadline{{Kind: kindReminder, DueAt: hours(1)}, {Kind: kindRespondBy, DueAt: hours(5)}})
			replaceDeadlines(t, db, o2.ID, []porting.Deadline{{Kind: porting.DeadlineLoadNumbers, DueAt: hours(2)}, {Kind: kindReminder, DueAt: hours(3)}})
			fireDeadline(t, db, d1[0].ID, hours(1))
			if err := db.RecordSweep(ctx, hours(1)); err != nil {
				t.Fatal(err)
			}
			if err := db.RecordSweep(ctx, hours(2)); err != nil {
				t.Fatal(err)
			}

			for _, now := range []int{0, 2, 3, 9} {
				ops, err := db.ReadOperations(ctx, hours(now))
				if err != nil {
					t.Fatal(err)
				}
				due := findDueDeadlines(t, db, hours(now), 1000)
				if ops.OverdueDeadlines != len(due) {
					t.Errorf("at hour %d: %d overdue, FindDueDeadlines finds %d", now, ops.OverdueDeadlines, len(due))
				}
				switch {
				case len(due) == 0 && ops.OldestOverdueDueAt != nil:
					t.Errorf("at hour %d: oldest overdue %v, none is due", now, ops.OldestOverdueDueAt)
				case len(due) > 0 && (ops.OldestOverdueDueAt == nil || !ops.OldestOverdueDueAt.Equal(due[0].DueAt)):
					t.Errorf("at hour %d: oldest overdue %v, want %v", now, ops.OldestOverdueDueAt, due[0].DueAt)
				}
				if ops.LastSweepAt == nil || !ops.LastSweepAt.Equal(hours(2)) {
					t.Errorf("last sweep %v, want %v", ops.LastSweepAt, hours(2))
				}
				want := map[porting.State]int{}
				for _, s := range porting.States {
					if s.Active() {
						want[s] = 0
					}
				}
				want[porting.StateReview], want[porting.StateSubmitted] = 1, 1
				for s, n := range want {
					if ops.OrdersByStatus[s] != n {
						t.Errorf("%s: %d orders, want %d", s, ops.OrdersByStatus[s], n)
					}
				}
				if len(ops.OrdersByStatus) != len(want) {
					t.Errorf("statuses %v, want the active ones only", ops.OrdersByStatus)
				}
			}
		})
	}
}

// TestOperationsPlans checks that the scrape's queries on tables that
// grow read their partial indexes, never the whole table, on PostgreSQL's
// generic plan (with sequential scans discouraged: on a small table it
// may rightly prefer one) and on SQLite.
func TestOperationsPlans(t *testing.T) {
	want := map[string]string{"overdue": "deadlines_due", "retrying": "webhook_deliveries_pending", "given_up": "webhook_deliveries_failed"}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t)
			for name, query := range store.OperationsQueries {
				plan := strings.Join(explain(t, db, query, strings.Contains(query, "$1")), "\n")
				t.Logf("%s %s:\n%s", e.Name, name, plan)
				ok := strings.Contains(plan, want[name])
				for _, bad := range []string{"Seq Scan", "SCAN deadlines\n", "SCAN webhook_deliveries\n"} {
					ok = ok && !strings.Contains(plan+"\n", bad)
				}
				if !ok {
					t.Errorf("%s does not read %s; plan:\n%s", name, want[name], plan)
				}
			}
		})
	}
}

// explain returns query's plan, one line per node; withNow passes the
// time hours(1) as $1. On PostgreSQL it is the generic plan with
// sequential scans off (see explainDueDeadlines).
func explain(t *testing.T, db *store.DB, query string, withNow bool) []string {
	t.Helper()
	ctx := context.Background()
	sqlTx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // nothing to keep
	var args []any
	if withNow {
		args = append(args, store.Arg(db, hours(1)))
	}
	stmt := "EXPLAIN QUERY PLAN " + query
	if db.Engine() == store.EnginePostgres {
		for _, s := range []string{`SET LOCAL plan_cache_mode = force_generic_plan`, `SET LOCAL enable_seqscan = off`,
			`PREPARE portdesk_ops AS ` + query} {
			if _, err := sqlTx.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		defer sqlTx.ExecContext(ctx, `DEALLOCATE portdesk_ops`) //nolint:errcheck // the transaction ends anyway
		stmt, args = `EXPLAIN EXECUTE portdesk_ops`, nil
		if withNow {
			stmt += `('` + hours(1).Format("2006-01-02T15:04:05Z") + `')`
		}
	}
	rows, err := sqlTx.QueryContext(ctx, stmt, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	return planLines(t, rows)
}
