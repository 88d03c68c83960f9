package workflow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// Notifications turns events into webhook deliveries and emails and makes their attempts.
type Notifications struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	notifier porting.Notifier
	events   *Events
	orders   *Orders
}

// messageID is the webhook-id of an event: the same for every endpoint and
// every attempt, so receivers can drop duplicates.
func messageID(eventID int64) string { return fmt.Sprintf("evt_%d", eventID) }

// deliveryID names the one delivery of an event to an endpoint.
func deliveryID(endpointID string, eventID int64) string {
	return fmt.Sprintf("dlv_%s_%d", endpointID, eventID)
}

// NotifyEvents runs a notify_event job of an earlier version, which
// enqueued one per event (merged per group commit): it fans out those of
// its events that were recorded before the notification cursor existed
// (NotifyCursor.LegacyUntil). Later ones are the cursor's (see Drain), so
// jobs queued across an upgrade neither lose nor double a notification.
// Fanning out an event queues a delivery per subscribed webhook endpoint,
// and an email when the event concerns the customer and they chose email.
//
// Most events go nowhere (no endpoint wants them, nobody is mailed), so it
// first decides on the read pool, in one read transaction for the batch,
// and takes one write transaction, which on SQLite queues behind every
// other write, only for the events that have something to queue; that
// transaction decides again on its own reads, so a change in between (a
// new endpoint) is not missed. The batch fails or commits whole: a retry
// never queues an event's deliveries twice.
func (s *Notifications) NotifyEvents(ctx context.Context, eventIDs []int64) error {
	var needed []int64
	err := s.store.View(ctx, func(tx porting.Tx) error {
		needed = needed[:0]
		c, err := tx.FindNotifyCursor(ctx)
		if err != nil {
			return err
		}
		eventIDs = slices.DeleteFunc(slices.Clone(eventIDs), func(id int64) bool { return id > c.LegacyUntil })
		if len(eventIDs) == 0 {
			return nil
		}
		batch, err := readEventBatch(ctx, tx, eventIDs)
		if err != nil {
			return err
		}
		for _, id := range eventIDs {
			ok, err := s.fanOut(ctx, tx, batch, id, false)
			if err != nil {
				return err
			}
			if ok {
				needed = append(needed, id)
			}
		}
		return nil
	})
	if err != nil || len(needed) == 0 {
		return err
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		batch, err := readEventBatch(ctx, tx, needed)
		if err != nil {
			return err
		}
		for _, id := range needed {
			if _, err := s.fanOut(ctx, tx, batch, id, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// maxEventSpan is the widest range of event IDs readEventBatch reads with
// one query; a batch spread wider is read event by event.
const maxEventSpan = 1000

// eventBatch holds a batch's events and their accounts' endpoints, each
// read once.
type eventBatch struct {
	events    map[int64]*porting.Event
	endpoints map[string][]*porting.WebhookEndpoint
}

// readEventBatch reads the events of ids: a group commit's events have
// consecutive IDs, so one range query usually reads them all.
func readEventBatch(ctx context.Context, tx porting.Tx, ids []int64) (*eventBatch, error) {
	b := &eventBatch{events: map[int64]*porting.Event{}, endpoints: map[string][]*porting.WebhookEndpoint{}}
	if len(ids) > 1 {
		lo, hi := slices.Min(ids), slices.Max(ids)
		if hi-lo < maxEventSpan {
			evs, err := tx.FindEvents(ctx, porting.EventFilter{After: lo - 1, Limit: int(hi - lo + 1)})
			if err != nil {
				return nil, err
			}
			for _, e := range evs {
				b.events[e.ID] = e
			}
		}
	}
	for _, id := range ids {
		if b.events[id] != nil {
			continue
		}
		e, err := tx.FindEvent(ctx, id)
		if err != nil {
			return nil, err
		}
		b.events[id] = e
	}
	return b, nil
}

// endpointsOf returns the endpoints that may receive an event of the
// account, read once per batch.
func (b *eventBatch) endpointsOf(ctx context.Context, tx porting.Tx, accountID string) ([]*porting.WebhookEndpoint, error) {
	if eps, ok := b.endpoints[accountID]; ok {
		return eps, nil
	}
	eps, err := tx.FindEventEndpoints(ctx, accountID)
	if err == nil {
		b.endpoints[accountID] = eps
	}
	return eps, err
}

// fanOut queues an event's deliveries and emails when queue is set, and
// reports whether there is any to queue.
func (s *Notifications) fanOut(ctx context.Context, tx porting.Tx, batch *eventBatch, eventID int64, queue bool) (bool, error) {
	e := batch.events[eventID]
	eps, err := batch.endpointsOf(ctx, tx, e.AccountID)
	if err != nil {
		return false, err
	}
	found := false
	for _, w := range eps {
		if !w.Wants(e.Type) {
			continue
		}
		found = true
		if !queue {
			return true, nil
		}
		if err := s.queueDelivery(ctx, tx, w, e, false); err != nil {
			return false, err
		}
	}
	var jq porting.JobQueue = tx
	if !queue {
		jq = &countingQueue{}
	}
	if err := s.queueEmail(ctx, struct {
		porting.RequestStore
		porting.JobQueue
	}{tx, jq}, e); err != nil {
		return false, err
	}
	if c, ok := jq.(*countingQueue); ok && c.n > 0 {
		found = true
	}
	return found, nil
}

// countingQueue counts the jobs it is given instead of enqueuing them: a
// dry run of queueEmail in a read transaction.
type countingQueue struct{ n int }

func (q *countingQueue) Enqueue(context.Context, porting.Job) error { q.n++; return nil }

// queueDelivery creates (or, for a replay, resets) the delivery of e to w
// and enqueues its first attempt. Outside a replay a delivery that exists
// is left alone: the notify job that made it committed and then ran again
// (its replica died before River recorded the job done), and queuing it
// again would send a delivered event twice.
func (s *Notifications) queueDelivery(ctx context.Context, tx interface {
	porting.WebhookStore
	porting.JobQueue
}, w *porting.WebhookEndpoint, e *porting.Event, replay bool) error {
	now := s.clock.Now()
	d := &porting.Delivery{ID: deliveryID(w.ID, e.ID), EndpointID: w.ID, EventID: e.ID, MessageID: messageID(e.ID),
		State: porting.DeliveryPending, CreatedAt: now, UpdatedAt: now}
	err := tx.CreateDelivery(ctx, d)
	if porting.ErrorCode(err) == porting.ECONFLICT && !replay {
		return nil
	}
	if porting.ErrorCode(err) == porting.ECONFLICT {
		if d, err = tx.FindDelivery(ctx, d.ID); err != nil {
			return err
		}
		d.State, d.LastError, d.UpdatedAt = porting.DeliveryPending, "", now
		err = tx.UpdateDelivery(ctx, d)
	}
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, porting.DeliverWebhookJob{DeliveryID: d.ID})
}

// queueEmail enqueues the customer's email about e, if e sends one and the
// request's contact chose email. Customers are not mailed their own words,
// and a LOA check by the team always comes with return_loa's message,
// which carries the findings: one email, not two.
func (s *Notifications) queueEmail(ctx context.Context, tx interface {
	porting.RequestStore
	porting.JobQueue
}, e *porting.Event) error {
	if s.notifier == nil {
		return nil
	}
	if to := s.settings.TeamEmail; to != "" && s.notifier.MailsTeam(e.Type) {
		if err := tx.Enqueue(ctx, porting.SendEmailJob{EventID: e.ID, To: to, Team: true}); err != nil {
			return err
		}
	}
	if e.PortRequestID == "" || !s.notifier.MailsCustomer(e.Type) || e.Actor.Role == porting.RoleCustomer ||
		e.Type == porting.EventLOAChecked {
		return nil
	}
	req, err := tx.FindPortRequest(ctx, e.PortRequestID)
	if err != nil {
		return err
	}
	to := req.AuthorizedContact.Email
	if to == "" || !slices.Contains(req.ContactPreferences.Methods, "email") {
		return nil
	}
	return tx.Enqueue(ctx, porting.SendEmailJob{EventID: e.ID, To: to})
}

// DeliverWebhook makes one attempt (number attempt, from 1) at a delivery.
// It returns an error when the attempt failed and another should follow;
// after the last attempt the delivery fails for good, and after too many
// such failures in a row the endpoint is disabled until its owner enables
// it again.
func (s *Notifications) DeliverWebhook(ctx context.Context, id string, attempt int) error {
	if s.notifier == nil {
		return porting.Errorf(porting.EUNAVAILABLE, "no notifier is configured")
	}
	var (
		d *porting.Delivery
		w *porting.WebhookEndpoint
		e *porting.Event
	)
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if d, err = tx.FindDelivery(ctx, id); err != nil {
			return err
		}
		if w, err = tx.FindWebhookEndpoint(ctx, d.EndpointID); err != nil {
			return err
		}
		e, err = tx.FindEvent(ctx, d.EventID)
		return err
	})
	if err != nil || d.State == porting.DeliveryDelivered {
		return err
	}
	var sendErr error
	if w.Enabled {
		sendErr = s.notifier.Webhook(ctx, w, e, d.MessageID)
	} else {
		sendErr = fmt.Errorf("the endpoint is disabled")
		attempt = s.settings.webhookMaxAttempts()
	}
	return s.recordAttempt(ctx, d.ID, attempt, sendErr)
}

func (s *Notifications) recordAttempt(ctx context.Context, id string, attempt int, sendErr error) error {
	final := sendErr != nil && attempt >= s.settings.webhookMaxAttempts()
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		d, err := tx.FindDelivery(ctx, id)
		if err != nil {
			return err
		}
		w, err := tx.FindWebhookEndpoint(ctx, d.EndpointID)
		if err != nil {
			return err
		}
		d.Attempts++
		d.UpdatedAt = s.clock.Now()
		switch {
		case sendErr == nil:
			d.State, d.LastError = porting.DeliveryDelivered, ""
			w.ConsecutiveFailures = 0
		case final:
			d.State, d.LastError = porting.DeliveryFailed, sendErr.Error()
			w.ConsecutiveFailures++
			if w.Enabled && w.ConsecutiveFailures >= s.settings.webhookDisableAfter() {
				now := s.clock.Now()
				w.Enabled, w.DisabledAt = false, &now
				if err := s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventWebhookDisabled, porting.Event{AccountID: w.AccountID}, nil, w); err != nil {
					return err
				}
			}
		default:
			d.LastError = sendErr.Error()
		}
		if err := tx.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		return tx.UpdateWebhookEndpoint(ctx, w)
	})
	if err != nil {
		return err
	}
	if sendErr != nil && !final {
		return fmt.Errorf("workflow: deliver %s (attempt %d): %w", id, attempt, sendErr)
	}
	return nil
}

// SendEmail sends the email about an event that job names: to the
// customer in the request's language, or to the porting team in English.
func (s *Notifications) SendEmail(ctx context.Context, job porting.SendEmailJob) error {
	if s.notifier == nil {
		return nil
	}
	var (
		e   *porting.Event
		loc = messages.Locale{Language: "en", Zone: time.UTC}
	)
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if e, err = tx.FindEvent(ctx, job.EventID); err != nil || job.Team {
			return err
		}
		req, err := tx.FindPortRequest(ctx, e.PortRequestID)
		if err != nil {
			return err
		}
		var o *porting.PortOrder
		if e.PortOrderID != "" {
			if o, err = tx.FindPortOrder(ctx, e.PortOrderID); err != nil {
				return err
			}
		}
		loc = customerLocale(req, o)
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.notifier.Email(ctx, job.To, loc.Language, loc.Zone, e)
	return err
}
