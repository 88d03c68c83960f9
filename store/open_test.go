package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

func TestOpenConfig(t *testing.T) {
	t.Parallel()
	clock := porting.NewFixedClock(storetest.Epoch)
	key := storetest.NewSecretKey()
	tests := []struct {
		name string
		cfg  store.Config
		want string
	}{
		{"no clock", store.Config{DataDir: t.TempDir()}, porting.EINVALID},
		{"no database", store.Config{Clock: clock}, porting.EINVALID},
		{"not a postgres URL", store.Config{DatabaseURL: "mysql://x", Clock: clock}, porting.EINVALID},
		{"postgres down", store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/x?connect_timeout=2", Clock: clock, SecretKey: key}, porting.EUNAVAILABLE},
		{"postgres without key", store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/x", Clock: clock}, porting.EINVALID},
		{"postgres short key", store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/x", Clock: clock, SecretKey: key[:16]}, porting.EINVALID},
		{"sqlite short key", store.Config{DataDir: t.TempDir(), Clock: clock, SecretKey: key[:31]}, porting.EINVALID},
		{"sqlite long key", store.Config{DataDir: t.TempDir(), Clock: clock, SecretKey: append(key, 0)}, porting.EINVALID},
		{"too many connections", store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/x", Clock: clock, SecretKey: key, MaxConns: store.MaxMaxConns + 1}, porting.EINVALID},
		{"negative connections", store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/x", Clock: clock, SecretKey: key, MaxConns: -1}, porting.EINVALID},
		{"data dir is a file", store.Config{DataDir: filepath.Join(fileIn(t), "sub"), Clock: clock}, porting.EINTERNAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tc.cfg)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			wantCode(t, err, tc.want)
			if tc.want == porting.EINVALID && len(tc.cfg.SecretKey) != 0 && strings.Contains(err.Error(), "PORTDESK_SECRET_KEY") {
				t.Errorf("a bad key is reported as a missing one: %v", err)
			}
		})
	}
}

// TestOpenPostgresWithoutKey checks that the error tells the operator what
// to set.
func TestOpenPostgresWithoutKey(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), store.Config{DatabaseURL: "postgres://x@127.0.0.1:1/x",
		Clock: porting.NewFixedClock(storetest.Epoch)})
	wantCode(t, err, porting.EINVALID)
	if !strings.Contains(porting.ErrorMessage(err), "PORTDESK_SECRET_KEY") {
		t.Errorf("error %q does not name PORTDESK_SECRET_KEY", err)
	}
}

// fileIn returns the path of a new regular file.
func fileIn(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenSQLite checks the settings that make SQLite safe to share: WAL,
// a synchronous WAL, foreign keys, a private data directory.
func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	db, err := store.Open(context.Background(), store.Config{DataDir: dir, Clock: porting.NewFixedClock(storetest.Epoch)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Engine(); got != store.EngineSQLite {
		t.Errorf("Engine() = %q, want sqlite", got)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("data dir mode = %o, want 700", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "portdesk.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"} {
		var got string
		if err := db.SQL().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	if got := db.SQL().Stats().MaxOpenConnections; got != 1 {
		t.Errorf("write pool MaxOpenConnections = %d, want 1", got)
	}
}

// TestMigrateReopen migrates a SQLite file, reopens it and migrates again:
// nothing is applied twice and the data stays.
func TestMigrateReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := store.Config{DataDir: t.TempDir(), Clock: porting.NewFixedClock(storetest.Epoch)}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	a := storetest.MustCreateAccount(t, db, nil)
	db.Close()

	db, err = store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		_, err := tx.FindAccount(ctx, a.ID)
		return err
	})
}

// TestOpenPostgresMaxConns checks that Config.MaxConns sizes the pool.
func TestOpenPostgresMaxConns(t *testing.T) {
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" {
		t.Skip("PostgreSQL: set " + storetest.EnvDatabaseURL)
	}
	for _, tc := range []struct{ set, want int }{{0, store.DefaultMaxConns}, {3, 3}} {
		db, err := store.Open(context.Background(), store.Config{DatabaseURL: u, Clock: porting.NewFixedClock(storetest.Epoch),
			SecretKey: storetest.NewSecretKey(), MaxConns: tc.set})
		if err != nil {
			t.Fatal(err)
		}
		if got := db.SQL().Stats().MaxOpenConnections; got != tc.want {
			t.Errorf("MaxConns %d: pool of %d, want %d", tc.set, got, tc.want)
		}
		db.Close()
	}
}

// TestOpenPostgresIdleInTransaction checks that portdesk's sessions end a
// transaction left idle (a replica cut off mid-transaction) after
// DefaultIdleInTransactionTimeout, unless something else set it (here: the URL, or its options).
func TestOpenPostgresIdleInTransaction(t *testing.T) {
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" {
		t.Skip("PostgreSQL: set " + storetest.EnvDatabaseURL)
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	for _, tc := range []struct{ url, want string }{
		{u, "1min"},
		{u + sep + "idle_in_transaction_session_timeout=5s", "5s"},
		{u + sep + "options=-c%20idle_in_transaction_session_timeout%3D7s", "7s"},
	} {
		db, err := store.Open(context.Background(), store.Config{DatabaseURL: tc.url, Clock: porting.NewFixedClock(storetest.Epoch),
			SecretKey: storetest.NewSecretKey()})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := db.SQL().QueryRowContext(context.Background(), `SHOW idle_in_transaction_session_timeout`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("idle_in_transaction_session_timeout %q, want %q", got, tc.want)
		}
		db.Close()
	}
}
