package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// FindInventoryByNumber returns every instance's entry for a number, the
// active ones first.
func (t *tx) FindInventoryByNumber(ctx context.Context, e164 string) ([]*porting.InstancePhoneNumber, error) {
	out, err := t.inventory(ctx, `WHERE phone_number = $1 ORDER BY status, updated_at DESC`, e164)
	if err != nil {
		return nil, errorf(err, "find inventory of %s", e164)
	}
	return out, nil
}

// SetInstanceSIPTarget changes where an instance takes test calls ("":
// the built-in ingress); ENOTFOUND for an unknown instance.
func (t *tx) SetInstanceSIPTarget(ctx context.Context, instanceID, target string) error {
	res, err := t.exec(ctx, `UPDATE instances SET sip_target = $1 WHERE id = $2`, nullStr(target), instanceID)
	if err != nil {
		return errorf(err, "set the SIP target of instance %s", instanceID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return errorf(err, "set the SIP target of instance %s", instanceID)
	}
	if n == 0 {
		return findErr(sql.ErrNoRows, "instance", instanceID)
	}
	return nil
}

// CreateCallRecords stores call records, giving each a "call_" ID and
// the clock's time when missing.
func (t *tx) CreateCallRecords(ctx context.Context, rs []*porting.CallRecord) error {
	for _, r := range rs {
		setID(&r.ID, "call")
		t.db.stamp(&r.At)
		r.At = normTime(r.At)
		_, err := t.exec(ctx, `INSERT INTO call_records (id, instance_id, phone_number, at, source, outcome,
			contact_flow_id, test_call_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			r.ID, r.InstanceID, r.PhoneNumber, r.At, r.Source, r.Outcome, nullStr(r.ContactFlowID), nullStr(r.TestCallID))
		if err != nil {
			return errorf(err, "create call record of %s", r.PhoneNumber)
		}
	}
	return nil
}

// CreateTestCalls stores test calls, giving each a "tc_" ID; each run gets
// the next sequence number of its order, so the newest run is known even
// when two runs carry the same time.
func (t *tx) CreateTestCalls(ctx context.Context, cs []*porting.TestCall) error {
	seqs := map[string]int64{}
	for _, c := range cs {
		if _, ok := seqs[c.RunID]; !ok {
			var last int64
			if err := t.queryRow(ctx, `SELECT COALESCE(MAX(run_seq), 0) FROM test_calls WHERE port_order_id = $1`, c.PortOrderID).Scan(&last); err != nil {
				return errorf(err, "number the test calls of order %s", c.PortOrderID)
			}
			seqs[c.RunID] = last + 1
		}
	}
	for _, c := range cs {
		setID(&c.ID, "tc")
		t.db.stamp(&c.At)
		c.At = normTime(c.At)
		_, err := t.exec(ctx, `INSERT INTO test_calls (id, run_id, run_seq, port_order_id, phone_number, target, sip_status,
			expected_flow_id, answered_flow_id, result, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			c.ID, c.RunID, seqs[c.RunID], c.PortOrderID, c.PhoneNumber, c.Target, c.SIPStatus, nullStr(c.ExpectedFlowID),
			nullStr(c.AnsweredFlowID), c.Result, c.Detail, c.At)
		if err != nil {
			return errorf(err, "create test call of %s", c.PhoneNumber)
		}
	}
	return nil
}

// FindTestCalls lists an order's test calls, newest first, at most limit.
func (t *tx) FindTestCalls(ctx context.Context, portOrderID string, limit int) ([]*porting.TestCall, error) {
	out := []*porting.TestCall{}
	err := queryAll(ctx, t, func(r scanner) error {
		var c porting.TestCall
		if err := r.Scan(&c.ID, &c.RunID, &c.PortOrderID, &c.PhoneNumber, &c.Target, &c.SIPStatus,
			strCol{&c.ExpectedFlowID}, strCol{&c.AnsweredFlowID}, &c.Result, &c.Detail, timeCol{&c.At}); err != nil {
			return err
		}
		out = append(out, &c)
		return nil
	}, `SELECT id, run_id, port_order_id, phone_number, target, sip_status, expected_flow_id, answered_flow_id,
		result, detail, at FROM test_calls WHERE port_order_id = $1 ORDER BY run_seq DESC, run_id DESC, id LIMIT `+strconv.Itoa(limit), portOrderID)
	if err != nil {
		return nil, errorf(err, "find test calls of order %s", portOrderID)
	}
	return out, nil
}

// CountCallsByHour counts an instance's calls to numbers since a time, per
// number and hour, test calls left out: the database adds them up, so a
// busy number costs a row an hour, not a row a call.
func (t *tx) CountCallsByHour(ctx context.Context, instanceID string, numbers []string, since time.Time) ([]porting.HourCount, error) {
	hour := `substr(at, 1, 13)`
	if t.db.engine == EnginePostgres {
		hour = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`
	}
	var w where
	w.add("instance_id = %s", instanceID)
	w.add("at >= %s", normTime(since))
	w.add("test_call_id IS NULL")
	if len(numbers) > 0 {
		ph := make([]string, len(numbers))
		vals := make([]any, len(numbers))
		for i, n := range numbers {
			ph[i], vals[i] = "%s", n
		}
		w.add("phone_number IN ("+strings.Join(ph, ", ")+")", vals...)
	}
	out := []porting.HourCount{}
	err := queryAll(ctx, t, func(r scanner) error {
		var c porting.HourCount
		var h string
		if err := r.Scan(&c.PhoneNumber, &h, &c.Calls, &c.Answered); err != nil {
			return err
		}
		at, err := time.Parse("2006-01-02T15", h)
		if err != nil {
			return err
		}
		c.Hour = at.UTC()
		out = append(out, c)
		return nil
	}, `SELECT phone_number, `+hour+` AS hour, COUNT(*), SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END)
		FROM call_records`+w.String()+` GROUP BY phone_number, `+hour+` ORDER BY phone_number, hour`, w.args...)
	if err != nil {
		return nil, errorf(err, "count calls of instance %s", instanceID)
	}
	return out, nil
}
