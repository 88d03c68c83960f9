package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// explainDueDeadlines returns the engine's plan of FindDueDeadlines'
// query for the due time hours(1), one line per plan node.
//
// On PostgreSQL it is the generic plan, the one a prepared statement (pgx
// caches them) settles on after a few runs: made without the parameters'
// values, so only literals in the query can match the partial index's
// predicate. (EXPLAIN of a query with parameters would plan with their
// values.) With forceIndex the planner is told to avoid sequential scans:
// on a small table it may rightly prefer one, yet whether the index can
// answer the query does not depend on the table's size, and when it
// cannot the plan still shows a table scan.
func explainDueDeadlines(tb testing.TB, db *store.DB, forceIndex bool) []string {
	tb.Helper()
	ctx := context.Background()
	sqlTx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // nothing to keep
	var rows *sql.Rows
	if db.Engine() == store.EngineSQLite {
		rows, err = sqlTx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+store.DueDeadlinesQuery, store.Arg(db, hours(1)), 1000)
	} else {
		settings := []string{`SET LOCAL plan_cache_mode = force_generic_plan`,
			`PREPARE portdesk_due AS ` + store.DueDeadlinesQuery}
		if forceIndex {
			settings = append(settings, `SET LOCAL enable_seqscan = off`)
		}
		for _, s := range settings {
			if _, err := sqlTx.ExecContext(ctx, s); err != nil {
				tb.Fatalf("%s: %v", s, err)
			}
		}
		// Prepared statements outlive the transaction.
		defer sqlTx.ExecContext(ctx, `DEALLOCATE portdesk_due`) //nolint:errcheck // the transaction ends anyway
		rows, err = sqlTx.QueryContext(ctx, `EXPLAIN EXECUTE portdesk_due('`+hours(1).Format("2006-01-02T15:04:05Z")+`', 1000)`)
	}
	if err != nil {
		tb.Fatalf("explain: %v", err)
	}
	return planLines(tb, rows)
}

// planLines reads an EXPLAIN's lines: the last column of each row (SQLite:
// id, parent, notused, detail; PostgreSQL: QUERY PLAN). It closes rows.
func planLines(tb testing.TB, rows *sql.Rows) []string {
	tb.Helper()
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		switch v := vals[len(vals)-1].(type) {
		case []byte:
			plan = append(plan, string(v))
		case string:
			plan = append(plan, v)
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
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
func checkDueDeadlinesPlan(tb testing.TB, plan []string) {
	tb.Helper()
	text := strings.Join(plan, "\n")
	// SQLite: "SEARCH deadlines USING INDEX deadlines_due (due_at<?)";
	// PostgreSQL: "->  Index Scan using deadlines_due on deadlines".
	ok := strings.Contains(strings.ToUpper(text), "USING INDEX DEADLINES_DUE") ||
		strings.Contains(text, "Index Scan using deadlines_due")
	for _, bad := range []string{"Seq Scan", "Sort", "TEMP B-TREE", "SCAN deadlines"} {
		if strings.Contains(text, bad) {
			ok = false
		}
	}
	if !ok {
		tb.Errorf("FindDueDeadlines does not read deadlines_due in order; plan:\n%s", text)
	}
}
