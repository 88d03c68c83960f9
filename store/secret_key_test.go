package store_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

func TestParseSecretKey(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{0xfb, 0xff, 0x3e}, 11)[:32] // encodes to + / - _ in base64
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"hex", hex.EncodeToString(key), true},
		{"upper-case hex", strings.ToUpper(hex.EncodeToString(key)), true},
		{"hex with newline", hex.EncodeToString(key) + "\n", true},
		{"base64", base64.StdEncoding.EncodeToString(key), true},
		{"base64 url", base64.URLEncoding.EncodeToString(key), true},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(key), true},
		{"base64 url unpadded", base64.RawURLEncoding.EncodeToString(key), true},
		{"empty", "", false},
		{"short hex", hex.EncodeToString(key[:31]), false},
		{"long hex", hex.EncodeToString(append(key, 1)), false},
		{"short base64", base64.StdEncoding.EncodeToString(key[:31]), false},
		{"long base64", base64.StdEncoding.EncodeToString(append(key, 1)), false},
		{"not hex", strings.Repeat("zz", 32), false},
		{"passphrase", "correct horse battery staple", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.ParseSecretKey(tc.in)
			if tc.ok {
				if err != nil || !bytes.Equal(got, key) {
					t.Errorf("ParseSecretKey = %x, %v; want %x", got, err, key)
				}
				return
			}
			wantCode(t, err, porting.EINVALID)
			if tc.in != "" && strings.Contains(err.Error(), tc.in) {
				t.Errorf("error repeats the secret: %v", err)
			}
		})
	}
}

// TestSecretKeyFile opens a SQLite data directory without a key: the key
// file is created once, private, and reused on reopen, so what was sealed
// before opens after.
func TestSecretKeyFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := store.Config{DataDir: dir, Clock: porting.NewFixedClock(storetest.Epoch)}
	db := openMigrated(t, cfg)
	path := filepath.Join(dir, "secret.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("secret.key mode = %o, want 600", got)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := store.ParseSecretKey(string(first))
	if err != nil || len(first) != 65 {
		t.Fatalf("secret.key holds %d bytes (%v), want 64 hex characters and a newline", len(first), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1+countPrefix(entries, "portdesk.db") {
		t.Errorf("data dir holds %v, want the database and secret.key only", names(entries))
	}
	o := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{LOA: fullLOA("+12025550100")})
	d := mustCreateDocument(t, db, newDocument(o, "loa.pdf", loaPDF), loaPDF)
	db.Close()

	for _, reopen := range []store.Config{cfg, {DataDir: dir, Clock: cfg.Clock, SecretKey: key}} {
		db := openMigrated(t, reopen)
		if again, _ := os.ReadFile(path); !bytes.Equal(again, first) {
			t.Errorf("secret.key changed on reopen")
		}
		if got := findOrder(t, db, o.ID); got.LOA.PIN != testPIN {
			t.Errorf("PIN after reopen = %q, want %q", got.LOA.PIN, testPIN)
		}
		if got, err := readContent(t, db, d.ID); err != nil || !bytes.Equal(got, loaPDF) {
			t.Errorf("ReadDocumentContent after reopen = %q, %v", got, err)
		}
		db.Close()
	}

	// Another key is refused at start (Migrate), and reads nothing sealed
	// with this one even if a caller skipped that check.
	db, err = store.Open(ctx, store.Config{DataDir: dir, Clock: cfg.Clock, SecretKey: storetest.NewSecretKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(err.Error(), "secret key is not the one") {
		t.Fatalf("Migrate with another key = %v, want the key check to refuse it", err)
	}
	_, err = readContent(t, db, d.ID)
	wantSealError(t, err)
	err = db.View(ctx, func(tx porting.Tx) error { _, err := tx.FindPortOrder(ctx, o.ID); return err })
	wantSealError(t, err)
}

// TestSecretKeyFileConcurrent opens a data directory without a key file
// from several goroutines at once: they all end up with the same key.
func TestSecretKeyFileConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := store.Config{DataDir: dir, Clock: porting.NewFixedClock(storetest.Epoch)}
	// The database file exists first: concurrent first opens of SQLite
	// race on switching it to WAL, which is not what this test is about.
	openMigrated(t, store.Config{DataDir: dir, Clock: cfg.Clock, SecretKey: storetest.NewSecretKey()}).Close()
	dbs := make([]*store.DB, 8)
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = store.Open(context.Background(), cfg) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	o := storetest.MustCreatePortOrder(t, dbs[0], nil)
	d := mustCreateDocument(t, dbs[0], newDocument(o, "loa.pdf", loaPDF), loaPDF)
	for i, db := range dbs {
		if got, err := readContent(t, db, d.ID); err != nil || !bytes.Equal(got, loaPDF) {
			t.Errorf("DB %d: ReadDocumentContent = %q, %v", i, got, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1+countPrefix(entries, "portdesk.db") {
		t.Errorf("data dir holds %v, want the database and secret.key only", names(entries))
	}
}

// TestSecretKeyFileMalformed refuses a key file that does not hold a key
// rather than replacing it.
func TestSecretKeyFileMalformed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.key")
	if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), store.Config{DataDir: dir, Clock: porting.NewFixedClock(storetest.Epoch)})
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded with a malformed secret.key")
	}
	wantCode(t, err, porting.EINVALID)
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "not a key\n" {
		t.Errorf("secret.key was rewritten: %q", b)
	}
}

// TestSecretKeyGiven checks that a configured key leaves no key file.
func TestSecretKeyGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := openMigrated(t, store.Config{DataDir: dir, Clock: porting.NewFixedClock(storetest.Epoch), SecretKey: storetest.NewSecretKey()})
	defer db.Close()
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); !os.IsNotExist(err) {
		t.Errorf("secret.key with a configured key: %v", err)
	}
}

// openMigrated opens and migrates cfg; the caller closes it.
func openMigrated(t *testing.T, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

func countPrefix(entries []os.DirEntry, prefix string) int {
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			n++
		}
	}
	return n
}

func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
