package httpapi

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/numbers/numberlist"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/scratch"
	"github.com/portdesk/portdesk/workflow"
)

// A list checked as a stream: POST /v1/portability-checks with a text/csv
// body (CSV, a plain list or an XLSX, found from the content, as
// `portdesk check` reads them) answers application/x-ndjson.
const (
	// maxStreamBody bounds a streamed check's body: 1,000,000 numbers
	// with a carrier and an account number each take about 45 MB.
	maxStreamBody = 128 << 20
	// streamBatch is how many numbers are checked, and answered, at once.
	streamBatch = 10_000
	// mediaNDJSON is the streamed answer's media type.
	mediaNDJSON = "application/x-ndjson"
)

// countryPattern is the pattern of default_country.
var countryPattern = regexp.MustCompile(`^[A-Za-z]{2}$`)

// streamSummary is the last line of a streamed check's answer.
type streamSummary struct {
	Summary struct {
		Numbers  int          `json:"numbers"`
		Portable int          `json:"portable"`
		Groups   []groupCount `json:"groups"`
	} `json:"summary"`
}

// groupCount is a group of the summary: the order an intake would create
// and how many numbers it would hold.
type groupCount struct {
	Country       string `json:"country"`
	LosingCarrier string `json:"losing_carrier"`
	NumberKind    string `json:"number_kind"`
	AccountNumber string `json:"account_number,omitempty"`
	Count         int    `json:"count"`
}

// streamChecks serves the text/csv form of POST /v1/portability-checks;
// every other request goes on to next (Huma, for the JSON form).
func (s *Server) streamChecks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.Method != http.MethodPost || r.URL.Path != "/v1/portability-checks" || mt != "text/csv" {
			next.ServeHTTP(w, r)
			return
		}
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			*route = "POST /v1/portability-checks"
		}
		s.handlePortabilityStream(w, r)
	})
}

// handlePortabilityStream reads the whole list once, spooled to a
// temporary file, so that a bad line or too many numbers is refused
// (422, 413) before the answer starts; then checks it batch by batch and
// streams one result a line, then the summary. The server's read and
// write timeouts (2 minutes each in portdesk serve) bound the upload and
// the answer: 1,000,000 numbers take about 30 s to check.
// streamSlots bounds the streamed checks running at once in a process:
// each holds a spool of up to maxStreamBody on disk and a core for tens of
// seconds. One more is refused with 429 and Retry-After.
var streamSlots = make(chan struct{}, 2)

func (s *Server) handlePortabilityStream(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	country, carrier := q.Get("default_country"), q.Get("current_carrier")
	if country != "" && !countryPattern.MatchString(country) {
		writeProblem(w, problemIn("query", porting.FieldErrorf("default_country", "a country is an ISO 3166 alpha-2 code such as US")))
		return
	}
	ps, err := s.Service.Intake.StreamPortability(principal(r.Context()), carrier, country)
	if err != nil {
		writeProblem(w, problemIn("query", err))
		return
	}
	defer ps.Close()
	if r.ContentLength > maxStreamBody {
		writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the list is larger than %d bytes; split it", maxStreamBody)))
		return
	}
	select {
	case streamSlots <- struct{}{}:
		defer func() { <-streamSlots }()
	default:
		w.Header().Set("Retry-After", "10")
		writeProblem(w, newProblem(http.StatusTooManyRequests, fmt.Sprintf("%d streamed checks are running; try again in a moment", cap(streamSlots))))
		return
	}
	rc := http.NewResponseController(w)
	// The list is held on disk while it is read twice, encrypted and
	// nameless.
	spool, err := scratch.Create("", "portdesk-spool-*")
	if err != nil {
		writeProblem(w, err)
		return
	}
	defer spool.Close()
	n, err := admitList(ps, io.TeeReader(http.MaxBytesReader(w, r.Body, maxStreamBody), spool))
	if err != nil {
		writeProblem(w, err)
		return
	}
	if n == 0 {
		_, err := ps.Check(r.Context(), nil) // refused as an empty JSON list is
		writeProblem(w, problem(err))
		return
	}
	list := spool.Reader()
	w.Header().Set("Content-Type", mediaNDJSON)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if err := streamResults(r, w, rc, ps, list); err != nil && r.Context().Err() == nil {
		// The answer has started: the last line says why it stops.
		_ = json.NewEncoder(w).Encode(map[string]any{"error": problem(err)})
	}
}

