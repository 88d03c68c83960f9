package workflow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Bounds of a drain of the event log.
const (
	// drainBatch is how many events one drain transaction fans out.
	drainBatch = 500
	// retryBatch is how many failed events one drain tries again.
	retryBatch = 20
	// maxFailureText bounds the error kept with a failed event.
	maxFailureText = 500
)

// The retry schedule of an event whose fan-out failed: the first retry a
// minute after the failure, each next one twice as late, at most
// notifyRetryMax apart, so an event is tried again at most that long after
// its cause is fixed.
const (
	notifyRetryFirst = time.Minute
	notifyRetryMax   = 30 * time.Minute
)

// AttentionNotificationFailed is the code of the Attention raised on an
// order when an event of it could not be fanned out to webhooks and email.
// It clears once every such event of the order went out.
const AttentionNotificationFailed = "notification_failed"

// DrainResult says what a Drain did.
type DrainResult struct {
	// Events counts the events the cursor moved past.
	Events int
	// Failed lists the events whose fan-out failed (new failures and
	// failed retries); each waits for its next retry.
	Failed []FailedNotification
	// Retried counts failed events that went out on a retry.
	Retried int
	// Busy is set when another drainer held the cursor, so this one
	// stopped without error.
	Busy bool
}

// FailedNotification is an event whose fan-out failed.
type FailedNotification struct {
	EventID   int64
	EventType string
	Attempts  int
	Err       error
}

func (r *DrainResult) add(o DrainResult) {
	r.Events += o.Events
	r.Failed = append(r.Failed, o.Failed...)
	r.Retried += o.Retried
	r.Busy = r.Busy || o.Busy
}

// Drain fans out the events recorded after the notification cursor, one
// batch per transaction, until it is caught up or another drainer holds
// the cursor (Busy). Each transaction claims the cursor, queues the
// batch's deliveries and emails, moves the cursor past the batch and
// commits, so an event is fanned out once whatever fails: a transaction
// that does not commit leaves its batch to the next drain. Writes wake
// the drainer after they commit; a periodic Drain makes up for lost
// wake-ups.
//
// An event whose fan-out fails does not hold the log up: the cursor moves
// past it, it is kept as a NotifyFailure, its order gets an attention flag
// (which reaches the team like any other), and the first drain of a call
// tries the due failures again on the retry schedule until they succeed.
func (s *Notifications) Drain(ctx context.Context) (DrainResult, error) {
	var total DrainResult
	for first := true; ; first = false {
		r, more, err := s.drainOnce(ctx, first)
		total.add(r)
		if err != nil || r.Busy || !more {
			return total, err
		}
	}
}

