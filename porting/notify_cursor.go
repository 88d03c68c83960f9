package porting

import (
	"context"
	"time"
)

// NotifyCursor is where the fan-out of the event log stands: every event
// up to LastEventID has had its webhook deliveries and emails queued, or
// failed and waits in the NotifyFailures for its retry.
type NotifyCursor struct {
	LastEventID int64
	// LegacyUntil is the last event recorded before the cursor existed
	// (the upgrade that added it): events up to it are fanned out by the
	// notify_event jobs their writes enqueued, never by the cursor.
	LegacyUntil int64
}

// NotifyFailure is an event whose fan-out failed: the cursor moved past it
// so that the log does not wait on it, and it is tried again at RetryAt
// until it succeeds.
type NotifyFailure struct {
	EventID   int64
	Attempts  int
	LastError string
	// FailedAt is the first failure; RetryAt the next attempt.
	FailedAt time.Time
	RetryAt  time.Time
}

// NotifyStore holds the notification cursor over the event log and the
// events whose fan-out failed.
type NotifyStore interface {
	// ClaimNotifyCursor reads the cursor and holds it until the transaction
	// ends. It returns false, without error, when another transaction
	// holds it (PostgreSQL replicas draining at once): only one may
	// advance it at a time, the others skip. Only InTx may claim it.
	ClaimNotifyCursor(ctx context.Context) (*NotifyCursor, bool, error)
	// FindNotifyCursor reads the cursor without holding it.
	FindNotifyCursor(ctx context.Context) (*NotifyCursor, error)
	// AdvanceNotifyCursor moves the cursor, which this transaction
	// claimed, to lastEventID; EINVALID when that is behind it.
	AdvanceNotifyCursor(ctx context.Context, lastEventID int64) error
	// SaveNotifyFailure inserts or replaces the failure of f.EventID.
	SaveNotifyFailure(ctx context.Context, f *NotifyFailure) error
	// FindDueNotifyFailures lists up to limit failures with RetryAt <=
	// now, oldest retry first (then by event).
	FindDueNotifyFailures(ctx context.Context, now time.Time, limit int) ([]*NotifyFailure, error)
	// CountNotifyFailures counts the events whose fan-out waits for a
	// retry: those of one port order, or all of them for "".
	CountNotifyFailures(ctx context.Context, portOrderID string) (int, error)
	// CountNotifyBacklog counts the events recorded after the cursor: not
	// fanned out yet.
	CountNotifyBacklog(ctx context.Context) (int, error)
	// DeleteNotifyFailure forgets a failure (absent is fine).
	DeleteNotifyFailure(ctx context.Context, eventID int64) error
}
