package workflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

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

// CreateWebhookEndpoint registers an endpoint for the caller's account (or,
// for an admin, for all accounts) and returns it with its signing secret,
// shown this once.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, p porting.Principal, in WebhookParams) (*porting.WebhookEndpoint, string, error) {
	if err := validateWebhook(in); err != nil {
		return nil, "", err
	}
	accountID := ""
	switch {
	case p.Role == porting.RoleCustomer:
		accountID = p.AccountID
	case p.Role != porting.RoleAdmin:
		return nil, "", porting.Errorf(porting.EFORBIDDEN, "only customers and admins register webhook endpoints")
	}
	secret := newWebhookSecret()
	w := &porting.WebhookEndpoint{ID: porting.NewID("whe"), AccountID: accountID, URL: strings.TrimSpace(in.URL),
		EventTypes: append([]string{}, in.EventTypes...), Secret: secret, Enabled: true, CreatedAt: s.Clock.Now()}
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		if err := tx.CreateWebhookEndpoint(ctx, w); err != nil {
			return err
		}
		return s.record(ctx, tx, p, porting.EventWebhookCreated, porting.Event{AccountID: accountID}, nil, w)
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

func findEndpoint(ctx context.Context, tx porting.Tx, p porting.Principal, id string) (*porting.WebhookEndpoint, error) {
	w, err := tx.FindWebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Role == porting.RoleCustomer && w.AccountID != p.AccountID || p.Role == porting.RoleSpecialist && w.AccountID == "" {
		return nil, porting.Errorf(porting.ENOTFOUND, "webhook endpoint %s not found", id)
	}
	return w, nil
}

// WebhookEndpoints lists the caller's endpoints (all of them for staff).
func (s *Service) WebhookEndpoints(ctx context.Context, p porting.Principal) ([]*porting.WebhookEndpoint, error) {
	accountID := ""
	if p.Role == porting.RoleCustomer {
		accountID = p.AccountID
	}
	var out []*porting.WebhookEndpoint
	err := s.Store.View(ctx, func(tx porting.Tx) error {
		var err error
		out, err = tx.FindWebhookEndpoints(ctx, accountID)
		return err
	})
	return out, err
}

// UpdateWebhookEndpoint changes an endpoint. Enabling a disabled endpoint
// clears its failure count; deliveries that failed meanwhile can be sent
// again with a replay.
func (s *Service) UpdateWebhookEndpoint(ctx context.Context, p porting.Principal, id string, in WebhookParams) (*porting.WebhookEndpoint, error) {
	var w *porting.WebhookEndpoint
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		if w, err = findEndpoint(ctx, tx, p, id); err != nil {
			return err
		}
		before := *w
		if in.URL != "" {
			if err := validateWebhook(in); err != nil {
				return err
			}
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
				now := s.Clock.Now()
				w.DisabledAt = &now
			}
		}
		if err := tx.UpdateWebhookEndpoint(ctx, w); err != nil {
			return err
		}
		return s.record(ctx, tx, p, porting.EventWebhookUpdated, porting.Event{AccountID: w.AccountID}, &before, w)
	})
	return w, err
}

// ReplayWebhooks sends an endpoint the events after the cursor again (up
// to limit), under their original webhook-id. It returns how many.
func (s *Service) ReplayWebhooks(ctx context.Context, p porting.Principal, id string, after int64, limit int) (int, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	n := 0
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		w, err := findEndpoint(ctx, tx, p, id)
		if err != nil {
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
				if err := s.queueDelivery(ctx, tx, w, e); err != nil {
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
func (s *Service) Deliveries(ctx context.Context, p porting.Principal, id string, limit int) ([]*porting.Delivery, error) {
	var out []*porting.Delivery
	err := s.Store.View(ctx, func(tx porting.Tx) error {
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
