// Package store implements porting.Store on SQLite (the embedded default) and
// on PostgreSQL, both through database/sql, so that one *sql.Tx carries a
// state change, its events and its River jobs atomically. The package only
// translates between domain types and rows; rules live in workflow.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/portdesk/portdesk/porting"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// Engine names returned by DB.Engine.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Config says which database to open.
type Config struct {
	// DataDir is the directory of the SQLite database file portdesk.db. It
	// is created (mode 0700) when missing. Ignored when DatabaseURL is set.
	DataDir string
	// DatabaseURL, when set, is a postgres:// or postgresql:// URL and
	// selects PostgreSQL. A search_path query parameter selects the schema
	// of both portdesk's and River's tables.
	DatabaseURL string
	// Clock stamps timestamps left zero by callers (created_at, updated_at,
	// event times). Required.
	Clock porting.Clock
	// Logger receives River's log output. Defaults to discarding it.
	Logger *slog.Logger
	// SecretKey is the 32-byte AES-256 key that encrypts secrets at rest:
	// LOA PINs and document contents (see ParseSecretKey to decode one).
	// When empty, SQLite uses the key in DataDir/secret.key, created with
	// a random key (mode 0600) on first use; PostgreSQL refuses to open,
	// since every replica must share one key, so it has to be configured.
	// Losing the key loses the encrypted data.
	SecretKey []byte
	// GroupCommit is the most concurrent InTx calls that one SQLite
	// transaction and its one durable COMMIT carry, each under its own
	// savepoint (see committer). 0 means DefaultGroupCommit; 1 turns
	// grouping off, so that every InTx is a transaction of its own.
	// PostgreSQL ignores it: there every InTx is its own transaction.
	GroupCommit int
	// MaxConns bounds the connections this process opens to PostgreSQL
	// (requests and jobs share them). 0 means DefaultMaxConns. SQLite
	// ignores it. Replicas × MaxConns must stay under the server's
	// max_connections.
	MaxConns int
}

// DB is portdesk's database. It implements porting.Store.
//
// On SQLite, writes go through a pool of one connection whose transactions
// begin with BEGIN IMMEDIATE, so concurrent writers queue in the process
// instead of failing with SQLITE_BUSY; View uses a separate read-only pool.
// On PostgreSQL one pool serves both.
//
// SQL returns the write pool for the job runner. Build its River driver with
// riversqlite.New(db.SQL()) when Engine() is "sqlite" and with
// riverdatabasesql.New(db.SQL()) when it is "postgres"; Migrate creates
// River's tables for either. On SQLite the runner then shares the single
// write connection, so a worker must never hold a River transaction open
// while calling InTx (it would wait for itself).
type DB struct {
	engine string
	write  *sql.DB
	read   *sql.DB
	clock  porting.Clock
	logger *slog.Logger
	river  *river.Client[*sql.Tx]
	sealer *sealer
	group  *committer // SQLite group commit; nil runs each InTx alone
	// onEvents is called after each commit that appended events (see
	// OnEventsCommitted).
	onEvents atomic.Pointer[func()]
}

var _ porting.Store = (*DB)(nil)

// Open opens the database described by cfg without migrating it. It
// returns EINVALID for a bad configuration and EUNAVAILABLE when the
// database does not answer.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Clock == nil {
		return nil, porting.Errorf(porting.EINVALID, "store: Config.Clock is required")
	}
	if err := checkSecretKey(cfg.SecretKey); err != nil {
		return nil, err
	}
	db := &DB{clock: cfg.Clock, logger: cfg.Logger}
	if db.logger == nil {
		db.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var err error
	switch {
	case cfg.DatabaseURL != "":
		if !strings.HasPrefix(cfg.DatabaseURL, "postgres://") && !strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
			return nil, porting.FieldErrorf("database_url", "store: database URL must start with postgres://")
		}
		if len(cfg.SecretKey) == 0 {
			return nil, porting.FieldErrorf("secret_key", "store: PostgreSQL needs a secret key: set "+
				"PORTDESK_SECRET_KEY to 32 random bytes in hex or base64, the same on every replica")
		}
		if cfg.MaxConns < 0 || cfg.MaxConns > MaxMaxConns {
			return nil, porting.FieldErrorf("database_max_conns", "store: at most %d connections a replica, and not negative", MaxMaxConns)
		}
		db.engine = EnginePostgres
		err = db.openPostgres(ctx, cfg.DatabaseURL, cfg.MaxConns)
	case cfg.DataDir != "":
		db.engine = EngineSQLite
		err = db.openSQLite(ctx, cfg.DataDir)
	default:
		return nil, porting.Errorf(porting.EINVALID, "store: Config needs DataDir or DatabaseURL")
	}
	if err == nil {
		err = db.openSealer(cfg)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if db.engine == EngineSQLite {
		if n := cmp.Or(cfg.GroupCommit, DefaultGroupCommit); n > 1 {
			db.group = newCommitter(db, n)
		}
		db.river, err = river.NewClient(riversqlite.New(db.write), &river.Config{Logger: db.logger})
	} else {
		db.river, err = river.NewClient(riverdatabasesql.New(db.write), &river.Config{Logger: db.logger})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: river client: %w", err)
	}
	return db, nil
}

