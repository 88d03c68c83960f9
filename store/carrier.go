package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/portdesk/portdesk/porting"
)

const carrierColumns = `id, name, aliases, countries, gateway, settings, secrets_sealed, routes, enabled,
	version, created_at, updated_at`

// carrierArgs are the encoded values of a carrier's JSON and sealed columns.
type carrierArgs struct {
	aliases, countries, settings, routes string
	secrets                              any // []byte, or nil without secrets
}

// encodeCarrier encodes c's JSON columns and seals its secrets under its ID.
func (t *tx) encodeCarrier(c *porting.Carrier) (carrierArgs, error) {
	var a carrierArgs
	var err error
	if a.aliases, err = jsonArg(c.Aliases); err != nil {
		return a, err
	}
	if a.countries, err = jsonArg(c.Countries); err != nil {
		return a, err
	}
	if a.settings, err = jsonArg(c.Settings); err != nil {
		return a, err
	}
	if a.routes, err = jsonArg(c.Routes); err != nil {
		return a, err
	}
	if len(c.Secrets) > 0 {
		b, err := json.Marshal(c.Secrets)
		if err != nil {
			return a, fmt.Errorf("store: encode carrier secrets: %w", err)
		}
		a.secrets = t.db.sealer.seal(b, c.ID)
	}
	return a, nil
}

// normCarrier makes c hold what a Find returns: empty rather than nil
// lists and maps, SecretsSet naming the secrets on file, times in UTC.
func normCarrier(c *porting.Carrier) {
	if c.Aliases == nil {
		c.Aliases = []string{}
	}
	if c.Countries == nil {
		c.Countries = []string{}
	}
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	if c.Routes == nil {
		c.Routes = []porting.CarrierRoute{}
	}
	c.SecretsSet = slices.Sorted(maps.Keys(c.Secrets))
	c.CreatedAt = normTime(c.CreatedAt)
	c.UpdatedAt = normTime(c.UpdatedAt)
}

// CreateCarrier stores c, giving it a "car_" ID, version 1 and creation
// time when missing. A name another entry has (in any case) is ECONFLICT.
func (t *tx) CreateCarrier(ctx context.Context, c *porting.Carrier) error {
	setID(&c.ID, "car")
	t.db.stamp(&c.CreatedAt)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if c.Version == 0 {
		c.Version = 1
	}
	normCarrier(c)
	a, err := t.encodeCarrier(c)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO carriers (`+carrierColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.Name, a.aliases, a.countries, c.Gateway, a.settings, a.secrets, a.routes, c.Enabled,
		c.Version, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return errorf(err, "create carrier %s", c.ID)
	}
	return nil
}

// UpdateCarrier saves c when the stored version is c.Version, then
// increments it; ECONFLICT otherwise, ENOTFOUND for a missing entry.
func (t *tx) UpdateCarrier(ctx context.Context, c *porting.Carrier) error {
	normCarrier(c)
	a, err := t.encodeCarrier(c)
	if err != nil {
		return err
	}
	now := t.db.now()
	res, err := t.exec(ctx, `UPDATE carriers SET name = $1, aliases = $2, countries = $3, gateway = $4,
		settings = $5, secrets_sealed = $6, routes = $7, enabled = $8, version = version + 1, updated_at = $9
		WHERE id = $10 AND version = $11`,
		c.Name, a.aliases, a.countries, c.Gateway, a.settings, a.secrets, a.routes, c.Enabled, now, c.ID, c.Version)
	if err != nil {
		return errorf(err, "update carrier %s", c.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "update carrier %s", c.ID)
	} else if n == 0 {
		if _, err := t.FindCarrier(ctx, c.ID); err != nil {
			return err
		}
		return fmt.Errorf("store: update carrier %s: %w", c.ID, &porting.Error{Code: porting.ECONFLICT, Err: porting.ErrStaleVersion,
			Message: fmt.Sprintf("carrier %s was changed by someone else; reload it", c.ID)})
	}
	c.Version++
	c.UpdatedAt = now
	return nil
}

// scanCarrier reads a row of carrierColumns and opens the sealed secrets.
func (t *tx) scanCarrier(r scanner) (*porting.Carrier, error) {
	var c porting.Carrier
	var sealed []byte
	err := r.Scan(&c.ID, &c.Name, jsonCol{&c.Aliases}, jsonCol{&c.Countries}, &c.Gateway, jsonCol{&c.Settings},
		&sealed, jsonCol{&c.Routes}, &c.Enabled, &c.Version, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if sealed != nil {
		b, err := t.db.sealer.open(sealed, c.ID, "carrier secrets")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &c.Secrets); err != nil {
			return nil, fmt.Errorf("store: carrier %s secrets: %w", c.ID, err)
		}
	}
	normCarrier(&c)
	return &c, nil
}

// FindCarrier returns the entry with the given ID, secrets opened.
func (t *tx) FindCarrier(ctx context.Context, id string) (*porting.Carrier, error) {
	c, err := t.scanCarrier(t.queryRow(ctx, `SELECT `+carrierColumns+` FROM carriers WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "carrier", id)
	}
	return c, nil
}

// FindCarriers returns every entry, oldest first (the registry is bounded
// by porting.MaxCarriers).
func (t *tx) FindCarriers(ctx context.Context) ([]*porting.Carrier, error) {
	out := []*porting.Carrier{}
	rows, err := t.query(ctx, `SELECT `+carrierColumns+` FROM carriers ORDER BY created_at, id`)
	if err != nil {
		return nil, errorf(err, "find carriers")
	}
	defer rows.Close()
	for rows.Next() {
		c, err := t.scanCarrier(rows)
		if err != nil {
			return nil, errorf(err, "find carriers")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errorf(err, "find carriers")
	}
	return out, nil
}

// RecordCarrierAnswer stores an answer under (carrierID, a.ID); false and
// nothing stored when the carrier already gave that ID. On PostgreSQL a
// concurrent duplicate waits for the first one's transaction and then
// finds it.
func (t *tx) RecordCarrierAnswer(ctx context.Context, carrierID, orderID string, a *porting.CarrierAnswer, outcome porting.AnswerOutcome) (bool, error) {
	body, err := jsonArg(a)
	if err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `INSERT INTO carrier_answers (carrier_id, answer_id, port_order_id, kind, sequence,
		outcome, body, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		carrierID, a.ID, nullStr(orderID), a.Kind, a.Sequence, outcome, body, t.db.now())
	if err != nil {
		return false, errorf(err, "record answer %s of carrier %s", a.ID, carrierID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, errorf(err, "record answer %s of carrier %s", a.ID, carrierID)
	}
	return n == 1, nil
}

// FindOrderByCarrierReference returns the order a carrier entry holds
// under reference.
func (t *tx) FindOrderByCarrierReference(ctx context.Context, carrierID, reference string) (*porting.PortOrder, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM port_orders WHERE carrier_id = $1 AND carrier_reference = $2
		ORDER BY created_at DESC LIMIT 1`, carrierID, reference).Scan(&id)
	if err != nil {
		return nil, findErr(err, "port order with carrier reference", reference)
	}
	return t.FindPortOrder(ctx, id)
}
