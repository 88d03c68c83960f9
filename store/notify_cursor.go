package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// ClaimNotifyCursor reads the cursor row and holds it until the
// transaction ends. On PostgreSQL it takes the row lock with SKIP LOCKED,
// so a second drainer finds no row and skips instead of waiting; on
// SQLite the transaction is the only writer already.
func (t *tx) ClaimNotifyCursor(ctx context.Context) (*porting.NotifyCursor, bool, error) {
	if !t.writable {
		return nil, false, porting.Errorf(porting.EINTERNAL, "store: the notify cursor is claimed in a write transaction")
	}
	query := `SELECT last_event_id, legacy_until FROM notify_cursor WHERE id = 1`
	if t.db.engine == EnginePostgres {
		query += ` FOR UPDATE SKIP LOCKED`
	}
	var c porting.NotifyCursor
	err := t.queryRow(ctx, query).Scan(&c.LastEventID, &c.LegacyUntil)
	if errors.Is(err, sql.ErrNoRows) && t.db.engine == EnginePostgres {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, errorf(err, "claim notify cursor")
	}
	return &c, true, nil
}

// FindNotifyCursor reads the cursor row without holding it.
func (t *tx) FindNotifyCursor(ctx context.Context) (*porting.NotifyCursor, error) {
	var c porting.NotifyCursor
	err := t.queryRow(ctx, `SELECT last_event_id, legacy_until FROM notify_cursor WHERE id = 1`).
		Scan(&c.LastEventID, &c.LegacyUntil)
	if err != nil {
		return nil, findErr(err, "notify cursor", "")
	}
	return &c, nil
}

// AdvanceNotifyCursor moves the cursor forward to lastEventID.
func (t *tx) AdvanceNotifyCursor(ctx context.Context, lastEventID int64) error {
	res, err := t.exec(ctx, `UPDATE notify_cursor SET last_event_id = $1 WHERE id = 1 AND last_event_id <= $1`, lastEventID)
	if err != nil {
		return errorf(err, "advance notify cursor")
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return porting.Errorf(porting.EINVALID, "store: the notify cursor is past event %d", lastEventID)
	}
	return nil
}

// SaveNotifyFailure inserts or replaces an event's fan-out failure.
func (t *tx) SaveNotifyFailure(ctx context.Context, f *porting.NotifyFailure) error {
	_, err := t.exec(ctx, `INSERT INTO notify_failures (event_id, attempts, last_error, failed_at, retry_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (event_id) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
			retry_at = excluded.retry_at`,
		f.EventID, f.Attempts, f.LastError, f.FailedAt, f.RetryAt)
	if err != nil {
		return errorf(err, "save notify failure of event %d", f.EventID)
	}
	return nil
}

// FindDueNotifyFailures lists the failures due for a retry at now.
func (t *tx) FindDueNotifyFailures(ctx context.Context, now time.Time, limit int) ([]*porting.NotifyFailure, error) {
	var out []*porting.NotifyFailure
	err := queryAll(ctx, t, func(r scanner) error {
		var f porting.NotifyFailure
		if err := r.Scan(&f.EventID, &f.Attempts, &f.LastError, timeCol{&f.FailedAt}, timeCol{&f.RetryAt}); err != nil {
			return err
		}
		out = append(out, &f)
		return nil
	}, `SELECT event_id, attempts, last_error, failed_at, retry_at FROM notify_failures
		WHERE retry_at <= $1 ORDER BY retry_at, event_id LIMIT $2`, now, limit)
	if err != nil {
		return nil, errorf(err, "find due notify failures")
	}
	return out, nil
}

// CountNotifyFailures counts the events waiting for a fan-out retry.
func (t *tx) CountNotifyFailures(ctx context.Context, portOrderID string) (int, error) {
	query, args := `SELECT count(*) FROM notify_failures`, []any{}
	if portOrderID != "" {
		query = `SELECT count(*) FROM notify_failures f JOIN events e ON e.id = f.event_id WHERE e.port_order_id = $1`
		args = append(args, portOrderID)
	}
	var n int
	if err := t.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, errorf(err, "count notify failures")
	}
	return n, nil
}

// DeleteNotifyFailure forgets an event's fan-out failure.
func (t *tx) DeleteNotifyFailure(ctx context.Context, eventID int64) error {
	if _, err := t.exec(ctx, `DELETE FROM notify_failures WHERE event_id = $1`, eventID); err != nil {
		return errorf(err, "delete notify failure of event %d", eventID)
	}
	return nil
}

// maxNotifyBacklogCount bounds CountNotifyBacklog's walk of the events
// index: a backlog beyond it counts as that many.
const maxNotifyBacklogCount = 1_000_000

// CountNotifyBacklog counts the events after the cursor, up to
// maxNotifyBacklogCount.
func (t *tx) CountNotifyBacklog(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM events
		WHERE id > (SELECT last_event_id FROM notify_cursor WHERE id = 1) LIMIT `+strconv.Itoa(maxNotifyBacklogCount)+`) AS backlog`).Scan(&n)
	if err != nil {
		return 0, errorf(err, "count notify backlog")
	}
	return n, nil
}
