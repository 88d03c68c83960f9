package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

type eventsInput struct {
	After int64 `query:"after" minimum:"0" doc:"Return events after this ID (the previous page's next_cursor)."`
	Limit int   `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}

type eventsOutput struct {
	Body struct {
		Data       []*porting.Event `json:"data"`
		NextCursor int64            `json:"next_cursor" doc:"The ID to pass as after for the next page; the same as after when nothing is new."`
	}
}

func (s *Server) registerEvents() {
	huma.Register(s.api, op("list-events", http.MethodGet, "/v1/events", "List events (the audit log) after a cursor", "events"), s.handleEventList)
}

func (s *Server) handleEventList(ctx context.Context, in *eventsInput) (*eventsOutput, error) {
	evs, err := s.Service.Events.Events(ctx, principal(ctx), in.After, in.Limit)
	if err != nil {
		return nil, problem(err)
	}
	out := eventPage(evs)
	if len(evs) == 0 {
		out.Body.NextCursor = in.After
	}
	return out, nil
}

func eventPage(evs []*porting.Event) *eventsOutput {
	out := &eventsOutput{}
	out.Body.Data = nonNil(evs)
	if n := len(evs); n > 0 {
		out.Body.NextCursor = evs[n-1].ID
	}
	return out
}
