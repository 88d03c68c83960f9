package workflow

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// Carriers hands approved orders to the losing carrier and withdraws cancelled ones (the job runner calls it).
type Carriers struct {
	store   porting.Store
	carrier porting.CarrierGateway
	events  *Events
}

// ManualGateway is the carrier gateway for carriers without an API: the
// porting team submits by email or portal and records the carrier's answers
// as actions. Submit only hands the order to the team.
type ManualGateway struct{}

// Name implements porting.CarrierGateway.
func (ManualGateway) Name() string { return "manual" }

// Submit implements porting.CarrierGateway; the reference is the order ID
// the team quotes to the carrier.
func (ManualGateway) Submit(_ context.Context, o *porting.PortOrder) (string, error) {
	return o.ID, nil
}

// Cancel implements porting.CarrierGateway: the team withdraws the order by
// email or portal.
func (ManualGateway) Cancel(context.Context, *porting.PortOrder) error { return nil }

func (s *Carriers) gateway() porting.CarrierGateway {
	if s.carrier != nil {
		return s.carrier
	}
	return ManualGateway{}
}

// SubmitToCarrier hands a submitted order to its carrier gateway and records
// the submission. It runs as a background job after approve_loa commits; an
// order that has moved on since is left alone.
func (s *Carriers) SubmitToCarrier(ctx context.Context, orderID string) error {
	o, err := s.order(ctx, orderID)
	if err != nil {
		return err
	}
	if o.Status != porting.StateSubmitted {
		return nil
	}
	gw := s.gateway()
	ref, err := gw.Submit(ctx, o)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		return s.events.record(ctx, tx, porting.Principal{Role: porting.RoleSystem}, porting.EventCarrierSubmission, orderEvent(o), nil,
			map[string]string{"gateway": gw.Name(), "reference": ref, "awaiting": "carrier answer (FOC or rejection)"})
	})
}

// CancelAtCarrier withdraws an order from its carrier after a cancel, and
// records it. It runs as a background job after the cancel commits.
func (s *Carriers) CancelAtCarrier(ctx context.Context, orderID string) error {
	o, err := s.order(ctx, orderID)
	if err != nil {
		return err
	}
	gw := s.gateway()
	if err := gw.Cancel(ctx, o); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventCarrierCancel, orderEvent(o), nil,
			map[string]string{"gateway": gw.Name(), "status": string(o.Status)})
	})
}

// order reads an order for a carrier job, outside any transaction: the
// gateway's call must not hold one open.
func (s *Carriers) order(ctx context.Context, id string) (*porting.PortOrder, error) {
	var o *porting.PortOrder
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		o, err = tx.FindPortOrder(ctx, id)
		return err
	})
	return o, err
}
