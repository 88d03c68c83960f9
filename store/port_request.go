package store

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

const portRequestColumns = `id, account_id, case_type, instance_id, severity, subject, limit_requests,
	description, current_carrier, authorized_contact, contact_preferences, rejected_numbers,
	created_by_role, created_by_account_id, created_by_key_id, created_at`

// CreatePortRequest stores r. Nil lists are stored (and returned) as empty
// lists. EINVALID for an unknown account or instance or a value outside
// the vocabularies, ECONFLICT on a duplicate ID.
func (t *tx) CreatePortRequest(ctx context.Context, r *porting.PortRequest) error {
	setID(&r.ID, "req")
	t.db.stamp(&r.CreatedAt)
	if r.LimitRequests == nil {
		r.LimitRequests = []porting.LimitRequest{}
	}
	if r.RejectedNumbers == nil {
		r.RejectedNumbers = []porting.RejectedNumber{}
	}
	if r.ContactPreferences.Methods == nil {
		r.ContactPreferences.Methods = []string{}
	}
	var js [4]string
	for i, v := range []any{r.LimitRequests, r.AuthorizedContact, r.ContactPreferences, r.RejectedNumbers} {
		var err error
		if js[i], err = jsonArg(v); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, `INSERT INTO port_requests (`+portRequestColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.ID, r.AccountID, r.CaseType, nullStr(r.InstanceID), nullStr(string(r.Severity)), r.Subject, js[0],
		r.Description, r.CurrentCarrier, js[1], js[2], js[3],
		r.CreatedBy.Role, nullStr(r.CreatedBy.AccountID), nullStr(r.CreatedBy.KeyID), r.CreatedAt)
	if err != nil {
		return errorf(err, "create port request %s", r.ID)
	}
	return nil
}

// FindPortRequest returns the request with the given ID; ENOTFOUND if none.
func (t *tx) FindPortRequest(ctx context.Context, id string) (*porting.PortRequest, error) {
	r, err := scanPortRequest(t.queryRow(ctx, `SELECT `+portRequestColumns+` FROM port_requests WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "port request", id)
	}
	return r, nil
}

// FindPortRequests returns one page of the requests matching f, oldest
// first (then by ID). A cursor it did not return is EINVALID.
func (t *tx) FindPortRequests(ctx context.Context, f porting.PortRequestFilter) (*porting.PortRequestPage, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = %s", f.AccountID)
	}
	rows, next, err := findCreatedPage(ctx, t, `SELECT `+portRequestColumns+` FROM port_requests`, w, f.Cursor, f.Limit,
		scanPortRequest, func(r *porting.PortRequest) (time.Time, string) { return r.CreatedAt, r.ID })
	if err != nil {
		return nil, errorf(err, "find port requests")
	}
	return &porting.PortRequestPage{Requests: rows, NextCursor: next}, nil
}

func scanPortRequest(row scanner) (*porting.PortRequest, error) {
	var r porting.PortRequest
	var severity string
	err := row.Scan(
		&r.ID, &r.AccountID, &r.CaseType, strCol{&r.InstanceID}, strCol{&severity}, &r.Subject,
		jsonCol{&r.LimitRequests}, &r.Description, &r.CurrentCarrier, jsonCol{&r.AuthorizedContact},
		jsonCol{&r.ContactPreferences}, jsonCol{&r.RejectedNumbers},
		&r.CreatedBy.Role, strCol{&r.CreatedBy.AccountID}, strCol{&r.CreatedBy.KeyID}, timeCol{&r.CreatedAt})
	if err != nil {
		return nil, err
	}
	r.Severity = porting.Severity(severity)
	return &r, nil
}

// CreateMessage stores m in its request's thread. EINVALID for an unknown
// request.
func (t *tx) CreateMessage(ctx context.Context, m *porting.Message) error {
	setID(&m.ID, "msg")
	t.db.stamp(&m.CreatedAt)
	_, err := t.exec(ctx, `INSERT INTO messages (id, port_request_id, author_role, author_account_id,
		author_key_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		m.ID, m.PortRequestID, m.Author.Role, nullStr(m.Author.AccountID), nullStr(m.Author.KeyID),
		m.Body, m.CreatedAt)
	if err != nil {
		return errorf(err, "create message %s", m.ID)
	}
	return nil
}

// FindMessages returns a request's thread, oldest first; none is an empty
// list.
func (t *tx) FindMessages(ctx context.Context, portRequestID string) ([]*porting.Message, error) {
	out := []*porting.Message{}
	err := queryAll(ctx, t, func(r scanner) error {
		var m porting.Message
		if err := r.Scan(&m.ID, &m.PortRequestID, &m.Author.Role, strCol{&m.Author.AccountID},
			strCol{&m.Author.KeyID}, &m.Body, timeCol{&m.CreatedAt}); err != nil {
			return err
		}
		out = append(out, &m)
		return nil
	}, `SELECT id, port_request_id, author_role, author_account_id, author_key_id, body, created_at
		FROM messages WHERE port_request_id = $1 ORDER BY created_at, id`, portRequestID)
	if err != nil {
		return nil, errorf(err, "find messages of port request %s", portRequestID)
	}
	return out, nil
}
