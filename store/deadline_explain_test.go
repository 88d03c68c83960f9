package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// explainDueDeadlines returns the engine's plan of FindDueDeadlines'
// query, one line per plan node. With forceIndex, PostgreSQL's planner is
// told to avoid sequential scans: on a small table it may rightly prefer
// one, yet whether the partial index can answer the query at all does not
// depend on the table's size. (It still scans the table when the index
// cannot answer, so the plan shows it.)
func explainDueDeadlines(t testing.TB, db *store.DB, forceIndex bool) []string {
	t.Helper()
	ctx := context.Background()
	sqlTx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read only
	explain := "EXPLAIN "
	if db.Engine() == store.EngineSQLite {
		explain = "EXPLAIN QUERY PLAN "
	} else {
		// The generic plan is what a prepared statement (pgx caches them)
		// runs after a few executions: planned without the parameters'
		// values, so only literals in the query can match the partial
		// index's predicate.
		settings := []string{`SET LOCAL plan_cache_mode = force_generic_plan`}
		if forceIndex {
			settings = append(settings, `SET LOCAL enable_seqscan = off`)
		}
		for _, s := range settings {
			if _, err := sqlTx.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err := sqlTx.QueryContext(ctx, explain+store.DueDeadlinesQuery, store.Arg(db, hours(1)), 1000)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := vals[len(vals)-1] // SQLite: id, parent, notused, detail; PostgreSQL: QUERY PLAN
		switch v := line.(type) {
		case []byte:
			plan = append(plan, string(v))
		case string:
			plan = append(plan, v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// testDueDeadlinesPlan checks that the sweeper's query reads the partial
// index deadlines_due in order: no table scan, no sort.
func testDueDeadlinesPlan(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	plan := explainDueDeadlines(t, db, true)
	t.Logf("%s plan:\n%s", e.Name, strings.Join(plan, "\n"))
	checkDueDeadlinesPlan(t, plan)
}

// checkDueDeadlinesPlan fails the test unless the plan reads the due
// deadlines from deadlines_due, in index order.
func checkDueDeadlinesPlan(t testing.TB, plan []string) {
	t.Helper()
	text := strings.Join(plan, "\n")
	usesIndex := false
	for _, line := range plan {
		// SQLite: "SEARCH deadlines USING INDEX deadlines_due (due_at<?)";
		// PostgreSQL: "->  Index Scan using deadlines_due on deadlines".
		if strings.Contains(line, "deadlines_due") && strings.Contains(strings.ToUpper(line), "USING") {
			usesIndex = true
		}
	}
	for _, bad := range []string{"Seq Scan", "Sort", "TEMP B-TREE", "SCAN deadlines"} {
		if strings.Contains(text, bad) {
			usesIndex = false
		}
	}
	if !usesIndex {
		t.Errorf("FindDueDeadlines does not read deadlines_due in order; plan:\n%s", text)
	}
}
