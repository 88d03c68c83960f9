package workflow

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Orders shows and changes port orders: PATCH edits, the actions of the transition table (actions.go), port dates (foc.go) and the instance inventory they load (inventory.go).
type Orders struct {
	store     porting.Store
	clock     porting.Clock
	settings  Settings
	deadlines *Deadlines
	events    *Events
	loa       *LOA
	requests  *Requests
}

// findOrder loads an order the principal may see.
func findOrder(ctx context.Context, tx porting.OrderStore, p porting.Principal, id string) (*porting.PortOrder, error) {
	o, err := tx.FindPortOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := visible(p, o.AccountID, "port order", id); err != nil {
		return nil, err
	}
	return o, nil
}

// GetPortOrder returns an order its account or staff may see.
func (s *Orders) GetPortOrder(ctx context.Context, p porting.Principal, id string) (*porting.PortOrder, error) {
	var o *porting.PortOrder
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if o, err = findOrder(ctx, tx, p, id); err != nil {
			return err
		}
		return s.loa.present(ctx, tx, o)
	})
	return o, err
}

// PortOrderQuery is what a list of port orders may ask for: the store's
// filter, and whose move it is.
type PortOrderQuery struct {
	porting.PortOrderFilter
	// WaitingOn, when set, selects the orders whose state waits on that
	// party (porting.State.WaitingOn); with Status, both must hold.
	WaitingOn porting.Party
}

// ListPortOrders pages through orders. Customers see only their account's:
// an account_id naming another account still lists their own. Staff see
// all, or one account's.
func (s *Orders) ListPortOrders(ctx context.Context, p porting.Principal, q PortOrderQuery) (*porting.PortOrderPage, error) {
	f := q.PortOrderFilter
	var err error
	if f.AccountID, err = listAccount(p, f.AccountID); err != nil {
		return nil, err
	}
	if err := checkPage(f.Limit, f.Cursor); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, porting.FieldErrorf("status", "unknown status %q", f.Status)
	}
	if !f.Sort.Valid() {
		return nil, porting.FieldErrorf("sort", "unknown sort %q", f.Sort)
	}
	if f.DueBefore != nil {
		if err := porting.CheckTime("due_before", *f.DueBefore); err != nil {
			return nil, err
		}
	}
	if f.Country != "" {
		if f.Country = strings.ToUpper(f.Country); !countryCode.MatchString(f.Country) {
			return nil, porting.FieldErrorf("country", "country must be an ISO 3166-1 alpha-2 code such as US, not %q", q.Country)
		}
	}
	if q.WaitingOn != "" {
		if !slices.Contains(porting.Parties, q.WaitingOn) {
			return nil, porting.FieldErrorf("waiting_on", "unknown party %q", q.WaitingOn)
		}
		for _, st := range porting.States {
			if st.WaitingOn() == q.WaitingOn {
				f.Statuses = append(f.Statuses, st)
			}
		}
	}
	var page *porting.PortOrderPage
	err = s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if page, err = tx.FindPortOrders(ctx, f); err != nil {
			return err
		}
		ltx := newListTx(tx)
		if err := ltx.prefetchDocuments(ctx, page.Orders); err != nil {
			return err
		}
		for _, o := range page.Orders {
			if err := s.loa.present(ctx, ltx, o); err != nil {
				return err
			}
		}
		return nil
	})
	return page, err
}

// countryCode matches an upper-case ISO 3166-1 alpha-2 code.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// UpdatePortOrderParams are the fields a PATCH may change; nil leaves a
// field as it is.
type UpdatePortOrderParams struct {
	InstanceID     *string
	RequestedFOCAt *time.Time
	// LOA replaces the LOA data; PIN, when not nil, replaces the PIN on
	// file (nil keeps it, "" clears it).
	LOA *porting.LOAData
	PIN *string
	// CSR records the carrier's Customer Service Record.
	CSR *porting.CSR
	// Attestation is the team's judgement of the signed LOA (staff only).
	Attestation *AttestationInput
	// ConfirmCSR, staff only, confirms that the CSR a customer proposed is
	// the carrier's record.
	ConfirmCSR bool
	// IfVersion, when set, is the version the caller changes the order
	// from (If-Match): another version is EPRECONDITION.
	IfVersion *int
}

// UpdatePortOrder changes the editable fields of an order: the instance to
// load into (until the numbers are loaded), the requested port date (until
// the carrier has confirmed one), the LOA data and CSR (until submission),
// and the team's attestation. The LOA is re-checked after a change.
func (s *Orders) UpdatePortOrder(ctx context.Context, p porting.Principal, id string, in UpdatePortOrderParams) (*porting.PortOrder, error) {
	if p.Role != porting.RoleCustomer && !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not change orders", p.Role)
	}
	if in.RequestedFOCAt != nil {
		if err := porting.CheckTime("requested_foc_at", *in.RequestedFOCAt); err != nil {
			return nil, err
		}
	}
	var o *porting.PortOrder
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		if o, err = findOrder(ctx, tx, p, id); err != nil {
			return err
		}
		if err := checkVersion(o, in.IfVersion); err != nil {
			return err
		}
		before := o.Clone()
		if in.InstanceID != nil {
			if err := s.changeInstance(ctx, tx, o, *in.InstanceID); err != nil {
				return err
			}
		}
		if in.RequestedFOCAt != nil {
			if err := s.changeRequestedFOC(p, o, *in.RequestedFOCAt); err != nil {
				return err
			}
		}
		if err := s.changeLOA(ctx, tx, p, o, in); err != nil {
			return err
		}
		if err := s.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated); err != nil {
			return err
		}
		return s.loa.present(ctx, tx, o)
	})
	return o, preconditionFailed(err, in.IfVersion)
}

