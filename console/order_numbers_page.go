package console

import (
	"context"
	"net/http"

	"github.com/portdesk/portdesk/porting"
)

// The numbers page: all of an order's numbers, a page at a time, as the
// API's GET /v1/port-orders/{id}/phone-numbers gives them (an order read
// whole carries only its first porting.ShownNumbers).

func init() {
	pageNames = append(pageNames, "order_numbers")
}

// orderNumbersData is one page of an order's numbers.
type orderNumbersData struct {
	Order      *porting.PortOrder
	Numbers    []porting.OrderNumber
	Status     string
	Statuses   []string
	NextCursor string
}

// handleOrderNumbers pages through an order's numbers
// (Orders.PortOrderNumbers), optionally one number status only.
func (c *console) handleOrderNumbers(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	id := r.PathValue("id")
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "port order not found")
	}
	o, err := c.svc.Orders.GetPortOrder(r.Context(), p, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &orderNumbersData{Order: o, Status: bound(q.Get("status"), 20), Statuses: []string{""}}
	for _, s := range porting.NumberStatuses {
		d.Statuses = append(d.Statuses, string(s))
	}
	pg := c.newPage(r, p, "numbers.title")
	status := http.StatusOK
	page, err := c.svc.Orders.PortOrderNumbers(r.Context(), p, porting.OrderNumberFilter{OrderID: id,
		Status: porting.NumberStatus(d.Status), Cursor: bound(q.Get("cursor"), maxCursor), Limit: porting.MaxPageLimit})
	switch {
	case porting.ErrorCode(err) == porting.EINVALID:
		pg.setError("filter", err)
		status = formStatus(err)
	case err != nil:
		return err
	default:
		d.Numbers, d.NextCursor = page.Numbers, page.NextCursor
	}
	c.render(w, r, status, "order_numbers", pg, d)
	return nil
}

// heldNumbers returns the first max numbers o still holds, reading pages
// of the order's numbers when o carries only its first ones.
func (c *console) heldNumbers(ctx context.Context, p porting.Principal, o *porting.PortOrder, max int) ([]string, error) {
	if !o.PhoneNumbersTruncated {
		held := o.HeldNumbers()
		return held[:min(len(held), max)], nil
	}
	var out []string
	f := porting.OrderNumberFilter{OrderID: o.ID, Limit: porting.MaxPageLimit}
	for len(out) < max {
		page, err := c.svc.Orders.PortOrderNumbers(ctx, p, f)
		if err != nil {
			return nil, err
		}
		for _, n := range page.Numbers {
			if n.Status.Holds() && len(out) < max {
				out = append(out, n.PhoneNumber)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	return out, nil
}
