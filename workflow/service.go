// Package workflow holds portdesk's use cases. Each one checks who is
// calling, loads what it needs, applies the domain's rules, saves, appends
// events and enqueues jobs in one transaction. Handlers and stores only
// translate; the rules live here and in the pure packages.
package workflow

import (
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// Service runs the use cases. Its fields are set once by the program that
// wires it and are read-only afterwards.
type Service struct {
	Store porting.Store
	Clock porting.Clock
	// Checker classifies phone numbers; its zero value works (original
	// carrier data off, customer hints only) but the binary sets a lookup.
	Checker *numbers.Checker
	// Carrier hands approved orders to the losing carrier. Nil means the
	// manual gateway: staff submit by email or portal and record answers.
	Carrier porting.CarrierGateway
	// Notifier sends webhooks and emails; nil sends nothing.
	Notifier porting.Notifier
	// WebhookGuard refuses internal webhook URLs at registration; nil
	// accepts any http(s) URL (delivery may still refuse to dial it).
	WebhookGuard porting.WebhookGuard
	// AdminToken, when set, is accepted as an admin API key while the
	// database holds no admin key yet.
	AdminToken string
	// Sandbox is the advanceable clock of serve --sandbox (also set as
	// Clock); nil outside the sandbox.
	Sandbox *porting.OffsetClock
	// Settings are the tunable rules; zero fields take their defaults.
	Settings Settings
}

func (s *Service) checker() *numbers.Checker {
	if s.Checker != nil {
		return s.Checker
	}
	return &numbers.Checker{}
}

// requireAdmin refuses anyone but admins.
func requireAdmin(p porting.Principal) error {
	if p.Role != porting.RoleAdmin {
		return porting.Errorf(porting.EFORBIDDEN, "only an admin may do this")
	}
	return nil
}

// visible hides another account's object behind ENOTFOUND, so a customer
// cannot even learn that it exists.
func visible(p porting.Principal, accountID, what, id string) error {
	if !p.CanSee(accountID) {
		return porting.Errorf(porting.ENOTFOUND, "%s %s not found", what, id)
	}
	return nil
}
