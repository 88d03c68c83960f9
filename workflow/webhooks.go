package workflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// Webhooks manages webhook endpoints: registration, changes, replays and their deliveries.
type Webhooks struct {
	store         porting.Store
	clock         porting.Clock
	guard         porting.WebhookGuard
	events        *Events
	notifications *Notifications
}

// WebhookParams are the fields of an endpoint a caller sets.
type WebhookParams struct {
	URL        string
	EventTypes []string
	// Enabled re-enables (or pauses) an endpoint on update; nil keeps it.
	Enabled *bool
}

func validateWebhook(in WebhookParams) error {
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return porting.FieldErrorf("url", "url must be an absolute http(s) URL")
	}
	for _, t := range in.EventTypes {
		if t == "" || len(t) > 100 {
			return porting.FieldErrorf("event_types", "event types are names such as port_order.status_changed")
		}
	}
	return nil
}

// checkWebhookURL refuses an endpoint URL the service's guard finds
// internal. It runs before any transaction: it may ask DNS.
func (s *Webhooks) checkWebhookURL(ctx context.Context, rawURL string) error {
	if s.guard == nil {
		return nil
	}
	return s.guard.CheckWebhookURL(ctx, strings.TrimSpace(rawURL))
}

// mayManageEndpoints is the one rule for registering and changing webhook
// endpoints (create, update, replay): a customer manages its own account's
// endpoints, an admin any endpoint (an account's or a staff one), and
// nobody else any — so a specialist cannot point a customer's events at
// another URL. accountID is the endpoint's account, "" for staff ones.
func mayManageEndpoints(p porting.Principal, accountID string) error {
	switch {
	case p.Role == porting.RoleAdmin:
		return nil
	case p.Role == porting.RoleCustomer && accountID != "" && p.AccountID == accountID:
		return nil
	}
	return porting.Errorf(porting.EFORBIDDEN, "only the account's customers and admins manage its webhook endpoints")
}

// mayOpenEndpoint is the one rule for seeing an endpoint, in lists and by
// ID: customers see their account's, specialists every account's (to help
// with failed deliveries) but not the staff ones, admins all.
func mayOpenEndpoint(p porting.Principal, w *porting.WebhookEndpoint) bool {
	switch p.Role {
	case porting.RoleAdmin:
		return true
	case porting.RoleSpecialist:
		return w.AccountID != ""
	case porting.RoleCustomer:
		return w.AccountID != "" && w.AccountID == p.AccountID
	}
	return false
}

