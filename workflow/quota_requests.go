package workflow

import (
	"context"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// CreateQuotaRequest asks for one of an instance's quotas to be raised.
// Customers ask for their own instances, staff for any. A value that does
// not raise the quota is EINVALID; an instance with
// porting.MaxOpenQuotaRequests open requests is ECONFLICT.
func (s *Instances) CreateQuotaRequest(ctx context.Context, p porting.Principal, instanceID string, in QuotaRequestParams) (*porting.QuotaRequest, error) {
	if p.Role != porting.RoleCustomer && !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not request quota increases", p.Role)
	}
	if err := checkQuotaRequest(&in); err != nil {
		return nil, err
	}
	r := &porting.QuotaRequest{ID: porting.NewID("qr"), InstanceID: instanceID, Quota: in.Quota, Value: in.Value,
		Countries: in.Countries, Reason: in.Reason, Status: porting.QuotaRequestOpen, CreatedBy: p.KeyID, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefQuotaRequest, r.ID, "")
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		// Requests of one account take turns, so the cap holds.
		if err := tx.LockAccount(ctx, inst.AccountID); err != nil {
			return err
		}
		if err := checkRaise(inst.Quotas, in); err != nil {
			return err
		}
		open, err := tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: inst.ID, Status: porting.QuotaRequestOpen, Limit: porting.MaxOpenQuotaRequests})
		if err != nil {
			return err
		}
		if len(open) >= porting.MaxOpenQuotaRequests {
			return porting.Errorf(porting.ECONFLICT, "instance %s has %d open quota requests, the most it may; wait for a decision", inst.ID, len(open))
		}
		r.AccountID = inst.AccountID
		if err := tx.CreateQuotaRequest(ctx, r); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventQuotaRequestCreated, porting.Event{AccountID: inst.AccountID}, nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// QuotaRequests lists an instance's quota requests, newest first: all, or
// those in one state; at most limit.
func (s *Instances) QuotaRequests(ctx context.Context, p porting.Principal, instanceID string, status porting.QuotaRequestStatus, limit int) ([]*porting.QuotaRequest, error) {
	if status != "" && !slices.Contains(porting.QuotaRequestStatuses, status) {
		return nil, porting.FieldErrorf("status", "status %q is not one of open, approved, denied", status)
	}
	if limit < 1 || limit > 100 {
		return nil, porting.FieldErrorf("limit", "limit is 1 to 100")
	}
	var out []*porting.QuotaRequest
	err := s.store.View(ctx, func(tx porting.Tx) error {
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		out, err = tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: inst.ID, Status: status, Limit: limit})
		return err
	})
	return out, err
}

// QuotaRequest returns one quota request its account or staff may see.
func (s *Instances) QuotaRequest(ctx context.Context, p porting.Principal, id string) (*porting.QuotaRequest, error) {
	var r *porting.QuotaRequest
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		r, err = findQuotaRequest(ctx, tx, p, id)
		return err
	})
	return r, err
}

func findQuotaRequest(ctx context.Context, tx porting.QuotaStore, p porting.Principal, id string) (*porting.QuotaRequest, error) {
	r, err := tx.FindQuotaRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := visible(p, r.AccountID, "quota request", id); err != nil {
		return nil, err
	}
	return r, nil
}

