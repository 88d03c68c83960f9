// Package storetest opens migrated store.DBs for tests: always SQLite, and
// PostgreSQL too when PORTDESK_TEST_DATABASE_URL is set, so that suites
// written once run on both engines. It also has MustX helpers for fixtures.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
)

// EnvDatabaseURL names the environment variable with the PostgreSQL URL
// of the test server. Each DB gets its own schema there.
const EnvDatabaseURL = "PORTDESK_TEST_DATABASE_URL"

// Epoch is the time the default test clock stands still at.
var Epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Engine opens test databases of one engine.
type Engine struct {
	// Name is "sqlite" or "postgres"; use it as the subtest name.
	Name string
	// Open returns a new, empty, migrated database whose clock stands
	// still at Epoch. It is closed (and on PostgreSQL dropped) when the
	// test ends.
	Open func(tb testing.TB) *store.DB
	// OpenClock is Open with the given clock.
	OpenClock func(tb testing.TB, clock porting.Clock) *store.DB
	// OpenAt is OpenClock with the schema of an earlier release: migrated
	// up to portdesk's migration version (see store.DB.MigrateTo), for
	// tests of an upgrade, which call Migrate.
	OpenAt func(tb testing.TB, clock porting.Clock, version string) *store.DB
}

// Engines returns SQLite and, when PORTDESK_TEST_DATABASE_URL is set,
// PostgreSQL.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	engines := []Engine{newEngine(store.EngineSQLite, openSQLite)}
	if u := os.Getenv(EnvDatabaseURL); u != "" {
		engines = append(engines, newEngine(store.EnginePostgres, func(tb testing.TB, c porting.Clock, version string) *store.DB {
			return openPostgres(tb, u, c, version)
		}))
	}
	return engines
}

// newEngine builds an Engine on open, which migrates up to version ("":
// all the way).
func newEngine(name string, open func(testing.TB, porting.Clock, string) *store.DB) Engine {
	return Engine{
		Name:      name,
		Open:      func(tb testing.TB) *store.DB { tb.Helper(); return open(tb, porting.NewFixedClock(Epoch), "") },
		OpenClock: func(tb testing.TB, c porting.Clock) *store.DB { tb.Helper(); return open(tb, c, "") },
		OpenAt:    open,
	}
}

func openSQLite(tb testing.TB, clock porting.Clock, version string) *store.DB {
	tb.Helper()
	return openMigratedTo(tb, store.Config{DataDir: tb.TempDir(), Clock: clock}, version)
}

// openPostgres opens a migrated DB in a fresh schema (see PostgresURL)
// with a random secret key. (SQLite makes its own in the data directory.)
func openPostgres(tb testing.TB, databaseURL string, clock porting.Clock, version string) *store.DB {
	tb.Helper()
	return openMigratedTo(tb, store.Config{DatabaseURL: schemaURL(tb, databaseURL), Clock: clock, SecretKey: NewSecretKey()}, version)
}

// NewSecretKey returns a random key for store.Config.SecretKey.
func NewSecretKey() []byte {
	k := make([]byte, store.SecretKeySize)
	_, _ = rand.Read(k) // crypto/rand.Read never fails
	return k
}

// PostgresURL creates a schema with a random name on the server of
// PORTDESK_TEST_DATABASE_URL, drops it when the test ends, and returns a URL
// whose search_path is that schema: a fresh, empty database for a test that
// opens its own connections (the binary under test, say). It fails the test
// when the variable is not set.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u == "" {
		tb.Fatalf("storetest: %s is not set", EnvDatabaseURL)
	}
	return schemaURL(tb, u)
}

func schemaURL(tb testing.TB, databaseURL string) string {
	tb.Helper()
	ctx := context.Background()
	schema := "portdesk_test_" + randomHex(6)
	admin, err := sql.Open("pgx", databaseURL)
	if err != nil {
		tb.Fatalf("storetest: open %s: %v", EnvDatabaseURL, err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", databaseURL)
		if err != nil {
			tb.Errorf("storetest: drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(databaseURL)
	if err != nil {
		tb.Fatalf("storetest: parse %s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenSQLite opens a migrated SQLite DB in a fresh data directory with
// cfg's other settings (GroupCommit, say), on the Epoch clock unless cfg
// has one.
func OpenSQLite(tb testing.TB, cfg store.Config) *store.DB {
	tb.Helper()
	cfg.DataDir = tb.TempDir()
	if cfg.Clock == nil {
		cfg.Clock = porting.NewFixedClock(Epoch)
	}
	return openMigrated(tb, cfg)
}

// openMigrated opens cfg, migrates it and closes it at cleanup (registered
// after the PostgreSQL schema drop, so it runs before it).
func openMigrated(tb testing.TB, cfg store.Config) *store.DB {
	tb.Helper()
	return openMigratedTo(tb, cfg, "")
}

// openMigratedTo is openMigrated up to migration version ("": all).
func openMigratedTo(tb testing.TB, cfg store.Config, version string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("storetest: open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	migrate := db.Migrate
	if version != "" {
		migrate = func(ctx context.Context) error { return db.MigrateTo(ctx, version) }
	}
	if err := migrate(ctx); err != nil {
		tb.Fatalf("storetest: migrate: %v", err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// MustInTx runs fn in a write transaction and fails the test on error.
func MustInTx(tb testing.TB, db porting.Store, fn func(porting.Tx) error) {
	tb.Helper()
	if err := db.InTx(context.Background(), fn); err != nil {
		tb.Fatalf("InTx: %v", err)
	}
}

// MustView runs fn in a read transaction and fails the test on error.
func MustView(tb testing.TB, db porting.Store, fn func(porting.Tx) error) {
	tb.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		tb.Fatalf("View: %v", err)
	}
}

// CountJobs counts River jobs of the given kind ("" for all) in db.
func CountJobs(tb testing.TB, db *store.DB, kind string) int {
	tb.Helper()
	query, args := "SELECT count(*) FROM river_job", []any{}
	if kind != "" {
		query, args = query+" WHERE kind = $1", []any{kind}
	}
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("count river jobs: %v", err)
	}
	return n
}

// seq numbers fixtures so their names differ within a test run.
var seq atomic.Int64

func next() int64 { return seq.Add(1) }

// fixtureName returns a unique label for fixtures.
func fixtureName(kind string) string { return fmt.Sprintf("%s %d", kind, next()) }
