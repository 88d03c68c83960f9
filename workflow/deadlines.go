package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// Deadlines plans each order's deadlines (deadline_plan.go) and fires the due ones (the sweeper).
type Deadlines struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	events   *Events
	loa      *LOA
	orders   *Orders
	requests *Requests
	portDay  *PortDay
	// instances answers whether an order's instance can hold its numbers.
	instances *Instances
}

// sweepBatch is how many due deadlines one sweep transaction claims and
// fires. Larger batches cost fewer statements and commits per deadline; on
// PostgreSQL a batch holds its orders' row locks (and the events lock)
// until it commits, so it stays small enough to commit in well under a
// second.
const sweepBatch = 100

// SweepDeadlines fires every deadline due on the clock, oldest first, and
// exactly once. Each batch is one transaction: ClaimDueDeadlines marks up
// to sweepBatch due deadlines fired in one statement (on PostgreSQL
// skipping rows another sweeper holds), then each deadline's effect runs
// under its own savepoint in the same transaction. The fired state and its
// effect thus commit together: a process that dies mid-batch leaves every
// deadline of the batch pending for the next sweep, and none fires twice.
// Firing can make other deadlines due (loading numbers plans the port), so
// it loops until none is left. It returns how many it fired.
func (s *Deadlines) SweepDeadlines(ctx context.Context) (int, error) {
	fired := 0
	for {
		var (
			claimed, done int
			errs          []error
		)
		err := s.store.InTx(ctx, func(tx porting.Tx) error {
			claimed, done, errs = 0, 0, nil
			due, err := tx.ClaimDueDeadlines(ctx, s.clock.Now(), sweepBatch)
			if err != nil {
				return err
			}
			claimed = len(due)
			// An internal error on one deadline (an unreadable row) must not
			// hold up the others: it goes back to pending, and the errors are
			// reported so the job is retried and the operator sees them.
			for _, d := range due {
				ok, err := s.fireClaimed(ctx, tx, d)
				if err != nil {
					errs = append(errs, fmt.Errorf("workflow: fire deadline %d (%s): %w", d.ID, d.Kind, err))
				}
				if ok {
					done++
				}
			}
			return nil
		})
		if err != nil {
			return fired, err
		}
		fired += done
		if claimed == 0 || done == 0 || len(errs) > 0 {
			return fired, errors.Join(errs...) // nothing left this sweep can do
		}
	}
}

// fireClaimed applies a deadline claimed in tx and reports whether it
// stays fired. A rule that refuses (the order moved on, no instance to
// load into) does not block the queue: the deadline stays fired and the
// failure is recorded for the team. An internal error (or a failure to
// record the refusal) puts it back to pending for the next sweep and is
// returned. Each step runs under a savepoint, so a failed one leaves tx as
// it was before it.
func (s *Deadlines) fireClaimed(ctx context.Context, tx porting.Tx, d *porting.Deadline) (bool, error) {
	var cause error
	// A conflict can be a concurrent write to the order (a customer message
	// saving it at the same moment) rather than a refusal: try again on a
	// fresh read before calling it a refusal. Refusals repeat the same way.
	for attempt := 0; attempt < 3; attempt++ {
		cause = tx.Savepoint(ctx, func() error {
			if err := s.applyDeadline(ctx, tx, d); err != nil {
				return err
			}
			return s.settleDeadline(ctx, tx, d)
		})
		if porting.ErrorCode(cause) != porting.ECONFLICT {
			break
		}
	}
	if cause == nil {
		return true, nil
	}
	code := porting.ErrorCode(cause)
	if code != porting.EINTERNAL && code != porting.EUNAVAILABLE {
		cause := cause
		err := tx.Savepoint(ctx, func() error {
			if err := s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventDeadlineFailed,
				porting.Event{AccountID: d.AccountID, PortOrderID: d.PortOrderID}, nil,
				map[string]any{"deadline_id": d.ID, "kind": d.Kind, "due_at": d.DueAt, "error": porting.ErrorMessage(cause)}); err != nil {
				return err
			}
			return s.raiseAttention(ctx, tx, d, cause)
		})
		if err == nil {
			return true, nil
		}
		cause = err
	}
	// The deadline goes back to pending and every sweep tries it again;
	// one that keeps failing past stuckAfter is also flagged for a person.
	if err := tx.Savepoint(ctx, func() error { return tx.UnclaimDeadline(ctx, d.ID) }); err != nil {
		return false, fmt.Errorf("%w; and it could not be put back to pending: %w", cause, err)
	}
	s.flagStuck(ctx, tx, d, cause)
	return false, cause
}

