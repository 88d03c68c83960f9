package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// fakeInventory is an inventoryTx in memory: one instance's numbers, the
// events appended and the jobs enqueued. It shows what the narrow store
// interfaces buy: Orders' inventory steps are tested without a database.
type fakeInventory struct {
	numbers map[string]*porting.InstancePhoneNumber // by phone number
	events  []*porting.Event
	jobs    []porting.Job
}

func (f *fakeInventory) CreateInstance(context.Context, *porting.Instance) error {
	return errors.New("fake: not used")
}

func (f *fakeInventory) FindInstance(context.Context, string) (*porting.Instance, error) {
	return nil, errors.New("fake: not used")
}

func (f *fakeInventory) CreateContactFlow(context.Context, *porting.ContactFlow) error {
	return errors.New("fake: not used")
}

func (f *fakeInventory) FindContactFlows(context.Context, string) ([]*porting.ContactFlow, error) {
	return nil, errors.New("fake: not used")
}

func (f *fakeInventory) UpsertInstancePhoneNumber(_ context.Context, n *porting.InstancePhoneNumber) error {
	c := *n
	f.numbers[n.PhoneNumber] = &c
	return nil
}

func (f *fakeInventory) DeleteInstancePhoneNumber(_ context.Context, _, phoneNumber string) error {
	delete(f.numbers, phoneNumber)
	return nil
}

func (f *fakeInventory) FindInstancePhoneNumbers(context.Context, string) ([]*porting.InstancePhoneNumber, error) {
	var out []*porting.InstancePhoneNumber
	for _, n := range f.numbers {
		c := *n
		out = append(out, &c)
	}
	return out, nil
}

func (f *fakeInventory) FindEvent(context.Context, int64) (*porting.Event, error) {
	return nil, errors.New("fake: not used")
}

func (f *fakeInventory) AppendEvent(_ context.Context, e *porting.Event) error {
	e.ID = int64(len(f.events) + 1)
	f.events = append(f.events, e)
	return nil
}

func (f *fakeInventory) FindEvents(context.Context, porting.EventFilter) ([]*porting.Event, error) {
	return nil, errors.New("fake: not used")
}

func (f *fakeInventory) Enqueue(_ context.Context, j porting.Job) error {
	f.jobs = append(f.jobs, j)
	return nil
}

func TestOrdersInventoryWithFakeStore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	clock := porting.ClockFunc(func() time.Time { return now })
	orders := &Orders{clock: clock, events: &Events{clock: clock}}
	spec := porting.Principal{Role: porting.RoleSpecialist}
	o := &porting.PortOrder{ID: "po_1", AccountID: "acc_1", InstanceID: "inst_1", PhoneNumbers: []porting.OrderNumber{
		{PhoneNumber: "+12125550101", Status: porting.NumberPortable},
		{PhoneNumber: "+12125550102", Status: porting.NumberPortable},
		{PhoneNumber: "+12125550103", Status: porting.NumberNotPortable},
	}}
	tx := &fakeInventory{numbers: map[string]*porting.InstancePhoneNumber{
		// Associated to a flow before the load: the association stays.
		"+12125550101": {InstanceID: "inst_1", PhoneNumber: "+12125550101", ContactFlowID: "cf_1", PortOrderID: "po_1"},
		// Loaded by another order: unloading po_1 leaves it.
		"+12125550199": {InstanceID: "inst_1", PhoneNumber: "+12125550199", PortOrderID: "po_other"},
	}}

	if err := orders.placeInventory(ctx, tx, spec, o, porting.InventoryPendingPort); err != nil {
		t.Fatal(err)
	}
	var got []string
	for num := range tx.numbers {
		got = append(got, num)
	}
	slices.Sort(got)
	if want := []string{"+12125550101", "+12125550102", "+12125550199"}; !slices.Equal(got, want) {
		t.Fatalf("inventory after load = %v, want %v (a not-portable number is not loaded)", got, want)
	}
	if n := tx.numbers["+12125550101"]; n.ContactFlowID != "cf_1" || n.Status != porting.InventoryPendingPort || !n.UpdatedAt.Equal(now) {
		t.Errorf("reloaded number = %+v, want its contact flow kept, pending_port, updated now", n)
	}
	if n := tx.numbers["+12125550102"]; n.PortOrderID != "po_1" || n.ContactFlowID != "" {
		t.Errorf("new number = %+v, want order po_1 and no flow", n)
	}

	if err := orders.unloadInventory(ctx, tx, spec, o); err != nil {
		t.Fatal(err)
	}
	if len(tx.numbers) != 1 || tx.numbers["+12125550199"] == nil {
		t.Errorf("inventory after unload = %v, want only the other order's number", tx.numbers)
	}

	// Each step recorded one event, stamped by the clock: the event is the
	// outbox, no job per event is enqueued (the drainer fans it out).
	if len(tx.events) != 2 {
		t.Fatalf("events = %d, want 2", len(tx.events))
	}
	for i, e := range tx.events {
		if e.Type != porting.EventInventoryChanged || !e.At.Equal(now) || e.Actor != spec || e.PortOrderID != "po_1" {
			t.Errorf("event %d = %+v, want %s by the specialist at %v on po_1", i, e, porting.EventInventoryChanged, now)
		}
	}
	if len(tx.jobs) != 0 {
		t.Errorf("jobs = %#v, want none", tx.jobs)
	}
	var removed struct {
		Removed []string `json:"removed"`
	}
	if err := json.Unmarshal(tx.events[1].After, &removed); err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed.Removed)
	if want := []string{"+12125550101", "+12125550102"}; !slices.Equal(removed.Removed, want) {
		t.Errorf("unload event removed %v, want %v", removed.Removed, want)
	}
}