// drainOnce fans out one batch after the cursor, and first tries the due
// failures again when retry is set. more reports that events may remain.
//
// Most events go nowhere, so the batch is decided on the read pool first
// (as NotifyEvents does); the write transaction claims the cursor, checks
// that it has not moved since, and decides again on its own reads only
// for the events that have something to queue.
func (s *Notifications) drainOnce(ctx context.Context, retry bool) (res DrainResult, more bool, err error) {
	var (
		from   int64
		events []*porting.Event
		needed []int64
		due    bool
	)
	err = s.store.View(ctx, func(tx porting.Tx) error {
		c, err := tx.FindNotifyCursor(ctx)
		if err != nil {
			return err
		}
		from, needed = c.LastEventID, needed[:0]
		if events, err = tx.FindEvents(ctx, porting.EventFilter{After: from, Limit: drainBatch}); err != nil {
			return err
		}
		if retry {
			fs, err := tx.FindDueNotifyFailures(ctx, s.clock.Now(), 1)
			if err != nil {
				return err
			}
			due = len(fs) > 0
		}
		batch := &eventBatch{events: map[int64]*porting.Event{}, endpoints: map[string][]*porting.WebhookEndpoint{}}
		for _, e := range events {
			batch.events[e.ID] = e
			// A decision that fails here (and, on PostgreSQL, every one
			// after it in this transaction) is made again in the write
			// transaction, which keeps the failure if it fails again.
			if ok, err := s.fanOut(ctx, tx, batch, e.ID, false); ok || err != nil {
				needed = append(needed, e.ID)
			}
		}
		return nil
	})
	if err != nil || (len(events) == 0 && !due) {
		return res, false, err
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		res = DrainResult{}
		c, ok, err := tx.ClaimNotifyCursor(ctx)
		if err != nil || !ok {
			res.Busy = !ok
			return err
		}
		if c.LastEventID != from {
			more = true // another drainer moved it: read again
			return nil
		}
		if due {
			if err := s.retryFailures(ctx, tx, &res); err != nil {
				return err
			}
		}
		if len(events) == 0 {
			more = len(res.Failed) > 0 || res.Retried > 0
			return nil
		}
		if err := s.fanOutBatch(ctx, tx, events, needed, &res); err != nil {
			return err
		}
		if err := tx.AdvanceNotifyCursor(ctx, events[len(events)-1].ID); err != nil {
			return err
		}
		res.Events = len(events)
		// A full batch may have more behind it, and flagging or
		// unflagging an order records events of its own.
		more = len(events) == drainBatch || len(res.Failed) > 0 || res.Retried > 0
		return nil
	})
	if err != nil {
		return DrainResult{}, false, fmt.Errorf("workflow: drain notifications after event %d: %w", from, err)
	}
	return res, more, nil
}

// fanOutBatch queues the deliveries and emails of the needed events of a
// batch, each under a savepoint: one that fails is kept as a failure and
// the others go on.
func (s *Notifications) fanOutBatch(ctx context.Context, tx porting.Tx, events []*porting.Event, needed []int64, res *DrainResult) error {
	if len(needed) == 0 {
		return nil
	}
	batch := &eventBatch{events: map[int64]*porting.Event{}, endpoints: map[string][]*porting.WebhookEndpoint{}}
	for _, e := range events {
		if slices.Contains(needed, e.ID) {
			batch.events[e.ID] = e // the log is append-only: the view's read stands
		}
	}
	for _, id := range needed {
		cause := tx.Savepoint(ctx, func() error {
			_, err := s.fanOut(ctx, tx, batch, id, true)
			return err
		})
		if cause == nil {
			continue
		}
		if err := s.keepFailure(ctx, tx, batch.events[id], nil, cause, res); err != nil {
			return err
		}
	}
	return nil
}

// retryFailures fans out again the failed events whose retry is due.
func (s *Notifications) retryFailures(ctx context.Context, tx porting.Tx, res *DrainResult) error {
	fs, err := tx.FindDueNotifyFailures(ctx, s.clock.Now(), retryBatch)
	if err != nil {
		return err
	}
	for _, f := range fs {
		e, err := tx.FindEvent(ctx, f.EventID)
		if err != nil {
			return err
		}
		batch := &eventBatch{events: map[int64]*porting.Event{e.ID: e}, endpoints: map[string][]*porting.WebhookEndpoint{}}
		cause := tx.Savepoint(ctx, func() error {
			if _, err := s.fanOut(ctx, tx, batch, e.ID, true); err != nil {
				return err
			}
			if err := tx.DeleteNotifyFailure(ctx, e.ID); err != nil {
				return err
			}
			return s.settleNotificationFlag(ctx, tx, e)
		})
		if cause == nil {
			res.Retried++
			continue
		}
		if err := s.keepFailure(ctx, tx, e, f, cause, res); err != nil {
			return err
		}
	}
	return nil
}

