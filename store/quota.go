package store

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// CreateQuotaRequest stores r. EINVALID for an unknown instance or
// account, ECONFLICT on a duplicate ID.
func (t *tx) CreateQuotaRequest(ctx context.Context, r *porting.QuotaRequest) error {
	setID(&r.ID, "qr")
	t.db.stamp(&r.CreatedAt)
	if r.Countries == nil {
		r.Countries = []string{}
	}
	countries, err := jsonArg(r.Countries)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO quota_requests (id, instance_id, account_id, quota, value, countries,
		reason, status, decision_reason, decided_by, decided_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		r.ID, r.InstanceID, r.AccountID, r.Quota, r.Value, countries, r.Reason, r.Status,
		r.DecisionReason, r.DecidedBy, r.DecidedAt, r.CreatedBy, r.CreatedAt)
	if err != nil {
		return errorf(err, "create quota request %s", r.ID)
	}
	return nil
}

const quotaRequestColumns = `id, instance_id, account_id, quota, value, countries, reason, status,
	decision_reason, decided_by, decided_at, created_by, created_at`

func scanQuotaRequest(s scanner) (*porting.QuotaRequest, error) {
	r := porting.QuotaRequest{Countries: []string{}}
	err := s.Scan(&r.ID, &r.InstanceID, &r.AccountID, &r.Quota, &r.Value, jsonCol{&r.Countries}, &r.Reason,
		&r.Status, &r.DecisionReason, &r.DecidedBy, nullTimeCol{&r.DecidedAt}, &r.CreatedBy, timeCol{&r.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// FindQuotaRequest returns the quota request with the given ID; ENOTFOUND
// if none.
func (t *tx) FindQuotaRequest(ctx context.Context, id string) (*porting.QuotaRequest, error) {
	r, err := scanQuotaRequest(t.queryRow(ctx, `SELECT `+quotaRequestColumns+` FROM quota_requests WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "quota request", id)
	}
	return r, nil
}

// FindQuotaRequests returns an instance's quota requests matching f,
// newest first, at most f.Limit of them (all when 0); none is an empty
// list.
func (t *tx) FindQuotaRequests(ctx context.Context, f porting.QuotaRequestFilter) ([]*porting.QuotaRequest, error) {
	var w where
	w.add("instance_id = %s", f.InstanceID)
	if f.Status != "" {
		w.add("status = %s", f.Status)
	}
	q := `SELECT ` + quotaRequestColumns + ` FROM quota_requests` + w.String() + ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + w.next(f.Limit)
	}
	out := []*porting.QuotaRequest{}
	err := queryAll(ctx, t, func(s scanner) error {
		r, err := scanQuotaRequest(s)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, q, w.args...)
	if err != nil {
		return nil, errorf(err, "find quota requests of instance %s", f.InstanceID)
	}
	return out, nil
}

// DecideQuotaRequest saves r's status and decision if the stored request
// is still open: ECONFLICT when it was decided already, ENOTFOUND when
// there is no such request.
func (t *tx) DecideQuotaRequest(ctx context.Context, r *porting.QuotaRequest) error {
	res, err := t.exec(ctx, `UPDATE quota_requests SET status = $1, decision_reason = $2, decided_by = $3,
		decided_at = $4 WHERE id = $5 AND status = 'open'`,
		r.Status, r.DecisionReason, r.DecidedBy, r.DecidedAt, r.ID)
	if err != nil {
		return errorf(err, "decide quota request %s", r.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "decide quota request %s", r.ID)
	} else if n == 0 {
		if _, err := t.FindQuotaRequest(ctx, r.ID); err != nil {
			return err
		}
		return porting.Errorf(porting.ECONFLICT, "quota request %s was decided already", r.ID)
	}
	return nil
}

// UpdateInstanceQuotas sets an instance's quotas; ENOTFOUND if none.
func (t *tx) UpdateInstanceQuotas(ctx context.Context, instanceID string, q porting.Quotas) error {
	if q.OutboundCountries == nil {
		q.OutboundCountries = []string{}
	}
	oc, err := jsonArg(q.OutboundCountries)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE instances SET quota_phone_numbers = $1, quota_concurrent_calls = $2,
		quota_outbound_countries = $3 WHERE id = $4`, q.PhoneNumbers, q.ConcurrentCalls, oc, instanceID)
	if err != nil {
		return errorf(err, "update quotas of instance %s", instanceID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "update quotas of instance %s", instanceID)
	} else if n == 0 {
		return porting.Errorf(porting.ENOTFOUND, "instance %s not found", instanceID)
	}
	return nil
}

// CountInstanceNumbers counts, each number once, the instance's inventory,
// the numbers held by active orders naming it and those the order orderID
// holds (none for "").
func (t *tx) CountInstanceNumbers(ctx context.Context, instanceID, orderID string) (int, error) {
	var n int
	// A held number is held by one order only (port_order_numbers_held),
	// so the three parts below never count a number twice: the orders'
	// numbers, the inventory's others, and the order's own when it does
	// not name the instance. Summing them spares the engines a union of
	// thousands of rows.
	err := t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM port_order_numbers n JOIN port_orders o ON o.id = n.order_id
			WHERE n.held AND o.instance_id = $1)
		+ (SELECT count(*) FROM instance_phone_numbers i WHERE i.instance_id = $1 AND NOT EXISTS (
			SELECT 1 FROM port_order_numbers n JOIN port_orders o ON o.id = n.order_id
			WHERE n.held AND n.phone_number = i.phone_number AND o.instance_id = $1))
		+ (SELECT count(*) FROM port_order_numbers n JOIN port_orders o ON o.id = n.order_id
			WHERE n.held AND n.order_id = $2 AND (o.instance_id IS NULL OR o.instance_id <> $1) AND NOT EXISTS (
				SELECT 1 FROM instance_phone_numbers i WHERE i.instance_id = $1 AND i.phone_number = n.phone_number))`,
		instanceID, orderID).Scan(&n)
	if err != nil {
		return 0, errorf(err, "count numbers of instance %s", instanceID)
	}
	return n, nil
}

// FindInstanceOrderNumbers lists the numbers held by active orders that
// name the instance, by order then position.
func (t *tx) FindInstanceOrderNumbers(ctx context.Context, instanceID string) ([]porting.InstanceOrderNumber, error) {
	out := []porting.InstanceOrderNumber{}
	err := queryAll(ctx, t, func(s scanner) error {
		var n porting.InstanceOrderNumber
		if err := s.Scan(&n.PortOrderID, &n.PhoneNumber); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	}, `SELECT n.order_id, n.phone_number FROM port_order_numbers n JOIN port_orders o ON o.id = n.order_id
		WHERE o.instance_id = $1 AND n.held ORDER BY n.order_id, n.position`, instanceID)
	if err != nil {
		return nil, errorf(err, "find order numbers of instance %s", instanceID)
	}
	return out, nil
}
