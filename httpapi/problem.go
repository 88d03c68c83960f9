package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

// Problem is an RFC 9457 problem detail: Huma's model, plus portdesk's
// stable error code and, for a refused action, the actions allowed now.
type Problem struct {
	huma.ErrorModel
	Code           string            `json:"code,omitempty" doc:"Stable error code: invalid, not_found, conflict, unauthorized, forbidden, unavailable, internal."`
	AllowedActions *[]porting.Action `json:"allowed_actions,omitempty" doc:"For a refused action: the actions the caller may take on the order now."`
	Findings       []porting.Finding `json:"findings,omitempty" doc:"For a refused LOA: what to fix."`
	NextWindows    []porting.Slot    `json:"next_windows,omitempty" doc:"For a refused port date: the next valid porting windows."`
	// RejectedNumbers is why each number was refused when a request can
	// port none of them.
	RejectedNumbers []porting.RejectedNumber `json:"rejected_numbers,omitempty" doc:"For a request that can port none of its numbers: why each was refused."`
}

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType implements huma.ContentTypeFilter: problems are always
// application/problem+json.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

// codeStatus is the one table that maps domain error codes to HTTP statuses.
var codeStatus = map[string]int{
	porting.EINVALID:      http.StatusUnprocessableEntity,
	porting.ENOTFOUND:     http.StatusNotFound,
	porting.ECONFLICT:     http.StatusConflict,
	porting.EUNAUTHORIZED: http.StatusUnauthorized,
	porting.EFORBIDDEN:    http.StatusForbidden,
	porting.EUNAVAILABLE:  http.StatusServiceUnavailable,
	porting.EINTERNAL:     http.StatusInternalServerError,
	porting.EPRECONDITION: http.StatusPreconditionFailed,
	porting.ETOOMANY:      http.StatusTooManyRequests,
}

// statusCode is the inverse, for problems Huma raises itself.
func statusCode(status int) string {
	for code, s := range codeStatus {
		if s == status {
			return code
		}
	}
	if status >= 500 {
		return porting.EINTERNAL
	}
	return porting.EINVALID
}

func init() {
	huma.NewError = newProblem
}

// newProblem replaces Huma's error constructor so that its own validation
// errors carry a code too. It never echoes what the caller sent in
// errors[].value: the value may be a PIN, an API key or a 100,000-character
// string, and the location already says which input is at fault. Huma
// refuses an empty body without naming it; the problem names "body".
func newProblem(status int, msg string, errs ...error) huma.StatusError {
	p := &Problem{ErrorModel: huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: msg}, Code: statusCode(status)}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var d huma.ErrorDetailer
		if errors.As(err, &d) {
			detail := *d.ErrorDetail()
			detail.Value = nil
			p.Errors = append(p.Errors, &detail)
		} else {
			p.Errors = append(p.Errors, &huma.ErrorDetail{Message: err.Error()})
		}
	}
	if len(p.Errors) == 0 && msg == bodyRequired {
		p.Errors = []*huma.ErrorDetail{{Message: "send a JSON body", Location: "body"}}
	}
	return p
}

// bodyRequired is Huma's message for a missing body.
const bodyRequired = "request body is required"

// problem turns a use case's error into a problem whose field, if any, is
// in the body. Internal errors are logged and answered without their
// details.
func problem(err error) error { return problemIn("body", err) }

// problemIn is problem for a use case whose fields come from the request's
// part in ("body", "query", "path").
func problemIn(in string, err error) error {
	code := porting.ErrorCode(err)
	status, ok := codeStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusInternalServerError {
		slog.Error("internal error", "err", err)
	}
	p := &Problem{
		ErrorModel: huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: porting.ErrorMessage(err)},
		Code:       code,
	}
	var e *porting.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			p.Errors = []*huma.ErrorDetail{{Message: e.Message, Location: in + "." + e.Field}}
		}
		p.Findings, p.NextWindows, p.RejectedNumbers = e.Findings, e.Next, e.Rejected
		if e.Allowed != nil {
			allowed := e.Allowed
			p.AllowedActions = &allowed
		}
	}
	return p
}
