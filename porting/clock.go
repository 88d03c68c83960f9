package porting

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time. Every rule reads it instead of the wall clock so the
// sandbox and tests can move time forward without sleeping.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to the Clock interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// AdvanceableClock is a clock that can be moved forward: the sandbox's.
// OffsetClock is one held in the process; the store's SandboxClock is one
// held in the database, so that every replica reads the same time.
type AdvanceableClock interface {
	Clock
	// AdvanceClock moves the clock forward by d and returns the new time.
	// A negative d is EINVALID; a move that cannot be stored is returned
	// as the store's error (EUNAVAILABLE when the database does not answer).
	AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error)
	// Offset returns how far the clock has been moved.
	Offset() time.Duration
}

// OffsetClock is a clock that runs with a base clock and can be advanced by
// an offset. The sandbox uses it over the wall clock; tests use it over a
// fixed time. It is safe for concurrent use.
type OffsetClock struct {
	base Clock

	mu     sync.Mutex
	offset time.Duration
}

// NewOffsetClock returns a clock reading base plus an offset that starts at 0.
func NewOffsetClock(base Clock) *OffsetClock { return &OffsetClock{base: base} }

// NewFixedClock returns an advanceable clock that stands still at t.
func NewFixedClock(t time.Time) *OffsetClock {
	return NewOffsetClock(ClockFunc(func() time.Time { return t }))
}

// Now returns the base time plus the offset, in UTC.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Now().Add(c.offset).UTC()
}

// Advance moves the clock forward by d (never backward) and returns the new time.
func (c *OffsetClock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, Errorf(EINVALID, "the clock only moves forward")
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now(), nil
}

// AdvanceClock implements AdvanceableClock: it is Advance.
func (c *OffsetClock) AdvanceClock(_ context.Context, d time.Duration) (time.Time, error) {
	return c.Advance(d)
}

// Offset returns how far the clock has been advanced.
func (c *OffsetClock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
