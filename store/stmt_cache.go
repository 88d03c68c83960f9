package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements stmtCache keeps: queries whose text
// varies (IN lists of every length) must not grow it without end.
const maxCachedStmts = 256

// stmtCache keeps the write connection's statements prepared on SQLite.
// Without it every statement is parsed and compiled again, which is most
// of a small write's time on the one writer. A statement seen in a group
// is prepared by the committer before its next group, when the write
// connection is free (preparing needs the connection, which a group's
// transaction holds); the transaction then runs it through Tx.StmtContext,
// which reuses the statement prepared on its connection.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	want  map[string]bool
}

func newStmtCache() *stmtCache {
	return &stmtCache{stmts: map[string]*sql.Stmt{}, want: map[string]bool{}}
}

// get returns the prepared statement of query, or nil after noting that
// query should be prepared.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s
	}
	if len(c.stmts)+len(c.want) < maxCachedStmts {
		c.want[query] = true
	}
	return nil
}

// prepare prepares the statements noted since the last call on db. A
// query that does not prepare is left to run unprepared.
func (c *stmtCache) prepare(db *sql.DB) {
	c.mu.Lock()
	want := c.want
	if len(want) == 0 {
		c.mu.Unlock()
		return
	}
	c.want = map[string]bool{}
	c.mu.Unlock()
	for q := range want {
		s, err := db.PrepareContext(context.Background(), q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		c.stmts[q] = s
		c.mu.Unlock()
	}
}

// close closes the prepared statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		_ = s.Close()
		delete(c.stmts, q)
	}
}
