package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// tx implements porting.Tx over one *sql.Tx. Queries are written once for
// both engines with $1, $2… placeholders numbered in order of first
// appearance (modernc binds them as named parameters in that order);
// arguments go through DB.arg, which is where the engines differ.
type tx struct {
	db           *DB
	tx           *sql.Tx
	conn         *sql.Conn // the connection tx runs on, when known (PostgreSQL writes)
	eventsLocked bool      // the PostgreSQL events lock is held (see lockEventOrder)
	appended     bool      // an event was appended (see DB.OnEventsCommitted)
	writable     bool      // an InTx transaction (not a View)
	// numbers holds, by order ID, what this transaction last read or wrote
	// of an order's numbers, so UpdatePortOrder writes only what changed
	// without reading them again (see remember).
	numbers    map[string]*numberRows
	shared     bool // one write of a group commit (see committer)
	savepoints int  // savepoints taken, for unique names (see Savepoint)
	// queued holds a shared transaction's jobs until its group commits
	// (see Enqueue).
	queued []porting.Job
}

// ctx is the context of a statement: ctx itself, or without its
// cancellation in a shared transaction, where an interrupted write would
// roll back the other writes of the group (see committer).
func (t *tx) ctx(ctx context.Context) context.Context {
	if t.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

var _ porting.Tx = (*tx)(nil)

func (t *tx) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = t.db.arg(a)
	}
	return out
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(t.ctx(ctx), t.args(args)...)
	}
	return t.tx.ExecContext(t.ctx(ctx), query, t.args(args)...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(t.ctx(ctx), t.args(args)...)
	}
	return t.tx.QueryContext(t.ctx(ctx), query, t.args(args)...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(t.ctx(ctx), t.args(args)...)
	}
	return t.tx.QueryRowContext(t.ctx(ctx), query, t.args(args)...)
}

// stmt returns query prepared for this transaction when it is a write of
// a group commit and the statement is in the committer's cache (see
// stmtCache), else nil.
func (t *tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if !t.shared {
		return nil
	}
	s := t.db.group.stmts.get(query)
	if s == nil {
		return nil
	}
	return t.tx.StmtContext(t.ctx(ctx), s)
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs query and calls scan for each row.
func queryAll(ctx context.Context, t *tx, scan func(scanner) error, query string, args ...any) error {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// errorf wraps err, mapped to a porting code, with where it happened:
// "store: <what>: <err>".
func errorf(err error, format string, args ...any) error {
	return fmt.Errorf("store: "+format+": %w", append(args, interpretError(err))...)
}

// findErr is the error of a Find method that failed with err: ENOTFOUND
// naming the record when no row matched, else err mapped and wrapped. An
// empty id is left out of messages.
func findErr(err error, what, id string) error {
	name := strings.TrimSpace(what + " " + id)
	if errors.Is(err, sql.ErrNoRows) {
		return &porting.Error{Code: porting.ENOTFOUND, Message: name + " not found", Err: err}
	}
	return errorf(err, "find %s", name)
}

// where builds a WHERE clause whose placeholders continue after the
// arguments already added.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each %s in cond becomes the next placeholder
// bound to the matching value.
func (w *where) add(cond string, values ...any) {
	ph := make([]any, len(values))
	for i, v := range values {
		w.args = append(w.args, v)
		ph[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, ph...))
}

// String returns " WHERE a AND b", or "" without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// next returns the placeholder that follows the added arguments, for a
// trailing LIMIT.
func (w *where) next(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// inList returns "$first, …" for n values, for IN lists.
func inList(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", first+i)
	}
	return b.String()
}

// Enqueue inserts j as a River job in this transaction: it becomes
// runnable when the transaction commits and vanishes if it rolls back.
// In a group commit the jobs of all the group's writes are inserted with
// one statement just before the COMMIT (River's insert is a long statement
// that SQLite would parse again for every job); a write that fails, or a
// Savepoint that is undone, takes its jobs with it.
func (t *tx) Enqueue(ctx context.Context, j porting.Job) error {
	if t.shared {
		t.queued = append(t.queued, j)
		return nil
	}
	if _, err := t.db.river.InsertTx(t.ctx(ctx), t.tx, j, nil); err != nil {
		return errorf(err, "enqueue %s", j.Kind())
	}
	return nil
}
