package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

type findingsOutput struct {
	Body struct {
		Data []porting.Finding `json:"data"`
	}
}

type requirementsInput struct {
	Country    string `query:"country" required:"true" pattern:"^[A-Za-z]{2}$" doc:"ISO 3166 alpha-2 country code."`
	NumberKind string `query:"number_kind" required:"true" maxLength:"20" doc:"did, toll_free or shared_cost, in any case."`
}

type requirementsOutput struct {
	Body struct {
		Country    string   `json:"country"`
		NumberKind string   `json:"number_kind"`
		Supported  bool     `json:"supported"`
		Documents  []string `json:"documents" doc:"Document types to upload besides the data; \"invoice|csr\" means either one."`
		Entity     string   `json:"entity" enum:"any,business" doc:"business when only businesses may port."`
		TimeZone   string   `json:"time_zone,omitempty"`
		Windows    []string `json:"porting_windows" doc:"Local porting windows, e.g. 10:00-12:00."`
		Weekdays   []string `json:"weekdays"`
		Notes      []string `json:"notes"`
	}
}

type deadlineBody struct {
	porting.Deadline
	OnMiss string `json:"on_miss" doc:"What happens when the deadline passes."`
}

type deadlinesOutput struct {
	Body struct {
		Data []deadlineBody `json:"data"`
	}
}

func (s *Server) registerLOA() {
	for _, f := range []struct{ path, format, media, summary string }{
		{"/v1/port-orders/{id}/loa.pdf", workflow.FormatPDF, "application/pdf", "Download the generated LOA to sign"},
		{"/v1/port-orders/{id}/loa-attachment.xlsx", workflow.FormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Download the LOA's number list (XLSX)"},
		{"/v1/port-orders/{id}/loa-attachment.csv", workflow.FormatCSV, "text/csv", "Download the LOA's number list (CSV)"},
	} {
		o := op("get-loa-"+f.format, http.MethodGet, f.path, f.summary, "loa")
		o.Responses = binaryResponses(f.media)
		format := f.format
		huma.Register(s.api, o, func(ctx context.Context, in *portOrderPath) (*fileOutput, error) {
			file, err := s.Service.LOA.RenderLOA(ctx, principal(ctx), in.ID, format)
			if err != nil {
				return nil, problem(err)
			}
			return newFileOutput(file.Filename, file.ContentType, file.Content), nil
		})
	}
	huma.Register(s.api, op("get-findings", http.MethodGet, "/v1/port-orders/{id}/findings", "Check the LOA against the CSR and the rules now", "loa"), s.handleFindings)
	huma.Register(s.api, op("get-deadlines", http.MethodGet, "/v1/port-orders/{id}/deadlines", "List an order's deadlines", "port orders"), s.handleDeadlines)
	huma.Register(s.api, op("get-requirements", http.MethodGet, "/v1/requirements", "What a port from a country and number kind needs", "loa"), s.handleRequirements)
}

func (s *Server) handleFindings(ctx context.Context, in *portOrderPath) (*findingsOutput, error) {
	fs, err := s.Service.LOA.FindingsOf(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	out := &findingsOutput{}
	out.Body.Data = nonNil(fs)
	return out, nil
}

type deadlinesInput struct {
	ID      string `path:"id"`
	Include string `query:"include" enum:"history" doc:"history: also the superseded (cancelled) rows a moved date left behind. By default the live plan (pending) and what has happened (fired)."`
}

func (s *Server) handleDeadlines(ctx context.Context, in *deadlinesInput) (*deadlinesOutput, error) {
	ds, err := s.Service.Deadlines.Deadlines(ctx, principal(ctx), in.ID, in.Include == "history")
	if err != nil {
		return nil, problem(err)
	}
	out := &deadlinesOutput{}
	out.Body.Data = []deadlineBody{}
	for _, d := range ds {
		out.Body.Data = append(out.Body.Data, deadlineBody{Deadline: d.Deadline, OnMiss: d.OnMiss})
	}
	return out, nil
}

func (s *Server) handleRequirements(ctx context.Context, in *requirementsInput) (*requirementsOutput, error) {
	r, err := s.Service.LOA.Requirements(in.Country, in.NumberKind)
	if err != nil {
		return nil, problemIn("query", err)
	}
	out := &requirementsOutput{}
	b := &out.Body
	b.Country, b.NumberKind, b.Supported, b.Entity, b.TimeZone = r.Country, r.NumberKind, r.Supported, r.Entity, r.TimeZone
	b.Documents, b.Windows, b.Weekdays, b.Notes = nonNil(r.Documents), nonNil(r.Windows), nonNil(r.Weekdays), nonNil(r.Notes)
	return out, nil
}
