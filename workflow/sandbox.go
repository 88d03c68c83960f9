package workflow

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Sandbox seeds the demo data of serve --sandbox and advances its clock.
type Sandbox struct {
	store     porting.Store
	clock     porting.Clock
	offset    porting.AdvanceableClock
	deadlines *Deadlines
	events    *Events
}

// SandboxClock is the state of the sandbox clock.
type SandboxClock struct {
	Now    time.Time
	Offset time.Duration
	// Fired is how many deadlines the advance fired.
	Fired int
}

// ParseAdvance reads a clock advance such as "72h", "90m", "3d" or "3d1h".
func ParseAdvance(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := porting.FieldErrorf("advance", "advance %q is not a duration such as 72h, 90m, 3d or 3d12h", s)
	var total time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, bad
		}
		total, s = time.Duration(n)*24*time.Hour, rest
	}
	if s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return 0, bad
		}
		total += d
	}
	return total, nil
}

// AdvanceClock moves the sandbox clock forward. Admins only; outside the
// sandbox the clock does not exist (ENOTFOUND).
func (s *Sandbox) AdvanceClock(ctx context.Context, p porting.Principal, d time.Duration) (*SandboxClock, error) {
	if s.offset == nil {
		return nil, porting.Errorf(porting.ENOTFOUND, "the clock can only be moved in the sandbox (serve --sandbox)")
	}
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	if err := porting.CheckClockTime("advance", s.offset.Now().Add(d)); err != nil {
		return nil, err
	}
	now, err := s.offset.AdvanceClock(ctx, d)
	if err != nil {
		return nil, err
	}
	// Fire what came due right away, in order, so a rehearsal is
	// deterministic instead of waiting for the periodic sweeper.
	fired, err := s.deadlines.SweepDeadlines(ctx)
	if err != nil {
		return nil, err
	}
	return &SandboxClock{Now: now, Offset: s.offset.Offset(), Fired: fired}, nil
}

// ReadClock returns the sandbox clock (ENOTFOUND outside the sandbox).
func (s *Sandbox) ReadClock(ctx context.Context, p porting.Principal) (*SandboxClock, error) {
	if s.offset == nil {
		return nil, porting.Errorf(porting.ENOTFOUND, "the clock can only be read in the sandbox (serve --sandbox)")
	}
	return &SandboxClock{Now: s.offset.Now(), Offset: s.offset.Offset()}, nil
}
