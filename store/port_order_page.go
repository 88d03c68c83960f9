package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Page sizes of FindPortOrders.
const (
	defaultOrderLimit = 50
	maxOrderLimit     = 100
)

// inChunk is the most values bound to one IN list, well below either
// engine's limit on parameters.
const inChunk = 500

// attentionRaised selects orders with an attention flag; the partial index
// port_orders_attention holds just those.
const attentionRaised = `attention <> '[]'`

// orderCursor is the position after the last order of a page: the key of
// the (created_at, id) order. It travels as base64 JSON and is opaque to
// callers.
type orderCursor struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

func (c orderCursor) encode() string {
	b, _ := json.Marshal(c) // a time and a string always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeOrderCursor(s string) (orderCursor, error) {
	var c orderCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return c, porting.FieldErrorf("cursor", "invalid cursor")
	}
	return c, nil
}

// FindPortOrders returns one page of the orders matching f, oldest first
// (by creation time, then ID), with their numbers. Limit defaults to 50 and
// is capped at 100. NextCursor is set when more orders follow. A cursor
// that was not returned by FindPortOrders is EINVALID.
func (t *tx) FindPortOrders(ctx context.Context, f porting.PortOrderFilter) (*porting.PortOrderPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultOrderLimit
	}
	limit = min(limit, maxOrderLimit)

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
	if f.Attention {
		w.add(attentionRaised)
	}
	if f.Cursor != "" {
		c, err := decodeOrderCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		w.add("(created_at > %s OR (created_at = %s AND id > %s))", c.CreatedAt, c.CreatedAt, c.ID)
	}
	query := `SELECT ` + portOrderColumns + ` FROM port_orders` + w.String() +
		` ORDER BY created_at, id LIMIT ` + w.next(limit+1)

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
		page.NextCursor = orderCursor{CreatedAt: last.CreatedAt, ID: last.ID}.encode()
	}
	if err := t.loadOrderNumbers(ctx, page.Orders); err != nil {
		return nil, err
	}
	return page, nil
}

// loadOrderNumbers fills the numbers of orders, in their stored order.
func (t *tx) loadOrderNumbers(ctx context.Context, orders []*porting.PortOrder) error {
	byID := make(map[string]*porting.PortOrder, len(orders))
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		byID[o.ID] = o
		ids = append(ids, o.ID)
	}
	for chunk := range slices.Chunk(ids, inChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := queryAll(ctx, t, func(r scanner) error {
			var id string
			var n porting.OrderNumber
			if err := r.Scan(&id, &n.PhoneNumber, &n.NumberType, &n.RangeHolder, &n.Status); err != nil {
				return err
			}
			o := byID[id]
			o.PhoneNumbers = append(o.PhoneNumbers, n)
			return nil
		}, `SELECT order_id, phone_number, number_type, range_holder, status FROM port_order_numbers
			WHERE order_id IN (`+inList(1, len(chunk))+`) ORDER BY order_id, position`, args...)
		if err != nil {
			return errorf(err, "find numbers of port orders")
		}
	}
	return nil
}
