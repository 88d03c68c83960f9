package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/portdesk/portdesk/porting"
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

// idleInTransactionParam is PostgreSQL's setting that ends a session
// idle inside a transaction for longer than its value.
const idleInTransactionParam = "idle_in_transaction_session_timeout"

// DefaultIdleInTransactionTimeout is idle_in_transaction_session_timeout
// on portdesk's connections unless something else set it (see
// limitIdleInTransaction).
const DefaultIdleInTransactionTimeout = "60s"

// MaxMaxConns bounds Config.MaxConns (PostgreSQL's own default
// max_connections is 100).
const MaxMaxConns = 1000

// openPostgres opens one pool for reads and writes through pgx's
// database/sql driver.
func (db *DB) openPostgres(ctx context.Context, databaseURL string, maxConns int) error {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return porting.FieldErrorf("database_url", "store: PostgreSQL URL: %v", err)
	}
	p := stdlib.OpenDB(*cfg,
		// Each new connection reads the URL again, as sql.Open's would:
		// a rotated password file or client certificate takes effect
		// without a restart.
		stdlib.OptionBeforeConnect(func(_ context.Context, cc *pgx.ConnConfig) error {
			fresh, err := pgx.ParseConfig(databaseURL)
			if err != nil {
				return err
			}
			*cc = *fresh
			return nil
		}),
		stdlib.OptionAfterConnect(limitIdleInTransaction))
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

// limitIdleInTransaction sets idle_in_transaction_session_timeout on a new
// connection to DefaultIdleInTransactionTimeout, unless the server, the
// role, the database or the connection's options already set it. A
// replica cut off from the database in the middle of a transaction would
// otherwise keep that transaction's locks (an order's row, the events
// lock) until the server's TCP keepalive gave up on it, hours on Linux,
// and the other replicas would wait on them. No transaction of portdesk's
// sits idle this long.
func limitIdleInTransaction(ctx context.Context, c *pgx.Conn) error {
	var source string
	if err := c.QueryRow(ctx, `SELECT source FROM pg_settings WHERE name = $1`, idleInTransactionParam).Scan(&source); err != nil {
		return err
	}
	if source != "default" {
		return nil
	}
	_, err := c.Exec(ctx, `SELECT set_config($1, $2, false)`, idleInTransactionParam, DefaultIdleInTransactionTimeout)
	return err
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
