package workflow

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Deadline is a date an order depends on, and what happens when it passes.
type Deadline struct {
	Kind   string
	DueAt  time.Time
	Missed bool
	OnMiss string
}

// Deadline kinds.
const (
	DeadlineRespondBy = "customer_respond_by"
	DeadlineLOAExpiry = "loa_expiry"
	DeadlinePort      = "port_window"
)

// Deadlines lists the dates of an order that are known now.
func (s *Service) Deadlines(ctx context.Context, p porting.Principal, orderID string) ([]Deadline, error) {
	o, err := s.GetPortOrder(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []Deadline
	add := func(kind string, at *time.Time, onMiss string) {
		if at != nil {
			out = append(out, Deadline{Kind: kind, DueAt: *at, Missed: !now.Before(*at), OnMiss: onMiss})
		}
	}
	add(DeadlineRespondBy, o.RespondBy, "the order may be cancelled: the customer has not answered for 30 days")
	if !o.Status.Terminal() && beforeSubmission(o.Status) {
		add(DeadlineLOAExpiry, s.loaExpiry(o), "the signed LOA is too old for the carrier; sign and upload a new one")
	}
	add(DeadlinePort, o.FOCAt, "the port happens in the agreed window")
	return out, nil
}
