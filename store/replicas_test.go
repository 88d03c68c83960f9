package store_test

import (
	"context"
	"fmt"

	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// sharedDatabase is one database that several replicas open.
type sharedDatabase struct {
	name string
	// cfg opens the database (Clock left unset).
	cfg store.Config
}

// open opens another DB (another replica) on the database and migrates
// it; it is closed when the test ends.
func (sd sharedDatabase) open(t *testing.T, clock porting.Clock) *store.DB {
	t.Helper()
	db, err := sd.openErr(t, clock)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// openErr is open returning its error, for goroutines.
func (sd sharedDatabase) openErr(t *testing.T, clock porting.Clock) (*store.DB, error) {
	cfg := sd.cfg
	cfg.Clock = clock
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}

// sharedDatabases returns a fresh SQLite data directory and, when
// PORTDESK_TEST_DATABASE_URL is set, a fresh PostgreSQL schema.
func sharedDatabases(t *testing.T) []sharedDatabase {
	dbs := []sharedDatabase{{store.EngineSQLite, store.Config{DataDir: t.TempDir()}}}
	if os.Getenv(storetest.EnvDatabaseURL) != "" {
		dbs = append(dbs, sharedDatabase{store.EnginePostgres,
			store.Config{DatabaseURL: storetest.PostgresURL(t), SecretKey: storetest.NewSecretKey()}})
	}
	return dbs
}

// attachedClock returns a sandbox clock over base attached to db, closed
// when the test ends.
func attachedClock(t *testing.T, db *store.DB, base porting.Clock) *store.SandboxClock {
	t.Helper()
	c := store.NewSandboxClock(base)
	if err := c.Attach(context.Background(), db, nil); err != nil {
		t.Fatalf("attach: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestSandboxClockShared checks that the sandbox clock is the database's:
// an advance on one replica is read at once there and within
// SandboxClockRefresh on another, concurrent advances all count, and a
// replica started later (a restart) reads the advanced time.
func TestSandboxClockShared(t *testing.T) {
	base := storetest.Epoch
	for _, sd := range sharedDatabases(t) {
		t.Run(sd.name, func(t *testing.T) {
			ctx := context.Background()
			fixed := porting.ClockFunc(func() time.Time { return base })
			dbA, dbB := sd.open(t, fixed), sd.open(t, fixed)
			a, b := attachedClock(t, dbA, fixed), attachedClock(t, dbB, fixed)
			if !a.Now().Equal(base) || !b.Now().Equal(base) {
				t.Fatalf("fresh clocks read %v and %v, want %v", a.Now(), b.Now(), base)
			}
			got, err := a.AdvanceClock(ctx, 72*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			want := base.Add(72 * time.Hour)
			if !got.Equal(want) || !a.Now().Equal(want) {
				t.Fatalf("A after advancing 72h: returned %v, reads %v, want %v", got, a.Now(), want)
			}
			start := time.Now()
			for !b.Now().Equal(want) {
				if time.Since(start) > store.SandboxClockRefresh+2*time.Second {
					t.Fatalf("B still reads %v %v after A's advance, want %v", b.Now(), time.Since(start), want)
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("B saw A's advance after %v (bound %v plus one query)", time.Since(start).Round(time.Millisecond), store.SandboxClockRefresh)

			// Concurrent advances on both replicas all count.
			var wg sync.WaitGroup
			for _, c := range []*store.SandboxClock{a, b, a, b} {
				wg.Go(func() {
					if _, err := c.AdvanceClock(ctx, time.Hour); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			want = want.Add(4 * time.Hour)
			if err := a.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if !a.Now().Equal(want) {
				t.Errorf("after four concurrent 1h advances A reads %v, want %v", a.Now(), want)
			}
			if _, err := a.AdvanceClock(ctx, -time.Second); porting.ErrorCode(err) != porting.EINVALID {
				t.Errorf("moving back: %v, want EINVALID", err)
			}

			// A replica started later (or after a restart) reads it.
			c := attachedClock(t, sd.open(t, fixed), fixed)
			if !c.Now().Equal(want) || c.Offset() != 76*time.Hour {
				t.Errorf("a new replica reads %v (offset %v), want %v (76h)", c.Now(), c.Offset(), want)
			}
		})
	}
}

// TestSandboxClockKeepsOffsetWhileDatabaseIsGone checks that a clock whose
// database stops answering keeps its last offset (the time still runs)
// instead of falling back to the wall clock.
func TestSandboxClockKeepsOffsetWhileDatabaseIsGone(t *testing.T) {
	sd := sharedDatabases(t)[0]
	fixed := porting.ClockFunc(func() time.Time { return storetest.Epoch })
	db := sd.open(t, fixed)
	c := attachedClock(t, db, fixed)
	if _, err := c.AdvanceClock(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := c.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh on a closed database succeeded")
	}
	if _, err := c.AdvanceClock(context.Background(), time.Hour); err == nil {
		t.Fatal("AdvanceClock on a closed database succeeded")
	}
	if got, want := c.Now(), storetest.Epoch.Add(time.Hour); !got.Equal(want) {
		t.Errorf("clock reads %v, want %v", got, want)
	}
}

// migrationVersions lists the migration files of an engine, without
// ".sql": the oracle of what Migrate must record.
func migrationVersions(t *testing.T, engine string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", engine, "*.sql"))
	if err != nil || len(files) < 2 {
		t.Fatalf("migration files of %s: %v, %v", engine, files, err)
	}
	var versions []string
	for _, f := range files {
		versions = append(versions, strings.TrimSuffix(filepath.Base(f), ".sql"))
	}
	return versions
}

// TestManyReplicasMigrateAtOnce starts eight replicas on one fresh
// database at the same moment: every Migrate succeeds, each migration is
// recorded once, and River's migrations are applied once each.
func TestManyReplicasMigrateAtOnce(t *testing.T) {
	const replicas = 8
	for _, sd := range sharedDatabases(t) {
		t.Run(sd.name, func(t *testing.T) {
			var (
				wg    sync.WaitGroup
				ready = make(chan struct{})
				mu    sync.Mutex
				dbs   []*store.DB
			)
			fixed := porting.NewFixedClock(storetest.Epoch)
			for range replicas {
				wg.Go(func() {
					<-ready
					db, err := sd.openErr(t, fixed)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					dbs = append(dbs, db)
					mu.Unlock()
				})
			}
			close(ready)
			wg.Wait()
			if t.Failed() {
				return
			}
			ctx := context.Background()
			rows, err := dbs[0].SQL().QueryContext(ctx, `SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var (
					v string
					n int
				)
				if err := rows.Scan(&v, &n); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("migration %s recorded %d times", v, n)
				}
				got = append(got, v)
			}
			if want := migrationVersions(t, sd.name); !slices.Equal(got, want) {
				t.Errorf("recorded migrations %v, want %v", got, want)
			}
			var total, distinct int
			if err := dbs[0].SQL().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version) FROM river_migration`).Scan(&total, &distinct); err != nil {
				t.Fatal(err)
			}
			if total != distinct || total < 6 {
				t.Errorf("river_migration holds %d rows for %d versions", total, distinct)
			}
			// The migration that seeds a row ran once: a second run would
			// have failed on its key, and the row holds its first value.
			var clocks int
			if err := dbs[0].SQL().QueryRowContext(ctx, `SELECT count(*) FROM sandbox_clock`).Scan(&clocks); err != nil || clocks != 1 {
				t.Errorf("sandbox_clock rows: %d, %v; want 1", clocks, err)
			}
		})
	}
}

// TestSchemaAheadAndBehind checks the schema guard: a database holding a
// migration this binary does not carry is refused by Migrate (nothing
// applied) but stays ready for a process already running; one missing a
// migration is not ready, and the error names it.
func TestSchemaAheadAndBehind(t *testing.T) {
	for _, sd := range sharedDatabases(t) {
		t.Run(sd.name, func(t *testing.T) {
			ctx := context.Background()
			db := sd.open(t, porting.NewFixedClock(storetest.Epoch))
			versions := migrationVersions(t, sd.name)
			if err := db.Ready(ctx); err != nil {
				t.Fatalf("migrated database not ready: %v", err)
			}
			if s, err := db.Schema(ctx); err != nil || len(s.Missing)+len(s.Unknown) != 0 {
				t.Fatalf("Schema() = %+v, %v; want nothing missing or unknown", s, err)
			}

			const future = "9999_from_a_newer_version"
			if _, err := db.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
				future, storetest.Epoch.Format("2006-01-02T15:04:05.000000Z")); err != nil {
				t.Fatal(err)
			}
			err := db.Migrate(ctx)
			if porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(err.Error(), future) || !strings.Contains(err.Error(), "newer") {
				t.Errorf("Migrate on a newer schema: %v; want EINVALID naming %s", err, future)
			}
			if err := db.Ready(ctx); err != nil {
				t.Errorf("a running process is not ready on a schema ahead of it: %v", err)
			}
			if s, err := db.Schema(ctx); err != nil || !slices.Equal(s.Unknown, []string{future}) || len(s.Missing) != 0 {
				t.Errorf("Schema() = %+v, %v; want unknown [%s]", s, err, future)
			}

			last := versions[len(versions)-1]
			if _, err := db.SQL().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, last); err != nil {
				t.Fatal(err)
			}
			err = db.Ready(ctx)
			if porting.ErrorCode(err) != porting.EUNAVAILABLE || !strings.Contains(porting.ErrorMessage(err), last) {
				t.Errorf("Ready with %s missing: %v; want EUNAVAILABLE naming it", last, err)
			}
			if s, err := db.Schema(ctx); err != nil || !slices.Equal(s.Missing, []string{last}) {
				t.Errorf("Schema() = %+v, %v; want missing [%s]", s, err, last)
			}

			db.Close()
			err = db.Ready(ctx)
			if porting.ErrorCode(err) != porting.EUNAVAILABLE || !strings.Contains(porting.ErrorMessage(err), "does not answer") {
				t.Errorf("Ready on a closed database: %v; want EUNAVAILABLE, does not answer", err)
			}
		})
	}
}

// BenchmarkSandboxClockNow measures a read of the shared sandbox clock,
// which every rule makes: it must stay an in-memory read.
func BenchmarkSandboxClockNow(b *testing.B) {
	db := storetest.OpenSQLite(b, store.Config{})
	c := store.NewSandboxClock(porting.ClockFunc(time.Now))
	if err := c.Attach(context.Background(), db, nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = c.Now()
		}
	})
}
