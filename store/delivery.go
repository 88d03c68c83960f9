package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/portdesk/portdesk/porting"
)

const deliveryColumns = `id, endpoint_id, event_id, message_id, state, attempts, last_error,
	created_at, updated_at`

// Page sizes of FindDeliveries.
const (
	defaultDeliveryLimit = 100
	maxDeliveryLimit     = 1000
)

// CreateDelivery stores d, giving it a "dlv_" ID, the pending state and a
// creation time (also its update time) when missing. EINVALID for an
// unknown endpoint or event.
//
// A second delivery of the same event to the same endpoint, or a
// duplicate ID, is ECONFLICT. The insert skips it (ON CONFLICT DO
// NOTHING) rather than failing, so on PostgreSQL the transaction stays
// usable and the caller can go on to reset the existing delivery.
func (t *tx) CreateDelivery(ctx context.Context, d *porting.Delivery) error {
	setID(&d.ID, "dlv")
	if d.State == "" {
		d.State = porting.DeliveryPending
	}
	t.db.stamp(&d.CreatedAt)
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	t.db.stamp(&d.UpdatedAt)
	res, err := t.exec(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		d.ID, d.EndpointID, d.EventID, d.MessageID, d.State, d.Attempts, d.LastError, d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return errorf(err, "create delivery %s", d.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "create delivery %s", d.ID)
	} else if n == 0 {
		return fmt.Errorf("store: create delivery %s: %w", d.ID, porting.Errorf(porting.ECONFLICT,
			"delivery %s or a delivery of event %d to endpoint %s already exists", d.ID, d.EventID, d.EndpointID))
	}
	return nil
}

// scanDelivery reads a row of deliveryColumns.
func scanDelivery(r scanner) (*porting.Delivery, error) {
	var d porting.Delivery
	err := r.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.MessageID, &d.State, &d.Attempts, &d.LastError,
		timeCol{&d.CreatedAt}, timeCol{&d.UpdatedAt})
	return &d, err
}

// FindDelivery returns the delivery with the given ID; ENOTFOUND if none.
func (t *tx) FindDelivery(ctx context.Context, id string) (*porting.Delivery, error) {
	d, err := scanDelivery(t.queryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "delivery", id)
	}
	return d, nil
}

// FindDeliveries lists up to limit (default 100, at most 1000) deliveries
// of an endpoint, newest first: by creation time, then event, descending.
// (A replay creates many deliveries at one time; their events order them.)
func (t *tx) FindDeliveries(ctx context.Context, endpointID string, limit int) ([]*porting.Delivery, error) {
	if limit <= 0 {
		limit = defaultDeliveryLimit
	}
	limit = min(limit, maxDeliveryLimit)
	out := []*porting.Delivery{}
	err := queryAll(ctx, t, func(r scanner) error {
		d, err := scanDelivery(r)
		if err == nil {
			out = append(out, d)
		}
		return err
	}, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE endpoint_id = $1
		ORDER BY created_at DESC, event_id DESC LIMIT $2`, endpointID, limit)
	if err != nil {
		return nil, errorf(err, "find deliveries of webhook endpoint %s", endpointID)
	}
	return out, nil
}

// UpdateDelivery saves d's state, attempts, last error and update time
// (the clock's when zero). ENOTFOUND when the delivery does not exist.
func (t *tx) UpdateDelivery(ctx context.Context, d *porting.Delivery) error {
	t.db.stamp(&d.UpdatedAt)
	res, err := t.exec(ctx, `UPDATE webhook_deliveries SET state = $1, attempts = $2, last_error = $3,
		updated_at = $4 WHERE id = $5`, d.State, d.Attempts, d.LastError, d.UpdatedAt, d.ID)
	return updated(res, err, "delivery", d.ID)
}

// updated is the error of an UPDATE of one row by ID: err mapped and
// wrapped, or ENOTFOUND when no row matched.
func updated(res sql.Result, err error, what, id string) error {
	if err != nil {
		return errorf(err, "update %s %s", what, id)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "update %s %s", what, id)
	} else if n == 0 {
		return porting.Errorf(porting.ENOTFOUND, "%s %s not found", what, id)
	}
	return nil
}