// openSealer sets up encryption at rest with cfg.SecretKey or, when that
// is empty (SQLite only, see Open), the data directory's key file, which
// openSQLite has made sure exists as a directory.
func (db *DB) openSealer(cfg Config) error {
	key := cfg.SecretKey
	if len(key) == 0 {
		var err error
		if key, err = loadSecretKeyFile(cfg.DataDir); err != nil {
			return err
		}
	}
	var err error
	db.sealer, err = newSealer(key)
	return err
}

// Close closes the connection pools.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.close()
	}
	var err error
	if db.read != nil && db.read != db.write {
		err = db.read.Close()
	}
	if db.write != nil {
		if werr := db.write.Close(); werr != nil {
			err = werr
		}
	}
	return err
}

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return db.engine }

// SQL returns the write pool, on which the job runner builds its River
// driver (see DB).
func (db *DB) SQL() *sql.DB { return db.write }

// Ping reports whether the database answers; EUNAVAILABLE if not.
func (db *DB) Ping(ctx context.Context) error {
	for _, p := range []*sql.DB{db.write, db.read} {
		if err := p.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping: %w", unavailable(err))
		}
	}
	return nil
}

// InTx runs fn in a read-write transaction and commits when fn returns nil.
// On SQLite concurrent calls share one transaction and one commit, each
// under its own savepoint (see Config.GroupCommit); to each caller that is
// a transaction of its own, committed when InTx returns nil.
// fn's error is returned as it is; database errors carry porting codes
// (ECONFLICT for conflicting concurrent writes). InTx must not be called
// from inside fn: on SQLite it would wait for its own connection.
//
// When ctx carries a porting.IdempotencyScope whose record has not
// committed yet, the record is written after fn, in the same transaction,
// so that the work and the key's record commit together or not at all.
func (db *DB) InTx(ctx context.Context, fn func(porting.Tx) error) error {
	if db.group != nil {
		return db.group.inTx(ctx, fn)
	}
	var conn *sql.Conn
	if db.engine == EnginePostgres {
		// The transaction runs on a connection of its own, so that bulk
		// writes can reach it for COPY (see copyNumbers).
		c, err := db.write.Conn(ctx)
		if err != nil {
			return fmt.Errorf("store: begin: %w", interpretError(err))
		}
		defer c.Close()
		conn = c
	}
	var sqlTx *sql.Tx
	var err error
	if conn != nil {
		sqlTx, err = conn.BeginTx(ctx, nil)
	} else {
		sqlTx, err = db.write.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("store: begin: %w", interpretError(err))
	}
	recorded := false
	err = db.runOn(sqlTx, conn, func(t porting.Tx) error { return db.runWrite(ctx, t.(*tx), fn, &recorded) }, true)
	if err == nil && recorded {
		porting.IdempotencyScopeFrom(ctx).MarkStored()
	}
	return err
}

// runWrite calls fn, then writes the record of ctx's idempotency scope, if
// one is pending, in the same transaction; recorded says whether it did.
func (db *DB) runWrite(ctx context.Context, t *tx, fn func(porting.Tx) error, recorded *bool) error {
	scope := porting.IdempotencyScopeFrom(ctx)
	if err := fn(t); err != nil || scope == nil {
		return err
	}
	*recorded = scope.Pending() != nil
	return t.recordIdempotency(ctx, scope)
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(porting.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.engine == EnginePostgres {
		// One snapshot for the whole read, as SQLite has: an order and its
		// numbers (two statements) must come from the same commit.
		opts.Isolation = sql.LevelRepeatableRead
	}
	sqlTx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin read: %w", interpretError(err))
	}
	return db.run(sqlTx, fn, false)
}

// run calls fn with a Tx over sqlTx, then commits when commit is set and
// fn succeeded. Anything else, a panic in fn included, rolls back (the
// deferred Rollback is a no-op after a commit).
func (db *DB) run(sqlTx *sql.Tx, fn func(porting.Tx) error, commit bool) error {
	return db.runOn(sqlTx, nil, fn, commit)
}

// runOn is run with the connection sqlTx runs on, when the caller holds
// one (PostgreSQL writes).
func (db *DB) runOn(sqlTx *sql.Tx, conn *sql.Conn, fn func(porting.Tx) error, commit bool) error {
	defer sqlTx.Rollback() //nolint:errcheck // no-op after commit
	t := &tx{db: db, tx: sqlTx, conn: conn, writable: commit}
	if err := fn(t); err != nil || !commit {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", interpretError(err))
	}
	if t.appended {
		db.eventsCommitted()
	}
	return nil
}

// OnEventsCommitted sets f to be called after every commit that appended
// events, on the committing goroutine: the cheap wake-up of the
// notification drainer (f must not block). A wake-up lost to a crash
// between the commit and f is made up by the drainer's periodic run.
func (db *DB) OnEventsCommitted(f func()) { db.onEvents.Store(&f) }

// eventsCommitted calls the OnEventsCommitted function, if any.
func (db *DB) eventsCommitted() {
	if f := db.onEvents.Load(); f != nil && *f != nil {
		(*f)()
	}
}

// SQLTx returns the *sql.Tx under a Tx handed out by InTx or View, or nil
// for a Tx of another implementation. The job runner uses it to complete a
// River job in the same transaction as the work it did.
func SQLTx(t porting.Tx) *sql.Tx {
	if t, ok := t.(*tx); ok {
		return t.tx
	}
	return nil
}
