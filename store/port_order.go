package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/portdesk/portdesk/porting"
)

const portOrderColumns = `id, port_request_id, account_id, instance_id, status, country, losing_carrier,
	number_kind, foc_at, requested_foc_at, respond_by, exception, status_reason, loa, csr, attestation,
	findings, loa_pin_sealed, previous_order_id, next_order_id, version, created_at, updated_at,
	attention, foc_override, carrier, carrier_id, carrier_reference, checklist`

// portOrderSelect is what reads of an order select: portOrderColumns, the
// due time of its earliest pending deadline, which the store keeps on the
// order whenever its deadlines change (refreshNextDeadline), and the counts
// of its numbers per status, which it keeps whenever it writes them.
const portOrderSelect = portOrderColumns + `, next_deadline_at, number_counts`

// nextDeadlineOf is the due time of the order's earliest pending deadline.
const nextDeadlineOf = `(SELECT MIN(d.due_at) FROM deadlines d
	WHERE d.port_order_id = port_orders.id AND d.state = 'pending')`

// scanPortOrder reads a row of portOrderSelect and opens the sealed LOA
// PIN; the numbers come separately (loadShownNumbers).
func (t *tx) scanPortOrder(r scanner) (*porting.PortOrder, error) {
	o := porting.PortOrder{PhoneNumbers: []porting.OrderNumber{}, Findings: []porting.Finding{}, Attention: []porting.Attention{}}
	var pinSealed []byte
	err := r.Scan(&o.ID, &o.PortRequestID, &o.AccountID, strCol{&o.InstanceID}, &o.Status, &o.Country,
		&o.LosingCarrier, &o.NumberKind, nullTimeCol{&o.FOCAt}, nullTimeCol{&o.RequestedFOCAt},
		nullTimeCol{&o.RespondBy}, jsonCol{&o.Exception}, &o.StatusReason, jsonCol{&o.LOA}, jsonCol{&o.CSR},
		jsonCol{&o.Attestation}, jsonCol{&o.Findings}, &pinSealed, strCol{&o.PreviousOrderID},
		strCol{&o.NextOrderID}, &o.Version, timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt},
		jsonCol{&o.Attention}, jsonCol{&o.FOCOverride}, jsonCol{&o.Carrier}, new(any), new(any),
		jsonCol{&o.Checklist}, nullTimeCol{&o.NextDeadlineAt}, jsonCol{&o.PhoneNumberCounts})
	if err != nil {
		return nil, err
	}
	setTotal(&o)
	if len(o.Checklist) == 0 {
		o.Checklist = nil // none attested: what a new order holds
	}
	if pinSealed != nil {
		pin, err := t.db.sealer.open(pinSealed, o.ID, "LOA PIN")
		if err != nil {
			return nil, err
		}
		if o.LOA == nil {
			o.LOA = &porting.LOAData{}
		}
		o.LOA.PIN = string(pin)
	}
	if o.LOA != nil {
		o.LOA.PINSet = o.LOA.PIN != ""
	}
	return &o, nil
}

// normPortOrder makes o hold what a Find will return: times in UTC cut to
// microseconds, empty rather than nil number and finding lists, PINSet
// telling whether the LOA has a PIN.
func normPortOrder(o *porting.PortOrder) {
	o.FOCAt = normTimePtr(o.FOCAt)
	o.RequestedFOCAt = normTimePtr(o.RequestedFOCAt)
	o.RespondBy = normTimePtr(o.RespondBy)
	if o.PhoneNumbers == nil {
		o.PhoneNumbers = []porting.OrderNumber{}
	}
	if o.PhoneNumberCounts == nil {
		o.PhoneNumberCounts = map[porting.NumberStatus]int{}
	}
	if o.Findings == nil {
		o.Findings = []porting.Finding{}
	}
	if o.Attention == nil {
		o.Attention = []porting.Attention{}
	}
	for i := range o.Attention {
		o.Attention[i].Since = normTime(o.Attention[i].Since)
		o.Attention[i].RetryAt = normTimePtr(o.Attention[i].RetryAt)
	}
	if o.FOCOverride != nil {
		o.FOCOverride.At = normTime(o.FOCOverride.At)
	}
	for k, v := range o.Checklist {
		v.At = normTime(v.At)
		o.Checklist[k] = v
	}
	if o.Carrier != nil {
		o.Carrier.SubmittedAt = normTimePtr(o.Carrier.SubmittedAt)
		o.Carrier.LastAnswerAt = normTimePtr(o.Carrier.LastAnswerAt)
	}
	if o.LOA != nil {
		o.LOA.PINSet = o.LOA.PIN != ""
	}
	if o.CSR != nil {
		o.CSR.RecordedAt = normTime(o.CSR.RecordedAt)
	}
	if o.Attestation != nil {
		o.Attestation.At = normTimePtr(o.Attestation.At)
	}
}

