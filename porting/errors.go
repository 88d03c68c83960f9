// Package porting holds portdesk's domain: the types, states and transition
// table of a number port, the error codes every surface maps, and the
// interfaces through which use cases reach storage and the clock. It imports
// only the standard library.
package porting

import (
	"errors"
	"fmt"
)

// Error codes are stable strings that every surface maps to its own status
// (HTTP, console). New codes are only ever added at the end of the list.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
	// EPRECONDITION: the caller changed an object from a version that is no
	// longer current (a stale If-Match); reload it and try again.
	EPRECONDITION = "precondition_failed"
	// ETOOMANY: the caller tried too often (sign-ins over the login limit);
	// wait and try again.
	ETOOMANY = "too_many_requests"
)

// ErrStaleVersion is the cause of the ECONFLICT a store returns when an
// object changed since it was read (its version moved on).
var ErrStaleVersion = errors.New("the object changed since it was read")

// Error is the one error type of the domain. Code is one of the E* constants,
// Message is safe to show to the caller, Field names the input at fault when
// there is one, Allowed lists the actions allowed now for a refused
// transition, Findings the LOA problems behind a refusal, Next the valid
// windows instead of a refused date, and Err is the
// wrapped cause (never shown to callers).
type Error struct {
	Code     string
	Message  string
	Field    string
	Allowed  []Action
	Findings []Finding
	// Next offers the next valid porting windows when a date was refused.
	Next []Slot
	// Rejected says why each number was refused when a request can port
	// none of them.
	Rejected []RejectedNumber
	Err      error
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error of code EINVALID about one input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err: the message of its
// *Error, or a generic text for internal errors whose details must not leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}
