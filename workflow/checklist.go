package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// ChecklistItem is one step of the port day with its evidence.
type ChecklistItem struct {
	Item     porting.ChecklistItemName `json:"item"`
	State    porting.ItemState         `json:"state"`
	Owner    porting.Party             `json:"owner" doc:"Who must act when the item is not done: customer or team."`
	Evidence string                    `json:"evidence"`
	DueAt    *time.Time                `json:"due_at,omitempty"`
	Numbers  []string                  `json:"numbers,omitempty" doc:"The numbers the item is about when it is not done (at most 100)."`
	Traffic  []NumberTraffic           `json:"traffic,omitempty" doc:"Calls per hour per number since the port began (traffic_at_expected_level)."`
}

// NumberTraffic is the hourly call count of one number.
type NumberTraffic struct {
	PhoneNumber string      `json:"phone_number"`
	Answered    int         `json:"answered"`
	Hours       []HourCalls `json:"hours"`
}

// HourCalls counts a number's calls in one hour.
type HourCalls struct {
	Hour     time.Time `json:"hour"`
	Calls    int       `json:"calls"`
	Answered int       `json:"answered"`
}

// Checklist is the port day of an order, item by item.
type Checklist struct {
	PortOrderID string          `json:"port_order_id"`
	Status      porting.State   `json:"status"`
	FOCAt       *time.Time      `json:"foc_at,omitempty"`
	Ready       bool            `json:"ready" doc:"Every item passed or is attested."`
	Items       []ChecklistItem `json:"items"`
}

// Bounds of the checklist's evidence.
const (
	maxItemNumbers  = 100
	trafficNumbers  = 20
	trafficHours    = 24
	trafficGraceFor = 2 * time.Hour
)

// Checklist computes an order's port-day checklist from its current data.
func (s *PortDay) Checklist(ctx context.Context, p porting.Principal, orderID string) (*Checklist, error) {
	var out *Checklist
	err := s.store.View(ctx, func(tx porting.Tx) error {
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		out, err = s.checklist(ctx, tx, o)
		return err
	})
	return out, err
}

// OrderChecklist returns the order as GetPortOrder presents it and its
// checklist as Checklist computes it, from one transaction in which the
// instance is read and its numbers are counted once: the quota finding and
// the quota item ask the same QuotaShortfall. ENOTFOUND as GetPortOrder.
func (s *PortDay) OrderChecklist(ctx context.Context, p porting.Principal, orderID string) (*porting.PortOrder, *Checklist, error) {
	var o *porting.PortOrder
	var c *Checklist
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		if o, err = findOrder(ctx, tx, p, orderID); err != nil {
			return err
		}
		ltx := newListTx(tx)
		if err := s.orders.loa.present(ctx, ltx, o); err != nil {
			return err
		}
		c, err = s.checklist(ctx, ltx, o)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, c, nil
}