// portOrderArgs are the encoded values of an order's JSON and sealed
// columns.
type portOrderArgs struct {
	exception, loa, csr, attestation, focOverride, carrier any
	carrierID, carrierRef                                  any
	findings, attention, checklist                         string
	pinSealed                                              any // []byte, or nil without a PIN
}

// encodePortOrder encodes o's JSON columns and seals its LOA PIN under its
// ID. The PIN is not part of the LOA's JSON (its tag is "-").
func (t *tx) encodePortOrder(o *porting.PortOrder) (portOrderArgs, error) {
	var a portOrderArgs
	var err error
	if a.exception, err = nullJSONArg(o.Exception); err != nil {
		return a, err
	}
	if a.loa, err = nullJSONArg(o.LOA); err != nil {
		return a, err
	}
	if a.csr, err = nullJSONArg(o.CSR); err != nil {
		return a, err
	}
	if a.attestation, err = nullJSONArg(o.Attestation); err != nil {
		return a, err
	}
	if a.findings, err = jsonArg(o.Findings); err != nil {
		return a, err
	}
	if a.attention, err = jsonArg(o.Attention); err != nil {
		return a, err
	}
	if a.focOverride, err = nullJSONArg(o.FOCOverride); err != nil {
		return a, err
	}
	checklist := o.Checklist
	if checklist == nil {
		checklist = map[porting.ChecklistItemName]porting.ChecklistAttestation{}
	}
	if a.checklist, err = jsonArg(checklist); err != nil {
		return a, err
	}
	if a.carrier, err = nullJSONArg(o.Carrier); err != nil {
		return a, err
	}
	if o.Carrier != nil {
		a.carrierID, a.carrierRef = nullStr(o.Carrier.CarrierID), nullStr(o.Carrier.Reference)
	}
	if o.LOA != nil && o.LOA.PIN != "" {
		a.pinSealed = t.db.sealer.seal([]byte(o.LOA.PIN), o.ID)
	}
	return a, nil
}

// nullJSONArg encodes v for a nullable JSON column: a nil pointer is NULL.
func nullJSONArg[T any](v *T) (any, error) {
	if v == nil {
		return nil, nil
	}
	return jsonArg(v)
}