// keepFailure records that e's fan-out failed with cause (after the
// failure prev, or for the first time) and schedules its retry, and flags
// its order, so that a person sees it. The flag is best effort under its
// own savepoint (the order may be saved concurrently): the failure row
// stands, and the next failed retry raises the flag again.
func (s *Notifications) keepFailure(ctx context.Context, tx porting.Tx, e *porting.Event, prev *porting.NotifyFailure, cause error, res *DrainResult) error {
	now := s.clock.Now()
	f := &porting.NotifyFailure{EventID: e.ID, Attempts: 1, FailedAt: now}
	if prev != nil {
		f.Attempts, f.FailedAt = prev.Attempts+1, prev.FailedAt
	}
	f.RetryAt = now.Add(notifyRetryDelay(f.Attempts))
	f.LastError = cause.Error()
	if len(f.LastError) > maxFailureText {
		f.LastError = f.LastError[:maxFailureText]
	}
	if err := tx.SaveNotifyFailure(ctx, f); err != nil {
		return fmt.Errorf("%w (after event %d's fan-out failed: %w)", err, e.ID, cause)
	}
	res.Failed = append(res.Failed, FailedNotification{EventID: e.ID, EventType: e.Type, Attempts: f.Attempts, Err: cause})
	if e.PortOrderID != "" {
		_ = tx.Savepoint(ctx, func() error { return s.raiseNotificationFlag(ctx, tx, e, f, cause) })
	}
	return nil
}

// notifyRetryDelay is the wait after the attempts-th failure.
func notifyRetryDelay(attempts int) time.Duration {
	d := notifyRetryFirst
	for i := 1; i < attempts && d < notifyRetryMax; i++ {
		d *= 2
	}
	return min(d, notifyRetryMax)
}

// raiseNotificationFlag flags e's order, unless it is flagged already:
// the attention_raised event reaches the team's mailbox and webhooks.
func (s *Notifications) raiseNotificationFlag(ctx context.Context, tx porting.Tx, e *porting.Event, f *porting.NotifyFailure, cause error) error {
	o, err := tx.FindPortOrder(ctx, e.PortOrderID)
	if err != nil || slices.ContainsFunc(o.Attention, isNotificationFlag) {
		return err
	}
	before := o.Clone()
	a := porting.Attention{Code: AttentionNotificationFailed, Since: f.FailedAt,
		Message: fmt.Sprintf("The webhooks and emails of event %d (%s) could not be queued: %s; they are tried again from %s",
			e.ID, e.Type, porting.ErrorMessage(cause), f.RetryAt.UTC().Format(time.RFC3339))}
	o.Attention = append(o.Attention, a)
	if err := s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated); err != nil {
		return err
	}
	return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventAttentionRaised, orderEvent(o), nil, a)
}

// settleNotificationFlag clears the flag of e's order once none of the
// order's events waits for a retry any more.
func (s *Notifications) settleNotificationFlag(ctx context.Context, tx porting.Tx, e *porting.Event) error {
	if e.PortOrderID == "" {
		return nil
	}
	n, err := tx.CountNotifyFailures(ctx, e.PortOrderID)
	if err != nil || n > 0 {
		return err
	}
	o, err := tx.FindPortOrder(ctx, e.PortOrderID)
	if err != nil || !slices.ContainsFunc(o.Attention, isNotificationFlag) {
		return err
	}
	before := o.Clone()
	o.Attention = slices.DeleteFunc(o.Attention, isNotificationFlag)
	return s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated)
}

func isNotificationFlag(a porting.Attention) bool { return a.Code == AttentionNotificationFailed }

// NotifyStatus is how far notifications are behind the event log.
type NotifyStatus struct {
	// Backlog counts the events not fanned out yet.
	Backlog int
	// Failed counts the events whose fan-out failed and waits for a retry.
	Failed int
}

// Status reads how far notifications are behind, for metrics.
func (s *Notifications) Status(ctx context.Context) (NotifyStatus, error) {
	var st NotifyStatus
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if st.Backlog, err = tx.CountNotifyBacklog(ctx); err != nil {
			return err
		}
		st.Failed, err = tx.CountNotifyFailures(ctx, "")
		return err
	})
	return st, err
}