// checklist computes the items of o.
func (s *PortDay) checklist(ctx context.Context, tx porting.Tx, o *porting.PortOrder) (*Checklist, error) {
	// The flows item looks at every number, the traffic item samples them.
	o, err := withAllNumbers(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	c := &Checklist{PortOrderID: o.ID, Status: o.Status, FOCAt: o.FOCAt}
	var plan *calendar.Deadlines
	if o.FOCAt != nil {
		d := calendar.Plan(o.Country, *o.FOCAt, s.settings.Plan)
		plan = &d
	}
	var inst *porting.Instance
	var inv []*porting.InstancePhoneNumber
	if o.InstanceID != "" {
		var err error
		if inst, err = tx.FindInstance(ctx, o.InstanceID); err != nil {
			return nil, err
		}
		if inv, err = tx.FindInstancePhoneNumbers(ctx, o.InstanceID); err != nil {
			return nil, err
		}
	}
	run, err := latestRun(ctx, tx, o.ID)
	if err != nil {
		return nil, err
	}
	traffic, err := s.trafficItem(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	short, err := s.instances.QuotaShortfall(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	c.Items = []ChecklistItem{
		instanceItem(o, plan),
		flowsItem(o, inv, plan),
		quotaItem(o, inst, short, plan),
		attestedItem(o, porting.ItemOldTrafficStopped, "your old contact center no longer takes the calls (confirm it)"),
		testCallsItem(run),
		attestedItem(o, porting.ItemAgentsReady, "agents are logged in to the new instance (confirm it)"),
		traffic,
	}
	c.Ready = true
	for _, it := range c.Items {
		c.Ready = c.Ready && (it.State == porting.ItemPass || it.State == porting.ItemAttested)
	}
	return c, nil
}

func instanceItem(o *porting.PortOrder, plan *calendar.Deadlines) ChecklistItem {
	it := ChecklistItem{Item: porting.ItemInstanceSet, Owner: porting.PartyCustomer, State: porting.ItemPass,
		Evidence: "the numbers go to instance " + o.InstanceID}
	if o.InstanceID == "" {
		it.State, it.Evidence = porting.ItemFail, "the order names no instance: choose one (PATCH instance_id)"
		if plan != nil {
			it.DueAt = &plan.LoadNumbersAt
		}
	}
	return it
}

func flowsItem(o *porting.PortOrder, inv []*porting.InstancePhoneNumber, plan *calendar.Deadlines) ChecklistItem {
	it := ChecklistItem{Item: porting.ItemNumbersAssociated, Owner: porting.PartyCustomer}
	if plan != nil {
		it.DueAt = o.FOCAt
	}
	loaded := map[string]*porting.InstancePhoneNumber{}
	for _, n := range inv {
		if n.PortOrderID == o.ID {
			loaded[n.PhoneNumber] = n
		}
	}
	if len(loaded) == 0 {
		it.State, it.Evidence = porting.ItemPending, "the numbers join the instance when they are loaded, a few business days before the port; associate each with a contact flow then"
		if plan != nil {
			it.Evidence = "the numbers join the instance on " + plan.LoadNumbersAt.UTC().Format(time.RFC3339) + "; associate each with a contact flow then"
		}
		return it
	}
	var missing []string
	for _, n := range o.HeldNumbers() {
		if l := loaded[n]; l == nil || l.ContactFlowID == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		it.State, it.Numbers = porting.ItemFail, firstN(missing, maxItemNumbers)
		it.Evidence = fmt.Sprintf("%d of %d numbers have no contact flow and would receive no calls", len(missing), len(o.HeldNumbers()))
		return it
	}
	it.State, it.Evidence = porting.ItemPass, fmt.Sprintf("all %d numbers are associated with a contact flow", len(loaded))
	return it
}

// quotaItem asks the one quota rule (Instances.QuotaShortfall) whether
// the instance holds the numbers it will have.
func quotaItem(o *porting.PortOrder, inst *porting.Instance, short *QuotaShortfall, plan *calendar.Deadlines) ChecklistItem {
	it := ChecklistItem{Item: porting.ItemQuotasInPlace, Owner: porting.PartyCustomer}
	if inst == nil {
		it.State, it.Evidence = porting.ItemPending, "known once the order names an instance"
		return it
	}
	if plan != nil {
		it.DueAt = &plan.QuotaRequestsDue
	}
	if short != nil {
		it.State = porting.ItemFail
		it.Evidence = fmt.Sprintf("instance %s allows %d for %s and will need %d: request a quota increase (POST /v1/instances/%s/quota-requests)",
			inst.ID, short.Have, short.Quota, short.Need, inst.ID)
		return it
	}
	it.State = porting.ItemPass
	it.Evidence = fmt.Sprintf("instance %s may hold %d phone numbers, enough for this order", inst.ID, inst.Quotas.PhoneNumbers)
	return it
}

func attestedItem(o *porting.PortOrder, name porting.ChecklistItemName, what string) ChecklistItem {
	it := ChecklistItem{Item: name, Owner: porting.PartyCustomer, State: porting.ItemPending, Evidence: what}
	if a, ok := o.Checklist[name]; ok {
		it.State = porting.ItemAttested
		it.Evidence = fmt.Sprintf("confirmed by %s at %s", a.By, a.At.UTC().Format(time.RFC3339))
		if a.Note != "" {
			it.Evidence += ": " + a.Note
		}
	}
	if o.FOCAt != nil {
		it.DueAt = o.FOCAt
	}
	return it
}

func testCallsItem(run *TestCallRun) ChecklistItem {
	it := ChecklistItem{Item: porting.ItemTestCallsRouted, Owner: porting.PartyTeam}
	switch {
	case run.RunID == "":
		it.State, it.Evidence = porting.ItemPending, "test calls are placed when the carrier confirms the port (or with POST test-calls)"
	case run.Failed > 0:
		var bad []string
		for _, c := range run.Calls {
			if c.Result != porting.TestCallPass {
				bad = append(bad, c.PhoneNumber)
			}
		}
		it.State, it.Numbers = porting.ItemFail, firstN(bad, maxItemNumbers)
		it.Evidence = fmt.Sprintf("run %s: %d of %d test calls misrouted or failed", run.RunID, run.Failed, len(run.Calls))
	default:
		it.State, it.Evidence = porting.ItemPass, fmt.Sprintf("run %s: all %d test calls reached their contact flow", run.RunID, len(run.Calls))
	}
	return it
}

// portedStates are the states after the carrier confirmed the port.
var portedStates = []porting.State{porting.StatePorted, porting.StateAwaitingVerification, porting.StateCompleted}

// trafficItem counts the calls that reached the instance since the port
// began, per number (a sample of a large order) and hour.
func (s *PortDay) trafficItem(ctx context.Context, tx porting.Tx, o *porting.PortOrder) (ChecklistItem, error) {
	it := ChecklistItem{Item: porting.ItemTrafficAtLevel, Owner: porting.PartyTeam, State: porting.ItemPending,
		Evidence: "traffic is counted once the port is done"}
	if !slices.Contains(portedStates, o.Status) || o.InstanceID == "" || o.FOCAt == nil {
		return it, nil
	}
	nums := sample(o.HeldNumbers(), trafficNumbers)
	now := s.clock.Now()
	since := maxTime(*o.FOCAt, now.Add(-trafficHours*time.Hour)).Truncate(time.Hour)
	counts, err := tx.CountCallsByHour(ctx, o.InstanceID, nums, since)
	if err != nil {
		return it, err
	}
	byNumber := map[string]*NumberTraffic{}
	for _, n := range nums {
		byNumber[n] = &NumberTraffic{PhoneNumber: n, Hours: []HourCalls{}}
	}
	for _, c := range counts {
		if t := byNumber[c.PhoneNumber]; t != nil {
			t.Hours = append(t.Hours, HourCalls{Hour: c.Hour, Calls: c.Calls, Answered: c.Answered})
			t.Answered += c.Answered
		}
	}
	var silent []string
	for _, n := range nums {
		it.Traffic = append(it.Traffic, *byNumber[n])
		if byNumber[n].Answered == 0 {
			silent = append(silent, n)
		}
	}
	switch {
	case len(silent) == 0:
		it.State, it.Evidence = porting.ItemPass, fmt.Sprintf("every number checked (%d) took calls since the port", len(nums))
	case now.Sub(*o.FOCAt) < trafficGraceFor:
		it.Evidence, it.Numbers = fmt.Sprintf("%d of %d numbers took no call yet; routes across carriers take a few hours", len(silent), len(nums)), silent
	default:
		it.State, it.Numbers = porting.ItemFail, silent
		it.Evidence = fmt.Sprintf("%d of %d numbers took no call since the port", len(silent), len(nums))
	}
	return it, nil
}

// maxTime is the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Attest records the customer's word for an item portdesk cannot observe.
func (s *PortDay) Attest(ctx context.Context, p porting.Principal, orderID string, item porting.ChecklistItemName, note string) (*Checklist, error) {
	note = strings.TrimSpace(note)
	if !slices.Contains(porting.AttestedItems, item) {
		return nil, porting.FieldErrorf("item", "only old_traffic_stopped and agents_ready are attested; the other items are observed")
	}
	if len(note) > porting.MaxTextLength {
		return nil, porting.FieldErrorf("note", "at most %d characters", porting.MaxTextLength)
	}
	var out *Checklist
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		if !o.Status.FOCAgreed() || o.Status == porting.StateCompleted {
			return porting.Errorf(porting.ECONFLICT, "the port-day checklist is open from the FOC to completion, not in status %s", o.Status)
		}
		before := o.Clone()
		if o.Checklist == nil {
			o.Checklist = map[porting.ChecklistItemName]porting.ChecklistAttestation{}
		}
		o.Checklist[item] = porting.ChecklistAttestation{By: p.KeyID, At: s.clock.Now(), Note: note}
		if err := s.orders.saveOrder(ctx, tx, p, before, o, porting.EventChecklistAttested); err != nil {
			return err
		}
		out, err = s.checklist(ctx, tx, o)
		return err
	})
	return out, err
}

// remindChecklist reminds the customer of the items they own that are not
// done, and records what is open for the team (a deadline's work).
func (s *PortDay) remindChecklist(ctx context.Context, tx porting.Tx, o *porting.PortOrder) error {
	c, err := s.checklist(ctx, tx, o)
	if err != nil {
		return err
	}
	var customer, team []string
	for _, it := range c.Items {
		if it.State == porting.ItemPass || it.State == porting.ItemAttested {
			continue
		}
		if it.Owner == porting.PartyCustomer {
			customer = append(customer, string(it.Item))
		} else if it.State == porting.ItemFail {
			team = append(team, string(it.Item))
		}
	}
	if err := s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventChecklistReminder, orderEvent(o), nil,
		map[string]any{"foc_at": o.FOCAt, "customer_items": customer, "team_items": team}); err != nil {
		return err
	}
	if len(customer) == 0 {
		return nil
	}
	return s.requests.notifyCustomer(ctx, tx, porting.SystemPrincipal, o, messages.ThreadChecklistReminder,
		messages.Data{FOCAt: o.FOCAt, Items: customer})
}
