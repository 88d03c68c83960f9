package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/portdesk/portdesk/store/storetest"
)

func testMigrate(t *testing.T, e storetest.Engine) {
	db := e.Open(t) // migrated once
	if got := db.Engine(); got != e.Name {
		t.Errorf("Engine() = %q, want %q", got, e.Name)
	}
	ctx := context.Background()
	// Concurrent and repeated runs apply nothing twice.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() { errs <- db.Migrate(ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("migrations", e.Name, "*.sql"))
	if err != nil || len(files) < 2 {
		t.Fatalf("migration files of %s: %v, %v", e.Name, files, err)
	}
	if n != len(files) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(files))
	}
	// River's tables exist and its migrations are recorded.
	if got := storetest.CountJobs(t, db, ""); got != 0 {
		t.Errorf("river_job has %d rows, want 0", got)
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_migration`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Errorf("river_migration has %d rows, want River's migrations", n)
	}
}
