package messages

import (
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Thread notes workflow posts on a request's thread, the template each
// names is "thread.<kind>".
const (
	// ThreadLoadFailed: the numbers could not be loaded because the order
	// names no instance (Data.FOCAt).
	ThreadLoadFailed = "load_failed"
	// ThreadRespondReminder: the order waits on the customer (Data.Status,
	// Data.RespondBy, Data.Policy).
	ThreadRespondReminder = "respond_reminder"
	// ThreadRespondByPassed: no answer within Data.Days; Data.Policy applied.
	ThreadRespondByPassed = "respond_by_passed"
	// ThreadLOAExpired: the signed LOA is older than Data.Days.
	ThreadLOAExpired = "loa_expired"
	// ThreadQuotaRequestsDue: request quota increases before Data.FOCAt.
	ThreadQuotaRequestsDue = "quota_requests_due"
	// ThreadLOAReturned: the team sends the LOA back (Data.Message,
	// Data.Findings, Data.LosingCarrier).
	ThreadLOAReturned = "loa_returned"
	// ThreadRejected: the losing carrier rejected the port
	// (Data.ExceptionCode, Data.ExceptionMessage).
	ThreadRejected = "rejected"
	// ThreadFOCWithoutInstance: the FOC (Data.FOCAt) is confirmed and an
	// instance must be chosen before Data.LoadBy.
	ThreadFOCWithoutInstance = "foc_without_instance"
	// ThreadChecklistReminder: port-day items the customer owns are not
	// done (Data.Items, Data.FOCAt).
	ThreadChecklistReminder = "checklist_reminder"
	// ThreadVerifiedBySilence: the customer did not verify within the
	// days given and the order completed (Data.Days).
	ThreadVerifiedBySilence = "verified_by_silence"
)

// ThreadKinds lists every thread note.
var ThreadKinds = []string{ThreadChecklistReminder, ThreadVerifiedBySilence, ThreadLoadFailed, ThreadRespondReminder, ThreadRespondByPassed, ThreadLOAExpired,
	ThreadQuotaRequestsDue, ThreadLOAReturned, ThreadRejected, ThreadFOCWithoutInstance}

// Silence policies, the values of Data.Policy (and of notify's
// EmailData.Policy).
const (
	PolicyCancel  = "cancel"
	PolicyRestart = "restart"
	PolicyHold    = "hold"
)

// Data is what a thread note may show; each kind says which fields it reads.
type Data struct {
	OrderID       string
	LosingCarrier string
	// Status is the order's state; templates turn it into words.
	Status    porting.State
	RespondBy *time.Time
	FOCAt     *time.Time
	LoadBy    *time.Time
	Policy    string
	Days      int
	// ExceptionCode and ExceptionMessage are the carrier's rejection.
	ExceptionCode    string
	ExceptionMessage string
	// Rejections are every reason of the rejection, each with the field it
	// concerns and the carrier's value when it gave one.
	Rejections []porting.CarrierRejection
	// Items are the port-day checklist items a reminder is about.
	Items []string
	// Message is the team's own words.
	Message  string
	Findings []porting.Finding
	// PhoneNumberQuota is the instance's phone-number quota and
	// PhoneNumbersNeeded how many it must hold after the port (0: unknown).
	PhoneNumberQuota   int
	PhoneNumbersNeeded int
}

// QuotaShortfall reports whether the instance cannot hold the numbers.
func (d Data) QuotaShortfall() bool {
	return d.PhoneNumbersNeeded > 0 && d.PhoneNumbersNeeded > d.PhoneNumberQuota
}

// Thread renders the thread note kind for loc, falling back to English
// should a translation fail.
func Thread(loc Locale, kind string, data Data) (string, error) {
	s, err := Execute(loc, "thread."+kind, data)
	if err != nil {
		loc.Language = Languages[0]
		if s, err = Execute(loc, "thread."+kind, data); err != nil {
			return "", err
		}
	}
	return Tidy(s), nil
}

// Tidy trims the blank lines that template actions leave behind: no
// leading or trailing ones, never two in a row, and no trailing spaces.
func Tidy(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}
