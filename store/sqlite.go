package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteFile is the name of the database file inside Config.DataDir.
const sqliteFile = "portdesk.db"

// sqliteBusyTimeout is how long (in milliseconds) a connection waits for a
// lock held by another process, such as `portdesk migrate` next to a
// running server, before failing with SQLITE_BUSY.
const sqliteBusyTimeout = "10000"

// openSQLite opens the write and read pools of dataDir/portdesk.db.
//
// The write pool has one connection: SQLite allows one writer at a time, and
// queueing writers in database/sql is what keeps concurrent requests from
// failing with SQLITE_BUSY. Its transactions begin IMMEDIATE so that a
// transaction that reads before it writes never has to upgrade its lock (the
// upgrade fails at once, busy_timeout notwithstanding). WAL lets readers run
// beside the writer, and synchronous=FULL syncs the WAL on every commit so
// an acknowledged write survives a crash of the process or the machine.
func (db *DB) openSQLite(ctx context.Context, dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("store: create data dir: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dataDir, sqliteFile))
	if err != nil {
		return fmt.Errorf("store: data dir: %w", err)
	}

	wq := url.Values{}
	wq.Set("_busy_timeout", sqliteBusyTimeout)
	wq.Set("_journal_mode", "WAL")
	wq.Set("_synchronous", "FULL")
	wq.Set("_foreign_keys", "1")
	wq.Set("_txlock", "immediate")
	if db.write, err = sql.Open("sqlite", sqliteDSN(path, wq)); err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	// The first connection creates the file and switches it to WAL, which
	// persists in the file, before any reader opens it.
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open sqlite %s: %w", path, unavailable(err))
	}

	rq := url.Values{}
	rq.Set("_busy_timeout", sqliteBusyTimeout)
	rq.Set("_foreign_keys", "1")
	rq.Set("_query_only", "1")
	if db.read, err = sql.Open("sqlite", sqliteDSN(path, rq)); err != nil {
		return fmt.Errorf("store: open sqlite reader: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	// Open every reader now rather than when reads first overlap (the
	// notification fan-out reads beside the API): the server's connections
	// and file descriptors are then the same from start-up on.
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close() // back to the pool, which keeps n idle
		}
	}()
	for range n {
		c, err := db.read.Conn(ctx)
		if err == nil {
			err = c.PingContext(ctx)
			conns = append(conns, c)
		}
		if err != nil {
			return fmt.Errorf("store: open sqlite reader %s: %w", path, unavailable(err))
		}
	}
	return nil
}

// sqliteDSN returns the modernc DSN of the file at path with query q.
func sqliteDSN(path string, q url.Values) string {
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}
