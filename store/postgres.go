package store

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Advisory lock keys, constant across deployments so every replica takes
// the same lock.
const (
	// lockEvents serializes event inserts so event IDs, drawn from a
	// sequence, become visible in ID order: a transaction holds it from its
	// first event insert until it commits.
	lockEvents int64 = 0x706f72746465736b // "portdesk"
	// lockMigrate serializes migrations of replicas starting at once (a
	// session lock, held for the whole of DB.Migrate).
	lockMigrate int64 = 0x706f72746d696772 // "portmigr"
)

// DefaultMaxConns is Config.MaxConns when not set: each replica's
// connections to PostgreSQL.
const DefaultMaxConns = 20

// MaxMaxConns bounds Config.MaxConns (PostgreSQL's own default
// max_connections is 100).
const MaxMaxConns = 1000

// openPostgres opens one pool for reads and writes through pgx's
// database/sql driver.
func (db *DB) openPostgres(ctx context.Context, databaseURL string, maxConns int) error {
	p, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	p.SetMaxOpenConns(maxConns)
	p.SetMaxIdleConns(max(1, maxConns/2))
	db.write, db.read = p, p
	if err := p.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open postgres: %w", unavailable(err))
	}
	return nil
}

// lockEventOrder takes the events advisory lock once per transaction on
// PostgreSQL. SQLite has a single writer, so commit order is insert order.
func (t *tx) lockEventOrder(ctx context.Context) error {
	if t.db.engine != EnginePostgres || t.eventsLocked {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockEvents); err != nil {
		return err
	}
	t.eventsLocked = true
	return nil
}
