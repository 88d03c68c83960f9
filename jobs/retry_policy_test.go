package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// TestRetryPolicy: each delay lies within 10% of base·2^(attempt−1),
// capped at an hour, and the delays of one attempt differ (jitter).
func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	p := newRetryPolicy(10 * time.Second)
	p.now = func() time.Time { return now }
	tests := []struct {
		attempt int
		nominal time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {40, time.Hour}}
	for _, tt := range tests {
		low, high := tt.nominal*9/10, tt.nominal*11/10
		seen := map[time.Duration]bool{}
		for range 200 {
			got := p.NextRetry(&rivertype.JobRow{Attempt: tt.attempt}).Sub(now)
			if got < low || got > high {
				t.Errorf("attempt %d: retry in %v, want %v to %v", tt.attempt, got, low, high)
			}
			seen[got] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: 200 retries all in %v, want jitter", tt.attempt, tt.nominal)
		}
	}
}

func TestRetryPolicyDefaultBase(t *testing.T) {
	t.Parallel()
	for _, base := range []time.Duration{0, -time.Second} {
		if got := newRetryPolicy(base).base; got != 10*time.Second {
			t.Errorf("newRetryPolicy(%v).base = %v, want 10s", base, got)
		}
	}
}
