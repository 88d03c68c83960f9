package store

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// CreateInstance stores in with its quotas. EINVALID for an unknown
// account, ECONFLICT on a duplicate ID.
func (t *tx) CreateInstance(ctx context.Context, in *porting.Instance) error {
	setID(&in.ID, "inst")
	t.db.stamp(&in.CreatedAt)
	if in.Quotas.OutboundCountries == nil {
		in.Quotas.OutboundCountries = []string{} // what FindInstance returns
	}
	oc, err := jsonArg(in.Quotas.OutboundCountries)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO instances (id, account_id, name, arn, region, quota_phone_numbers,
		quota_concurrent_calls, quota_outbound_countries, created_at, sip_target) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		in.ID, in.AccountID, in.Name, in.ARN, in.Region, in.Quotas.PhoneNumbers,
		in.Quotas.ConcurrentCalls, oc, in.CreatedAt, nullStr(in.SIPTarget))
	if err != nil {
		return errorf(err, "create instance %s", in.ID)
	}
	return nil
}

// FindInstance returns the instance with the given ID; ENOTFOUND if none.
func (t *tx) FindInstance(ctx context.Context, id string) (*porting.Instance, error) {
	in, err := scanInstance(t.queryRow(ctx, `SELECT `+instanceColumns+` FROM instances WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "instance", id)
	}
	return in, nil
}

const instanceColumns = `id, account_id, name, arn, region, quota_phone_numbers,
	quota_concurrent_calls, quota_outbound_countries, created_at, sip_target`

func scanInstance(r scanner) (*porting.Instance, error) {
	in := porting.Instance{Quotas: porting.Quotas{OutboundCountries: []string{}}}
	err := r.Scan(&in.ID, &in.AccountID, &in.Name, &in.ARN, &in.Region, &in.Quotas.PhoneNumbers,
		&in.Quotas.ConcurrentCalls, jsonCol{&in.Quotas.OutboundCountries}, timeCol{&in.CreatedAt}, strCol{&in.SIPTarget})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// FindInstances returns one page of the instances matching f, oldest first
// (then by ID). A cursor it did not return is EINVALID.
func (t *tx) FindInstances(ctx context.Context, f porting.InstanceFilter) (*porting.InstancePage, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = %s", f.AccountID)
	}
	rows, next, err := findCreatedPage(ctx, t, `SELECT `+instanceColumns+` FROM instances`, w, f.Cursor, f.Limit,
		scanInstance, func(in *porting.Instance) (time.Time, string) { return in.CreatedAt, in.ID })
	if err != nil {
		return nil, errorf(err, "find instances")
	}
	return &porting.InstancePage{Instances: rows, NextCursor: next}, nil
}

// CreateContactFlow stores f. EINVALID for an unknown instance.
func (t *tx) CreateContactFlow(ctx context.Context, f *porting.ContactFlow) error {
	setID(&f.ID, "flow")
	t.db.stamp(&f.CreatedAt)
	_, err := t.exec(ctx, `INSERT INTO contact_flows (id, instance_id, name, created_at) VALUES ($1, $2, $3, $4)`,
		f.ID, f.InstanceID, f.Name, f.CreatedAt)
	if err != nil {
		return errorf(err, "create contact flow %s", f.ID)
	}
	return nil
}

// FindContactFlows returns the flows of an instance, oldest first; none is
// an empty list, not an error.
func (t *tx) FindContactFlows(ctx context.Context, instanceID string) ([]*porting.ContactFlow, error) {
	out := []*porting.ContactFlow{}
	err := queryAll(ctx, t, func(r scanner) error {
		var f porting.ContactFlow
		if err := r.Scan(&f.ID, &f.InstanceID, &f.Name, timeCol{&f.CreatedAt}); err != nil {
			return err
		}
		out = append(out, &f)
		return nil
	}, `SELECT id, instance_id, name, created_at FROM contact_flows WHERE instance_id = $1 ORDER BY created_at, id`,
		instanceID)
	if err != nil {
		return nil, errorf(err, "find contact flows of instance %s", instanceID)
	}
	return out, nil
}

// UpsertInstancePhoneNumber inserts n or replaces the instance's row for
// the same number. UpdatedAt defaults to the clock. EINVALID when the
// instance, flow or order does not exist.
func (t *tx) UpsertInstancePhoneNumber(ctx context.Context, n *porting.InstancePhoneNumber) error {
	t.db.stamp(&n.UpdatedAt)
	_, err := t.exec(ctx, `INSERT INTO instance_phone_numbers
		(instance_id, phone_number, status, contact_flow_id, port_order_id, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (instance_id, phone_number) DO UPDATE SET status = excluded.status,
		contact_flow_id = excluded.contact_flow_id, port_order_id = excluded.port_order_id,
		updated_at = excluded.updated_at`,
		n.InstanceID, n.PhoneNumber, n.Status, nullStr(n.ContactFlowID), nullStr(n.PortOrderID), n.UpdatedAt)
	if err != nil {
		return errorf(err, "upsert phone number %s of instance %s", n.PhoneNumber, n.InstanceID)
	}
	return nil
}

// DeleteInstancePhoneNumber removes a number from an instance; absent is fine.
func (t *tx) DeleteInstancePhoneNumber(ctx context.Context, instanceID, phoneNumber string) error {
	_, err := t.exec(ctx, `DELETE FROM instance_phone_numbers WHERE instance_id = $1 AND phone_number = $2`,
		instanceID, phoneNumber)
	if err != nil {
		return errorf(err, "delete phone number %s of instance %s", phoneNumber, instanceID)
	}
	return nil
}

// FindInstancePhoneNumbers returns an instance's inventory ordered by
// number; none is an empty list.
func (t *tx) FindInstancePhoneNumbers(ctx context.Context, instanceID string) ([]*porting.InstancePhoneNumber, error) {
	out, err := t.inventory(ctx, `WHERE instance_id = $1 ORDER BY phone_number`, instanceID)
	if err != nil {
		return nil, errorf(err, "find phone numbers of instance %s", instanceID)
	}
	return out, nil
}

// inventory reads the inventory rows a WHERE (and ORDER BY) clause selects.
func (t *tx) inventory(ctx context.Context, clause string, args ...any) ([]*porting.InstancePhoneNumber, error) {
	out := []*porting.InstancePhoneNumber{}
	err := queryAll(ctx, t, func(r scanner) error {
		var n porting.InstancePhoneNumber
		if err := r.Scan(&n.InstanceID, &n.PhoneNumber, &n.Status, strCol{&n.ContactFlowID},
			strCol{&n.PortOrderID}, timeCol{&n.UpdatedAt}); err != nil {
			return err
		}
		out = append(out, &n)
		return nil
	}, `SELECT instance_id, phone_number, status, contact_flow_id, port_order_id, updated_at
		FROM instance_phone_numbers `+clause, args...)
	return out, err
}
