package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/portdesk/portdesk/porting"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// interpretError maps a database error of either engine to a *porting.Error
// wrapping it, so callers find the code with porting.ErrorCode. Errors it
// does not recognise, and nil, are returned unchanged (they are internal).
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	var pe *porting.Error
	if errors.As(err, &pe) {
		return err
	}
	code, msg := classify(err)
	if code == "" {
		return err
	}
	return &porting.Error{Code: code, Message: msg, Err: err}
}

// Messages of mapped database errors; they are safe to show to callers.
const (
	msgNotFound     = "not found"
	msgDuplicate    = "already exists"
	msgMissingRef   = "refers to a record that does not exist"
	msgBadValue     = "value not allowed"
	msgConcurrent   = "changed concurrently, try again"
	msgBusy         = "database is busy, try again"
	msgUnavailable  = "database unavailable"
	msgDeadlineOver = "database did not answer in time"
)

// classify returns the porting code and message for err, or "" when err is
// not one the store recognises.
func classify(err error) (code, msg string) {
	if errors.Is(err, sql.ErrNoRows) {
		return porting.ENOTFOUND, msgNotFound
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return classifySQLite(sqliteErr.Code())
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return classifyPostgres(pgErr.Code)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return porting.EUNAVAILABLE, msgDeadlineOver
	}
	var netErr net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) {
		return porting.EUNAVAILABLE, msgUnavailable
	}
	return "", ""
}

// classifySQLite maps an (extended) SQLite result code.
func classifySQLite(code int) (string, string) {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return porting.ECONFLICT, msgDuplicate
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return porting.EINVALID, msgMissingRef
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return porting.EINVALID, msgBadValue
	}
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return porting.EUNAVAILABLE, msgBusy
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
		return porting.EUNAVAILABLE, msgUnavailable
	}
	return "", ""
}

// classifyPostgres maps a PostgreSQL SQLSTATE.
func classifyPostgres(state string) (string, string) {
	switch state {
	case "23505": // unique_violation
		return porting.ECONFLICT, msgDuplicate
	case "23503": // foreign_key_violation
		return porting.EINVALID, msgMissingRef
	case "23514", "23502", "22P02", "22007", "22008", "22P05", "22021": // check, not null, bad text representation, datetime, NUL / bad encoding
		return porting.EINVALID, msgBadValue
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return porting.ECONFLICT, msgConcurrent
	case "55P03", "57014": // lock_not_available, query_canceled (statement timeout)
		return porting.EUNAVAILABLE, msgBusy
	case "57P01", "57P02", "57P03", "53300": // shutdown, cannot connect now, too many connections
		return porting.EUNAVAILABLE, msgUnavailable
	}
	if strings.HasPrefix(state, "08") { // connection exceptions
		return porting.EUNAVAILABLE, msgUnavailable
	}
	return "", ""
}

// unavailable maps err like interpretError and marks anything it does not
// recognise as EUNAVAILABLE: used where the only question is whether the
// database answers at all (open, ping).
func unavailable(err error) error {
	mapped := interpretError(err)
	if porting.ErrorCode(mapped) == porting.EINTERNAL {
		return &porting.Error{Code: porting.EUNAVAILABLE, Message: msgUnavailable, Err: err}
	}
	return mapped
}
