package workflow

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// loadNumbers places the order's numbers into its instance as pending_port,
// so the customer can associate them with contact flows before the port.
func (s *Orders) loadNumbers(ctx context.Context, tx inventoryTx, p porting.Principal, o *porting.PortOrder) error {
	if o.InstanceID == "" {
		return porting.FieldErrorf("instance_id", "the order names no instance to load the numbers into; set instance_id first")
	}
	o.SetNumberStatus(porting.NumberLoaded)
	return s.placeInventory(ctx, tx, p, o, porting.InventoryPendingPort)
}

// placeInventory puts every number the order holds into its instance with
// the given status and records the change.
func (s *Orders) placeInventory(ctx context.Context, tx inventoryTx, p porting.Principal, o *porting.PortOrder, st porting.InventoryStatus) error {
	if o.InstanceID == "" {
		return nil
	}
	existing, err := tx.FindInstancePhoneNumbers(ctx, o.InstanceID)
	if err != nil {
		return err
	}
	flows := make(map[string]string, len(existing))
	for _, n := range existing {
		flows[n.PhoneNumber] = n.ContactFlowID
	}
	held := o.HeldNumbers()
	for _, num := range held {
		n := &porting.InstancePhoneNumber{
			InstanceID: o.InstanceID, PhoneNumber: num, Status: st,
			ContactFlowID: flows[num], PortOrderID: o.ID, UpdatedAt: s.clock.Now(),
		}
		if err := tx.UpsertInstancePhoneNumber(ctx, n); err != nil {
			return err
		}
	}
	return s.events.record(ctx, tx, p, porting.EventInventoryChanged, orderEvent(o), nil,
		numberList(map[string]any{"instance_id": o.InstanceID, "status": st}, "phone_numbers", held))
}

// unloadInventory takes the numbers of an order that will not port (now)
// out of its instance again.
func (s *Orders) unloadInventory(ctx context.Context, tx inventoryTx, p porting.Principal, o *porting.PortOrder) error {
	if o.InstanceID == "" {
		return nil
	}
	inv, err := tx.FindInstancePhoneNumbers(ctx, o.InstanceID)
	if err != nil {
		return err
	}
	var removed []string
	for _, n := range inv {
		if n.PortOrderID != o.ID {
			continue // loaded by another order: not ours to take out
		}
		if err := tx.DeleteInstancePhoneNumber(ctx, o.InstanceID, n.PhoneNumber); err != nil {
			return err
		}
		removed = append(removed, n.PhoneNumber)
	}
	return s.events.record(ctx, tx, p, porting.EventInventoryChanged, orderEvent(o), nil,
		numberList(map[string]any{"instance_id": o.InstanceID}, "removed", removed))
}
