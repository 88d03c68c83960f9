package metrics

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdesk/portdesk/porting"
)

// countedNotifier is a notifier whose webhook attempts are counted.
type countedNotifier struct {
	porting.Notifier
	attempts *prometheus.CounterVec
}

// CountWebhooks returns next with its webhook attempts counted in
// portdesk_webhook_attempts_total, registered on reg.
func CountWebhooks(next porting.Notifier, reg prometheus.Registerer) (porting.Notifier, error) {
	attempts := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portdesk_webhook_attempts_total",
		Help: "Webhook delivery attempts this replica made, by outcome: delivered, or failed (refused, unreachable, timed out; retried until the last attempt)."},
		[]string{"outcome"})
	if err := reg.Register(attempts); err != nil {
		return nil, err
	}
	for _, o := range []string{"delivered", "failed"} {
		attempts.WithLabelValues(o) // both series exist from the start, so rates start at 0
	}
	return &countedNotifier{Notifier: next, attempts: attempts}, nil
}

// Webhook implements porting.Notifier.
func (n *countedNotifier) Webhook(ctx context.Context, w *porting.WebhookEndpoint, e *porting.Event, msgID string) error {
	err := n.Notifier.Webhook(ctx, w, e, msgID)
	outcome := "delivered"
	if err != nil {
		outcome = "failed"
	}
	n.attempts.WithLabelValues(outcome).Inc()
	return err
}