func (s *Orders) changeLOA(ctx context.Context, tx loaReader, p porting.Principal, o *porting.PortOrder, in UpdatePortOrderParams) error {
	if in.LOA == nil && in.PIN == nil && in.CSR == nil && in.Attestation == nil && !in.ConfirmCSR {
		return nil
	}
	if in.LOA != nil || in.PIN != nil {
		data := porting.LOAData{}
		switch {
		case in.LOA != nil:
			data = *in.LOA
		case o.LOA != nil:
			data = *o.LOA
		}
		if err := setLOA(p, o, data, in.PIN); err != nil {
			return err
		}
	}
	if in.CSR != nil {
		if err := s.loa.setCSR(p, o, *in.CSR); err != nil {
			return err
		}
	}
	if in.ConfirmCSR {
		if err := s.loa.confirmCSR(p, o); err != nil {
			return err
		}
	}
	if in.Attestation != nil {
		if !p.Role.Staff() {
			return porting.Errorf(porting.EFORBIDDEN, "only the porting team attests the signed LOA")
		}
		if o.Status != porting.StateLOAReview {
			return porting.Errorf(porting.ECONFLICT, "the signed LOA is attested while the order is in loa_review, not %s", o.Status)
		}
		if err := s.loa.attest(p, o, *in.Attestation); err != nil {
			return err
		}
	}
	fs, err := s.loa.checkLOA(ctx, tx, o, o.Status == porting.StateLOAReview)
	if err != nil {
		return err
	}
	o.Findings = fs
	return nil
}

// checkVersion refuses a change made from a version of o that is no longer
// current, so concurrent editors cannot silently overwrite each other.
func checkVersion(o *porting.PortOrder, want *int) error {
	if want != nil && *want != o.Version {
		return porting.Errorf(porting.EPRECONDITION, "port order %s is at version %d, not %d: someone changed it meanwhile; reload it and try again", o.ID, o.Version, *want)
	}
	return nil
}

// preconditionFailed turns the store's refusal of a concurrent write into
// EPRECONDITION when the caller named the version it wrote from: on
// PostgreSQL two writers can both pass checkVersion and only the store's
// version check tells them apart.
func preconditionFailed(err error, want *int) error {
	if want != nil && errors.Is(err, porting.ErrStaleVersion) {
		return &porting.Error{Code: porting.EPRECONDITION, Err: err,
			Message: "the port order changed while this change was made; reload it and try again"}
	}
	return err
}

func (s *Orders) changeInstance(ctx context.Context, tx porting.InstanceStore, o *porting.PortOrder, instanceID string) error {
	if !o.Status.BeforeLoading() {
		return porting.Errorf(porting.ECONFLICT, "the instance cannot change once numbers are loaded (status %s)", o.Status)
	}
	inst, err := tx.FindInstance(ctx, instanceID)
	if err != nil || inst.AccountID != o.AccountID {
		return porting.FieldErrorf("instance_id", "instance %s not found in this account", instanceID)
	}
	o.InstanceID = instanceID
	return nil
}

func (s *Orders) changeRequestedFOC(p porting.Principal, o *porting.PortOrder, at time.Time) error {
	if !o.Status.BeforeSubmission() {
		return porting.Errorf(porting.ECONFLICT, "the requested date cannot change in status %s; use reschedule", o.Status)
	}
	if _, err := s.checkPortDate(p, o, at, "requested_foc_at", portDateRequested, ""); err != nil {
		return err
	}
	t := at.UTC()
	o.RequestedFOCAt = &t
	return nil
}

// setRespondBy sets the customer's answer deadline when the order waits on
// them and clears it otherwise.
func (s *Orders) setRespondBy(o *porting.PortOrder) {
	if o.WaitingOn() != porting.PartyCustomer {
		o.RespondBy = nil
		return
	}
	days := s.settings.respondWithinDays()
	if o.Status == porting.StateAwaitingVerification {
		days = s.settings.verifyWithinDays()
	}
	t := s.clock.Now().AddDate(0, 0, days)
	if o.Status == porting.StateNumbersLoaded && o.FOCAt != nil && o.FOCAt.Before(t) {
		t = *o.FOCAt // flows must be associated before the port, not a month later
	}
	o.RespondBy = &t
}

// saveOrder stores o (optimistically, against before's version) and records
// the change as an event of type typ.
func (s *Orders) saveOrder(ctx context.Context, tx orderTx, p porting.Principal, before, o *porting.PortOrder, typ string) error {
	o.UpdatedAt = s.clock.Now()
	s.deadlines.settleAttention(p, o)
	if err := tx.UpdatePortOrder(ctx, o); err != nil {
		return err
	}
	if err := s.deadlines.replan(ctx, tx, o); err != nil {
		return err
	}
	return s.events.record(ctx, tx, p, typ, orderEvent(o), before, o)
}

func (s *Orders) createOrder(ctx context.Context, tx orderTx, p porting.Principal, o *porting.PortOrder) error {
	if err := tx.CreatePortOrder(ctx, o); err != nil {
		if porting.ErrorCode(err) == porting.ECONFLICT && p.Role == porting.RoleCustomer {
			// The store names the holding order, which may be another account's.
			return porting.Errorf(porting.ECONFLICT, "a number of this order is already on another active port order")
		}
		return err
	}
	if err := s.deadlines.replan(ctx, tx, o); err != nil {
		return err
	}
	return s.events.record(ctx, tx, p, porting.EventOrderCreated, orderEvent(o), nil, o)
}