// CreateWebhookEndpoint registers an endpoint for the caller's account (or,
// for an admin, for all accounts) and returns it with its signing secret,
// shown this once. An account (and the staff, together) holds at most
// porting.MaxAccountWebhookEndpoints endpoints (ECONFLICT beyond).
func (s *Webhooks) CreateWebhookEndpoint(ctx context.Context, p porting.Principal, in WebhookParams) (*porting.WebhookEndpoint, string, error) {
	if err := validateWebhook(in); err != nil {
		return nil, "", err
	}
	accountID := ""
	if p.Role == porting.RoleCustomer {
		accountID = p.AccountID
	}
	if err := mayManageEndpoints(p, accountID); err != nil {
		return nil, "", err
	}
	if err := s.checkWebhookURL(ctx, in.URL); err != nil {
		return nil, "", err
	}
	secret := newWebhookSecret()
	w := &porting.WebhookEndpoint{ID: porting.NewID("whe"), AccountID: accountID, URL: strings.TrimSpace(in.URL),
		EventTypes: append([]string{}, in.EventTypes...), Secret: secret, Enabled: true, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		if err := tx.LockAccount(ctx, accountID); err != nil { // "" locks the staff's endpoints
			return err
		}
		n, err := tx.CountWebhookEndpoints(ctx, accountID)
		if err != nil {
			return err
		}
		if n >= porting.MaxAccountWebhookEndpoints {
			return porting.Errorf(porting.ECONFLICT, "%d webhook endpoints are registered, the most allowed; change an existing one's url instead", n)
		}
		if err := tx.CreateWebhookEndpoint(ctx, w); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventWebhookCreated, porting.Event{AccountID: accountID}, nil, w)
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

func findEndpoint(ctx context.Context, tx porting.WebhookStore, p porting.Principal, id string) (*porting.WebhookEndpoint, error) {
	w, err := tx.FindWebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayOpenEndpoint(p, w) {
		return nil, porting.Errorf(porting.ENOTFOUND, "webhook endpoint %s not found", id)
	}
	return w, nil
}

// WebhookEndpoints lists the endpoints the caller may open (see
// mayOpenEndpoint), oldest first.
func (s *Webhooks) WebhookEndpoints(ctx context.Context, p porting.Principal) ([]*porting.WebhookEndpoint, error) {
	accountID := ""
	if p.Role == porting.RoleCustomer {
		accountID = p.AccountID
	}
	var all []*porting.WebhookEndpoint
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		all, err = tx.FindWebhookEndpoints(ctx, accountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*porting.WebhookEndpoint, 0, len(all))
	for _, w := range all {
		if mayOpenEndpoint(p, w) {
			out = append(out, w)
		}
	}
	return out, nil
}

// UpdateWebhookEndpoint changes an endpoint. Enabling a disabled endpoint
// clears its failure count; deliveries that failed meanwhile can be sent
// again with a replay.
func (s *Webhooks) UpdateWebhookEndpoint(ctx context.Context, p porting.Principal, id string, in WebhookParams) (*porting.WebhookEndpoint, error) {
	if in.URL != "" {
		if err := validateWebhook(in); err != nil {
			return nil, err
		}
	}
	var w *porting.WebhookEndpoint
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if w, err = findEndpoint(ctx, tx, p, id); err != nil {
			return err
		}
		return mayManageEndpoints(p, w.AccountID)
	})
	if err != nil {
		return nil, err
	}
	if in.URL != "" {
		if err := s.checkWebhookURL(ctx, in.URL); err != nil {
			return nil, err
		}
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		if w, err = findEndpoint(ctx, tx, p, id); err != nil {
			return err
		}
		if err := mayManageEndpoints(p, w.AccountID); err != nil {
			return err
		}
		before := *w
		if in.URL != "" {
			w.URL = strings.TrimSpace(in.URL)
		}
		if in.EventTypes != nil {
			w.EventTypes = append([]string{}, in.EventTypes...)
		}
		if in.Enabled != nil && *in.Enabled != w.Enabled {
			w.Enabled = *in.Enabled
			if w.Enabled {
				w.ConsecutiveFailures, w.DisabledAt = 0, nil
			} else {
				now := s.clock.Now()
				w.DisabledAt = &now
			}
		}
		if err := tx.UpdateWebhookEndpoint(ctx, w); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventWebhookUpdated, porting.Event{AccountID: w.AccountID}, &before, w)
	})
	return w, err
}

// ReplayWebhooks sends an endpoint the events after the cursor again (up
// to limit), under their original webhook-id. It returns how many.
func (s *Webhooks) ReplayWebhooks(ctx context.Context, p porting.Principal, id string, after int64, limit int) (int, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	n := 0
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		w, err := findEndpoint(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := mayManageEndpoints(p, w.AccountID); err != nil {
			return err
		}
		if !w.Enabled {
			return porting.Errorf(porting.ECONFLICT, "the endpoint is disabled; enable it first")
		}
		evs, err := tx.FindEvents(ctx, porting.EventFilter{AccountID: w.AccountID, After: after, Limit: limit})
		if err != nil {
			return err
		}
		for _, e := range evs {
			if w.Wants(e.Type) {
				if err := s.notifications.queueDelivery(ctx, tx, w, e, true); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// Deliveries lists an endpoint's recent deliveries.
func (s *Webhooks) Deliveries(ctx context.Context, p porting.Principal, id string, limit int) ([]*porting.Delivery, error) {
	var out []*porting.Delivery
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findEndpoint(ctx, tx, p, id); err != nil {
			return err
		}
		var err error
		out, err = tx.FindDeliveries(ctx, id, limit)
		return err
	})
	return out, err
}

// newWebhookSecret returns a Standard Webhooks secret: "whsec_" and the
// base64 of 32 random bytes.
func newWebhookSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("workflow: no randomness: " + err.Error())
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}
