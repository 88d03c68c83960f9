package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// claimDueQuery marks up to $3 pending deadlines due at $2 or before fired
// at $1, oldest first, in one statement; the state test is a literal so
// the partial index deadlines_due answers it (see dueDeadlinesQuery).
//
// On PostgreSQL the inner SELECT locks the rows it picks and skips rows
// another sweeper has locked, so two sweepers claim disjoint batches
// instead of queueing on each other's rows, and the same statement
// recomputes next_deadline_at of the claimed deadlines' orders: all parts
// of a statement see one snapshot, in which the claimed rows are still
// pending, so they are left out by ID. The orders are locked in ID order
// first, so that sweepers with overlapping orders queue instead of
// deadlocking. SQLite, which has one writer and no data-modifying WITH,
// refreshes the orders in a second statement (see ClaimDueDeadlines).
func claimDueQuery(engine string) string {
	claim := `UPDATE deadlines SET state = 'fired', fired_at = $1
		WHERE id IN (SELECT id FROM deadlines WHERE state = 'pending' AND due_at <= $2
			ORDER BY due_at, id LIMIT $3%s)
		RETURNING ` + deadlineColumns
	if engine != EnginePostgres {
		return fmt.Sprintf(claim, "")
	}
	return `WITH claimed AS (` + fmt.Sprintf(claim, ` FOR UPDATE SKIP LOCKED`) + `),
	refreshed AS (UPDATE port_orders SET next_deadline_at = (SELECT MIN(d.due_at) FROM deadlines d
			WHERE d.port_order_id = port_orders.id AND d.state = 'pending' AND d.id NOT IN (SELECT id FROM claimed))
		WHERE id IN (SELECT id FROM port_orders WHERE id IN (SELECT port_order_id FROM claimed)
			ORDER BY id FOR NO KEY UPDATE))
	SELECT ` + deadlineColumns + ` FROM claimed`
}

// ClaimDueDeadlines marks up to limit (default 100) pending deadlines due
// at or before now fired at now and recomputes next_deadline_at of every
// order among them, in one statement on PostgreSQL and two on SQLite (see
// claimDueQuery), and returns them oldest first (then by ID), as
// FindDueDeadlines would have listed them. What
// firing means is the caller's to do in the same transaction: the claim
// and the effects then commit together, or, rolled back, leave the
// deadlines pending for the next sweep. On PostgreSQL rows locked by
// another transaction are skipped, not waited for.
func (t *tx) ClaimDueDeadlines(ctx context.Context, now time.Time, limit int) ([]*porting.Deadline, error) {
	if limit <= 0 {
		limit = defaultDueLimit
	}
	t.db.stamp(&now)
	out, err := t.queryDeadlines(ctx, claimDueQuery(t.db.engine), now, now, limit)
	if err != nil {
		return nil, errorf(err, "claim due deadlines")
	}
	slices.SortFunc(out, func(a, b *porting.Deadline) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	if t.db.engine == EnginePostgres {
		return out, nil // claimDueQuery refreshed the orders
	}
	orders := make([]string, 0, len(out))
	for _, d := range out {
		if !slices.Contains(orders, d.PortOrderID) {
			orders = append(orders, d.PortOrderID)
		}
	}
	if err := t.refreshNextDeadlines(ctx, orders); err != nil {
		return nil, err
	}
	return out, nil
}

// UnclaimDeadline puts a deadline claimed in this transaction back to
// pending (its effect could not be applied and should be tried again by a
// later sweep) and recomputes its order's next_deadline_at. A deadline
// that is not fired is left alone.
func (t *tx) UnclaimDeadline(ctx context.Context, id int64) error {
	var orderID string
	err := t.queryRow(ctx, `UPDATE deadlines SET state = 'pending', fired_at = NULL WHERE id = $1 AND state = 'fired'
		RETURNING port_order_id`, id).Scan(&orderID)
	if err != nil {
		return findErr(err, "fired deadline", fmt.Sprint(id))
	}
	return t.refreshNextDeadlines(ctx, []string{orderID})
}

// refreshNextDeadlines recomputes next_deadline_at of the orders, in one
// statement per inChunk orders. On PostgreSQL the rows are locked in ID
// order first, so that two sweepers refreshing overlapping sets of orders
// queue instead of deadlocking.
func (t *tx) refreshNextDeadlines(ctx context.Context, orderIDs []string) error {
	for chunk := range slices.Chunk(orderIDs, inChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		ids := inList(1, len(chunk))
		if t.db.engine == EnginePostgres {
			ids = `SELECT id FROM port_orders WHERE id IN (` + ids + `) ORDER BY id FOR NO KEY UPDATE`
		}
		_, err := t.exec(ctx, `UPDATE port_orders SET next_deadline_at = `+nextDeadlineOf+` WHERE id IN (`+ids+`)`, args...)
		if err != nil {
			return errorf(err, "set next deadline of %d port orders", len(chunk))
		}
	}
	return nil
}

// Savepoint runs fn under a savepoint of the transaction: when fn fails
// or panics, what it did is undone and the transaction carries on as
// before fn (on PostgreSQL a failed statement would otherwise abort the
// whole transaction). fn's error is returned as it is.
func (t *tx) Savepoint(ctx context.Context, fn func() error) (err error) {
	t.savepoints++
	name := fmt.Sprintf("portdesk_sp_%d", t.savepoints)
	if _, err := t.tx.ExecContext(t.ctx(ctx), `SAVEPOINT `+name); err != nil {
		return errorf(err, "savepoint")
	}
	locked, queued := t.eventsLocked, len(t.queued)
	done := false
	defer func() {
		if done {
			return
		}
		// fn failed or panicked: undo it. A subtransaction's locks go with
		// it, the events lock included.
		bg := context.WithoutCancel(ctx)
		_, rerr := t.tx.ExecContext(bg, `ROLLBACK TO SAVEPOINT `+name)
		if rerr == nil {
			_, rerr = t.tx.ExecContext(bg, `RELEASE SAVEPOINT `+name)
		}
		t.eventsLocked, t.queued = locked, t.queued[:queued]
		if rerr != nil && err != nil {
			err = fmt.Errorf("%w (and the transaction could not undo it: %w)", err, interpretError(rerr))
		}
	}()
	if err = fn(); err != nil {
		return err
	}
	if _, err = t.tx.ExecContext(t.ctx(ctx), `RELEASE SAVEPOINT `+name); err != nil {
		return errorf(err, "release savepoint")
	}
	done = true
	return nil
}
