package workflow

import (
	"context"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// Requests shows port requests and carries their message threads.
type Requests struct {
	store  porting.Store
	clock  porting.Clock
	events *Events
	loa    *LOA
	orders *Orders
}

// PortRequestView is a port request with its orders and message thread.
type PortRequestView struct {
	Request  *porting.PortRequest
	Orders   []*porting.PortOrder
	Messages []*porting.Message
}

// GetPortRequest returns a request its account or staff may see.
func (s *Requests) GetPortRequest(ctx context.Context, p porting.Principal, id string) (*PortRequestView, error) {
	var v PortRequestView
	err := s.store.View(ctx, func(tx porting.Tx) error {
		req, err := findRequest(ctx, tx, p, id)
		if err != nil {
			return err
		}
		v.Request = req
		if v.Orders, err = requestOrders(ctx, tx, id); err != nil {
			return err
		}
		ltx := newListTx(tx)
		if err := ltx.prefetchDocuments(ctx, v.Orders); err != nil {
			return err
		}
		for _, o := range v.Orders {
			if err := s.loa.present(ctx, ltx, o); err != nil {
				return err
			}
		}
		v.Messages, err = tx.FindMessages(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// PortRequestHeader returns a request without its orders and thread, with
// GetPortRequest's visibility: ENOTFOUND when it does not exist or p may
// not see it. Pages that show one order's request read this: presenting
// every order of a large request would cost more than the page.
func (s *Requests) PortRequestHeader(ctx context.Context, p porting.Principal, id string) (*porting.PortRequest, error) {
	var req *porting.PortRequest
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		req, err = findRequest(ctx, tx, p, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// ListPortRequests pages through port requests, oldest first, without
// their orders and messages (GetPortRequest has those). Customers see only
// their account's: an account_id naming another account still lists their
// own. Staff see all, or one account's.
func (s *Requests) ListPortRequests(ctx context.Context, p porting.Principal, f porting.PortRequestFilter) (*porting.PortRequestPage, error) {
	var err error
	if f.AccountID, err = listAccount(p, f.AccountID); err != nil {
		return nil, err
	}
	if err := checkPage(f.Limit, f.Cursor); err != nil {
		return nil, err
	}
	var page *porting.PortRequestPage
	err = s.store.View(ctx, func(tx porting.Tx) error {
		page, err = tx.FindPortRequests(ctx, f)
		return err
	})
	return page, err
}

func findRequest(ctx context.Context, tx porting.RequestStore, p porting.Principal, id string) (*porting.PortRequest, error) {
	req, err := tx.FindPortRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := visible(p, req.AccountID, "port request", id); err != nil {
		return nil, err
	}
	return req, nil
}

// requestOrders loads every order of a request, page by page.
func requestOrders(ctx context.Context, tx porting.OrderStore, requestID string) ([]*porting.PortOrder, error) {
	var out []*porting.PortOrder
	f := porting.PortOrderFilter{PortRequestID: requestID, Limit: 100}
	for {
		page, err := tx.FindPortOrders(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Orders...)
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

// AddMessage posts to a request's thread. A customer's message is an answer:
// it resets the respond-by date of every order waiting on the customer.
func (s *Requests) AddMessage(ctx context.Context, p porting.Principal, requestID, body string) (*porting.Message, error) {
	body = strings.TrimSpace(body)
	if body == "" || len(body) > porting.MaxTextLength {
		return nil, porting.FieldErrorf("body", "a message holds 1 to 10,000 characters")
	}
	if p.Role != porting.RoleCustomer && !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not post messages", p.Role)
	}
	m := &porting.Message{ID: porting.NewID("msg"), PortRequestID: requestID, Author: p, Body: body, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefMessage, m.ID, requestID)
		req, err := findRequest(ctx, tx, p, requestID)
		if err != nil {
			return err
		}
		if err := s.postMessage(ctx, tx, req, m); err != nil {
			return err
		}
		if p.Role != porting.RoleCustomer {
			return nil
		}
		return s.resetRespondBy(ctx, tx, p, requestID)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Requests) postMessage(ctx context.Context, tx messageTx, req *porting.PortRequest, m *porting.Message) error {
	if err := tx.CreateMessage(ctx, m); err != nil {
		return err
	}
	return s.events.record(ctx, tx, m.Author, porting.EventMessageCreated,
		porting.Event{AccountID: req.AccountID, PortRequestID: req.ID}, nil, m)
}

// resetRespondBy gives the customer a fresh answer period on every order of
// the request that waits on them.
func (s *Requests) resetRespondBy(ctx context.Context, tx orderTx, p porting.Principal, requestID string) error {
	orders, err := requestOrders(ctx, tx, requestID)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o.WaitingOn() != porting.PartyCustomer {
			continue
		}
		before := o.Clone()
		s.orders.setRespondBy(o)
		if err := s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated); err != nil {
			return err
		}
	}
	return nil
}
