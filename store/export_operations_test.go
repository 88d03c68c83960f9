package store

// OperationsQueries are ReadOperations' queries on the big tables that
// take the clock's time as $1 or nothing, for tests that EXPLAIN them.
var OperationsQueries = map[string]string{"overdue": overdueQuery, "retrying": retryingQuery, "given_up": givenUpQuery}