// DecideQuotaRequest approves or denies an open quota request; staff only.
// Approval raises the instance's quota to the value asked (never lowers
// it) in the same transaction as the events; a denial needs a reason. A
// request decided already is ECONFLICT.
func (s *Instances) DecideQuotaRequest(ctx context.Context, p porting.Principal, id string, approve bool, reason string) (*porting.QuotaRequest, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) > porting.MaxTextLength {
		return nil, porting.FieldErrorf("reason", "at most %d characters", porting.MaxTextLength)
	}
	if !approve && reason == "" {
		return nil, porting.FieldErrorf("reason", "say why the request is denied")
	}
	var r *porting.QuotaRequest
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefQuotaRequest, id, "")
		var err error
		if r, err = findQuotaRequest(ctx, tx, p, id); err != nil {
			return err
		}
		if !p.Role.Staff() {
			return porting.Errorf(porting.EFORBIDDEN, "only the porting team decides quota requests")
		}
		if r.Status != porting.QuotaRequestOpen {
			return porting.Errorf(porting.ECONFLICT, "quota request %s was %s already", r.ID, r.Status)
		}
		if err := tx.LockAccount(ctx, r.AccountID); err != nil {
			return err
		}
		before := *r
		now := s.clock.Now()
		r.Status, r.DecisionReason, r.DecidedBy, r.DecidedAt = porting.QuotaRequestDenied, reason, p.KeyID, &now
		if approve {
			r.Status = porting.QuotaRequestApproved
		}
		if err := tx.DecideQuotaRequest(ctx, r); err != nil {
			return err
		}
		if err := s.events.record(ctx, tx, p, porting.EventQuotaRequestDecided, porting.Event{AccountID: r.AccountID}, &before, r); err != nil {
			return err
		}
		if !approve {
			return nil
		}
		return s.raiseQuota(ctx, tx, p, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// instanceQuotasChange is the body of an instance.quotas_changed event.
type instanceQuotasChange struct {
	InstanceID     string         `json:"instance_id"`
	QuotaRequestID string         `json:"quota_request_id"`
	Quotas         porting.Quotas `json:"quotas"`
}

// raiseQuota applies an approved request to its instance, then asks every
// order heading there whose quota deadline failed to try it again.
func (s *Instances) raiseQuota(ctx context.Context, tx porting.Tx, p porting.Principal, r *porting.QuotaRequest) error {
	inst, err := tx.FindInstance(ctx, r.InstanceID)
	if err != nil {
		return err
	}
	q := inst.Quotas
	q.OutboundCountries = slices.Clone(q.OutboundCountries)
	switch r.Quota {
	case porting.QuotaPhoneNumbers:
		q.PhoneNumbers = max(q.PhoneNumbers, r.Value)
	case porting.QuotaConcurrentCalls:
		q.ConcurrentCalls = max(q.ConcurrentCalls, r.Value)
	case porting.QuotaOutboundCountries:
		for _, c := range r.Countries {
			if !slices.Contains(q.OutboundCountries, c) {
				q.OutboundCountries = append(q.OutboundCountries, c)
			}
		}
		slices.Sort(q.OutboundCountries)
	}
	if err := tx.UpdateInstanceQuotas(ctx, inst.ID, q); err != nil {
		return err
	}
	if err := s.events.record(ctx, tx, p, porting.EventInstanceQuotasChanged, porting.Event{AccountID: inst.AccountID},
		instanceQuotasChange{InstanceID: inst.ID, QuotaRequestID: r.ID, Quotas: inst.Quotas},
		instanceQuotasChange{InstanceID: inst.ID, QuotaRequestID: r.ID, Quotas: q}); err != nil {
		return err
	}
	if r.Quota != porting.QuotaPhoneNumbers {
		return nil
	}
	return s.retryQuotaDeadlines(ctx, tx, p, inst.ID)
}

// retryQuotaDeadlines saves, as the deciding person, every active order
// heading to the instance with a failed quota deadline: the save gives the
// flag a retry time (settleAttention) and the sweeper checks again.
func (s *Instances) retryQuotaDeadlines(ctx context.Context, tx porting.Tx, p porting.Principal, instanceID string) error {
	nums, err := tx.FindInstanceOrderNumbers(ctx, instanceID)
	if err != nil {
		return err
	}
	var ids []string
	for _, n := range nums {
		if !slices.Contains(ids, n.PortOrderID) {
			ids = append(ids, n.PortOrderID)
		}
	}
	for _, id := range ids {
		o, err := tx.FindPortOrder(ctx, id)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(o.Attention, func(a porting.Attention) bool {
			return a.DeadlineKind == porting.DeadlineQuotaRequestsDue && a.RetryAt == nil
		}) {
			continue
		}
		if err := s.orders.saveOrder(ctx, tx, p, o.Clone(), o, porting.EventOrderUpdated); err != nil {
			return err
		}
	}
	return nil
}
