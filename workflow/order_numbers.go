package workflow

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// An order read from the store carries its counts and only its first
// porting.ShownNumbers numbers (PhoneNumbersTruncated when it holds more):
// what a page shows, an event records and a small write needs. The steps
// that change numbers or hand all of them on (status changes of the
// numbers, carrier submission, LOA files, the checklist, test calls) load
// them on purpose, through loadAllNumbers or withAllNumbers.

// loadAllNumbers makes o carry all its numbers, for a step that changes
// them; the store then writes only those that changed.
func loadAllNumbers(ctx context.Context, tx porting.OrderStore, o *porting.PortOrder) error {
	if !o.PhoneNumbersTruncated {
		return nil
	}
	return tx.LoadPortOrderNumbers(ctx, o)
}

// withAllNumbers returns o when it carries all its numbers, else a shallow
// copy that does, for a step that reads them all while o stays as shown.
func withAllNumbers(ctx context.Context, tx porting.OrderStore, o *porting.PortOrder) (*porting.PortOrder, error) {
	if !o.PhoneNumbersTruncated {
		return o, nil
	}
	c := *o
	if err := tx.LoadPortOrderNumbers(ctx, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// PortOrderNumbers pages through an order's numbers, in their order,
// optionally only those in one status, with GetPortOrder's visibility: a
// customer asking for another account's order gets ENOTFOUND.
func (s *Orders) PortOrderNumbers(ctx context.Context, p porting.Principal, f porting.OrderNumberFilter) (*porting.OrderNumberPage, error) {
	if err := checkPage(f.Limit, f.Cursor); err != nil {
		return nil, err
	}
	if f.Status != "" && !validNumberStatus(f.Status) {
		return nil, porting.FieldErrorf("status", "unknown number status %q", f.Status)
	}
	var page *porting.OrderNumberPage
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findOrder(ctx, tx, p, f.OrderID); err != nil {
			return err
		}
		var err error
		page, err = tx.FindOrderNumbers(ctx, f)
		return err
	})
	return page, err
}

func validNumberStatus(s porting.NumberStatus) bool {
	for _, v := range porting.NumberStatuses {
		if v == s {
			return true
		}
	}
	return false
}
