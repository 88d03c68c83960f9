package httpapi

import (
	"context"
	"encoding/json"

	"github.com/portdesk/portdesk/porting"
)

// renderAgain returns the body a creating POST answered with, built again
// from the object it created or changed, as its handler builds it. It
// serves a replay whose first answer was not stored: the server stopped
// between committing the work and storing the answer. The object is read
// as it is now, so later changes show.
func (s *Server) renderAgain(ctx context.Context, p porting.Principal, ref porting.Ref) (any, error) {
	svc := s.Service
	switch ref.Kind {
	case porting.RefAccount:
		return svc.Accounts.GetAccount(ctx, p, ref.ID)
	case porting.RefInstance:
		return svc.Instances.GetInstance(ctx, p, ref.ID)
	case porting.RefContactFlow:
		flows, err := svc.Instances.ContactFlows(ctx, p, ref.Parent)
		return findByID(flows, err, ref, func(f *porting.ContactFlow) string { return f.ID })
	case porting.RefPortRequest:
		v, err := svc.Requests.GetPortRequest(ctx, p, ref.ID)
		if err != nil {
			return nil, err
		}
		return portRequestBody{PortRequest: *v.Request, PortOrders: orderBodies(p, v.Orders), Messages: []*porting.Message{}}, nil
	case porting.RefMessage:
		v, err := svc.Requests.GetPortRequest(ctx, p, ref.Parent)
		if err != nil {
			return nil, err
		}
		return findByID(v.Messages, nil, ref, func(m *porting.Message) string { return m.ID })
	case porting.RefDocument:
		docs, err := svc.Documents.Documents(ctx, p, ref.Parent)
		return findByID(docs, err, ref, func(d *porting.Document) string { return d.ID })
	case porting.RefPortOrder:
		o, err := svc.Orders.GetPortOrder(ctx, p, ref.ID)
		if err != nil {
			return nil, err
		}
		return orderBody(p, o), nil
	case porting.RefCarrier:
		return svc.Carriers.Carrier(ctx, p, ref.ID)
	case porting.RefQuotaRequest:
		return svc.Instances.QuotaRequest(ctx, p, ref.ID)
	}
	return nil, porting.Errorf(porting.ECONFLICT, "the request with this Idempotency-Key was done, but its answer cannot be shown again")
}

// findByID returns the item of list whose ID is ref's.
func findByID[T any](list []T, err error, ref porting.Ref, id func(T) string) (any, error) {
	if err != nil {
		return nil, err
	}
	for _, v := range list {
		if id(v) == ref.ID {
			return v, nil
		}
	}
	return nil, porting.Errorf(porting.ENOTFOUND, "%s %s not found", ref.Kind, ref.ID)
}

// jsonMarshal encodes an answer body as Huma does.
func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
