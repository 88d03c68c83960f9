package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/portdesk/portdesk/porting"
)

const deadlineColumns = `id, port_order_id, account_id, kind, due_at, state, fired_at, created_at`

// dueDeadlinesQuery is FindDueDeadlines' query. The partial index
// deadlines_due (WHERE state = 'pending') answers it in order. The state
// test is a literal, not a parameter: PostgreSQL's generic plan of a
// prepared statement, which pgx's statement cache ends up running, cannot
// match a parameter to the index's predicate and would scan and sort.
const dueDeadlinesQuery = `SELECT ` + deadlineColumns + ` FROM deadlines
	WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT $2`

// defaultDueLimit is FindDueDeadlines' page size when none is given.
const defaultDueLimit = 100

// scanDeadline reads a row of deadlineColumns.
func scanDeadline(r scanner) (*porting.Deadline, error) {
	var d porting.Deadline
	err := r.Scan(&d.ID, &d.PortOrderID, &d.AccountID, &d.Kind, timeCol{&d.DueAt}, &d.State,
		nullTimeCol{&d.FiredAt}, timeCol{&d.CreatedAt})
	return &d, err
}

// queryDeadlines runs a query of deadlineColumns; none is an empty list.
func (t *tx) queryDeadlines(ctx context.Context, query string, args ...any) ([]*porting.Deadline, error) {
	out := []*porting.Deadline{}
	err := queryAll(ctx, t, func(r scanner) error {
		d, err := scanDeadline(r)
		if err == nil {
			out = append(out, d)
		}
		return err
	}, query, args...)
	return out, err
}

// ChangeDeadlines inserts add as pending deadlines of the order, filling
// each in as stored (ID, order, account, state, creation time — the
// clock's when zero — and due time), and cancels the order's pending
// deadlines whose IDs are in cancel; fired and cancelled rows never
// change. It returns all the order's deadlines by due time, then ID. What
// to add and cancel is the caller's rule (porting.PlanChanges).
//
// ENOTFOUND when the order does not exist; EINVALID for an entry of
// another order or account, without due time, or of an unknown kind. On
// PostgreSQL the order's row stays locked (FOR NO KEY UPDATE) until the
// transaction ends, so callers that read the deadlines after this lock (or
// after updating the order) take turns instead of both inserting what is
// missing.
func (t *tx) ChangeDeadlines(ctx context.Context, portOrderID string, add []porting.Deadline, cancel []int64) ([]*porting.Deadline, error) {
	accountID, err := t.lockOrder(ctx, portOrderID)
	if err != nil {
		return nil, err
	}
	for i, d := range add {
		switch {
		case d.PortOrderID != "" && d.PortOrderID != portOrderID:
			return nil, porting.FieldErrorf("port_order_id", "store: deadline %d of port order %s is of port order %s",
				i, portOrderID, d.PortOrderID)
		case d.AccountID != "" && d.AccountID != accountID:
			return nil, porting.FieldErrorf("account_id", "store: deadline %d of port order %s is of account %s, not %s",
				i, portOrderID, d.AccountID, accountID)
		case d.DueAt.IsZero():
			return nil, porting.FieldErrorf("due_at", "store: deadline %d of port order %s has no due time", i, portOrderID)
		}
	}
	for chunk := range slices.Chunk(cancel, inChunk) {
		args := []any{portOrderID}
		for _, id := range chunk {
			args = append(args, id)
		}
		_, err := t.exec(ctx, `UPDATE deadlines SET state = 'cancelled' WHERE port_order_id = $1 AND state = 'pending' AND id IN (`+
			inList(2, len(chunk))+`)`, args...)
		if err != nil {
			return nil, errorf(err, "cancel deadlines of port order %s", portOrderID)
		}
	}
	for i := range add {
		if err := t.insertDeadline(ctx, &add[i], portOrderID, accountID); err != nil {
			return nil, err
		}
	}
	if _, err := t.exec(ctx, `UPDATE port_orders SET next_deadline_at = `+nextDeadlineOf+` WHERE id = $1`, portOrderID); err != nil {
		return nil, errorf(err, "set next deadline of port order %s", portOrderID)
	}
	return t.FindDeadlines(ctx, portOrderID)
}

