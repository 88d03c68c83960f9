package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/portdesk/portdesk/porting"
	"github.com/riverqueue/river"
)

// DefaultGroupCommit is Config.GroupCommit's default: how many concurrent
// InTx calls one SQLite commit carries at most.
const DefaultGroupCommit = 64

// groupSavepoint is the savepoint each write of a group runs under.
const groupSavepoint = "portdesk_write"

// errCommitterClosed fails the writes still queued when the database closes.
var errCommitterClosed = porting.Errorf(porting.EUNAVAILABLE, "store: the database is closed")

// committer gathers concurrent InTx calls on SQLite into one transaction
// and one durable COMMIT (group commit). A sync of the WAL costs about as
// much for one row as for a hundred, so writers that arrive while a commit
// is in flight share the next one instead of queueing for a sync each.
//
// The committer goroutine takes whatever writes are waiting (up to max),
// begins one transaction on the write connection and hands it to each
// write's own goroutine in turn. The writer runs its closure under a
// SAVEPOINT, RELEASEs it on success and ROLLs BACK TO it on error or
// panic, so one write's failure never undoes another's; later closures see
// earlier ones' writes, which is the serial order a single writer gives
// anyway. After the last write the committer COMMITs once and only then
// answers every writer: an answer always means durable (or not written).
// A failed COMMIT fails every write of the group. The jobs the writes
// enqueue are inserted together just before the COMMIT (see tx.Enqueue).
//
// Closures run on their caller's goroutine, so a panic (or t.FailNow in a
// test) unwinds the caller as in a plain transaction, after its savepoint
// is rolled back. Statements in a shared transaction run without their
// caller's cancellation (see tx.ctx): SQLite answers an interrupted write
// by rolling back the whole transaction, which would undo the others.
// Should the transaction end anyway (an I/O error or a full disk rolls it
// back), the savepoint is gone: the writes that ran before fail, and those
// not run yet go into a fresh group.
type committer struct {
	db     *DB
	max    int
	queue  chan *groupWrite
	closed chan struct{}
	once   sync.Once
	done   chan struct{}
	// commits counts the COMMITs made, for tests.
	commits atomic.Int64
	// stmts keeps the groups' statements prepared.
	stmts *stmtCache
}

// Write states: a queued write may still be abandoned by its caller
// (context cancelled); once the committer takes it, the caller waits.
const (
	writeQueued int32 = iota
	writeTaken
	writeAbandoned
)

// groupWrite is one InTx call waiting for, or taking, its turn.
type groupWrite struct {
	ctx   context.Context
	fn    func(porting.Tx) error
	state atomic.Int32
	turn  chan *sql.Tx // the group's transaction, or nil: not run (see done)
	ran   chan turnResult
	done  chan error // the write's answer, sent after the group's COMMIT
}

// turnResult is what a writer reports after its turn.
type turnResult struct {
	err      error         // the closure's error, nil when its savepoint was released
	broken   bool          // the shared transaction is gone (its savepoint with it)
	recorded bool          // an idempotency record was written (see InTx)
	panicked bool          // the closure panicked or exited its goroutine
	appended bool          // a successful write appended events
	jobs     []porting.Job // the jobs a successful write enqueued
}

func newCommitter(db *DB, max int) *committer {
	c := &committer{db: db, max: max, queue: make(chan *groupWrite, 4*max),
		closed: make(chan struct{}), done: make(chan struct{}), stmts: newStmtCache()}
	go c.loop()
	return c
}

// close stops the committer after the group in flight; writes still
// queued fail with EUNAVAILABLE.
func (c *committer) close() {
	c.once.Do(func() { close(c.closed) })
	<-c.done
}

// inTx is InTx in a group.
func (c *committer) inTx(ctx context.Context, fn func(porting.Tx) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, turn: make(chan *sql.Tx, 1), ran: make(chan turnResult, 1), done: make(chan error, 1)}
	select {
	case c.queue <- w:
	case <-ctx.Done():
		return fmt.Errorf("store: begin: %w", interpretError(ctx.Err()))
	case <-c.closed:
		return errCommitterClosed
	}
	var sqlTx *sql.Tx
	select {
	case sqlTx = <-w.turn:
	case <-ctx.Done():
		if w.state.CompareAndSwap(writeQueued, writeAbandoned) {
			return fmt.Errorf("store: begin: %w", interpretError(ctx.Err()))
		}
		sqlTx = <-w.turn // taken meanwhile: it runs, and its answer is the truth
	case <-c.done: // closed after this write was queued and the queue drained
		if w.state.CompareAndSwap(writeQueued, writeAbandoned) {
			return errCommitterClosed
		}
		sqlTx = <-w.turn
	}
	if sqlTx == nil {
		return <-w.done
	}
	res := c.runTurn(ctx, sqlTx, w)
	err := <-w.done
	if err == nil && res.recorded {
		porting.IdempotencyScopeFrom(ctx).MarkStored()
	}
	return err
}

