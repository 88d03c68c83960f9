package console

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// statusOf is the console's one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	porting.EINVALID:      http.StatusUnprocessableEntity,
	porting.ENOTFOUND:     http.StatusNotFound,
	porting.ECONFLICT:     http.StatusConflict,
	porting.EUNAUTHORIZED: http.StatusUnauthorized,
	porting.EFORBIDDEN:    http.StatusForbidden,
	porting.EUNAVAILABLE:  http.StatusServiceUnavailable,
	porting.EINTERNAL:     http.StatusInternalServerError,
	porting.EPRECONDITION: http.StatusConflict,
	porting.ETOOMANY:      http.StatusTooManyRequests,
}

// formStatus is the status of a page re-rendered after a refusal.
func formStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if s, ok := statusOf[porting.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// indexPart matches the list positions in a workflow field name
// ("phone_numbers[3]"); the console keys errors by the input, not the item.
var indexPart = regexp.MustCompile(`\[\d+\]`)

// fieldKey turns a workflow field name into the name of the form input that
// shows it: list positions and the "loa." prefix of order edits go.
func fieldKey(field string) string {
	return strings.TrimPrefix(indexPart.ReplaceAllString(field, ""), "loa.")
}

type errorData struct {
	Status  int
	Message string
}

// serveError renders the error page for an error a page returned. The
// message of an internal error never reaches the browser.
func (c *console) serveError(w http.ResponseWriter, r *http.Request, p porting.Principal, err error) {
	status := formStatus(err)
	pg := c.newPage(r, p, "error.title")
	msg := pg.T("error.internal")
	var pe *porting.Error
	if status == http.StatusInternalServerError {
		c.logError(r, err)
	} else if errors.As(err, &pe) {
		msg = pe.Message
	} else if status == http.StatusRequestEntityTooLarge {
		msg = pg.T("error.too_large")
	}
	if status == http.StatusNotFound {
		msg = pg.T("error.not_found")
	}
	c.render(w, r, status, "error", pg, &errorData{Status: status, Message: msg})
}

// logError records an internal error with the route it happened on; form
// values and session secrets are never logged.
func (c *console) logError(r *http.Request, err error) {
	c.log.ErrorContext(r.Context(), "console: request failed", "method", r.Method, "route", r.Pattern, "code", porting.ErrorCode(err), "err", err)
}
