package workflow

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// PortDay runs the instance side of a port: which contact flow answers each
// number, the calls that reach the instance, test calls, and the port-day
// checklist built from all of it.
type PortDay struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	// caller places test calls; nil: test calls cannot be placed.
	caller porting.TestCaller
	// ingressURI is the built-in SIP ingress (sip:host:port), the default
	// target of test calls; "" without one.
	ingressURI string
	events     *Events
	orders     *Orders
	requests   *Requests
	instances  *Instances
	// guard refuses SIP targets on internal addresses (the webhook
	// policy: allowed only where private networks are); nil allows all.
	guard porting.WebhookGuard
}

// Limits of the port-day inputs.
const (
	// MaxAssociations bounds the numbers one association call changes.
	MaxAssociations = 10_000
	// MaxCallRecords bounds the records one report carries.
	MaxCallRecords = 1_000
	// maxSIPTarget bounds a SIP target URI.
	maxSIPTarget = 500
)

// Association gives a number of an instance a contact flow ("" takes it
// away).
type Association struct {
	PhoneNumber   string
	ContactFlowID string
}

// e164Form is the form numbers take in an instance's inventory.
var e164Form = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// AssociateNumbers gives numbers of an instance their contact flows, all
// or none: a number not in the instance, or a flow of another instance, is
// refused naming the entry. Customers change their own instances, staff
// any.
func (s *PortDay) AssociateNumbers(ctx context.Context, p porting.Principal, instanceID string, as []Association) ([]*porting.InstancePhoneNumber, error) {
	if len(as) == 0 || len(as) > MaxAssociations {
		return nil, porting.FieldErrorf("associations", "give 1 to %d numbers", MaxAssociations)
	}
	var out []*porting.InstancePhoneNumber
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		flows, err := tx.FindContactFlows(ctx, inst.ID)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, f := range flows {
			known[f.ID] = true
		}
		inv, err := tx.FindInstancePhoneNumbers(ctx, inst.ID)
		if err != nil {
			return err
		}
		byNumber := map[string]*porting.InstancePhoneNumber{}
		for _, n := range inv {
			byNumber[n.PhoneNumber] = n
		}
		changed := make([]string, 0, len(as))
		for i, a := range as {
			field := fmt.Sprintf("associations[%d]", i)
			n := byNumber[strings.TrimSpace(a.PhoneNumber)]
			switch {
			case n == nil:
				return porting.FieldErrorf(field+".phone_number", "%q is not a number of instance %s (numbers join it when they are loaded, a few days before the port)", a.PhoneNumber, inst.ID)
			case a.ContactFlowID != "" && !known[a.ContactFlowID]:
				return porting.FieldErrorf(field+".contact_flow_id", "%q is not a contact flow of instance %s", a.ContactFlowID, inst.ID)
			}
			n.ContactFlowID, n.UpdatedAt = a.ContactFlowID, s.clock.Now()
			if err := tx.UpsertInstancePhoneNumber(ctx, n); err != nil {
				return err
			}
			changed = append(changed, n.PhoneNumber)
			out = append(out, n)
		}
		return s.events.record(ctx, tx, p, porting.EventInventoryChanged, porting.Event{AccountID: inst.AccountID}, nil,
			map[string]any{"instance_id": inst.ID, "contact_flows_changed": len(changed), "phone_numbers": firstN(changed, 100)})
	})
	return out, err
}

// firstN is at most n items of list.
func firstN(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// SetSIPTarget changes where test calls to an instance's numbers go: a
// sip: or sips: URI naming a host, without user part ("" for the built-in
// ingress).
func (s *PortDay) SetSIPTarget(ctx context.Context, p porting.Principal, instanceID, target string) (*porting.Instance, error) {
	target = strings.TrimSpace(target)
	if err := checkSIPTarget(target); err != nil {
		return nil, err
	}
	if err := s.checkTargetHost(ctx, target); err != nil {
		return nil, err
	}
	var out *porting.Instance
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		if err := tx.SetInstanceSIPTarget(ctx, inst.ID, target); err != nil {
			return err
		}
		inst.SIPTarget = target
		out = inst
		return s.events.record(ctx, tx, p, porting.EventInstanceUpdated, porting.Event{AccountID: inst.AccountID}, nil,
			map[string]any{"instance_id": inst.ID, "sip_target": target})
	})
	return out, err
}

