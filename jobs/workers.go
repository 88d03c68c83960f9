package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// SweepDeadlinesJob fires the deadlines due on the service's clock.
type SweepDeadlinesJob struct{}

// Kind implements river.JobArgs.
func (SweepDeadlinesJob) Kind() string { return "sweep_deadlines" }

type sweepWorker struct {
	river.WorkerDefaults[SweepDeadlinesJob]
	svc       *workflow.Service
	completed func(context.Context) error
}

// Work implements river.Worker.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepDeadlinesJob]) error {
	if _, err := w.svc.Deadlines.SweepDeadlines(ctx); err != nil || w.completed == nil {
		return err
	}
	return w.completed(ctx)
}

// notifyWorker runs the notify_event jobs queued before the upgrade to
// the notification cursor; the notifyDrainer does the fan-out now.
type notifyWorker struct {
	river.WorkerDefaults[porting.NotifyEventJob]
	svc *workflow.Service
}

// Work implements river.Worker.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[porting.NotifyEventJob]) error {
	return w.svc.Notifications.NotifyEvents(ctx, job.Args.Events())
}

// deliverWorker makes webhook attempts; the workflow decides when to stop,
// River retries on the webhook retry policy until then.
type deliverWorker struct {
	river.WorkerDefaults[porting.DeliverWebhookJob]
	svc   *workflow.Service
	retry *retryPolicy
}

// Work implements river.Worker.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[porting.DeliverWebhookJob]) error {
	return w.svc.Notifications.DeliverWebhook(ctx, job.Args.DeliveryID, job.Attempt)
}

// NextRetry implements river.Worker: the webhook retry policy, for this
// kind only; other jobs keep River's default policy.
func (w *deliverWorker) NextRetry(job *river.Job[porting.DeliverWebhookJob]) time.Time {
	return w.retry.NextRetry(job.JobRow)
}

// Timeout bounds one attempt.
func (w *deliverWorker) Timeout(*river.Job[porting.DeliverWebhookJob]) time.Duration {
	return 30 * time.Second
}

type emailWorker struct {
	river.WorkerDefaults[porting.SendEmailJob]
	svc *workflow.Service
}

// Work implements river.Worker.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[porting.SendEmailJob]) error {
	return w.svc.Notifications.SendEmail(ctx, job.Args)
}

// userEmailWorker sends invitation and password reset emails; the
// workflow records each failure, River retries on the retry schedule.
type userEmailWorker struct {
	river.WorkerDefaults[porting.SendUserEmailJob]
	svc   *workflow.Service
	retry *retryPolicy
}

// Work implements river.Worker.
func (w *userEmailWorker) Work(ctx context.Context, job *river.Job[porting.SendUserEmailJob]) error {
	return w.svc.Users.SendUserEmail(ctx, workflow.UserEmailAttempt{Job: job.Args, Attempt: job.Attempt, MaxAttempts: job.MaxAttempts})
}

// NextRetry implements river.Worker: an SMTP server that is down is tried
// again on the retry schedule, not River's slower default (the link
// expires).
func (w *userEmailWorker) NextRetry(job *river.Job[porting.SendUserEmailJob]) time.Time {
	return w.retry.NextRetry(job.JobRow)
}

// Timeout bounds one attempt.
func (w *userEmailWorker) Timeout(*river.Job[porting.SendUserEmailJob]) time.Duration {
	return time.Minute
}

// PurgeJob deletes expired records (idempotency keys older than a day)
// and the sealed tokens of expired invitations and password resets.
type PurgeJob struct{}

// Kind implements river.JobArgs.
func (PurgeJob) Kind() string { return "purge_expired" }

type purgeWorker struct {
	river.WorkerDefaults[PurgeJob]
	svc *workflow.Service
}

// Work implements river.Worker.
func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeJob]) error {
	if _, err := w.svc.Idempotency.PurgeExpired(ctx); err != nil {
		return err
	}
	_, err := w.svc.Users.PurgeExpiredTokens(ctx)
	return err
}

// testCallsWorker places an order's test calls once the carrier confirmed
// the port.
type testCallsWorker struct {
	river.WorkerDefaults[porting.TestCallsJob]
	svc *workflow.Service
}

// Work implements river.Worker.
func (w *testCallsWorker) Work(ctx context.Context, job *river.Job[porting.TestCallsJob]) error {
	return w.svc.PortDay.TestCallsAfterPort(ctx, job.Args.PortOrderID)
}

// Timeout bounds a run: each call is bounded by the caller's own timeout.
func (w *testCallsWorker) Timeout(*river.Job[porting.TestCallsJob]) time.Duration {
	return 5 * time.Minute
}
