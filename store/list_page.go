package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// defaultPageLimit is a page's size when the caller names none.
const defaultPageLimit = 50

// pageLimit returns the page size for a requested limit: the default for
// none, at most porting.MaxPageLimit.
func pageLimit(n int) int {
	if n <= 0 {
		return defaultPageLimit
	}
	return min(n, porting.MaxPageLimit)
}

// pageCursor is the position after the last row of a page: the key of the
// list's order. Lists in creation order use (CreatedAt, ID); the port
// orders' next-deadline sort uses (Due, ID), Due nil for the orders with no
// pending deadline, which come last. Sort names the order the key belongs
// to ("" for creation order), so a cursor cannot be replayed under another
// sort. It travels as base64 JSON and is opaque to callers.
type pageCursor struct {
	Sort      porting.PortOrderSort `json:"s,omitempty"`
	CreatedAt time.Time             `json:"c"`
	Due       *time.Time            `json:"d,omitempty"`
	ID        string                `json:"i"`
}

func (c pageCursor) encode() string {
	b, _ := json.Marshal(c) // times and strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor returned for sort; anything else is EINVALID
// on the field cursor.
func decodeCursor(s string, sort porting.PortOrderSort) (pageCursor, error) {
	var c pageCursor
	if len(s) > porting.MaxCursorLength {
		return c, porting.FieldErrorf("cursor", "invalid cursor")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" || c.Sort != sort {
		return c, porting.FieldErrorf("cursor", "invalid cursor")
	}
	return c, nil
}

// afterCreated adds the condition that selects the rows after cursor in
// (created_at, id) order; an empty cursor adds nothing.
func (w *where) afterCreated(cursor string) error {
	if cursor == "" {
		return nil
	}
	c, err := decodeCursor(cursor, "")
	if err != nil {
		return err
	}
	w.add("(created_at > %s OR (created_at = %s AND id > %s))", c.CreatedAt, c.CreatedAt, c.ID)
	return nil
}

// findCreatedPage runs "SELECT … FROM table" (selectFrom) with w and the
// cursor's condition in (created_at, id) order and returns one page of at
// most limit rows and the cursor of the next page ("" on the last).
func findCreatedPage[T any](ctx context.Context, t *tx, selectFrom string, w where, cursor string, limit int,
	scan func(scanner) (T, error), key func(T) (time.Time, string)) ([]T, string, error) {
	limit = pageLimit(limit)
	if err := w.afterCreated(cursor); err != nil {
		return nil, "", err
	}
	rows := []T{}
	err := queryAll(ctx, t, func(r scanner) error {
		v, err := scan(r)
		if err == nil {
			rows = append(rows, v)
		}
		return err
	}, selectFrom+w.String()+` ORDER BY created_at, id LIMIT `+w.next(limit+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	at, id := key(rows[limit-1])
	return rows, pageCursor{CreatedAt: at, ID: id}.encode(), nil
}
