package main

import (
	"fmt"

	"github.com/portdesk/portdesk/notify"
)

// newNotifier wires webhooks and, with --smtp-url, emails. Webhooks are
// dated on the wall clock even in the sandbox: receivers check
// webhook-timestamp against their own clocks.
func newNotifier(cfg Config) (*notify.Notifier, error) {
	n := &notify.Notifier{Clock: wallClock, Webhooks: notify.WebhookSender{
		UserAgent: "portdesk/" + Version, AllowPrivateNetworks: cfg.WebhookAllowPrivate || cfg.Sandbox}}
	if cfg.SMTPURL != "" {
		if _, err := notify.ParseSMTPURL(cfg.SMTPURL); err != nil {
			return nil, fmt.Errorf("--smtp-url: %w", err)
		}
		n.Mailer = &notify.Mailer{URL: cfg.SMTPURL}
	}
	return n, nil
}
