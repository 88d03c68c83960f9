package workflow

import (
	"context"

	"github.com/portdesk/portdesk/porting"
)

// listTx is the transaction of a listing (a page of orders, a request's
// orders) that reads each instance and counts its numbers once instead of
// once per order. The count does not depend on the order asked for here: every
// order of a listing is as stored, so an order naming an instance holds
// its numbers among the instance's already. Without it a page of 50 orders
// heading to one instance of 7,500 numbers took half a second.
type listTx struct {
	porting.Tx
	counts    map[string]int
	instances map[string]*porting.Instance
}

func newListTx(tx porting.Tx) *listTx {
	return &listTx{Tx: tx, counts: map[string]int{}, instances: map[string]*porting.Instance{}}
}

// FindInstance is the store's read, once per instance. Callers only read
// the instance they get.
func (t *listTx) FindInstance(ctx context.Context, id string) (*porting.Instance, error) {
	if in, ok := t.instances[id]; ok {
		return in, nil
	}
	in, err := t.Tx.FindInstance(ctx, id)
	if err == nil {
		t.instances[id] = in
	}
	return in, err
}

// CountInstanceNumbers is the store's count, read once per instance.
func (t *listTx) CountInstanceNumbers(ctx context.Context, instanceID, orderID string) (int, error) {
	if n, ok := t.counts[instanceID]; ok {
		return n, nil
	}
	n, err := t.Tx.CountInstanceNumbers(ctx, instanceID, orderID)
	if err == nil {
		t.counts[instanceID] = n
	}
	return n, err
}