// CreatePortOrder stores o and its numbers. Version 0 becomes 1; ID,
// CreatedAt and UpdatedAt are filled when missing. A number held by
// another active order is ECONFLICT naming the number and that order.
func (t *tx) CreatePortOrder(ctx context.Context, o *porting.PortOrder) error {
	setID(&o.ID, "po")
	t.db.stamp(&o.CreatedAt)
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	t.db.stamp(&o.UpdatedAt)
	if o.Version == 0 {
		o.Version = 1
	}
	normPortOrder(o)
	o.PhoneNumbersTruncated, o.PhoneNumbersURL = false, ""
	o.CountNumbers()
	a, err := t.encodePortOrder(o)
	if err != nil {
		return err
	}
	counts, err := jsonArg(o.PhoneNumberCounts)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO port_orders (`+portOrderColumns+`, number_counts) VALUES ($1, $2, $3, $4, $5, $6,
		$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)`,
		o.ID, o.PortRequestID, o.AccountID, nullStr(o.InstanceID), o.Status, o.Country, o.LosingCarrier,
		o.NumberKind, o.FOCAt, o.RequestedFOCAt, o.RespondBy, a.exception, o.StatusReason, a.loa, a.csr,
		a.attestation, a.findings, a.pinSealed, nullStr(o.PreviousOrderID), nullStr(o.NextOrderID),
		o.Version, o.CreatedAt, o.UpdatedAt, a.attention, a.focOverride, a.carrier, a.carrierID, a.carrierRef, a.checklist, counts)
	if err != nil {
		return errorf(err, "create port order %s", o.ID)
	}
	all := make([]positioned, len(o.PhoneNumbers))
	for i, n := range o.PhoneNumbers {
		all[i] = positioned{i, n}
	}
	if err := t.insertNumbers(ctx, o.ID, o.Status.Active(), all); err != nil {
		return err
	}
	t.remember(o)
	return nil
}

// UpdatePortOrder saves o when the stored version is o.Version, then
// increments o.Version and stamps UpdatedAt with the clock. A different
// stored version is ECONFLICT, a missing order ENOTFOUND, a number held by
// another active order ECONFLICT. The order's request, account and
// creation time never change. Of the numbers, it writes only those that
// changed (numberChanges); of a truncated order, only among those o
// carries.
func (t *tx) UpdatePortOrder(ctx context.Context, o *porting.PortOrder) error {
	normPortOrder(o)
	a, err := t.encodePortOrder(o)
	if err != nil {
		return err
	}
	base, err := t.storedNumbers(ctx, o)
	if err != nil {
		return err
	}
	ch := base.changes(o)
	counts, err := jsonArg(ch.counts)
	if err != nil {
		return err
	}
	now := t.db.now()
	res, err := t.exec(ctx, `UPDATE port_orders SET instance_id = $1, status = $2, country = $3,
		losing_carrier = $4, number_kind = $5, foc_at = $6, requested_foc_at = $7, respond_by = $8,
		exception = $9, status_reason = $10, loa = $11, csr = $12, attestation = $13, findings = $14,
		loa_pin_sealed = $15, previous_order_id = $16, next_order_id = $17,
		version = version + 1, updated_at = $18, attention = $19, foc_override = $20, carrier = $21,
		carrier_id = $22, carrier_reference = $23, checklist = $24, number_counts = $25 WHERE id = $26 AND version = $27`,
		nullStr(o.InstanceID), o.Status, o.Country, o.LosingCarrier, o.NumberKind, o.FOCAt,
		o.RequestedFOCAt, o.RespondBy, a.exception, o.StatusReason, a.loa, a.csr, a.attestation,
		a.findings, a.pinSealed, nullStr(o.PreviousOrderID), nullStr(o.NextOrderID), now,
		a.attention, a.focOverride, a.carrier, a.carrierID, a.carrierRef, a.checklist, counts, o.ID, o.Version)
	if err != nil {
		return errorf(err, "update port order %s", o.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return errorf(err, "update port order %s", o.ID)
	} else if n == 0 {
		var stored int
		if err := t.queryRow(ctx, `SELECT version FROM port_orders WHERE id = $1`, o.ID).Scan(&stored); err != nil {
			return findErr(err, "port order", o.ID)
		}
		return fmt.Errorf("store: update port order %s: %w", o.ID, &porting.Error{Code: porting.ECONFLICT, Err: porting.ErrStaleVersion,
			Message: fmt.Sprintf("port order %s was changed by someone else (version %d, not %d); reload it", o.ID, stored, o.Version)})
	}
	if err := t.writeNumberChanges(ctx, o, ch); err != nil {
		return err
	}
	o.PhoneNumberCounts = ch.counts
	setTotal(o)
	o.Version++
	o.UpdatedAt = now
	t.remember(o)
	return nil
}

// heldConflict is the ECONFLICT error for a number that another active
// order holds.
func (t *tx) heldConflict(ctx context.Context, orderID, phoneNumber string) error {
	var holder string
	if err := t.queryRow(ctx, `SELECT order_id FROM port_order_numbers WHERE phone_number = $1 AND held`,
		phoneNumber).Scan(&holder); err != nil {
		return errorf(err, "find order holding %s", phoneNumber)
	}
	return fmt.Errorf("store: port order %s: %w", orderID, &porting.Error{
		Code:    porting.ECONFLICT,
		Field:   "phone_numbers",
		Message: fmt.Sprintf("phone number %s is already on active port order %s", phoneNumber, holder),
	})
}

// FindPortOrder returns the order with the given ID, its counts and its
// first porting.ShownNumbers numbers in their stored order; ENOTFOUND if
// none.
func (t *tx) FindPortOrder(ctx context.Context, id string) (*porting.PortOrder, error) {
	o, err := t.scanPortOrder(t.queryRow(ctx, `SELECT `+portOrderSelect+` FROM port_orders WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "port order", id)
	}
	if err := t.loadShownNumbers(ctx, []*porting.PortOrder{o}); err != nil {
		return nil, err
	}
	return o, nil
}

// FindHeldNumbers returns, of phoneNumbers, those held by an active order,
// mapped to that order and its account.
func (t *tx) FindHeldNumbers(ctx context.Context, phoneNumbers []string) (map[string]porting.HeldNumber, error) {
	out := map[string]porting.HeldNumber{}
	if len(phoneNumbers) == 0 {
		return out, nil
	}
	// One statement whatever the count: the numbers go in as one JSON
	// array, where IN lists of 500 cost a statement to parse each (a fifth
	// of a 100,000-number intake on SQLite).
	list, err := json.Marshal(phoneNumbers)
	if err != nil {
		return nil, errorf(err, "find held numbers")
	}
	elements := `SELECT value FROM json_each($1)`
	if t.db.engine == EnginePostgres {
		elements = `SELECT json_array_elements_text($1::json)`
	}
	err = queryAll(ctx, t, func(r scanner) error {
		var number string
		var h porting.HeldNumber
		if err := r.Scan(&number, &h.OrderID, &h.AccountID); err != nil {
			return err
		}
		out[number] = h
		return nil
	}, `SELECT n.phone_number, n.order_id, o.account_id FROM port_order_numbers n
		JOIN port_orders o ON o.id = n.order_id WHERE n.held AND n.phone_number IN (`+elements+`)`, string(list))
	if err != nil {
		return nil, errorf(err, "find held numbers")
	}
	return out, nil
}
