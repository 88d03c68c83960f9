package workflow

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/portdesk/portdesk/porting"
)

// Events appends to the event log (the audit log, timeline and outbox) and lists it.
type Events struct {
	store porting.Store
	clock porting.Clock
}

// record appends an event to tx. before and after are marshalled as JSON
// in their event form (eventBody); nil leaves them empty.
func (s *Events) record(ctx context.Context, tx eventLog, p porting.Principal, typ string, e porting.Event, before, after any) error {
	e.Type = typ
	e.Actor = p
	e.At = s.clock.Now()
	var err error
	if e.Before, err = marshalOrNil(eventBody(before)); err != nil {
		return err
	}
	if e.After, err = marshalOrNil(eventBody(after)); err != nil {
		return err
	}
	if err := tx.AppendEvent(ctx, &e); err != nil {
		return fmt.Errorf("workflow: record %s: %w", typ, err)
	}
	// The event log is the outbox: the notification drainer fans the
	// event out once the change commits (see Notifications.Drain).
	return nil
}

// eventBody is what an event records of v: an order with its counts and at
// most porting.ShownNumbers of its numbers, marked truncated with the path
// to all of them, so an event (and the webhook that carries it) of a
// 100,000-number order is as small as one of a 100-number order; anything
// else as it is.
func eventBody(v any) any {
	if o, ok := v.(*porting.PortOrder); ok && o != nil {
		return o.Bounded(porting.ShownNumbers)
	}
	return v
}

// numberList sets body[key] to the numbers an event names, at most
// porting.ShownNumbers of them; with more, body[key+"_total"] says how many
// there are and body[key+"_truncated"] is true (the order's numbers are
// paged at porting.PhoneNumbersPath).
func numberList(body map[string]any, key string, nums []string) map[string]any {
	body[key] = nums
	if len(nums) > porting.ShownNumbers {
		body[key] = nums[:porting.ShownNumbers]
		body[key+"_total"], body[key+"_truncated"] = len(nums), true
	}
	return body
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("workflow: marshal event body: %w", err)
	}
	return b, nil
}

// Events lists events after the cursor: a customer's own account only,
// everything for staff.
func (s *Events) Events(ctx context.Context, p porting.Principal, after int64, limit int) ([]*porting.Event, error) {
	f := porting.EventFilter{After: after, Limit: limit}
	if p.Role == porting.RoleCustomer {
		f.AccountID = p.AccountID
	}
	var out []*porting.Event
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		out, err = tx.FindEvents(ctx, f)
		return err
	})
	return out, err
}

// Timeline lists the events of one port order, oldest first.
func (s *Events) Timeline(ctx context.Context, p porting.Principal, orderID string, after int64, limit int) ([]*porting.Event, error) {
	var out []*porting.Event
	err := s.store.View(ctx, func(tx porting.Tx) error {
		o, err := tx.FindPortOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if err := visible(p, o.AccountID, "port order", orderID); err != nil {
			return err
		}
		out, err = tx.FindEvents(ctx, porting.EventFilter{PortOrderID: orderID, After: after, Limit: limit})
		return err
	})
	return out, err
}