// admitList reads the whole list, admitting each entry, and returns how
// many it holds. Its errors are problems: 413 for a list too long, 422
// naming the line of a bad one.
func admitList(ps *workflow.PortabilityStream, body io.Reader) (int, error) {
	list := numberlist.NewReader(body)
	defer list.Close()
	n := 0
	for ; ; n++ {
		e, err := list.Next()
		var tooLarge *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return n, nil
		case errors.As(err, &tooLarge):
			return 0, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the list is larger than %d bytes; split it", maxStreamBody))
		case porting.ErrorCode(err) == porting.EINVALID:
			return 0, problem(err) // the reader's message names the line
		case err != nil:
			return 0, newProblem(http.StatusBadRequest, "the request body could not be read")
		}
		if err := ps.Admit(e); err != nil {
			if errors.Is(err, workflow.ErrTooManyNumbers) {
				return 0, newProblem(http.StatusRequestEntityTooLarge, porting.ErrorMessage(err))
			}
			return 0, problem(porting.Errorf(porting.EINVALID, "%s %d: %s", unitOf(list), list.Line(), porting.ErrorMessage(err)))
		}
	}
}

// unitOf names what a reader's lines count.
func unitOf(list *numberlist.Reader) string {
	if list.Format() == numberlist.FormatXLSX {
		return "row"
	}
	return "line"
}

// streamResults checks the spooled list batch by batch and writes each
// result as a line, then the summary line.
func streamResults(r *http.Request, w http.ResponseWriter, rc *http.ResponseController, ps *workflow.PortabilityStream, spool io.Reader) error {
	out := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	list := numberlist.NewReader(spool)
	defer list.Close()
	var sum streamSummary
	batch := make([]numbers.Entry, 0, streamBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := ps.Check(r.Context(), batch)
		if err != nil {
			return err
		}
		for _, res := range results {
			sum.Summary.Numbers++
			if res.Portable {
				sum.Summary.Portable++
			}
			if err := enc.Encode(NewCheckResult(res)); err != nil {
				return err
			}
		}
		batch = batch[:0]
		if err := out.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	for {
		e, err := list.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if batch = append(batch, e); len(batch) == streamBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	sum.Summary.Groups = []groupCount{}
	for _, g := range ps.Groups() {
		sum.Summary.Groups = append(sum.Summary.Groups, groupCount{Country: g.Country, LosingCarrier: g.LosingCarrier,
			NumberKind: string(g.NumberKind), AccountNumber: g.AccountNumber, Count: g.Count})
	}
	if err := enc.Encode(sum); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		slog.Debug("streamed check: the client left", "err", err)
	}
	return nil
}

// documentPortabilityStream adds the text/csv request and the NDJSON
// answer to the operation's OpenAPI description.
func documentPortabilityStream(o *huma.Operation) {
	o.RequestBody.Content["text/csv"] = &huma.MediaType{Schema: &huma.Schema{Type: "string",
		Description: "A list of up to 1,000,000 numbers and 128 MiB: CSV (comma, semicolon or tab), one number per line, or XLSX (64 MiB at most), found from the content. A header row naming phone_number (or number, phone, tn, did, e164), current_carrier and account_number columns is recognised; without one the first cell of each row is the number."}}
	o.Responses["200"].Content[mediaNDJSON] = &huma.MediaType{Schema: &huma.Schema{Type: "string",
		Description: "For a text/csv body: one CheckResult object per line in list order, then one summary line {\"summary\": {\"numbers\", \"portable\", \"groups\": [{country, losing_carrier, number_kind, account_number, count}]}}. Should the check fail after the answer began, the last line is {\"error\": Problem} instead of the summary."}}
}
