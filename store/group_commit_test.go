package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// openGrouped opens SQLite with group commit of up to n writes (1: plain
// transactions) and a probe table the tests write rows of.
func openGrouped(t *testing.T, n int) *store.DB {
	t.Helper()
	db := storetest.OpenSQLite(t, store.Config{GroupCommit: n})
	if _, err := db.SQL().Exec(`CREATE TABLE group_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// insertProbe writes probe row id in tx.
func insertProbe(ctx context.Context, tx porting.Tx, id int) error {
	_, err := store.SQLTx(tx).ExecContext(ctx, `INSERT INTO group_probe (id) VALUES ($1)`, id)
	return err
}

// probeRows returns the committed probe rows' IDs, read past the writer.
func probeRows(t *testing.T, db *store.DB) map[int]bool {
	t.Helper()
	got := map[int]bool{}
	err := db.View(context.Background(), func(tx porting.Tx) error {
		rows, err := store.SQLTx(tx).Query(`SELECT id FROM group_probe`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return err
			}
			got[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// holdGroup starts a write of probe row holdID that keeps its group's
// transaction open until release is called, and returns once it runs: the
// writes started meanwhile queue for the next group. done answers the
// held write.
func holdGroup(t *testing.T, db *store.DB, holdID int) (release func(), done <-chan error) {
	t.Helper()
	running, gate := make(chan struct{}), make(chan struct{})
	out := make(chan error, 1)
	go func() {
		out <- db.InTx(context.Background(), func(tx porting.Tx) error {
			close(running)
			<-gate
			return insertProbe(context.Background(), tx, holdID)
		})
	}()
	<-running
	once := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(once)
	return once, out
}

// waitQueued waits until n writes wait for the next group.
func waitQueued(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); store.QueuedWrites(db) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", store.QueuedWrites(db), n)
		}
	}
}

// TestGroupCommitKeepsWritesApart runs 30 writes in one group: every
// third fails after writing, one panics after writing. Each caller gets its
// own outcome, only the successful writes commit (with their jobs), a caller hears of its
// outcome only once the group's writes are visible to readers (committed),
// the panic unwinds its own caller only, and the whole group costs one
// COMMIT.
func TestGroupCommitKeepsWritesApart(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1000)
	const writes, panicking = 30, 7
	errFail := errors.New("refused")
	type outcome struct {
		err       error
		panicked  any
		committed int // the group's rows visible when the caller heard back
	}
	outcomes := make([]outcome, writes)
	var wg sync.WaitGroup
	for i := range writes {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					outcomes[i].panicked = p
				}
			}()
			outcomes[i].err = db.InTx(context.Background(), func(tx porting.Tx) error {
				if err := insertProbe(context.Background(), tx, i); err != nil {
					return err
				}
				if err := tx.Enqueue(context.Background(), porting.SubmitToCarrierJob{PortOrderID: fmt.Sprint("po_", i)}); err != nil {
					return err
				}
				switch {
				case i == panicking:
					panic(fmt.Sprintf("write %d panics", i))
				case i%3 == 1:
					return fmt.Errorf("write %d: %w", i, errFail)
				}
				return nil
			})
			rows := probeRows(t, db)
			delete(rows, 1000) // the held write's, committed in the group before
			outcomes[i].committed = len(rows)
		})
		waitQueued(t, db, i+1) // one at a time, so the queue's order is i's
	}
	before := store.GroupCommits(db)
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatalf("held write: %v", err)
	}
	// The held write's group commits after before was read, then the 30.
	if got := store.GroupCommits(db) - before; got != 2 {
		t.Errorf("the held write and the 30 queued writes took %d commits, want 2", got)
	}
	want := map[int]bool{}
	for i, o := range outcomes {
		switch {
		case i == panicking:
			if o.panicked != fmt.Sprintf("write %d panics", i) {
				t.Errorf("write %d: panic %v, want its own", i, o.panicked)
			}
		case i%3 == 1:
			if !errors.Is(o.err, errFail) || o.panicked != nil {
				t.Errorf("write %d: error %v, panic %v; want its own error", i, o.err, o.panicked)
			}
		default:
			want[i] = true
			if o.err != nil || o.panicked != nil {
				t.Errorf("write %d: error %v, panic %v; want success", i, o.err, o.panicked)
			}
		}
	}
	for i, o := range outcomes {
		if i != panicking && o.committed != len(want) {
			t.Errorf("write %d heard back when %d of its group's rows had committed, want all %d", i, o.committed, len(want))
		}
	}
	got := probeRows(t, db)
	delete(got, 1000)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("committed rows %v, want %v", got, want)
	}
	// One job per successful write: the failed ones took theirs along.
	if n := storetest.CountJobs(t, db, porting.SubmitToCarrierJob{}.Kind()); n != len(want) {
		t.Errorf("%d jobs enqueued, want %d (one per successful write)", n, len(want))
	}
	// The panic left the writer usable.
	if err := db.InTx(context.Background(), func(tx porting.Tx) error { return insertProbe(context.Background(), tx, 2000) }); err != nil {
		t.Fatalf("write after the panic: %v", err)
	}
}

// TestGroupCommitSerialOrder has 40 concurrent read-modify-write
// increments of one row, as version-checked updates do: inside a group
// each sees the ones before it, so none is lost.
func TestGroupCommitSerialOrder(t *testing.T) {
	db := openGrouped(t, 64)
	if _, err := db.SQL().Exec(`INSERT INTO group_probe (id, n) VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	release, held := holdGroup(t, db, 2)
	const writes = 40
	var wg sync.WaitGroup
	for range writes {
		wg.Go(func() {
			err := db.InTx(context.Background(), func(tx porting.Tx) error {
				var n int
				if err := store.SQLTx(tx).QueryRow(`SELECT n FROM group_probe WHERE id = 1`).Scan(&n); err != nil {
					return err
				}
				_, err := store.SQLTx(tx).Exec(`UPDATE group_probe SET n = $1 WHERE id = 1`, n+1)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	waitQueued(t, db, writes)
	release()
	wg.Wait()
	<-held
	var n int
	if err := db.SQL().QueryRow(`SELECT n FROM group_probe WHERE id = 1`).Scan(&n); err != nil || n != writes {
		t.Errorf("counter = %d (%v), want %d", n, err, writes)
	}
}

// TestGroupCommitCancelWhileQueued cancels a write waiting for its group:
// it returns its context's error at once and its closure never runs.
func TestGroupCommitCancelWhileQueued(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	out := make(chan error, 1)
	go func() {
		out <- db.InTx(ctx, func(tx porting.Tx) error { ran = true; return insertProbe(ctx, tx, 2) })
	}()
	waitQueued(t, db, 1)
	cancel()
	select {
	case err := <-out:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled write: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled write kept waiting for its group")
	}
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	// One more write goes through the same committer: the abandoned one
	// was skipped, not run.
	if err := db.InTx(context.Background(), func(tx porting.Tx) error { return insertProbe(context.Background(), tx, 3) }); err != nil {
		t.Fatal(err)
	}
	if got := probeRows(t, db); ran || got[2] || !got[1] || !got[3] {
		t.Errorf("closure ran %v, rows %v; want the cancelled write never run", ran, got)
	}
}

// TestGroupCommitIdempotencyKey sends two uses of one Idempotency-Key in
// one group: the first commits with its record, the second is ECONFLICT
// with its scope taken, and it hears so only once the first use's record
// can be read (the API then replays that answer).
func TestGroupCommitIdempotencyKey(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	scopes := []*porting.IdempotencyScope{
		{Scope: "key_1", Key: "k", Fingerprint: "f", CreatedAt: storetest.Epoch},
		{Scope: "key_1", Key: "k", Fingerprint: "f", CreatedAt: storetest.Epoch},
	}
	errs := make([]error, 2)
	found := make([]bool, 2)
	var wg sync.WaitGroup
	for i, sc := range scopes {
		wg.Go(func() {
			ctx := porting.WithIdempotencyScope(context.Background(), sc)
			errs[i] = db.InTx(ctx, func(tx porting.Tx) error { return insertProbe(ctx, tx, 10+i) })
			found[i] = db.View(context.Background(), func(tx porting.Tx) error {
				_, err := tx.FindIdempotencyRecord(context.Background(), "key_1", "k")
				return err
			}) == nil
		})
		waitQueued(t, db, i+1)
	}
	release()
	wg.Wait()
	<-held
	if errs[0] != nil || !scopes[0].Stored() || !found[0] {
		t.Errorf("first use: %v, stored %v, record found %v", errs[0], scopes[0].Stored(), found[0])
	}
	if porting.ErrorCode(errs[1]) != porting.ECONFLICT || !scopes[1].Taken() || scopes[1].Stored() || !found[1] {
		t.Errorf("second use: %v, taken %v, stored %v, record found %v", errs[1], scopes[1].Taken(), scopes[1].Stored(), found[1])
	}
	if got := probeRows(t, db); !got[10] || got[11] {
		t.Errorf("rows %v: want the first use's work only", got)
	}
}

// TestGroupCommitBrokenTransaction has a write end the shared transaction
// under the others (a ROLLBACK, as SQLite does by itself on a full disk):
// the writes that ran before it in its group fail, since their work is
// gone, and those queued after it run in a fresh group and commit.
func TestGroupCommitBrokenTransaction(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	out := make([]chan error, 3)
	for i := range out {
		out[i] = make(chan error, 1)
		go func() {
			out[i] <- db.InTx(context.Background(), func(tx porting.Tx) error {
				if i == 1 {
					_, err := store.SQLTx(tx).Exec(`ROLLBACK`)
					return err
				}
				return insertProbe(context.Background(), tx, 10+i)
			})
		}()
		waitQueued(t, db, i+1)
	}
	release()
	if err := <-held; err != nil {
		t.Errorf("the held write ran in an earlier group, yet: %v", err)
	}
	if err := <-out[0]; porting.ErrorCode(err) != porting.EUNAVAILABLE {
		t.Errorf("write before the break: %v, want EUNAVAILABLE", err)
	}
	if err := <-out[1]; err == nil {
		t.Error("the write that broke the transaction succeeded")
	}
	if err := <-out[2]; err != nil {
		t.Errorf("write after the break: %v, want it run in a fresh group", err)
	}
	if got := probeRows(t, db); !got[1] || got[10] || !got[12] {
		t.Errorf("rows %v, want 1 and 12", got)
	}
}

// TestGroupCommitGoexit has a write's goroutine exit inside its closure
// (as t.FailNow does): its work is undone and the group's other writes
// commit.
func TestGroupCommitGoexit(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_ = db.InTx(context.Background(), func(tx porting.Tx) error {
			if err := insertProbe(context.Background(), tx, 2); err != nil {
				return err
			}
			runtime.Goexit()
			return nil
		})
	}()
	waitQueued(t, db, 1)
	out := make(chan error, 1)
	go func() {
		out <- db.InTx(context.Background(), func(tx porting.Tx) error { return insertProbe(context.Background(), tx, 3) })
	}()
	waitQueued(t, db, 2)
	release()
	<-exited
	if err := <-out; err != nil {
		t.Fatal(err)
	}
	<-held
	if got := probeRows(t, db); got[2] || !got[3] {
		t.Errorf("rows %v, want 3 without 2", got)
	}
}

// TestGroupCommitPlainMode turns grouping off: every write is a
// transaction of its own.
func TestGroupCommitPlainMode(t *testing.T) {
	db := openGrouped(t, 1)
	if store.Grouped(db) {
		t.Fatal("GroupCommit 1 still groups writes")
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			err := db.InTx(context.Background(), func(tx porting.Tx) error {
				if err := insertProbe(context.Background(), tx, i); err != nil || i%2 == 0 {
					return err
				}
				return errors.New("refused")
			})
			if (err == nil) != (i%2 == 0) {
				t.Errorf("write %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if got := probeRows(t, db); len(got) != 5 || !got[0] || got[1] {
		t.Errorf("rows %v, want the even ones", got)
	}
}

// TestGroupCommitClose closes the database under waiting writes: the group
// in flight commits, and every write still waiting fails with EUNAVAILABLE
// instead of hanging.
func TestGroupCommitClose(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	out := make(chan error, 5)
	for i := range 5 {
		go func() {
			out <- db.InTx(context.Background(), func(tx porting.Tx) error { return insertProbe(context.Background(), tx, 10+i) })
		}()
	}
	waitQueued(t, db, 5)
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	for deadline := time.Now().Add(10 * time.Second); !store.Closing(db); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Close never began")
		}
	}
	release()
	if err := <-held; err != nil {
		t.Errorf("the write in flight: %v", err)
	}
	for range 5 {
		select {
		case err := <-out:
			if porting.ErrorCode(err) != porting.EUNAVAILABLE {
				t.Errorf("a write waiting at close: %v, want EUNAVAILABLE", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a write waiting at close hangs")
		}
	}
	<-closed
	if err := db.InTx(context.Background(), func(tx porting.Tx) error { return nil }); porting.ErrorCode(err) != porting.EUNAVAILABLE {
		t.Errorf("a write after close: %v, want EUNAVAILABLE", err)
	}
}

// TestGroupCommitMergesNotifications has five writes of a group enqueue a
// notify_event job each, one of them failing: the group inserts one job
// that fans out the four committed events.
func TestGroupCommitMergesNotifications(t *testing.T) {
	db := openGrouped(t, 64)
	release, held := holdGroup(t, db, 1)
	out := make(chan error, 5)
	for i := range 5 {
		go func() {
			out <- db.InTx(context.Background(), func(tx porting.Tx) error {
				if err := tx.Enqueue(context.Background(), porting.NotifyEventJob{EventID: int64(100 + i)}); err != nil || i != 2 {
					return err
				}
				return errors.New("refused")
			})
		}()
		waitQueued(t, db, i+1)
	}
	release()
	<-held
	for range 5 {
		<-out
	}
	rows, err := db.SQL().Query(`SELECT json(args) FROM river_job WHERE kind = 'notify_event'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var args string
		if err := rows.Scan(&args); err != nil {
			t.Fatal(err)
		}
		got = append(got, args)
	}
	if want := `{"event_ids":[100,101,103,104]}`; len(got) != 1 || got[0] != want {
		t.Errorf("notify_event jobs %v, want one: %s", got, want)
	}
}
