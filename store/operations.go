package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

var _ porting.OperationsStore = (*DB)(nil)

// Each query below reads an index and stops at a bound: the partial
// indexes deadlines_due, port_orders_attention, webhook_deliveries_pending
// and webhook_deliveries_failed, and port_orders_status for the active
// states. The state tests are literals so that PostgreSQL's generic plans
// match the partial indexes' predicates (see dueDeadlinesQuery).
var (
	overdueQuery = `SELECT count(*), min(due_at) FROM (SELECT due_at FROM deadlines
		WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT ` + strconv.Itoa(porting.MaxOperationsOverdue) + `) d`
	retryingQuery = `SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
		WHERE state = 'pending' AND attempts > 0 LIMIT ` + strconv.Itoa(porting.MaxOperationsRetrying) + `) d`
	givenUpQuery  = `SELECT count(*) FROM webhook_deliveries WHERE state = 'failed' AND updated_at > $1`
	disabledQuery = `SELECT count(*) FROM webhook_endpoints WHERE enabled = false`
	sweepQuery    = `SELECT completed_at FROM deadline_sweeps WHERE id = 1`
)

// activeStatesQuery counts the orders of each active state.
func activeStatesQuery() string {
	var in []string
	for _, s := range porting.States {
		if s.Active() {
			in = append(in, "'"+string(s)+"'")
		}
	}
	return `SELECT status, count(*) FROM port_orders WHERE status IN (` + strings.Join(in, ", ") + `) GROUP BY status`
}

// ReadOperations implements porting.OperationsStore, in one read
// transaction so that the figures come from one snapshot.
func (db *DB) ReadOperations(ctx context.Context, now time.Time) (*porting.Operations, error) {
	now = normTime(now)
	ops := &porting.Operations{ReadAt: now, OrdersByStatus: map[porting.State]int{}}
	for _, s := range porting.States {
		if s.Active() {
			ops.OrdersByStatus[s] = 0
		}
	}
	err := db.View(ctx, func(ptx porting.Tx) error {
		t := ptx.(*tx)
		err := queryAll(ctx, t, func(r scanner) error {
			var (
				s porting.State
				n int
			)
			if err := r.Scan(&s, &n); err != nil {
				return err
			}
			ops.OrdersByStatus[s] = n
			return nil
		}, activeStatesQuery())
		if err != nil {
			return errorf(err, "count port orders by status")
		}
		if ops.Attention, err = t.countAttention(ctx); err != nil {
			return err
		}
		if err := t.queryRow(ctx, overdueQuery, now).Scan(&ops.OverdueDeadlines, nullTimeCol{&ops.OldestOverdueDueAt}); err != nil {
			return errorf(err, "count overdue deadlines")
		}
		if err := t.queryRow(ctx, retryingQuery).Scan(&ops.WebhookDeliveriesRetrying); err != nil {
			return errorf(err, "count retrying webhook deliveries")
		}
		if err := t.queryRow(ctx, givenUpQuery, now.Add(-24*time.Hour)).Scan(&ops.WebhookDeliveriesGivenUp); err != nil {
			return errorf(err, "count failed webhook deliveries")
		}
		if err := t.queryRow(ctx, disabledQuery).Scan(&ops.WebhookEndpointsDisabled); err != nil {
			return errorf(err, "count disabled webhook endpoints")
		}
		err = queryAll(ctx, t, func(r scanner) error { return r.Scan(nullTimeCol{&ops.LastSweepAt}) }, sweepQuery)
		if err != nil {
			return errorf(err, "read the last deadline sweep")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ops, nil
}

// countAttention counts the flags on the flagged orders, at most
// porting.MaxOperationsFlaggedOrders of them, by code and deadline kind.
func (t *tx) countAttention(ctx context.Context) ([]porting.AttentionCount, error) {
	flagged := `attention <> '[]'`
	if t.db.engine == EnginePostgres {
		flagged = `attention <> '[]'::jsonb` // the index's predicate, to the letter
	}
	type key struct {
		code string
		kind porting.DeadlineKind
	}
	counts := map[key]int{}
	err := queryAll(ctx, t, func(r scanner) error {
		var flags []porting.Attention
		if err := r.Scan(jsonCol{&flags}); err != nil {
			return err
		}
		for _, a := range flags {
			counts[key{a.Code, a.DeadlineKind}]++
		}
		return nil
	}, `SELECT attention FROM port_orders WHERE `+flagged+` LIMIT `+strconv.Itoa(porting.MaxOperationsFlaggedOrders))
	if err != nil {
		return nil, errorf(err, "count attention flags")
	}
	out := make([]porting.AttentionCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, porting.AttentionCount{Code: k.code, DeadlineKind: k.kind, Flags: n})
	}
	slices.SortFunc(out, func(a, b porting.AttentionCount) int {
		return strings.Compare(a.Code+"\x00"+string(a.DeadlineKind), b.Code+"\x00"+string(b.DeadlineKind))
	})
	return out, nil
}

// RecordSweep implements porting.OperationsStore.
func (db *DB) RecordSweep(ctx context.Context, at time.Time) error {
	return db.InTx(ctx, func(ptx porting.Tx) error {
		_, err := ptx.(*tx).exec(ctx, `INSERT INTO deadline_sweeps (id, completed_at) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET completed_at = excluded.completed_at`, at)
		if err != nil {
			return errorf(err, "record a deadline sweep")
		}
		return nil
	})
}