// runTurn runs w's closure in the group's transaction under a savepoint
// and reports the outcome to the committer, also when the closure panics
// or exits the goroutine (the deferred report then runs while unwinding).
func (c *committer) runTurn(ctx context.Context, sqlTx *sql.Tx, w *groupWrite) (res turnResult) {
	bg := context.Background()
	if _, err := sqlTx.ExecContext(bg, `SAVEPOINT `+groupSavepoint); err != nil {
		res = turnResult{err: fmt.Errorf("store: begin: %w", interpretError(err)), broken: true}
		w.ran <- res
		return res
	}
	finished := false
	defer func() {
		if finished {
			return
		}
		res = turnResult{err: porting.Errorf(porting.EINTERNAL, "store: the transaction's work panicked"), panicked: true}
		res.broken = !rollbackTo(sqlTx)
		w.ran <- res
	}()
	t := &tx{db: c.db, tx: sqlTx, writable: true, shared: true}
	res.err = c.db.runWrite(ctx, t, w.fn, &res.recorded)
	finished = true
	if res.err == nil {
		if _, err := sqlTx.ExecContext(bg, `RELEASE `+groupSavepoint); err != nil {
			res.err, res.broken = fmt.Errorf("store: release savepoint: %w", interpretError(err)), true
		}
		res.jobs, res.appended = t.queued, t.appended
	} else {
		res.broken = !rollbackTo(sqlTx)
	}
	w.ran <- res
	return res
}

// rollbackTo undoes a write's savepoint and reports whether the shared
// transaction is still there.
func rollbackTo(sqlTx *sql.Tx) bool {
	bg := context.Background()
	if _, err := sqlTx.ExecContext(bg, `ROLLBACK TO `+groupSavepoint); err != nil {
		return false
	}
	_, err := sqlTx.ExecContext(bg, `RELEASE `+groupSavepoint)
	return err == nil
}

// loop takes the waiting writes, up to max at a time, and commits each
// group.
func (c *committer) loop() {
	defer close(c.done)
	defer c.stmts.close()
	group := make([]*groupWrite, 0, c.max)
	for {
		group = group[:0]
		select {
		case <-c.closed: // before the queue: nothing new starts once closing
			c.failQueued()
			return
		default:
		}
		select {
		case w := <-c.queue:
			group = append(group, w)
		case <-c.closed:
			c.failQueued()
			return
		}
	gather:
		for len(group) < c.max {
			select {
			case w := <-c.queue:
				group = append(group, w)
			default:
				break gather
			}
		}
		c.stmts.prepare(c.db.write)
		for rest := group; len(rest) > 0; {
			rest = c.commitGroup(rest)
		}
	}
}

// failQueued answers every write still queued with errCommitterClosed.
func (c *committer) failQueued() {
	for {
		select {
		case w := <-c.queue:
			if w.state.CompareAndSwap(writeQueued, writeTaken) {
				w.done <- errCommitterClosed
				w.turn <- nil
			}
		default:
			return
		}
	}
}

// commitGroup runs the writes of group in one transaction and commits it.
// When the transaction breaks under a write, it answers the writes that
// ran and returns those that did not, for a fresh group.
func (c *committer) commitGroup(group []*groupWrite) (rest []*groupWrite) {
	sqlTx, err := c.db.write.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("store: begin: %w", interpretError(err))
		for _, w := range group {
			if w.state.CompareAndSwap(writeQueued, writeTaken) {
				w.done <- err
				w.turn <- nil
			}
		}
		return nil
	}
	type ran struct {
		w   *groupWrite
		err error
	}
	var (
		done []ran
		jobs []river.InsertManyParams
	)
	committed, appended := 0, false
	for i, w := range group {
		if !w.state.CompareAndSwap(writeQueued, writeTaken) {
			continue // its caller gave up waiting
		}
		w.turn <- sqlTx
		res := <-w.ran
		done = append(done, ran{w, res.err})
		if res.err == nil {
			committed++
			appended = appended || res.appended
			for _, j := range res.jobs {
				jobs = append(jobs, river.InsertManyParams{Args: j})
			}
		}
		if res.broken {
			_ = sqlTx.Rollback()
			lost := porting.Errorf(porting.EUNAVAILABLE, "store: the transaction of a group of writes ended early: %v", res.err)
			for _, r := range done {
				if r.err == nil {
					r.err = lost
				}
				r.w.done <- r.err
			}
			return group[i+1:]
		}
	}
	jobs = mergeJobs(jobs)
	if len(jobs) > 0 {
		if _, err = c.db.river.InsertManyTx(context.Background(), sqlTx, jobs); err != nil {
			err = fmt.Errorf("store: enqueue %d jobs: %w", len(jobs), interpretError(err))
			committed = 0 // the group's writes lose their jobs: none may commit
		}
	}
	if committed == 0 {
		_ = sqlTx.Rollback() // nothing to keep
	} else if err = sqlTx.Commit(); err != nil {
		err = fmt.Errorf("store: commit: %w", interpretError(err))
	} else {
		c.commits.Add(1)
		if appended {
			c.db.eventsCommitted()
		}
	}
	for _, r := range done {
		if r.err == nil {
			r.err = err
		}
		r.w.done <- r.err
	}
	return nil
}

// mergeJobs folds the jobs that are porting.MergeableJob into the first
// one of their kind that takes them, keeping the others as they are.
func mergeJobs(jobs []river.InsertManyParams) []river.InsertManyParams {
	out := make([]river.InsertManyParams, 0, len(jobs))
	for _, j := range jobs {
		merged := false
		if _, ok := j.Args.(porting.MergeableJob); ok {
			for i := range out {
				m, ok := out[i].Args.(porting.MergeableJob)
				if !ok || m.Kind() != j.Args.Kind() {
					continue
				}
				var into porting.Job
				if into, merged = m.Merge(j.Args.(porting.Job)); merged {
					out[i].Args = into
					break
				}
			}
		}
		if !merged {
			out = append(out, j)
		}
	}
	return out
}
