package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// SandboxClockRefresh is how often a SandboxClock rereads the stored
// offset. It bounds how stale a replica's sandbox time can be: another
// replica's advance is seen within SandboxClockRefresh plus one query;
// the replica that advances sees its own advance at once.
const SandboxClockRefresh = time.Second

// SandboxClock is the sandbox's advanceable clock kept in the database
// (table sandbox_clock), so that every replica on one database reads the
// same advanced time and an advance survives a restart, on either engine.
//
// The clock is read everywhere, so Now never touches the database: it adds
// a cached offset to the base clock. Attach loads the offset and rereads it
// every SandboxClockRefresh in the background; AdvanceClock stores the
// advance and takes the new offset at once. The offset only grows, so the
// cache only ever moves forward (a stale reread never moves it back).
type SandboxClock struct {
	base   porting.Clock
	offset atomic.Int64 // nanoseconds

	mu       sync.Mutex
	db       *DB
	logger   *slog.Logger
	stop     chan struct{}
	stopped  chan struct{}
	failing  bool // the last reread failed (logged once per outage)
	closeOne sync.Once
	stopOne  sync.Once
}

var _ porting.AdvanceableClock = (*SandboxClock)(nil)

// NewSandboxClock returns a clock reading base plus an offset of 0 until
// Attach loads the stored one. The store that keeps the offset is opened
// with this clock, hence the two steps.
func NewSandboxClock(base porting.Clock) *SandboxClock {
	return &SandboxClock{base: base, stop: make(chan struct{}), stopped: make(chan struct{})}
}

// Attach loads the offset stored in db (migrated) and rereads it every
// SandboxClockRefresh until Close. A failed reread keeps the last offset
// and is logged to logger (nil: the default logger) once per outage.
func (c *SandboxClock) Attach(ctx context.Context, db *DB, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	c.mu.Lock()
	if c.db != nil {
		c.mu.Unlock()
		return fmt.Errorf("store: sandbox clock already attached")
	}
	c.db, c.logger = db, logger
	c.mu.Unlock()
	if err := c.Refresh(ctx); err != nil {
		c.closeOne.Do(func() { close(c.stopped) })
		return err
	}
	go c.refreshLoop()
	return nil
}

func (c *SandboxClock) refreshLoop() {
	defer close(c.stopped)
	t := time.NewTicker(SandboxClockRefresh)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), SandboxClockRefresh)
		err := c.Refresh(ctx)
		cancel()
		c.mu.Lock()
		switch {
		case err != nil && !c.failing:
			c.logger.Warn("sandbox clock: cannot reread the offset; keeping the last one", "err", err)
		case err == nil && c.failing:
			c.logger.Info("sandbox clock: rereading the offset again")
		}
		c.failing = err != nil
		c.mu.Unlock()
	}
}

// Close stops the background reread. It does not close the DB.
func (c *SandboxClock) Close() {
	c.mu.Lock()
	attached := c.db != nil
	c.mu.Unlock()
	c.stopOne.Do(func() { close(c.stop) })
	if attached {
		<-c.stopped
	}
}

// Now returns the base time plus the cached offset, in UTC.
func (c *SandboxClock) Now() time.Time {
	return c.base.Now().Add(c.Offset()).UTC()
}

// Offset returns how far the clock has been advanced, as last read.
func (c *SandboxClock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Refresh rereads the stored offset now.
func (c *SandboxClock) Refresh(ctx context.Context) error {
	db := c.attached()
	if db == nil {
		return porting.Errorf(porting.EUNAVAILABLE, "store: the sandbox clock is not attached to a database")
	}
	// The read pool: on SQLite the write connection may be held by a
	// group commit for longer than a refresh should wait.
	var ns int64
	if err := db.read.QueryRowContext(ctx, `SELECT offset_ns FROM sandbox_clock WHERE id = 1`).Scan(&ns); err != nil {
		return fmt.Errorf("store: read the sandbox clock: %w", interpretError(err))
	}
	c.raise(ns)
	return nil
}

// AdvanceClock adds d to the stored offset (atomically, so concurrent
// advances on several replicas all count) and returns the new time.
func (c *SandboxClock) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, porting.Errorf(porting.EINVALID, "the clock only moves forward")
	}
	db := c.attached()
	if db == nil {
		return time.Time{}, porting.Errorf(porting.EUNAVAILABLE, "store: the sandbox clock is not attached to a database")
	}
	var ns int64
	err := db.write.QueryRowContext(ctx,
		`UPDATE sandbox_clock SET offset_ns = offset_ns + $1 WHERE id = 1 RETURNING offset_ns`, int64(d)).Scan(&ns)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: advance the sandbox clock: %w", interpretError(err))
	}
	c.raise(ns)
	return c.Now(), nil
}

func (c *SandboxClock) attached() *DB {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.db
}

// raise sets the cached offset to ns unless it already holds more.
func (c *SandboxClock) raise(ns int64) {
	for {
		old := c.offset.Load()
		if ns <= old || c.offset.CompareAndSwap(old, ns) {
			return
		}
	}
}
