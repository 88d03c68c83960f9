package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
)

// insertDeadlines inserts n pending respond_reminder deadlines, the i-th
// due at due(i) and of orders[i%len(orders)], past the store: multi-row
// INSERTs of lagBatch rows in transactions of lagTxRows, as store's
// BenchmarkSweep fills its table. It returns the first and last new IDs
// (0, 0 when n is 0); nothing else inserts deadlines meanwhile.
func insertDeadlines(b *testing.B, db *store.DB, orders []*porting.PortOrder, n int, due func(int) time.Time) (first, last int64) {
	b.Helper()
	ctx := context.Background()
	before := maxDeadlineID(b, db)
	for start := 0; start < n; start += lagTxRows {
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for batch := start; batch < min(start+lagTxRows, n); batch += lagBatch {
			rows := min(lagBatch, n-batch)
			args := []any{orders[0].AccountID, timeArg(db, time.Now())}
			for _, o := range orders {
				args = append(args, o.ID)
			}
			var q strings.Builder
			q.WriteString(`INSERT INTO deadlines (port_order_id, account_id, kind, due_at, state, created_at) VALUES `)
			for i := range rows {
				if i > 0 {
					q.WriteString(", ")
				}
				args = append(args, timeArg(db, due(batch+i)))
				fmt.Fprintf(&q, "($%d, $1, '%s', $%d, 'pending', $2)", 3+(batch+i)%len(orders), porting.DeadlineRespondReminder, len(args))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				tx.Rollback()
				b.Fatalf("insert deadlines: %v", err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	if n == 0 {
		return 0, 0
	}
	return before + 1, maxDeadlineID(b, db)
}

// sqliteTime is how the store keeps times in SQLite (store/value.go):
// fixed-width UTC text, so comparing the text compares the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timeArg converts t as the store does for a query argument: text on
// SQLite, a UTC time on PostgreSQL, cut to microseconds on both.
func timeArg(db *store.DB, t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if db.Engine() == store.EngineSQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// scanTime reads a time column of either engine.
func scanTime(b *testing.B, src any) time.Time {
	b.Helper()
	switch v := src.(type) {
	case time.Time:
		return v
	case string:
		return parseTime(b, v)
	case []byte:
		return parseTime(b, string(v))
	}
	b.Fatalf("cannot read %T as a time", src)
	return time.Time{}
}

func parseTime(b *testing.B, s string) time.Time {
	b.Helper()
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// readLags returns fired_at − due_at of the deadlines first to last.
func readLags(b *testing.B, db *store.DB, first, last int64) []time.Duration {
	b.Helper()
	rows, err := db.SQL().QueryContext(context.Background(),
		`SELECT due_at, fired_at FROM deadlines WHERE id BETWEEN $1 AND $2 AND state = 'fired'`, first, last)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var lags []time.Duration
	for rows.Next() {
		var due, fired any
		if err := rows.Scan(&due, &fired); err != nil {
			b.Fatal(err)
		}
		lags = append(lags, scanTime(b, fired).Sub(scanTime(b, due)))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if want := int(last - first + 1); len(lags) != want {
		b.Fatalf("read %d fired deadlines, want %d", len(lags), want)
	}
	return lags
}

// checkFired fails unless exactly the near deadlines fired, each through
// the respond_reminder rule (an event, no deadline.failed), and every far
// one is still pending.
func checkFired(b *testing.B, db *store.DB, near, far int) {
	b.Helper()
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM deadlines WHERE state = 'fired'`, near},
		{`SELECT count(*) FROM deadlines WHERE state = 'pending'`, far},
		{`SELECT count(*) FROM events WHERE type = '` + porting.EventRespondReminder + `'`, near},
		{`SELECT count(*) FROM events WHERE type = '` + porting.EventDeadlineFailed + `'`, 0},
	} {
		if got := count(b, db, c.query); got != c.want {
			b.Errorf("%s = %d, want %d", c.query, got, c.want)
		}
	}
}

func maxDeadlineID(b *testing.B, db *store.DB) int64 {
	b.Helper()
	var id int64
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT coalesce(max(id), 0) FROM deadlines`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

// countPending counts the deadlines first to last not fired yet. On
// SQLite it takes the one write connection for a primary-key range of
// 1,000 rows, well under a millisecond per poll.
func countPending(b *testing.B, db *store.DB, first, last int64) int {
	b.Helper()
	return count(b, db, `SELECT count(*) FROM deadlines WHERE id BETWEEN $1 AND $2 AND state <> 'fired'`, first, last)
}

// sweepQueue is what became of the sweep_deadlines jobs River enqueued
// during the rounds, read when each round ended.
type sweepQueue struct {
	jobs     int           // enqueued
	running  int           // still running
	waiting  int           // not started yet
	maxWait  time.Duration // the longest wait to start, the waiting ones' so far included
	notifies int           // notify_event jobs not started yet
}

func (q *sweepQueue) add(r sweepQueue) {
	q.jobs, q.running, q.waiting, q.notifies = q.jobs+r.jobs, q.running+r.running, q.waiting+r.waiting, q.notifies+r.notifies
	q.maxWait = max(q.maxWait, r.maxWait)
}

func (q sweepQueue) String() string {
	return fmt.Sprintf("sweep jobs enqueued %d, longest wait to start %v, at the end %d running and %d waiting beside %d notify_event jobs",
		q.jobs, q.maxWait.Round(time.Millisecond), q.running, q.waiting, q.notifies)
}

// readSweepQueue reads the sweep jobs after River job afterJob.
func readSweepQueue(b *testing.B, db *store.DB, afterJob int64) sweepQueue {
	b.Helper()
	now := time.Now()
	rows, err := db.SQL().QueryContext(context.Background(),
		`SELECT state, scheduled_at, attempted_at FROM river_job WHERE kind = 'sweep_deadlines' AND id > $1`, afterJob)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var q sweepQueue
	for rows.Next() {
		var state string
		var scheduled, attempted any
		if err := rows.Scan(&state, &scheduled, &attempted); err != nil {
			b.Fatal(err)
		}
		q.jobs++
		start := now
		switch {
		case attempted == nil:
			q.waiting++
		case state == "running":
			q.running++
			fallthrough
		default:
			start = scanTime(b, attempted)
		}
		q.maxWait = max(q.maxWait, start.Sub(scanTime(b, scheduled)))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	q.notifies = count(b, db, `SELECT count(*) FROM river_job WHERE kind = 'notify_event' AND attempted_at IS NULL`)
	return q
}

func maxJobID(b *testing.B, db *store.DB) int64 {
	b.Helper()
	var id int64
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT coalesce(max(id), 0) FROM river_job`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

// countSweeps counts the sweep_deadlines jobs the runner has completed.
func countSweeps(b *testing.B, db *store.DB) int {
	b.Helper()
	return count(b, db, `SELECT count(*) FROM river_job WHERE kind = 'sweep_deadlines' AND state = 'completed'`)
}

func count(b *testing.B, db *store.DB, query string, args ...any) int {
	b.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		b.Fatalf("%s: %v", query, err)
	}
	return n
}

// waitFor polls done every 20 ms and fails the benchmark after lagWait.
func waitFor(b testing.TB, what string, done func() bool) {
	b.Helper()
	for deadline := time.Now().Add(lagWait); !done(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("waited %v for %s", lagWait, what)
		}
	}
}
