package workflow

import (
	"errors"
	"fmt"
	"net/mail"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/porting"
)

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
	// OperatorName and OperatorAddress are the legal name and address of
	// the operator running the desk: the gaining side printed on LOAs and
	// sent to carriers, unless the order's route names a porting provider
	// (its legal_name setting). Empty leaves the line blank to fill by hand.
	OperatorName    string
	OperatorAddress string
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
	// TestCallSample is how many numbers of an order a test-call run
	// calls at most, spread over the order (default 20).
	TestCallSample int
	// VerifyWithinDays is how long the customer has to verify a port
	// before the order completes with a note (default 14; reminders come
	// before, as for any answer).
	VerifyWithinDays int
	// TeamEmail is the porting team's address: orders that need a person
	// (an attention flag) are mailed there. Empty: no team email.
	TeamEmail string
}

// Silence policies.
const (
	SilenceCancel  = "cancel"
	SilenceRestart = "restart"
	SilenceHold    = "hold"
)

// positive returns v, or def when v is not set (zero or less).
func positive[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// nonEmpty returns v, or def when v is empty.
func nonEmpty(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func (s Settings) reminderDays() []int {
	if s.ReminderDays != nil {
		return s.ReminderDays
	}
	return []int{7, 2}
}

// Validate checks the settings in one place, where the program sets them:
// each error names the setting. Zero values take their defaults and pass.
func (s Settings) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch s.SilencePolicy {
	case "", SilenceCancel, SilenceRestart, SilenceHold:
	default:
		bad("silence policy %q: want cancel, restart or hold", s.SilencePolicy)
	}
	if l := s.Plan.LoadLeadBusinessDays; l != 0 && l != 3 && l != 4 {
		bad("load lead %d business days: the numbers are loaded 3 or 4 business days before the port", l)
	}
	if l := s.Plan.LeadBusinessDays; l < 0 || l > 120 {
		bad("lead time %d business days: want 0 (the country's default) to 120", l)
	}
	if d := s.RespondWithinDays; d < 0 || d > 365 {
		bad("respond within %d days: want 1 to 365 (0: 30)", d)
	}
	for _, d := range s.ReminderDays {
		if d < 1 || d > 365 {
			bad("reminder %d days before respond_by: want 1 to 365", d)
		}
	}
	if n := s.TestCallSample; n < 0 || n > 1000 {
		bad("test-call sample %d: want 1 to 1000 (0: 20)", n)
	}
	if d := s.VerifyWithinDays; d < 0 || d > 365 {
		bad("verify within %d days: want 1 to 365 (0: 14)", d)
	}
	if len(s.OperatorName) > 200 || len(s.OperatorAddress) > 500 {
		bad("operator name and address: at most 200 and 500 characters")
	}
	if s.TeamEmail != "" {
		if a, err := mail.ParseAddress(s.TeamEmail); err != nil || a.Name != "" {
			bad("team email %q: want a plain address such as porting@example.com", s.TeamEmail)
		}
	}
	return errors.Join(errs...)
}

// silencePolicy is the policy Validate accepted; blank is cancel.
func (s Settings) silencePolicy() string { return nonEmpty(s.SilencePolicy, SilenceCancel) }

func (s Settings) webhookMaxAttempts() int  { return positive(s.WebhookMaxAttempts, 12) }
func (s Settings) webhookDisableAfter() int { return positive(s.WebhookDisableAfter, 5) }
func (s Settings) loaMaxAgeDays() int       { return positive(s.LOAMaxAgeDays, 15) }
func (s Settings) respondWithinDays() int   { return positive(s.RespondWithinDays, 30) }
func (s Settings) rescheduleNotice() int    { return positive(s.RescheduleNoticeBusinessDays, 5) }
func (s Settings) defaultRegion() string    { return nonEmpty(s.DefaultRegion, "US") }

// testCallSample is the test-call sample size (default 20).
func (s Settings) testCallSample() int { return positive(s.TestCallSample, 20) }

// verifyWithinDays is the days given to verify a port (default 14).
func (s Settings) verifyWithinDays() int { return positive(s.VerifyWithinDays, 14) }

// MaxDocument returns the upload cap in bytes (default 10 MB).
func (s Settings) MaxDocument() int64 { return positive(s.MaxDocumentBytes, 10<<20) }

// MaxNumbers returns the intake cap (default 100,000).
func (s Settings) MaxNumbers() int {
	return positive(s.MaxNumbersPerRequest, porting.MaxNumbersPerRequest)
}
