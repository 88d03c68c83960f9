package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// LOA checks, edits (loa_edit.go) and renders (loa_render.go) an order's Letter of Authorization and runs the LOA actions.
type LOA struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	events   *Events
	orders   *Orders
	requests *Requests
	carriers *Carriers
	// instances answers whether an order's instance can hold its numbers.
	instances *Instances
}

// Finding codes submit_loa (and resubmit) refuse instead of sending the
// LOA to review: the customer has not finished, or the LOA is already too
// old for any carrier (its expiry deadline has passed and would not fire
// again for the same date).
var incompleteCodes = []string{loa.CodeMissingField, loa.CodeMissingDocument, loa.CodeLOAExpired}

// checkLOA runs the LOA validation of an order against its CSR, documents
// and the country's requirements. requireAttestation is true at approval,
// when the team's judgement of the signature and legibility must be in.
func (s *LOA) checkLOA(ctx context.Context, tx loaReader, o *porting.PortOrder, requireAttestation bool) ([]porting.Finding, error) {
	docs, err := tx.FindDocuments(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if loaNeedsAllNumbers(o) {
		if o, err = withAllNumbers(ctx, tx, o); err != nil {
			return nil, err
		}
	}
	in := loa.Input{
		Order:               loaOrder(o, ""),
		CSR:                 o.CSR,
		RequiredDocuments:   loa.Requirements(o.Country, string(o.NumberKind)).Documents,
		Now:                 s.clock.Now().In(country.CivilZone(o.Country)), // dates are judged in the country's civil time
		MaxAgeDays:          s.settings.loaMaxAgeDays(),
		HasAttachment:       true, // portdesk generates the spreadsheet for every order
		RequireAttestation:  requireAttestation,
		AttachmentThreshold: loaListLimit,
	}
	if o.LOA != nil {
		in.Data = *o.LOA
	}
	if o.Attestation != nil {
		in.Attestation = *o.Attestation
	}
	for _, d := range docs {
		in.DocumentTypes = append(in.DocumentTypes, string(d.Type))
		if d.Type == porting.DocLOASigned {
			in.SignedLOA = d.SHA256 // the latest: documents come oldest first
		}
	}
	if in.SignedLOA != "" {
		if in.GeneratedLOAs, err = generatedLOAs(ctx, tx, o.ID); err != nil {
			return nil, err
		}
	}
	var out []porting.Finding
	if o.CSR != nil && !o.CSR.Verified() {
		out = append(out, porting.Finding{Code: loa.CodeCSRUnverified, Severity: porting.SeverityBlocking, Field: "csr",
			Hint: "the customer proposed this CSR; the porting team confirms it came from the carrier (PATCH confirm_csr) before the LOA is approved against it"})
	}
	if requireAttestation && o.CSR == nil {
		out = append(out, porting.Finding{Code: loa.CodeMissingField, Severity: porting.SeverityBlocking, Field: "csr",
			Hint: "record the carrier's Customer Service Record so the LOA can be compared with it"})
	}
	return append(out, loa.Validate(in)...), nil
}

// loaListLimit is how many numbers an LOA lists before "See Attached".
const loaListLimit = 10

// stopApproval returns the findings that stop approval: blocking and pending.
func stopApproval(fs []porting.Finding) []porting.Finding {
	var out []porting.Finding
	for _, f := range fs {
		if f.Severity == porting.SeverityBlocking || f.Severity == porting.SeverityPending {
			out = append(out, f)
		}
	}
	return out
}

// applyLOACheck records the findings on the order and in the timeline.
func (s *LOA) applyLOACheck(ctx context.Context, tx loaTx, p porting.Principal, o *porting.PortOrder, requireAttestation bool) error {
	fs, err := s.checkLOA(ctx, tx, o, requireAttestation)
	if err != nil {
		return err
	}
	o.Findings = fs
	if fs == nil {
		o.Findings = []porting.Finding{}
	}
	return s.events.record(ctx, tx, p, porting.EventLOAChecked, orderEvent(o), nil, map[string]any{"findings": o.Findings})
}

// submitLOA refuses an incomplete LOA and otherwise checks it for review.
// Each submission is a new signed LOA to judge: earlier attestations go.
func (s *LOA) submitLOA(ctx context.Context, tx loaTx, p porting.Principal, o *porting.PortOrder) error {
	o.Attestation = nil
	if err := s.applyLOACheck(ctx, tx, p, o, false); err != nil {
		return err
	}
	var missing []porting.Finding
	for _, f := range o.Findings {
		if slices.Contains(incompleteCodes, f.Code) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return &porting.Error{Code: porting.EINVALID, Message: "the LOA cannot be submitted as it is: " + summarize(missing), Findings: missing}
	}
	return nil
}

// approveLOA needs the team's attestations and no blocking finding: a
// pending one (the attestation itself) stops it too.
func (s *LOA) approveLOA(ctx context.Context, tx loaTx, p porting.Principal, o *porting.PortOrder) error {
	if err := s.applyLOACheck(ctx, tx, p, o, true); err != nil {
		return err
	}
	if b := stopApproval(o.Findings); len(b) > 0 {
		return &porting.Error{Code: porting.ECONFLICT, Message: "the LOA cannot go to the carrier: " + summarize(b), Findings: b}
	}
	return tx.Enqueue(ctx, porting.NewSubmitJob(o.ID))
}

// returnLOA sends the findings (and the team's words) to the customer.
func (s *LOA) returnLOA(ctx context.Context, tx loaTx, p porting.Principal, o *porting.PortOrder, message string) error {
	if err := s.applyLOACheck(ctx, tx, p, o, false); err != nil {
		return err
	}
	message = strings.TrimSpace(message)
	if message == "" && len(o.Findings) == 0 {
		return porting.FieldErrorf("message", "tell the customer what to fix")
	}
	return s.requests.notifyCustomer(ctx, tx, p, o, messages.ThreadLOAReturned, messages.Data{Message: message, Findings: o.Findings})
}

func summarize(fs []porting.Finding) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Code
		if f.Field != "" {
			parts[i] += " (" + f.Field + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// FindingsOf re-checks an order now, without saving, so a customer can see
// what would block it before submitting: the same findings the order shows.
func (s *LOA) FindingsOf(ctx context.Context, p porting.Principal, orderID string) ([]porting.Finding, error) {
	o, err := s.orders.GetPortOrder(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	return o.Findings, nil
}

// CodeInstanceNotSet is the order's own item for an order that names no
// instance to load its numbers into: a warning until the carrier confirms
// the port date, blocking from then on.
const CodeInstanceNotSet = "INSTANCE_NOT_SET"

// present sets what an order shows from its current data, so that it is
// true whenever the order is read or returned: while the LOA can still
// change, the LOA check against the CSR, documents, requirements and
// today's date; and the order's own items (an instance to load into, a
// quota that holds its numbers).
func (s *LOA) present(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	fs := []porting.Finding{}
	if o.Status.BeforeSubmission() {
		loaFs, err := s.checkLOA(ctx, tx, o, o.Status == porting.StateLOAReview)
		if err != nil {
			return err
		}
		fs = append(fs, loaFs...)
	}
	fs = append(fs, rejectionFindings(o)...)
	if o.InstanceID == "" && o.Status.Active() {
		f := porting.Finding{Code: CodeInstanceNotSet, Severity: porting.SeverityWarning, Field: "instance_id",
			Hint: "choose the contact-center instance the numbers go to; they are loaded into it a few business days before the port"}
		if o.Status.FOCAgreed() {
			f.Severity = porting.SeverityBlocking
			if o.FOCAt != nil {
				load := calendar.Plan(o.Country, *o.FOCAt, s.settings.Plan).LoadNumbersAt
				f.Hint = "choose the contact-center instance now: the numbers are loaded into it on " + load.UTC().Format(time.RFC3339) + " and cannot be without one"
			}
		}
		fs = append(fs, f)
	}
	sf, err := s.instances.QuotaShortfall(ctx, tx, o)
	if err != nil {
		return err
	}
	if sf != nil {
		fs = append(fs, shortfallFinding(sf))
	}
	o.Findings = fs
	return nil
}

// generatedLOAs returns the SHA-256 of every LOA file handed out for the
// order, from its loa_generated events.
func generatedLOAs(ctx context.Context, tx porting.EventStore, orderID string) ([]string, error) {
	var out []string
	for after := int64(0); ; {
		evs, err := tx.FindEvents(ctx, porting.EventFilter{PortOrderID: orderID, Type: porting.EventLOAGenerated, After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			var g generatedFile
			if err := json.Unmarshal(e.After, &g); err != nil {
				return nil, fmt.Errorf("workflow: read event %d: %w", e.ID, err)
			}
			out = append(out, g.SHA256)
		}
		if len(evs) < 1000 {
			return out, nil
		}
		after = evs[len(evs)-1].ID
	}
}

// loaExpiry is the moment the signed LOA stops being valid, or nil: the
// end of its last valid day (dated 15 days ago is still valid) in the
// order's country, the same rule loa.Validate applies.
func (s *LOA) loaExpiry(o *porting.PortOrder) *time.Time {
	if o.LOA == nil || o.LOA.SignedOn == nil {
		return nil
	}
	t := o.LOA.SignedOn.AddDays(s.settings.loaMaxAgeDays() + 1).In(country.CivilZone(o.Country)).UTC()
	return &t
}

// loaNeedsAllNumbers reports whether checking o's LOA needs every number
// of o rather than the ones it carries: to compare them with the CSR's
// list or a partial port, or because none it carries is held while some
// are. Otherwise the check depends on the numbers only through their
// country and carrier, which are the order's by the split.
func loaNeedsAllNumbers(o *porting.PortOrder) bool {
	if !o.PhoneNumbersTruncated {
		return false
	}
	if (o.CSR != nil && len(o.CSR.PhoneNumbers) > 0) || (o.LOA != nil && o.LOA.PartialPort != nil) {
		return true
	}
	return len(o.HeldNumbers()) == 0 && o.HeldCount() > 0
}
