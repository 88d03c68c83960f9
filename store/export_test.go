package store

// Hooks for the tests of package store_test.

// DueDeadlinesQuery is FindDueDeadlines' query, for tests that EXPLAIN it.
const DueDeadlinesQuery = dueDeadlinesQuery

// Arg converts a query argument as db's queries do (times become text on
// SQLite), for tests that run statements past the store.
func Arg(db *DB, v any) any { return db.arg(v) }

// QueuedWrites counts the InTx calls waiting for a group commit to take
// them (0 without group commit), for tests that wait for a blocked writer.
func QueuedWrites(db *DB) int {
	if db.group == nil {
		return 0
	}
	return len(db.group.queue)
}

// Grouped reports whether db gathers concurrent InTx calls into one
// commit.
func Grouped(db *DB) bool { return db.group != nil }

// GroupCommits counts the COMMITs of db's group commit.
func GroupCommits(db *DB) int64 { return db.group.commits.Load() }

// Closing reports whether db's group commit has been told to close.
func Closing(db *DB) bool {
	select {
	case <-db.group.closed:
		return true
	default:
		return false
	}
}