// lockOrder returns the account of an order and, on PostgreSQL, locks its
// row until the transaction ends. NO KEY UPDATE is the lock an UPDATE of
// the order takes anyway; unlike FOR UPDATE it lets other transactions
// insert rows that refer to the order. SQLite has one writer at a time.
func (t *tx) lockOrder(ctx context.Context, id string) (string, error) {
	query := `SELECT account_id FROM port_orders WHERE id = $1`
	if t.db.engine == EnginePostgres {
		query += ` FOR NO KEY UPDATE`
	}
	var accountID string
	if err := t.queryRow(ctx, query, id).Scan(&accountID); err != nil {
		return "", findErr(err, "port order", id)
	}
	return accountID, nil
}

// insertDeadline stores d as a new pending deadline of the order and
// fills it in.
func (t *tx) insertDeadline(ctx context.Context, d *porting.Deadline, portOrderID, accountID string) error {
	d.PortOrderID, d.AccountID, d.State, d.FiredAt = portOrderID, accountID, porting.DeadlinePending, nil
	d.DueAt = normTime(d.DueAt)
	t.db.stamp(&d.CreatedAt)
	err := t.queryRow(ctx, `INSERT INTO deadlines (port_order_id, account_id, kind, due_at, state, created_at)
		VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id`,
		d.PortOrderID, d.AccountID, d.Kind, d.DueAt, d.CreatedAt).Scan(&d.ID)
	if err != nil {
		return errorf(err, "insert %s deadline of port order %s", d.Kind, portOrderID)
	}
	return nil
}

// FindDeadlines lists an order's deadlines in all states by due time, then
// ID; an unknown order has none.
func (t *tx) FindDeadlines(ctx context.Context, portOrderID string) ([]*porting.Deadline, error) {
	out, err := t.queryDeadlines(ctx, `SELECT `+deadlineColumns+` FROM deadlines
		WHERE port_order_id = $1 ORDER BY due_at, id`, portOrderID)
	if err != nil {
		return nil, errorf(err, "find deadlines of port order %s", portOrderID)
	}
	return out, nil
}

// FindDueDeadlines lists up to limit (default 100) pending deadlines due
// at or before now, oldest first, then by ID. It reads the partial index
// deadlines_due, which holds only pending rows.
func (t *tx) FindDueDeadlines(ctx context.Context, now time.Time, limit int) ([]*porting.Deadline, error) {
	if limit <= 0 {
		limit = defaultDueLimit
	}
	out, err := t.queryDeadlines(ctx, dueDeadlinesQuery, now, limit)
	if err != nil {
		return nil, errorf(err, "find due deadlines")
	}
	return out, nil
}

// FireDeadline marks a pending deadline fired at now (the clock's time
// when zero) and reports whether it did. The WHERE clause is the claim:
// on PostgreSQL a second transaction updating the same row waits for the
// first, then re-reads the row, finds it fired and changes nothing (under
// REPEATABLE READ or SERIALIZABLE it fails with ECONFLICT instead). An
// unknown, fired or cancelled deadline is false without error.
func (t *tx) FireDeadline(ctx context.Context, id int64, now time.Time) (bool, error) {
	t.db.stamp(&now)
	// The order is locked first, as ChangeDeadlines does: the same lock
	// order cannot deadlock, and every statement after the lock sees the
	// deadlines as whoever held the order left them, so the order's next
	// deadline is computed from the committed set.
	var orderID string
	if err := t.queryRow(ctx, `SELECT port_order_id FROM deadlines WHERE id = $1`, id).Scan(&orderID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, errorf(err, "fire deadline %d", id)
	}
	if _, err := t.lockOrder(ctx, orderID); err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `UPDATE deadlines SET state = 'fired', fired_at = $1 WHERE id = $2 AND state = 'pending'`,
		now, id)
	if err != nil {
		return false, errorf(err, "fire deadline %d", id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, errorf(err, "fire deadline %d", id)
	}
	if n != 1 {
		return false, nil
	}
	_, err = t.exec(ctx, `UPDATE port_orders SET next_deadline_at = `+nextDeadlineOf+` WHERE id = $1`, orderID)
	if err != nil {
		return false, errorf(err, "set next deadline after firing deadline %d", id)
	}
	return true, nil
}