// stuckAfter is how long past its due time a deadline may keep failing on
// internal errors (a lost connection, an unreadable row) before a person is
// told; shorter outages heal by themselves on the next sweeps.
const stuckAfter = time.Hour

// flagStuck raises an attention flag for a deadline that keeps failing on
// an internal error, once (while no flag of its kind is up). It is best
// effort, under its own savepoint: when the database itself is down, the
// job's error and log are what is left, and the next sweep tries again.
func (s *Deadlines) flagStuck(ctx context.Context, tx porting.Tx, d *porting.Deadline, cause error) {
	if s.clock.Now().Sub(d.DueAt) < stuckAfter {
		return
	}
	_ = tx.Savepoint(ctx, func() error {
		o, err := tx.FindPortOrder(ctx, d.PortOrderID)
		if err != nil || slices.ContainsFunc(o.Attention, func(a porting.Attention) bool { return a.DeadlineKind == d.Kind }) {
			return err
		}
		return s.raiseAttention(ctx, tx, d, fmt.Errorf("it keeps failing: %w", cause))
	})
}

// raiseAttention flags the order of a deadline that could not do its work,
// so that it is never silent: the flag shows on the order and in staff
// lists, the attention_raised event reaches webhooks and the team's
// mailbox, and the customer is told when the cause is theirs to fix. The
// work is tried again when someone changes the order (see settleAttention).
// A deadline of a kind that no longer applies to the order (it moved on)
// raises nothing.
func (s *Deadlines) raiseAttention(ctx context.Context, tx porting.Tx, d *porting.Deadline, cause error) error {
	sys := porting.SystemPrincipal
	o, err := tx.FindPortOrder(ctx, d.PortOrderID)
	if err != nil || !s.deadlineApplies(o, d.Kind) {
		return err
	}
	now := s.clock.Now()
	a := porting.Attention{Code: porting.AttentionDeadlineFailed, DeadlineKind: d.Kind, Since: now,
		Message: fmt.Sprintf("The %s deadline due %s could not do its work: %s", d.Kind, d.DueAt.UTC().Format(time.RFC3339), porting.ErrorMessage(cause))}
	before := o.Clone()
	if i := slices.IndexFunc(o.Attention, func(x porting.Attention) bool { return x.DeadlineKind == d.Kind }); i >= 0 {
		a.Since = o.Attention[i].Since
		o.Attention[i] = a
	} else {
		o.Attention = append(o.Attention, a)
	}
	if err := s.orders.saveOrder(ctx, tx, sys, before, o, porting.EventOrderUpdated); err != nil {
		return err
	}
	if err := s.events.record(ctx, tx, sys, porting.EventAttentionRaised, orderEvent(o), nil, a); err != nil {
		return err
	}
	if o.InstanceID == "" && (d.Kind == porting.DeadlineLoadNumbers || d.Kind == porting.DeadlinePortWindowOpens) {
		return s.requests.notifyCustomer(ctx, tx, sys, o, messages.ThreadLoadFailed, messages.Data{FOCAt: o.FOCAt})
	}
	if d.Kind == porting.DeadlineQuotaRequestsDue {
		return s.tellQuotaShortfall(ctx, tx, o)
	}
	return nil
}

