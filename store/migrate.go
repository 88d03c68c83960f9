package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrations holds each engine's schema changes as numbered files,
// migrations/<engine>/NNNN_name.sql, applied in name order.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// schemaMigrationsDDL creates the table recording applied migrations.
var schemaMigrationsDDL = map[string]string{
	EngineSQLite: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`,
	EnginePostgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`,
}

// Migrate brings the schema up to date: portdesk's own migrations, each in
// its own transaction and recorded in schema_migrations, then River's.
// It is idempotent and safe to run from several processes at once: on
// SQLite BEGIN IMMEDIATE excludes other writers, on PostgreSQL the run
// holds an advisory lock. A database that has applied a migration this
// binary does not carry (a newer version migrated it) is EINVALID, and
// nothing is applied.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, "")
}

// MigrateTo is Migrate stopping after portdesk's migration version (its
// file name without ".sql", e.g. "0017_pending_deadlines_by_order"): the
// schema of an earlier release, for tests of an upgrade from it. An
// unknown version is EINVALID.
func (db *DB) MigrateTo(ctx context.Context, version string) error {
	names, err := db.migrationNames()
	if err != nil {
		return err
	}
	if !slices.Contains(names, version+".sql") {
		return porting.Errorf(porting.EINVALID, "store: no migration %s", version)
	}
	return db.migrate(ctx, version+".sql")
}

// migrate applies the migrations up to last ("": all of them), then River's.
func (db *DB) migrate(ctx context.Context, last string) error {
	names, err := db.migrationNames()
	if err != nil {
		return err
	}
	if last != "" {
		names = names[:slices.Index(names, last)+1]
	}
	var txs txBeginner = db.write
	if db.engine == EnginePostgres {
		conn, unlock, err := db.lockMigrations(ctx)
		if err != nil {
			return err
		}
		defer unlock()
		txs = conn
	}
	// A schema written by a newer version is refused before anything is
	// applied: this binary's code may not understand it (a contracting
	// migration may have dropped what it reads).
	applied, err := db.appliedMigrations(ctx, txs)
	if err != nil {
		return err
	}
	if s := compareMigrations(names, applied); len(s.Unknown) > 0 {
		return errSchemaNewer(s.Unknown)
	}
	for _, name := range names {
		if err := db.migrateOne(ctx, txs, name); err != nil {
			return err
		}
	}
	if err := db.migrateRiver(ctx, txs); err != nil {
		return err
	}
	return db.checkSecretKeyMatches(ctx)
}

// txBeginner is a *sql.DB or a *sql.Conn.
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	queryer
}

// lockMigrations takes PostgreSQL's migration lock on a connection of its
// own and returns that connection and the function that releases both.
// A connection whose unlock fails is discarded so the lock cannot linger
// in the pool.
func (db *DB) lockMigrations(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, nil, errorf(err, "migration lock")
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockMigrate); err != nil {
		conn.Close()
		return nil, nil, errorf(err, "migration lock")
	}
	unlock := func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockMigrate)
		if err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}
	return conn, unlock, nil
}

// migrationNames lists the engine's embedded migration files in order.
func (db *DB) migrationNames() ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+db.engine)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// migrateOne applies migration name unless schema_migrations records it.
func (db *DB) migrateOne(ctx context.Context, txs txBeginner, name string) error {
	version := strings.TrimSuffix(name, ".sql")
	return migrationTx(ctx, db, txs, func(t *tx) error {
		if _, err := t.exec(ctx, schemaMigrationsDDL[db.engine]); err != nil {
			return errorf(err, "create schema_migrations")
		}
		var n int
		if err := t.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
			return errorf(err, "read schema_migrations")
		}
		if n > 0 {
			return nil
		}
		body, err := migrations.ReadFile(path.Join("migrations", db.engine, name))
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", name, err)
		}
		if _, err := t.tx.ExecContext(ctx, string(body)); err != nil {
			return errorf(err, "migration %s", name)
		}
		if _, err := t.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
			version, db.now()); err != nil {
			return errorf(err, "record migration %s", name)
		}
		return nil
	})
}

// migrateRiver applies River's migrations for the engine. On SQLite they
// run in one transaction. On PostgreSQL River runs each in a transaction of
// its own on the pool (a migration that adds an enum value cannot share a
// transaction with one that uses it) while txs holds the migration lock.
func (db *DB) migrateRiver(ctx context.Context, txs txBeginner) error {
	opts := &rivermigrate.Config{Logger: db.logger}
	if db.engine == EnginePostgres {
		m, err := rivermigrate.New(riverdatabasesql.New(db.write), opts)
		if err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
		if err != nil {
			return errorf(err, "river migrations")
		}
		return nil
	}
	return migrationTx(ctx, db, txs, func(t *tx) error {
		m, err := rivermigrate.New(riversqlite.New(db.write), opts)
		if err == nil {
			//lint:ignore SA1019 on SQLite River's migrations are meant to run in this one transaction; Migrate would begin its own
			_, err = m.MigrateTx(ctx, t.tx, rivermigrate.DirectionUp, nil)
		}
		if err != nil {
			return errorf(err, "river migrations")
		}
		return nil
	})
}

// migrationTx runs fn in a transaction begun on txs and commits it.
func migrationTx(ctx context.Context, db *DB, txs txBeginner, fn func(*tx) error) error {
	sqlTx, err := txs.BeginTx(ctx, nil)
	if err != nil {
		return errorf(err, "begin migration")
	}
	defer sqlTx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(&tx{db: db, tx: sqlTx}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return errorf(err, "commit migration")
	}
	return nil
}
