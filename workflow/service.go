// Package workflow holds portdesk's use cases. Each one checks who is
// calling, loads what it needs, applies the domain's rules, saves, appends
// events and enqueues jobs in one transaction. Handlers and stores only
// translate; the rules live here and in the pure packages.
package workflow

import (
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// Config is what the program wiring the service provides. Its fields are
// set once and are read-only afterwards.
type Config struct {
	Store porting.Store
	Clock porting.Clock
	// Checker classifies phone numbers; nil works (original carrier data
	// off, customer hints only) but the binary sets a lookup.
	Checker *numbers.Checker
	// Gateways builds the gateway of a carrier registry entry; nil leaves
	// every order to the manual gateway (staff submit by email or portal
	// and record the answers).
	Gateways porting.GatewayFactory
	// TestCaller places test calls; nil: none can be placed.
	TestCaller porting.TestCaller
	// SIPIngressURI is the built-in SIP ingress (sip:host:port), where
	// test calls go for instances without a sip_target; "" without one.
	SIPIngressURI string
	// PublicURL is the desk's own base URL as carriers reach it: their
	// callbacks and document links point at it, and so do the invitation
	// and password reset emails' links to the console.
	PublicURL string
	// Notifier sends webhooks and emails; nil sends nothing.
	Notifier porting.Notifier
	// WebhookGuard refuses internal webhook URLs at registration; nil
	// accepts any http(s) URL (delivery may still refuse to dial it).
	WebhookGuard porting.WebhookGuard
	// AdminToken, when set, is accepted as an admin API key while the
	// database holds no admin key yet.
	AdminToken string
	// SandboxClock is the advanceable clock of serve --sandbox (also set
	// as Clock); nil outside the sandbox. With several replicas it must be
	// one they share (the store's SandboxClock).
	SandboxClock porting.AdvanceableClock
	// Settings are the tunable rules; zero fields take their defaults.
	Settings Settings
}

// Service is the composition root of the use cases: one type per concern,
// each holding only what it needs and calling the others through their
// types. Build it with New.
type Service struct {
	Config

	Accounts      *Accounts
	Instances     *Instances
	Intake        *Intake
	Requests      *Requests
	Orders        *Orders
	LOA           *LOA
	Deadlines     *Deadlines
	Documents     *Documents
	Events        *Events
	Notifications *Notifications
	Webhooks      *Webhooks
	Carriers      *Carriers
	PortDay       *PortDay
	Idempotency   *Idempotency
	Sandbox       *Sandbox
	Users         *Users
}

// New wires the concerns of a service from c.
func New(c Config) *Service {
	checker := c.Checker
	if checker == nil {
		checker = &numbers.Checker{}
	}
	s := &Service{
		Config:        c,
		Accounts:      new(Accounts),
		Orders:        new(Orders),
		Carriers:      new(Carriers),
		PortDay:       new(PortDay),
		Deadlines:     new(Deadlines),
		Documents:     new(Documents),
		Events:        new(Events),
		Idempotency:   new(Idempotency),
		Instances:     new(Instances),
		Intake:        new(Intake),
		LOA:           new(LOA),
		Notifications: new(Notifications),
		Requests:      new(Requests),
		Sandbox:       new(Sandbox),
		Webhooks:      new(Webhooks),
		Users:         new(Users),
	}
	// The concerns are allocated first and filled in after, because some
	// call each other (an action posts a message, a message resets an
	// order's answer date; a deadline applies an action, an order's save
	// replans its deadlines).
	*s.Accounts = Accounts{store: c.Store, clock: c.Clock, adminToken: c.AdminToken, events: s.Events}
	*s.Orders = Orders{store: c.Store, clock: c.Clock, settings: c.Settings, deadlines: s.Deadlines, events: s.Events, loa: s.LOA, requests: s.Requests}
	*s.Carriers = Carriers{store: c.Store, clock: c.Clock, settings: c.Settings, gateways: c.Gateways, publicURL: c.PublicURL, events: s.Events, orders: s.Orders}
	*s.Deadlines = Deadlines{store: c.Store, clock: c.Clock, settings: c.Settings, events: s.Events, loa: s.LOA, orders: s.Orders, requests: s.Requests,
		portDay: s.PortDay, instances: s.Instances}
	*s.PortDay = PortDay{store: c.Store, clock: c.Clock, settings: c.Settings, caller: c.TestCaller, ingressURI: c.SIPIngressURI,
		events: s.Events, orders: s.Orders, requests: s.Requests, instances: s.Instances, guard: c.WebhookGuard}
	*s.Documents = Documents{store: c.Store, clock: c.Clock, settings: c.Settings, events: s.Events, orders: s.Orders, requests: s.Requests}
	*s.Events = Events{store: c.Store, clock: c.Clock}
	*s.Idempotency = Idempotency{store: c.Store, clock: c.Clock}
	*s.Instances = Instances{store: c.Store, clock: c.Clock, settings: c.Settings, events: s.Events, orders: s.Orders}
	*s.Intake = Intake{store: c.Store, clock: c.Clock, settings: c.Settings, checker: checker, carriers: s.Carriers, events: s.Events, loa: s.LOA, orders: s.Orders}
	*s.LOA = LOA{store: c.Store, clock: c.Clock, settings: c.Settings, events: s.Events, orders: s.Orders, requests: s.Requests, carriers: s.Carriers, instances: s.Instances}
	*s.Notifications = Notifications{store: c.Store, clock: c.Clock, settings: c.Settings, notifier: c.Notifier, events: s.Events, orders: s.Orders}
	*s.Requests = Requests{store: c.Store, clock: c.Clock, events: s.Events, loa: s.LOA, orders: s.Orders}
	*s.Sandbox = Sandbox{store: c.Store, clock: c.Clock, offset: c.SandboxClock, deadlines: s.Deadlines, events: s.Events}
	*s.Users = Users{store: c.Store, clock: c.Clock, events: s.Events, notifier: c.Notifier, publicURL: c.PublicURL,
		sandbox: c.SandboxClock != nil}
	*s.Webhooks = Webhooks{store: c.Store, clock: c.Clock, guard: c.WebhookGuard, events: s.Events, notifications: s.Notifications}
	return s
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
