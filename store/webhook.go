package store

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

const webhookEndpointColumns = `id, account_id, url, event_types, secret_sealed, enabled,
	consecutive_failures, disabled_at, created_at`

// CreateWebhookEndpoint stores w, giving it a "whe_" ID and a creation
// time when missing. The secret is sealed under the endpoint ID (see
// sealer) and never stored in plaintext. EINVALID for an unknown account,
// ECONFLICT on a duplicate ID.
func (t *tx) CreateWebhookEndpoint(ctx context.Context, w *porting.WebhookEndpoint) error {
	setID(&w.ID, "whe")
	t.db.stamp(&w.CreatedAt)
	normWebhookEndpoint(w)
	types, err := jsonArg(w.EventTypes)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO webhook_endpoints (`+webhookEndpointColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		w.ID, nullStr(w.AccountID), w.URL, types, t.db.sealer.seal([]byte(w.Secret), w.ID), w.Enabled,
		w.ConsecutiveFailures, w.DisabledAt, w.CreatedAt)
	if err != nil {
		return errorf(err, "create webhook endpoint %s", w.ID)
	}
	return nil
}

// normWebhookEndpoint makes w hold what a Find returns: an empty rather
// than nil list of event types, times in UTC cut to microseconds.
func normWebhookEndpoint(w *porting.WebhookEndpoint) {
	if w.EventTypes == nil {
		w.EventTypes = []string{}
	}
	w.DisabledAt = normTimePtr(w.DisabledAt)
}

// scanWebhookEndpoint reads a row of webhookEndpointColumns and opens the
// sealed secret.
func (t *tx) scanWebhookEndpoint(r scanner) (*porting.WebhookEndpoint, error) {
	w := porting.WebhookEndpoint{EventTypes: []string{}}
	var sealed []byte
	err := r.Scan(&w.ID, strCol{&w.AccountID}, &w.URL, jsonCol{&w.EventTypes}, &sealed, &w.Enabled,
		&w.ConsecutiveFailures, nullTimeCol{&w.DisabledAt}, timeCol{&w.CreatedAt})
	if err != nil {
		return nil, err
	}
	secret, err := t.db.sealer.open(sealed, w.ID, "webhook secret")
	if err != nil {
		return nil, err
	}
	w.Secret = string(secret)
	return &w, nil
}

// FindWebhookEndpoint returns the endpoint with the given ID, secret
// included; ENOTFOUND if none, EINTERNAL when the secret does not decrypt.
func (t *tx) FindWebhookEndpoint(ctx context.Context, id string) (*porting.WebhookEndpoint, error) {
	query := `SELECT ` + webhookEndpointColumns + ` FROM webhook_endpoints WHERE id = $1`
	if t.writable && t.db.engine == EnginePostgres {
		// Read-modify-write callers (delivery counters, the owner's PATCH)
		// take turns instead of overwriting each other's changes.
		query += ` FOR UPDATE`
	}
	w, err := t.scanWebhookEndpoint(t.queryRow(ctx, query, id))
	if err != nil {
		return nil, findErr(err, "webhook endpoint", id)
	}
	return w, nil
}

// FindWebhookEndpoints lists the endpoints of an account, or all of them
// (staff ones included) for accountID "", enabled or not, oldest first.
func (t *tx) FindWebhookEndpoints(ctx context.Context, accountID string) ([]*porting.WebhookEndpoint, error) {
	var w where
	if accountID != "" {
		w.add("account_id = %s", accountID)
	}
	out, err := t.queryWebhookEndpoints(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints`+
		w.String()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, errorf(err, "find webhook endpoints")
	}
	return out, nil
}

// CountWebhookEndpoints counts an account's endpoints, enabled or not;
// accountID "" counts the staff ones.
func (t *tx) CountWebhookEndpoints(ctx context.Context, accountID string) (int, error) {
	query, args := `SELECT count(*) FROM webhook_endpoints WHERE account_id IS NULL`, []any{}
	if accountID != "" {
		query, args = `SELECT count(*) FROM webhook_endpoints WHERE account_id = $1`, []any{accountID}
	}
	var n int
	if err := t.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, errorf(err, "count webhook endpoints of account %q", accountID)
	}
	return n, nil
}

// FindEventEndpoints lists the enabled endpoints an event of the account
// may go to, oldest first: the account's own and the staff ones (no
// account). For accountID "", an event of no account, only the staff ones.
func (t *tx) FindEventEndpoints(ctx context.Context, accountID string) ([]*porting.WebhookEndpoint, error) {
	out, err := t.queryWebhookEndpoints(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
		WHERE enabled AND (account_id = $1 OR account_id IS NULL) ORDER BY created_at, id`, accountID)
	if err != nil {
		return nil, errorf(err, "find endpoints for events of account %q", accountID)
	}
	return out, nil
}

func (t *tx) queryWebhookEndpoints(ctx context.Context, query string, args ...any) ([]*porting.WebhookEndpoint, error) {
	out := []*porting.WebhookEndpoint{}
	err := queryAll(ctx, t, func(r scanner) error {
		w, err := t.scanWebhookEndpoint(r)
		if err == nil {
			out = append(out, w)
		}
		return err
	}, query, args...)
	return out, err
}

// UpdateWebhookEndpoint saves w's URL, event types, enabled flag, failure
// count and disabling time. Its account, secret and creation time never
// change. ENOTFOUND when the endpoint does not exist.
func (t *tx) UpdateWebhookEndpoint(ctx context.Context, w *porting.WebhookEndpoint) error {
	normWebhookEndpoint(w)
	types, err := jsonArg(w.EventTypes)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE webhook_endpoints SET url = $1, event_types = $2, enabled = $3,
		consecutive_failures = $4, disabled_at = $5 WHERE id = $6`,
		w.URL, types, w.Enabled, w.ConsecutiveFailures, w.DisabledAt, w.ID)
	return updated(res, err, "webhook endpoint", w.ID)
}
