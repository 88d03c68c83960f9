package jobs

import (
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Bounds of the webhook retry schedule.
const (
	// defaultRetryBase is the first retry delay when none is configured.
	defaultRetryBase = 10 * time.Second
	// maxRetryDelay is where the doubling stops.
	maxRetryDelay = time.Hour
	// retryJitter is the largest fraction of a delay added or removed at
	// random, as River's default policy does, so that deliveries that
	// failed together (an endpoint down) are not retried together.
	retryJitter = 0.1
)

// retryPolicy is the River retry policy of webhook deliveries: the first
// retry base after the failure, each next one twice as late up to an hour,
// every delay moved by up to ±10% at random. River's default policy
// (attempt⁴ seconds) cannot be given a base, so this one keeps the
// configured schedule and takes River's jitter.
type retryPolicy struct {
	base time.Duration
	// now is the clock retries are scheduled on: River compares them with
	// the wall clock, so this is time.Now outside tests.
	now func() time.Time
}

var _ river.ClientRetryPolicy = (*retryPolicy)(nil)

// newRetryPolicy returns the policy for base (defaultRetryBase when ≤ 0).
func newRetryPolicy(base time.Duration) *retryPolicy {
	if base <= 0 {
		base = defaultRetryBase
	}
	return &retryPolicy{base: base, now: time.Now}
}

// NextRetry implements river.ClientRetryPolicy: when the job, whose
// attempt number job.Attempt has just failed, runs again.
func (p *retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := p.delay(job.Attempt)
	d += time.Duration((rand.Float64()*2 - 1) * retryJitter * float64(d))
	return p.now().Add(d)
}

// delay is base·2^(attempt−1), at most an hour, before jitter.
func (p *retryPolicy) delay(attempt int) time.Duration {
	d := p.base
	for i := 1; i < attempt && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}
