package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// carrierCallTimeout bounds one attempt of a carrier call.
const carrierCallTimeout = time.Minute

// call is the workflow's view of a carrier job's attempt.
func call[T river.JobArgs](job *river.Job[T], orderID string) workflow.CarrierCall {
	return workflow.CarrierCall{OrderID: orderID, Attempt: job.Attempt, MaxAttempts: job.MaxAttempts}
}

// submitWorker sends submitted orders (and supplements) to their carrier.
type submitWorker struct {
	river.WorkerDefaults[porting.SubmitToCarrierJob]
	svc   *workflow.Service
	retry *retryPolicy
}

// Work implements river.Worker.
func (w *submitWorker) Work(ctx context.Context, job *river.Job[porting.SubmitToCarrierJob]) error {
	c := call(job, job.Args.PortOrderID)
	c.SendID = job.Args.SendID
	return w.svc.Carriers.SubmitToCarrier(ctx, c)
}

// NextRetry implements river.Worker: a carrier that is down is tried
// again on the retry schedule, not River's slower default.
func (w *submitWorker) NextRetry(job *river.Job[porting.SubmitToCarrierJob]) time.Time {
	return w.retry.NextRetry(job.JobRow)
}

// Timeout bounds one attempt.
func (w *submitWorker) Timeout(*river.Job[porting.SubmitToCarrierJob]) time.Duration {
	return carrierCallTimeout
}

// cancelWorker withdraws cancelled orders from their carrier.
type cancelWorker struct {
	river.WorkerDefaults[porting.CancelAtCarrierJob]
	svc   *workflow.Service
	retry *retryPolicy
}

// Work implements river.Worker.
func (w *cancelWorker) Work(ctx context.Context, job *river.Job[porting.CancelAtCarrierJob]) error {
	return w.svc.Carriers.CancelAtCarrier(ctx, call(job, job.Args.PortOrderID))
}

// NextRetry implements river.Worker.
func (w *cancelWorker) NextRetry(job *river.Job[porting.CancelAtCarrierJob]) time.Time {
	return w.retry.NextRetry(job.JobRow)
}

// Timeout bounds one attempt.
func (w *cancelWorker) Timeout(*river.Job[porting.CancelAtCarrierJob]) time.Duration {
	return carrierCallTimeout
}

// activateWorker asks carriers to activate numbers when the window opens.
type activateWorker struct {
	river.WorkerDefaults[porting.ActivateAtCarrierJob]
	svc   *workflow.Service
	retry *retryPolicy
}

// Work implements river.Worker.
func (w *activateWorker) Work(ctx context.Context, job *river.Job[porting.ActivateAtCarrierJob]) error {
	return w.svc.Carriers.ActivateAtCarrier(ctx, call(job, job.Args.PortOrderID))
}

// NextRetry implements river.Worker.
func (w *activateWorker) NextRetry(job *river.Job[porting.ActivateAtCarrierJob]) time.Time {
	return w.retry.NextRetry(job.JobRow)
}

// Timeout bounds one attempt.
func (w *activateWorker) Timeout(*river.Job[porting.ActivateAtCarrierJob]) time.Duration {
	return carrierCallTimeout
}

// pollArgs is the periodic poll of the carriers (porting.PollCarriersJob as
// River job arguments).
type pollArgs = porting.PollCarriersJob

// pollWorker polls the carriers for answers their callbacks missed.
type pollWorker struct {
	river.WorkerDefaults[porting.PollCarriersJob]
	svc *workflow.Service
}

// Timeout bounds a poll: each order's status call is bounded on its own.
func (w *pollWorker) Timeout(*river.Job[porting.PollCarriersJob]) time.Duration {
	return 15 * time.Minute
}

// Work implements river.Worker. A poll that fails is not retried: the next
// one comes on the interval (answers it could not take flag their orders).
func (w *pollWorker) Work(ctx context.Context, _ *river.Job[porting.PollCarriersJob]) error {
	_, err := w.svc.Carriers.PollCarriers(ctx)
	if err != nil {
		return river.JobCancel(err)
	}
	return nil
}