// checkSIPTarget refuses what cannot be called: anything but a sip: or
// sips: URI with a host and no user part.
func checkSIPTarget(target string) error {
	if target == "" {
		return nil
	}
	u, err := url.Parse(target)
	ok := err == nil && len(target) <= maxSIPTarget && u.Scheme == "sip" && u.Opaque != "" &&
		!strings.Contains(strings.SplitN(u.Opaque, ";", 2)[0], "@") && !strings.ContainsAny(target, " \t\r\n")
	if ok {
		// The caller speaks UDP and TCP: one rule here and there.
		for _, param := range strings.Split(u.Opaque, ";")[1:] {
			k, v, _ := strings.Cut(param, "=")
			if strings.EqualFold(k, "transport") && !strings.EqualFold(v, "udp") && !strings.EqualFold(v, "tcp") {
				ok = false
			}
		}
	}
	if !ok {
		return porting.FieldErrorf("sip_target", "sip_target is a sip: URI of the edge that takes the calls, without a user part, over udp (the default) or tcp, e.g. sip:edge.example.com:5060;transport=tcp (at most %d characters)", maxSIPTarget)
	}
	return nil
}

// checkTargetHost refuses a target on loopback, private or link-local
// addresses unless the desk allows private networks (as for webhooks): a
// customer must not make the desk call into the network it runs in.
func (s *PortDay) checkTargetHost(ctx context.Context, target string) error {
	if target == "" || s.guard == nil {
		return nil
	}
	_, rest, _ := strings.Cut(target, ":")
	hostport := strings.SplitN(rest, ";", 2)[0]
	if err := s.guard.CheckWebhookURL(ctx, "http://"+hostport+"/"); err != nil {
		return porting.FieldErrorf("sip_target", "sip_target must name a public address: %s", porting.ErrorMessage(err))
	}
	return nil
}

// RouteCall implements porting.CallRouter for the SIP ingress: the
// instance holding a number (active first), its status and flow.
func (s *PortDay) RouteCall(ctx context.Context, e164 string) (*porting.NumberRoute, error) {
	var out *porting.NumberRoute
	err := s.store.View(ctx, func(tx porting.Tx) error {
		inv, err := tx.FindInventoryByNumber(ctx, e164)
		if err != nil {
			return err
		}
		if len(inv) == 0 {
			return porting.Errorf(porting.ENOTFOUND, "no instance holds %s", e164)
		}
		n := inv[0]
		out = &porting.NumberRoute{InstanceID: n.InstanceID, PhoneNumber: n.PhoneNumber, Status: n.Status, ContactFlowID: n.ContactFlowID}
		if n.ContactFlowID == "" {
			return nil
		}
		flows, err := tx.FindContactFlows(ctx, n.InstanceID)
		if err != nil {
			return err
		}
		for _, f := range flows {
			if f.ID == n.ContactFlowID {
				out.ContactFlowName = f.Name
			}
		}
		return nil
	})
	return out, err
}

// RecordCall implements porting.CallRouter: a call the ingress took.
func (s *PortDay) RecordCall(ctx context.Context, r porting.CallRecord) error {
	if r.InstanceID == "" {
		return nil // a number no instance holds: nobody to tell
	}
	if r.At.IsZero() {
		r.At = s.clock.Now()
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		return tx.CreateCallRecords(ctx, []*porting.CallRecord{&r})
	})
}

