package store

// Hooks for the tests of package store_test.

// DueDeadlinesQuery is FindDueDeadlines' query, for tests that EXPLAIN it.
const DueDeadlinesQuery = dueDeadlinesQuery

// Arg converts a query argument as db's queries do (times become text on
// SQLite), for tests that run statements past the store.
func Arg(db *DB, v any) any { return db.arg(v) }
