package workflow

import (
	"context"
	"errors"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/porting"
)

// planRules are the order's port-date rules: the settings and, until the
// LOA has gone to the carrier, the validity of the signed LOA (a date it
// cannot reach would need a new LOA anyway).
func (s *Service) planRules(o *porting.PortOrder) calendar.PlanRules {
	r := s.Settings.Plan
	if beforeSubmission(o.Status) {
		r.LOAValidUntil = s.loaExpiry(o)
	}
	return r
}

// checkPortTime checks a requested port date of o: business day, not a
// holiday, inside a window, after the lead time, while the LOA is valid. A
// refusal says why and offers the next valid windows.
func (s *Service) checkPortTime(o *porting.PortOrder, at time.Time, field string) error {
	err := calendar.CheckPortTime(o.Country, at, s.Clock.Now(), s.planRules(o))
	var pt *calendar.PortTimeError
	if !errors.As(err, &pt) {
		return err
	}
	return &porting.Error{Code: porting.EINVALID, Field: field, Message: pt.Message + " (" + pt.Reason + ")", Next: slots(pt.Next)}
}

func slots(in []calendar.Slot) []porting.Slot {
	out := make([]porting.Slot, len(in))
	for i, sl := range in {
		out[i] = porting.Slot{Start: sl.Start, End: sl.End}
	}
	return out
}

// FOCWindows lists the next count port windows of an order that a
// requested date may use, from from (or now) on.
func (s *Service) FOCWindows(ctx context.Context, p porting.Principal, orderID string, from time.Time, count int) ([]calendar.Slot, error) {
	o, err := s.GetPortOrder(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	return s.nextWindows(o, from, count)
}

// nextWindows lists up to count valid port windows of o from from on.
func (s *Service) nextWindows(o *porting.PortOrder, from time.Time, count int) ([]calendar.Slot, error) {
	if count <= 0 || count > 100 {
		count = 10
	}
	now := s.Clock.Now()
	rules := s.planRules(o)
	first, err := calendar.EarliestPortTime(o.Country, now, rules)
	var pt *calendar.PortTimeError
	if errors.As(err, &pt) {
		return nil, &porting.Error{Code: porting.ECONFLICT, Message: pt.Message + " (" + pt.Reason + ")"}
	}
	if err != nil {
		return nil, err
	}
	if from.Before(first.Start) {
		from = first.Start
	}
	var out []calendar.Slot
	for _, sl := range calendar.Windows(o.Country, from, count*2) {
		if calendar.CheckPortTime(o.Country, sl.Start, now, rules) == nil {
			out = append(out, sl)
		}
		if len(out) == count {
			break
		}
	}
	return out, nil
}
