package porting

import (
	"context"
	"time"
)

// Operations are the database-wide figures an operator watches and alerts
// on, read together at one instant. Every replica sharing a database reads
// the same figures.
type Operations struct {
	// ReadAt is the clock's time the figures were read at: overdue means
	// due at or before it.
	ReadAt time.Time
	// OrdersByStatus counts the port orders of each active state (terminal
	// states only grow and are not counted).
	OrdersByStatus map[State]int
	// Attention counts the attention flags on orders by code and deadline
	// kind, over at most MaxOperationsFlaggedOrders flagged orders.
	Attention []AttentionCount
	// OverdueDeadlines counts the pending deadlines due at or before
	// ReadAt, up to MaxOperationsOverdue.
	OverdueDeadlines int
	// OldestOverdueDueAt is when the oldest overdue deadline came due; nil
	// when none is overdue.
	OldestOverdueDueAt *time.Time
	// LastSweepAt is when a deadline sweep last completed without error,
	// on the clock of the replica that ran it; nil before the first.
	LastSweepAt *time.Time
	// WebhookDeliveriesRetrying counts deliveries that failed at least one
	// attempt and will be tried again.
	WebhookDeliveriesRetrying int
	// WebhookDeliveriesGivenUp counts deliveries that failed for good in
	// the day before ReadAt.
	WebhookDeliveriesGivenUp int
	// WebhookEndpointsDisabled counts endpoints disabled after failing.
	WebhookEndpointsDisabled int
}

// AttentionCount is how many flags of one code (and, for failed
// deadlines, one deadline kind) the orders carry.
type AttentionCount struct {
	Code         string
	DeadlineKind DeadlineKind
	Flags        int
}

// Bounds of one Operations read: the counts stop there, so a backlog
// cannot make a scrape expensive.
const (
	MaxOperationsOverdue       = 100000
	MaxOperationsFlaggedOrders = 10000
	MaxOperationsRetrying      = 100000
)

// OperationsStore reads the operator's figures and records the sweeps.
type OperationsStore interface {
	// ReadOperations reads the figures with now as the clock's time, with
	// indexed, bounded queries. Errors are EUNAVAILABLE or EINTERNAL.
	ReadOperations(ctx context.Context, now time.Time) (*Operations, error)
	// RecordSweep records that a deadline sweep completed at at; the job
	// runner calls it after each successful sweep.
	RecordSweep(ctx context.Context, at time.Time) error
}
