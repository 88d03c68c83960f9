package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// jobMetrics counts and times worked jobs by kind and outcome: deadline
// sweeps, webhook deliveries, emails and carrier submissions.
type jobMetrics struct {
	river.MiddlewareDefaults
	worked   *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

var _ rivertype.WorkerMiddleware = (*jobMetrics)(nil)

func newJobMetrics(reg prometheus.Registerer) (*jobMetrics, error) {
	m := &jobMetrics{
		worked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portdesk_jobs_worked_total", Help: "Background jobs worked, by kind and outcome (ok or error; errors are retried).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portdesk_job_duration_seconds", Help: "Time to work one background job, by kind.", Buckets: prometheus.DefBuckets,
		}, []string{"kind"}),
	}
	for _, c := range []prometheus.Collector{m.worked, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Work implements rivertype.WorkerMiddleware. It measures wall time, which
// is what an operator wants to see even when the sandbox clock is moved.
func (m *jobMetrics) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	err := doInner(ctx)
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.worked.WithLabelValues(job.Kind, outcome).Inc()
	m.duration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	return err
}