// ReportCalls takes calls a platform's own edge saw (batched, all or
// none): each for a number of an instance the caller may see.
func (s *PortDay) ReportCalls(ctx context.Context, p porting.Principal, rs []porting.CallRecord) (int, error) {
	if len(rs) == 0 || len(rs) > MaxCallRecords {
		return 0, porting.FieldErrorf("records", "give 1 to %d call records", MaxCallRecords)
	}
	now := s.clock.Now()
	out := make([]*porting.CallRecord, len(rs))
	for i := range rs {
		r := rs[i]
		if err := checkCallRecord(fmt.Sprintf("records[%d]", i), &r, now); err != nil {
			return 0, err
		}
		r.ID, r.TestCallID = "", ""
		out[i] = &r
	}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		known := map[string]*instanceNumbers{}
		for i, r := range out {
			field := fmt.Sprintf("records[%d]", i)
			in := known[r.InstanceID]
			if in == nil {
				var err error
				if in, err = s.numbersOf(ctx, tx, p, r.InstanceID); err != nil {
					return porting.FieldErrorf(field+".instance_id", "instance %s not found", r.InstanceID)
				}
				known[r.InstanceID] = in
			}
			if !in.numbers[r.PhoneNumber] {
				return porting.FieldErrorf(field+".phone_number", "%s is not a number of instance %s", r.PhoneNumber, r.InstanceID)
			}
			if r.ContactFlowID != "" && !in.flows[r.ContactFlowID] {
				return porting.FieldErrorf(field+".contact_flow_id", "%q is not a contact flow of instance %s", r.ContactFlowID, r.InstanceID)
			}
		}
		return tx.CreateCallRecords(ctx, out)
	})
	if err != nil {
		return 0, err
	}
	return len(out), nil
}

// instanceNumbers are an instance's numbers and flows, for checking
// reported calls.
type instanceNumbers struct{ numbers, flows map[string]bool }

// numbersOf reads an instance's numbers and flows, if p may see it.
func (s *PortDay) numbersOf(ctx context.Context, tx porting.Tx, p porting.Principal, instanceID string) (*instanceNumbers, error) {
	inst, err := findInstance(ctx, tx, p, instanceID)
	if err != nil {
		return nil, err
	}
	inv, err := tx.FindInstancePhoneNumbers(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	flows, err := tx.FindContactFlows(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	out := &instanceNumbers{numbers: map[string]bool{}, flows: map[string]bool{}}
	for _, n := range inv {
		out.numbers[n.PhoneNumber] = true
	}
	for _, f := range flows {
		out.flows[f.ID] = true
	}
	return out, nil
}

// checkCallRecord checks one reported call.
func checkCallRecord(field string, r *porting.CallRecord, now time.Time) error {
	r.PhoneNumber, r.Source = strings.TrimSpace(r.PhoneNumber), strings.TrimSpace(r.Source)
	switch {
	case r.InstanceID == "" || len(r.InstanceID) > porting.MaxNameLength:
		return porting.FieldErrorf(field+".instance_id", "name the instance the call reached")
	case !e164Form.MatchString(r.PhoneNumber):
		return porting.FieldErrorf(field+".phone_number", "the number called, in E.164 (+ and 7 to 15 digits)")
	case !r.Outcome.Valid():
		return porting.FieldErrorf(field+".outcome", "outcome is one of answered, unavailable, not_found, failed")
	case len(r.Source) > porting.MaxNameLength || len(r.ContactFlowID) > porting.MaxNameLength:
		return porting.FieldErrorf(field, "source and contact_flow_id are at most %d characters", porting.MaxNameLength)
	case r.At.IsZero():
		r.At = now
	}
	if err := porting.CheckTime(field+".at", r.At); err != nil {
		return err
	}
	if r.At.After(now.Add(5 * time.Minute)) {
		return porting.FieldErrorf(field+".at", "a call cannot be reported before it happened")
	}
	return nil
}
