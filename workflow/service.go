// Package workflow holds portdesk's use cases. Each one checks who is
// calling, loads what it needs, applies the domain's rules, saves, appends
// events and enqueues jobs in one transaction. Handlers and stores only
// translate; the rules live here and in the pure packages.
package workflow

import (
	"crypto/rand"

	"encoding/base32"
	"github.com/portdesk/portdesk/calendar"
	"strings"

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
	// AdminToken, when set, is accepted as an admin API key while the
	// database holds no admin key yet.
	AdminToken string
	// Sandbox is the advanceable clock of serve --sandbox (also set as
	// Clock); nil outside the sandbox.
	Sandbox *porting.OffsetClock
	// Settings are the tunable rules; zero fields take their defaults.
	Settings Settings
}

// Settings are the tunable rules of the desk.
type Settings struct {
	// RespondWithinDays is how long a customer has to answer while an order
	// waits on them before the order may be cancelled (default 30).
	RespondWithinDays int
	// RescheduleNoticeBusinessDays is the notice a reschedule needs before the
	// current FOC (default 5).
	RescheduleNoticeBusinessDays int
	// MaxNumbersPerRequest caps a single intake (default 100,000).
	MaxNumbersPerRequest int
	// DefaultRegion parses numbers written without a country code (default "US").
	DefaultRegion string
	// WinningCarrier is the name the LOA gives the gaining carrier (default "portdesk").
	WinningCarrier string
	// LOAMaxAgeDays is how old a signed LOA may be (default 15).
	LOAMaxAgeDays int
	// MaxDocumentBytes caps an upload (default 10 MB).
	MaxDocumentBytes int64
	// ReminderDays are how many days before respond_by the customer is
	// reminded (default 7 and 2).
	ReminderDays []int
	// SilencePolicy is what happens when a customer has not answered by
	// respond_by: "cancel" (default), "restart" (cancel and open a new order
	// in review) or "hold" (tell the team and wait).
	SilencePolicy string
	// Plan are the lead times of port dates; zero fields take the
	// calendar's defaults (lead time per country, quota 5 days, loading 3
	// business days, notice 5 business days).
	Plan calendar.PlanRules
	// WebhookMaxAttempts is how often a webhook delivery is tried before it
	// fails for good (default 12); WebhookDisableAfter is how many
	// deliveries may fail for good in a row before the endpoint is disabled
	// (default 5).
	WebhookMaxAttempts  int
	WebhookDisableAfter int
}

// Silence policies.
const (
	SilenceCancel  = "cancel"
	SilenceRestart = "restart"
	SilenceHold    = "hold"
)

func (s Settings) reminderDays() []int {
	if s.ReminderDays != nil {
		return s.ReminderDays
	}
	return []int{7, 2}
}

func (s Settings) silencePolicy() string {
	switch s.SilencePolicy {
	case SilenceRestart, SilenceHold:
		return s.SilencePolicy
	}
	return SilenceCancel
}

func (s Settings) webhookMaxAttempts() int {
	if s.WebhookMaxAttempts > 0 {
		return s.WebhookMaxAttempts
	}
	return 12
}

func (s Settings) webhookDisableAfter() int {
	if s.WebhookDisableAfter > 0 {
		return s.WebhookDisableAfter
	}
	return 5
}

func (s Settings) winningCarrier() string {
	if s.WinningCarrier != "" {
		return s.WinningCarrier
	}
	return "portdesk"
}

func (s Settings) loaMaxAgeDays() int {
	if s.LOAMaxAgeDays > 0 {
		return s.LOAMaxAgeDays
	}
	return 15
}

// MaxDocument returns the upload cap in bytes.
func (s Settings) MaxDocument() int64 {
	if s.MaxDocumentBytes > 0 {
		return s.MaxDocumentBytes
	}
	return 10 << 20
}

func (s Settings) respondWithinDays() int {
	if s.RespondWithinDays > 0 {
		return s.RespondWithinDays
	}
	return 30
}

func (s Settings) rescheduleNotice() int {
	if s.RescheduleNoticeBusinessDays > 0 {
		return s.RescheduleNoticeBusinessDays
	}
	return 5
}

// MaxNumbers returns the intake cap.
func (s Settings) MaxNumbers() int {
	if s.MaxNumbersPerRequest > 0 {
		return s.MaxNumbersPerRequest
	}
	return 100_000
}

func (s Settings) defaultRegion() string {
	if s.DefaultRegion != "" {
		return s.DefaultRegion
	}
	return "US"
}

func (s *Service) checker() *numbers.Checker {
	if s.Checker != nil {
		return s.Checker
	}
	return &numbers.Checker{}
}

// newID returns a random identifier with a readable prefix, e.g. "po_…".
func newID(prefix string) string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("workflow: no randomness: " + err.Error())
	}
	return prefix + "_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// requireStaff refuses anyone but admins and specialists.
func requireStaff(p porting.Principal) error {
	if !p.Role.Staff() {
		return porting.Errorf(porting.EFORBIDDEN, "only the porting team may do this")
	}
	return nil
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
