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
// heading to one instance of 7,500 numbers took half a second. The
// documents of the listed orders are read in one query (prefetchDocuments)
// rather than one per order, a round trip each on PostgreSQL.
type listTx struct {
	porting.Tx
	counts    map[string]int
	instances map[string]*porting.Instance
	documents map[string][]*porting.Document // nil until prefetched
}

func newListTx(tx porting.Tx) *listTx {
	return &listTx{Tx: tx, counts: map[string]int{}, instances: map[string]*porting.Instance{}}
}

// prefetchDocuments reads the documents of every order that present will
// check (those whose LOA can still change) in one query.
func (t *listTx) prefetchDocuments(ctx context.Context, orders []*porting.PortOrder) error {
	var ids []string
	for _, o := range orders {
		if o.Status.BeforeSubmission() {
			ids = append(ids, o.ID)
		}
	}
	docs, err := t.Tx.FindDocumentsOfOrders(ctx, ids)
	if err != nil {
		return err
	}
	t.documents = docs
	for _, id := range ids {
		if t.documents[id] == nil {
			t.documents[id] = []*porting.Document{}
		}
	}
	return nil
}

// FindDocuments answers from the prefetched documents when the order was
// among them, and from the store otherwise.
func (t *listTx) FindDocuments(ctx context.Context, portOrderID string) ([]*porting.Document, error) {
	if docs, ok := t.documents[portOrderID]; ok {
		return docs, nil
	}
	return t.Tx.FindDocuments(ctx, portOrderID)
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
