package workflow

import "github.com/portdesk/portdesk/porting"

// The use cases' steps take the narrowest part of porting.Tx they use, so
// each can be tested against a small fake of its store. A transaction
// (porting.Tx) satisfies all of them.

// eventLog is what recording an event needs, the log, with the job queue
// that the steps recording events mostly use as well.
type eventLog interface {
	porting.EventStore
	porting.JobQueue
}

// loaReader is what checking an order's LOA needs: its documents and the
// events that tell which LOA files portdesk generated.
type loaReader interface {
	porting.DocumentStore
	porting.EventStore
	porting.OrderStore
}

// loaTx is what the LOA actions need: the check, the event, and the
// message to the customer when an LOA goes back.
type loaTx interface {
	loaReader
	porting.JobQueue
	porting.RequestStore
}

// messageTx is what posting on a request's thread needs.
type messageTx interface {
	porting.RequestStore
	eventLog
}

// inventoryTx is what loading and unloading an instance's numbers needs.
type inventoryTx interface {
	porting.InstanceStore
	eventLog
}

// orderTx is what saving an order needs: the order, its replanned
// deadlines and its event.
type orderTx interface {
	porting.OrderStore
	porting.DeadlineStore
	eventLog
}
