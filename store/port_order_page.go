package store

import (
	"context"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// inChunk is the most values bound to one IN list, well below either
// engine's limit on parameters.
const inChunk = 500

// attentionRaised selects orders with an attention flag; the partial index
// port_orders_attention holds just those.
const attentionRaised = `attention <> '[]'`

// FindPortOrders returns one page of the orders matching f, with their
// counts and first numbers (loadShownNumbers), in f.Sort's order: by creation time (the default) or by next
// pending deadline, then by ID. Limit defaults to 50 and is capped at 100.
// NextCursor is set when more orders follow. A cursor that was not
// returned by FindPortOrders for the same sort is EINVALID.
func (t *tx) FindPortOrders(ctx context.Context, f porting.PortOrderFilter) (*porting.PortOrderPage, error) {
	limit := pageLimit(f.Limit)
	var w where
	if f.AccountID != "" {
		w.add("account_id = %s", f.AccountID)
	}
	if f.PortRequestID != "" {
		w.add("port_request_id = %s", f.PortRequestID)
	}
	if f.Status != "" {
		w.add("status = %s", f.Status)
	}
	if len(f.Statuses) > 0 {
		vals := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			vals[i] = s
		}
		w.add("status IN ("+strings.TrimSuffix(strings.Repeat("%s, ", len(vals)), ", ")+")", vals...)
	}
	if f.Country != "" {
		w.add("country = %s", f.Country)
	}
	if f.Attention {
		w.add(attentionRaised)
	}
	if f.DueBefore != nil {
		w.add(`EXISTS (SELECT 1 FROM deadlines d WHERE d.port_order_id = port_orders.id
			AND d.state = 'pending' AND d.due_at < %s)`, *f.DueBefore)
	}
	var query string
	switch f.Sort {
	case "", porting.SortCreated:
		if err := w.afterCreated(f.Cursor); err != nil {
			return nil, err
		}
		query = `SELECT ` + portOrderSelect + ` FROM port_orders` + w.String() +
			` ORDER BY created_at, id LIMIT ` + w.next(limit+1)
	case porting.SortNextDeadline:
		if f.Cursor != "" {
			c, err := decodeCursor(f.Cursor, porting.SortNextDeadline)
			if err != nil {
				return nil, err
			}
			if c.Due != nil {
				w.add("(next_deadline_at > %s OR (next_deadline_at = %s AND id > %s) OR next_deadline_at IS NULL)", *c.Due, *c.Due, c.ID)
			} else {
				w.add("(next_deadline_at IS NULL AND id > %s)", c.ID)
			}
		}
		// Orders without a pending deadline come last: PostgreSQL sorts
		// NULL after every time, so the port_orders_next_deadline index
		// gives the order as it is; SQLite sorts NULL first.
		order := `next_deadline_at, id`
		if t.db.engine == EngineSQLite {
			order = `(next_deadline_at IS NULL), next_deadline_at, id`
		}
		query = `SELECT ` + portOrderSelect + ` FROM port_orders` + w.String() +
			` ORDER BY ` + order + ` LIMIT ` + w.next(limit+1)
	default:
		return nil, porting.FieldErrorf("sort", "unknown sort %q", f.Sort)
	}

	page := &porting.PortOrderPage{Orders: []*porting.PortOrder{}}
	err := queryAll(ctx, t, func(r scanner) error {
		o, err := t.scanPortOrder(r)
		if err != nil {
			return err
		}
		page.Orders = append(page.Orders, o)
		return nil
	}, query, w.args...)
	if err != nil {
		return nil, errorf(err, "find port orders")
	}
	if len(page.Orders) > limit {
		page.Orders = page.Orders[:limit]
		last := page.Orders[limit-1]
		c := pageCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		if f.Sort == porting.SortNextDeadline {
			c = pageCursor{Sort: f.Sort, Due: last.NextDeadlineAt, ID: last.ID}
		}
		page.NextCursor = c.encode()
	}
	if err := t.loadShownNumbers(ctx, page.Orders); err != nil {
		return nil, err
	}
	return page, nil
}