// settleDeadline clears the attention flag of a deadline kind once a
// deadline of that kind has done its work.
func (s *Deadlines) settleDeadline(ctx context.Context, tx orderTx, d *porting.Deadline) error {
	o, err := tx.FindPortOrder(ctx, d.PortOrderID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(o.Attention, func(x porting.Attention) bool { return x.DeadlineKind == d.Kind })
	if i < 0 {
		return nil
	}
	before := o.Clone()
	o.Attention = slices.Delete(o.Attention, i, i+1)
	return s.orders.saveOrder(ctx, tx, porting.SystemPrincipal, before, o, porting.EventOrderUpdated)
}

// settleAttention runs on every save of an order: a flag whose deadline
// kind no longer applies is resolved (the order moved past it), and when a
// person changes the order each open flag gets a retry time, now: the
// change may have fixed the cause (an instance chosen), and planDeadlines
// turns the retry time into a deadline the sweeper fires.
func (s *Deadlines) settleAttention(p porting.Principal, o *porting.PortOrder) {
	if len(o.Attention) == 0 {
		return
	}
	kept := make([]porting.Attention, 0, len(o.Attention))
	for _, a := range o.Attention {
		if a.DeadlineKind != "" && !s.deadlineApplies(o, a.DeadlineKind) {
			continue
		}
		if a.RetryAt == nil && p.Role != porting.RoleSystem {
			now := s.clock.Now()
			a.RetryAt = &now
		}
		kept = append(kept, a)
	}
	o.Attention = kept
}

// applyDeadline does what a fired deadline means for its order.
func (s *Deadlines) applyDeadline(ctx context.Context, tx porting.Tx, d *porting.Deadline) error {
	sys := porting.SystemPrincipal
	o, err := tx.FindPortOrder(ctx, d.PortOrderID)
	if err != nil {
		return err
	}
	ev := orderEvent(o)
	switch d.Kind {
	case porting.DeadlineRespondReminder:
		if o.RespondBy == nil || o.WaitingOn() != porting.PartyCustomer || !o.RespondBy.After(s.clock.Now()) {
			// No reminder once the answer date has passed (a sweep after
			// downtime): the silence policy speaks then.
			return porting.Errorf(porting.ECONFLICT, "order %s no longer waits on the customer before its answer date", o.ID)
		}
		if err := s.events.record(ctx, tx, sys, porting.EventRespondReminder, ev, nil,
			map[string]any{"deadline_id": d.ID, "respond_by": o.RespondBy, "status": o.Status}); err != nil {
			return err
		}
		return s.requests.notifyCustomer(ctx, tx, sys, o, messages.ThreadRespondReminder,
			messages.Data{Status: o.Status, RespondBy: o.RespondBy, Policy: string(s.settings.silencePolicy())})
	case porting.DeadlineRespondBy:
		if o.RespondBy == nil || o.RespondBy.After(s.clock.Now()) {
			return porting.Errorf(porting.ECONFLICT, "order %s has a later respond-by date", o.ID)
		}
		return s.applySilence(ctx, tx, o)
	case porting.DeadlineLOAExpiry:
		if o.LOA == nil || o.LOA.SignedOn == nil {
			return porting.Errorf(porting.ECONFLICT, "order %s has no signed LOA date", o.ID)
		}
		return s.expireLOA(ctx, tx, o)
	case porting.DeadlineQuotaRequestsDue:
		if o.FOCAt == nil {
			return porting.Errorf(porting.ECONFLICT, "order %s has no FOC", o.ID)
		}
		return s.checkQuotas(ctx, tx, o)
	case porting.DeadlineLoadNumbers:
		_, err := s.orders.act(ctx, tx, sys, o, porting.ActionLoadNumbers, ActionInput{})
		return err
	case porting.DeadlinePortWindowOpens:
		_, err := s.orders.act(ctx, tx, sys, o, porting.ActionStartPort, ActionInput{})
		return err
	case porting.DeadlineChecklistReminder:
		if o.FOCAt == nil {
			return porting.Errorf(porting.ECONFLICT, "order %s has no FOC", o.ID)
		}
		return s.portDay.remindChecklist(ctx, tx, o)
	}
	return porting.Errorf(porting.EINVALID, "unknown deadline kind %s", d.Kind)
}

// applySilence applies the silence policy to an order whose customer has
// not answered by respond_by.
func (s *Deadlines) applySilence(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	sys := porting.SystemPrincipal
	if o.Status == porting.StateAwaitingVerification {
		return s.completeUnverified(ctx, tx, o)
	}
	policy := s.settings.silencePolicy()
	if err := s.events.record(ctx, tx, sys, porting.EventRespondByPassed, orderEvent(o), nil,
		map[string]any{"policy": policy, "respond_by": o.RespondBy, "status": o.Status}); err != nil {
		return err
	}
	if err := s.requests.notifyCustomer(ctx, tx, sys, o, messages.ThreadRespondByPassed,
		messages.Data{Days: s.settings.respondWithinDays(), Policy: string(policy)}); err != nil {
		return err
	}
	if policy == SilenceHold {
		return nil
	}
	cancelled, err := s.orders.act(ctx, tx, sys, o, porting.ActionCancel, ActionInput{Reason: "no answer from the customer by the respond-by date"})
	if err != nil || policy != SilenceRestart {
		return err
	}
	_, err = s.orders.restart(ctx, tx, sys, cancelled)
	return err
}

// expireLOA sends an order whose signed LOA is too old back for a new one.
func (s *Deadlines) expireLOA(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	sys := porting.SystemPrincipal
	if err := s.events.record(ctx, tx, sys, porting.EventLOAExpired, orderEvent(o), nil, map[string]any{"signed_on": o.LOA.SignedOn, "status": o.Status}); err != nil {
		return err
	}
	if err := s.requests.notifyCustomer(ctx, tx, sys, o, messages.ThreadLOAExpired, messages.Data{Days: s.settings.loaMaxAgeDays()}); err != nil {
		return err
	}
	if o.Status != porting.StateLOAReview {
		return nil
	}
	before := o.Clone()
	o.Status, o.StatusReason = porting.StateAwaitingLOA, "the signed LOA expired"
	s.orders.setRespondBy(o)
	return s.orders.saveOrder(ctx, tx, sys, before, o, porting.EventOrderStatusChanged)
}

// checkQuotas is the quota deadline (FOC − quota lead days): when the
// order's instance still cannot hold its numbers, it refuses with the
// shortfall, so fireDeadline raises an attention flag and raiseAttention
// tells the customer; when the quotas are in place it records that, and
// the customer's thread stays quiet. Without an instance it reminds the
// customer to request what the port needs.
func (s *Deadlines) checkQuotas(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	sf, err := s.instances.QuotaShortfall(ctx, tx, o)
	if err != nil {
		return err
	}
	if sf != nil {
		return &porting.Error{Code: porting.EINVALID, Field: "instance_id",
			Message: fmt.Sprintf("instance %s has a phone_numbers quota of %d and needs %d for this order's numbers", sf.InstanceID, sf.Have, sf.Need)}
	}
	sys := porting.SystemPrincipal
	data := map[string]any{"foc_at": o.FOCAt, "numbers": o.HeldCount()}
	if o.InstanceID != "" {
		inst, err := tx.FindInstance(ctx, o.InstanceID)
		if err != nil {
			return err
		}
		need, err := tx.CountInstanceNumbers(ctx, o.InstanceID, o.ID)
		if err != nil {
			return err
		}
		data["quotas_in_place"] = true
		data["phone_number_quota"], data["phone_numbers_needed"] = inst.Quotas.PhoneNumbers, need
	}
	if err := s.events.record(ctx, tx, sys, porting.EventQuotaRequestsDue, orderEvent(o), nil, data); err != nil {
		return err
	}
	if o.InstanceID != "" {
		return nil // the quotas are in place: nothing to ask of the customer
	}
	// Without an instance nothing can be checked: remind the customer.
	return s.requests.notifyCustomer(ctx, tx, sys, o, messages.ThreadQuotaRequestsDue, messages.Data{FOCAt: o.FOCAt})
}

// tellQuotaShortfall tells the customer that the order's instance cannot
// hold its numbers and what to request, when that is why the quota
// deadline failed.
func (s *Deadlines) tellQuotaShortfall(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	sf, err := s.instances.QuotaShortfall(ctx, tx, o)
	if err != nil || sf == nil {
		return err
	}
	note := messages.Data{FOCAt: o.FOCAt, PhoneNumberQuota: sf.Have, PhoneNumbersNeeded: sf.Need}
	return s.requests.notifyCustomer(ctx, tx, porting.SystemPrincipal, o, messages.ThreadQuotaRequestsDue, note)
}

// completeUnverified completes a ported order the customer did not verify
// in the days given, with a note saying so.
func (s *Deadlines) completeUnverified(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	days := s.settings.verifyWithinDays()
	if _, err := s.orders.act(ctx, tx, porting.SystemPrincipal, o, porting.ActionVerify,
		ActionInput{Reason: fmt.Sprintf("completed without the customer's verification: no problem reported within %d days", days)}); err != nil {
		return err
	}
	return s.requests.notifyCustomer(ctx, tx, porting.SystemPrincipal, o, messages.ThreadVerifiedBySilence, messages.Data{Days: days})
}
