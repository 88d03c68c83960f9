package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/workflow"
)

type clockAdvanceInput struct {
	Body struct {
		Advance string `json:"advance" example:"72h" doc:"How far to move the clock: a duration such as 72h, 90m or 3d."`
	}
}

type clockOutput struct {
	Body struct {
		Now           time.Time `json:"now"`
		OffsetSeconds int64     `json:"offset_seconds" doc:"How far the sandbox clock is ahead of the wall clock."`
		Fired         int       `json:"deadlines_fired" doc:"Deadlines the advance fired, in due order."`
	}
}

func (s *Server) registerSandbox() {
	o := op("advance-sandbox-clock", http.MethodPost, "/v1/sandbox/clock", "Move the sandbox clock forward (admin, sandbox only)", "sandbox")
	huma.Register(s.api, o, s.handleClockAdvance)
	huma.Register(s.api, op("get-sandbox-clock", http.MethodGet, "/v1/sandbox/clock", "Read the sandbox clock (sandbox only)", "sandbox"), s.handleClockGet)
}

func (s *Server) handleClockAdvance(ctx context.Context, in *clockAdvanceInput) (*clockOutput, error) {
	d, err := workflow.ParseAdvance(in.Body.Advance)
	if err != nil {
		return nil, problem(err)
	}
	c, err := s.Service.Sandbox.AdvanceClock(ctx, principal(ctx), d)
	if err != nil {
		return nil, problem(err)
	}
	return clockBody(c), nil
}

func (s *Server) handleClockGet(ctx context.Context, _ *struct{}) (*clockOutput, error) {
	c, err := s.Service.Sandbox.ReadClock(ctx, principal(ctx))
	if err != nil {
		return nil, problem(err)
	}
	return clockBody(c), nil
}

func clockBody(c *workflow.SandboxClock) *clockOutput {
	out := &clockOutput{}
	out.Body.Now, out.Body.OffsetSeconds, out.Body.Fired = c.Now, int64(c.Offset/time.Second), c.Fired
	return out
}
