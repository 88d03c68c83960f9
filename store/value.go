package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// sqliteTimeFormat is how SQLite columns hold times: fixed-width UTC text,
// so that comparing the text compares the times. Microseconds are
// PostgreSQL's precision; every time is cut to them on both engines so the
// two return the same values.
const sqliteTimeFormat = "2006-01-02T15:04:05.000000Z"

// normTime returns t in UTC cut to microseconds: the value the database
// will give back.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normTimePtr is normTime for optional times.
func normTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := normTime(*t)
	return &n
}

// now returns the store clock's time, normalized.
func (db *DB) now() time.Time { return normTime(db.clock.Now()) }

// stamp sets *t to the clock's time when it is zero and normalizes it.
func (db *DB) stamp(t *time.Time) {
	if t.IsZero() {
		*t = db.clock.Now()
	}
	*t = normTime(*t)
}

// arg converts a query argument to what the engine stores: times become
// sqliteTimeFormat text on SQLite and UTC time.Time on PostgreSQL, nil
// *time.Time becomes NULL.
func (db *DB) arg(a any) any {
	switch v := a.(type) {
	case time.Time:
		if db.engine == EngineSQLite {
			return normTime(v).Format(sqliteTimeFormat)
		}
		return normTime(v)
	case *time.Time:
		if v == nil {
			return nil
		}
		return db.arg(*v)
	}
	return a
}

// timeCol scans a non-null time column of either engine into *t, in UTC.
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*c.t = normTime(v)
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("store: cannot scan %T into a time", src)
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: bad time %q: %w", s, err)
	}
	*c.t = normTime(t)
	return nil
}

// nullTimeCol scans a nullable time column into *t (nil for NULL).
type nullTimeCol struct{ t **time.Time }

// Scan implements sql.Scanner.
func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// strCol scans a nullable text column into *s ("" for NULL).
type strCol struct{ s *string }

// Scan implements sql.Scanner.
func (c strCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = v
	case []byte:
		*c.s = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T into a string", src)
	}
	return nil
}

// nullStr stores "" as NULL, for optional references.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonCol scans a nullable JSON column by unmarshaling it into v; NULL
// leaves v as it is.
type jsonCol struct{ v any }

// Scan implements sql.Scanner.
func (c jsonCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("store: cannot scan %T as JSON", src)
	}
	if err := json.Unmarshal(b, c.v); err != nil {
		return fmt.Errorf("store: bad JSON column: %w", err)
	}
	return nil
}

// rawCol scans a nullable JSON column into *r as it was stored (nil for NULL).
type rawCol struct{ r *json.RawMessage }

// Scan implements sql.Scanner.
func (c rawCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.r = nil
	case string:
		*c.r = json.RawMessage(v)
	case []byte:
		*c.r = append(json.RawMessage(nil), v...)
	default:
		return fmt.Errorf("store: cannot scan %T as JSON", src)
	}
	return nil
}

// jsonArg marshals v for a JSON column. The text form suits both SQLite
// TEXT and PostgreSQL json/jsonb parameters.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode JSON: %w", err)
	}
	return string(b), nil
}

// rawArg stores an empty raw message as NULL.
func rawArg(r json.RawMessage) any {
	if len(r) == 0 {
		return nil
	}
	return string(r)
}

// setID gives *id a new ID with the prefix when it is empty, for records
// created without one.
func setID(id *string, prefix string) {
	if *id == "" {
		*id = porting.NewID(prefix)
	}
}
