package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// SchemaState compares the migrations recorded in the database with those
// this binary carries.
type SchemaState struct {
	// Missing are this binary's migrations the database has not applied:
	// the schema is behind (not migrated yet, or another process is still
	// migrating).
	Missing []string
	// Unknown are migrations the database has applied that this binary
	// does not carry: the schema was written by a newer version.
	Unknown []string
}

// Schema reads which migrations the database has applied and compares
// them with this binary's. EUNAVAILABLE when the database does not answer.
func (db *DB) Schema(ctx context.Context) (SchemaState, error) {
	known, err := db.migrationNames()
	if err != nil {
		return SchemaState{}, err
	}
	applied, err := db.appliedMigrations(ctx, db.read) // not behind a group commit on SQLite
	if err != nil {
		return SchemaState{}, err
	}
	return compareMigrations(known, applied), nil
}

// Ready reports whether this process can serve: the database answers and
// holds every migration this binary carries. It returns EUNAVAILABLE
// naming the cause otherwise. A schema ahead of the binary is ready: a
// newer version's migrations keep older versions working (see Migrate).
func (db *DB) Ready(ctx context.Context) error {
	unanswered := func(err error) error {
		return &porting.Error{Code: porting.EUNAVAILABLE, Message: "the database does not answer", Err: err}
	}
	if err := db.Ping(ctx); err != nil {
		return unanswered(err)
	}
	s, err := db.Schema(ctx)
	if err != nil {
		return unanswered(err)
	}
	if len(s.Missing) > 0 {
		return porting.Errorf(porting.EUNAVAILABLE,
			"the database schema is behind this version: migration %s is not applied (run portdesk migrate, or wait for the migration in progress)",
			s.Missing[0])
	}
	return nil
}

// queryer is a *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// appliedMigrations lists the versions recorded in schema_migrations;
// none when the table does not exist yet (an empty database).
func (db *DB) appliedMigrations(ctx context.Context, q queryer) ([]string, error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.engine == EnginePostgres {
		exists = `SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_migrations' AND schemaname = current_schema()`
	}
	rows, err := q.QueryContext(ctx, exists)
	if err != nil {
		return nil, errorf(err, "read schema_migrations")
	}
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, errorf(err, "read schema_migrations")
		}
	}
	rows.Close()
	if n == 0 {
		return nil, nil
	}
	if rows, err = q.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
		return nil, errorf(err, "read schema_migrations")
	}
	defer rows.Close()
	var versions []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, errorf(err, "read schema_migrations")
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, errorf(err, "read schema_migrations")
	}
	return versions, nil
}

// compareMigrations lists the known migrations not applied and the
// applied ones not known, each in order.
func compareMigrations(known, applied []string) SchemaState {
	var s SchemaState
	for _, name := range known {
		if !slices.Contains(applied, strings.TrimSuffix(name, ".sql")) {
			s.Missing = append(s.Missing, strings.TrimSuffix(name, ".sql"))
		}
	}
	for _, v := range applied {
		if !slices.Contains(known, v+".sql") {
			s.Unknown = append(s.Unknown, v)
		}
	}
	return s
}

// errSchemaNewer is what a process gets when it starts against a schema
// written by a newer version.
func errSchemaNewer(unknown []string) error {
	return porting.Errorf(porting.EINVALID,
		"the database schema is newer than this portdesk: it has migration %s, which this version does not know; run the version that migrated it, or a newer one",
		unknown[0])
}
