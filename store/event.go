package store

import (
	"context"
	"strconv"

	"github.com/portdesk/portdesk/porting"
)

const eventColumns = `id, type, account_id, port_request_id, port_order_id, actor_role, actor_account_id,
	actor_key_id, created_at, data_before, data_after`

// scanEvent reads a row of eventColumns.
func scanEvent(r scanner) (*porting.Event, error) {
	var e porting.Event
	err := r.Scan(&e.ID, &e.Type, strCol{&e.AccountID}, strCol{&e.PortRequestID}, strCol{&e.PortOrderID},
		&e.Actor.Role, strCol{&e.Actor.AccountID}, strCol{&e.Actor.KeyID}, timeCol{&e.At},
		rawCol{&e.Before}, rawCol{&e.After})
	return &e, err
}

// Page sizes of FindEvents.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// AppendEvent stores e and sets its ID; At defaults to the clock. IDs grow
// in commit order on both engines: SQLite has one writer at a time, and on
// PostgreSQL the transaction takes an advisory lock before its first event
// and keeps it until it ends, so a reader paging with FindEvents(After)
// never sees a later ID before an earlier one commits. The price is that
// event-writing transactions commit one at a time on PostgreSQL.
func (t *tx) AppendEvent(ctx context.Context, e *porting.Event) error {
	t.db.stamp(&e.At)
	if err := t.lockEventOrder(ctx); err != nil {
		return errorf(err, "append event %s", e.Type)
	}
	err := t.queryRow(ctx, `INSERT INTO events (type, account_id, port_request_id, port_order_id,
		actor_role, actor_account_id, actor_key_id, created_at, data_before, data_after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.Type, nullStr(e.AccountID), nullStr(e.PortRequestID), nullStr(e.PortOrderID),
		e.Actor.Role, nullStr(e.Actor.AccountID), nullStr(e.Actor.KeyID), e.At,
		rawArg(e.Before), rawArg(e.After)).Scan(&e.ID)
	if err != nil {
		return errorf(err, "append event %s", e.Type)
	}
	t.appended = true
	return nil
}

// FindEvents returns the events matching f with IDs above f.After, in ID
// order. Limit defaults to 100 and is capped at 1000; none is an empty list.
func (t *tx) FindEvents(ctx context.Context, f porting.EventFilter) ([]*porting.Event, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultEventLimit
	}
	limit = min(limit, maxEventLimit)

	var w where
	w.add("id > %s", f.After)
	if f.AccountID != "" {
		w.add("account_id = %s", f.AccountID)
	}
	if f.PortOrderID != "" {
		w.add("port_order_id = %s", f.PortOrderID)
	}
	if f.Type != "" {
		w.add("type = %s", f.Type)
	}
	query := `SELECT ` + eventColumns + ` FROM events` + w.String() +
		` ORDER BY id LIMIT ` + w.next(limit)

	out := []*porting.Event{}
	err := queryAll(ctx, t, func(r scanner) error {
		e, err := scanEvent(r)
		if err == nil {
			out = append(out, e)
		}
		return err
	}, query, w.args...)
	if err != nil {
		return nil, errorf(err, "find events")
	}
	return out, nil
}

// FindEvent returns the event with the given ID; ENOTFOUND if none.
func (t *tx) FindEvent(ctx context.Context, id int64) (*porting.Event, error) {
	e, err := scanEvent(t.queryRow(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "event", strconv.FormatInt(id, 10))
	}
	return e, nil
}
