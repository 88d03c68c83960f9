package store

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/portdesk/portdesk/porting"
)

// TestInterpretError checks the mapping of errors that the conformance
// suite cannot provoke on demand (deadlocks, lost connections).
func TestInterpretError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no rows", sql.ErrNoRows, porting.ENOTFOUND},
		{"unique", &pgconn.PgError{Code: "23505"}, porting.ECONFLICT},
		{"foreign key", &pgconn.PgError{Code: "23503"}, porting.EINVALID},
		{"check", &pgconn.PgError{Code: "23514"}, porting.EINVALID},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, porting.ECONFLICT},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, porting.ECONFLICT},
		{"lock timeout", &pgconn.PgError{Code: "55P03"}, porting.EUNAVAILABLE},
		{"connection failure", &pgconn.PgError{Code: "08006"}, porting.EUNAVAILABLE},
		{"shutting down", &pgconn.PgError{Code: "57P01"}, porting.EUNAVAILABLE},
		{"syntax error", &pgconn.PgError{Code: "42601"}, porting.EINTERNAL},
		{"bad connection", fmt.Errorf("exec: %w", sql.ErrConnDone), porting.EUNAVAILABLE},
		{"unknown", errors.New("boom"), porting.EINTERNAL},
		{"already mapped", porting.Errorf(porting.EFORBIDDEN, "no"), porting.EFORBIDDEN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := errorf(tc.err, "update port order %s", "po_1")
			if got := porting.ErrorCode(err); got != tc.want {
				t.Errorf("code = %q, want %q (%v)", got, tc.want, err)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("%v does not wrap the cause", err)
			}
		})
	}
	if interpretError(nil) != nil {
		t.Error("interpretError(nil) != nil")
	}
}
