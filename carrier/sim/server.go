package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
)

// Call kinds, the unit the Fail5xxFirst fault counts by.
const (
	kindSubmit     = "submit"
	kindSupplement = "supplement"
	kindCancel     = "cancel"
	kindActivate   = "activate"
	kindStatus     = "status"
	kindLookup     = "lookup"
	kindCSR        = "csr"
)

// reply is a handler's answer: a status and a JSON value (a
// protocol.Problem for a status ≥ 400).
type reply struct {
	status int
	body   any
}

// handlerFunc handles one verified call whose body has been read.
type handlerFunc func(r *http.Request, body []byte) reply

// problem builds an error reply.
func problem(status int, format string, args ...any) reply {
	return reply{status, protocol.Problem{Title: http.StatusText(status), Status: status, Detail: fmt.Sprintf(format, args...)}}
}

// Handler returns the carrier's HTTP API (paths of package protocol).
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+protocol.PathPortIns, s.route(kindSubmit, s.handleSubmit))
	mux.Handle("GET "+protocol.PathPortIn, s.route(kindStatus, s.handleStatus))
	mux.Handle("POST "+protocol.PathSupplements, s.route(kindSupplement, s.handleSupplement))
	mux.Handle("POST "+protocol.PathCancel, s.route(kindCancel, s.handleCancel))
	mux.Handle("POST "+protocol.PathActivate, s.route(kindActivate, s.handleActivate))
	mux.Handle("POST "+protocol.PathLookups, s.route(kindLookup, s.handleLookups))
	mux.Handle("POST "+protocol.PathCSRs, s.route(kindCSR, s.handleCSR))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeReply(w, problem(http.StatusNotFound, "No such path: %s %s.", r.Method, r.URL.Path))
	})
	return mux
}

// route wraps a handler with what every call goes through: a bounded
// body, the signature check, the faults, and idempotency keys.
func (s *Sim) route(kind string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeReply(w, problem(http.StatusRequestEntityTooLarge, "The body exceeds %d bytes.", protocol.MaxBody))
				return
			}
			writeReply(w, problem(http.StatusBadRequest, "The body could not be read."))
			return
		}
		if err := protocol.Verify(s.cfg.Secret, r.Header, body, s.cfg.Now()); err != nil {
			writeReply(w, problem(http.StatusUnauthorized, "The request's signature does not verify: %v.", err))
			return
		}
		if !s.waitSlow(r) {
			return
		}
		if s.failNow(kind) {
			writeReply(w, problem(http.StatusServiceUnavailable, "The carrier is unavailable (simulated); try again later."))
			return
		}
		writeReply(w, s.once(r, body, h))
	})
}

// waitSlow applies the SlowAnswers fault; false when the caller left or
// the simulator closed first.
func (s *Sim) waitSlow(r *http.Request) bool {
	d := s.cfg.Faults.SlowAnswers
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

// failNow counts a call of kind and reports whether a fault answers it 503.
func (s *Sim) failNow(kind string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[kind]++
	return s.calls[kind] <= s.cfg.Faults.Fail5xxFirst || s.chanceLocked(s.cfg.Faults.FailRate)
}

// once runs h, or replays the answer a call with the same idempotency key
// to the same path got: the work is done once. Only successes are kept,
// so a call refused for now (an activation before the FOC) can be made
// again with the same key.
func (s *Sim) once(r *http.Request, body []byte, h handlerFunc) reply {
	key := r.Header.Get(protocol.HeaderIdempotencyKey)
	if key == "" || r.Method != http.MethodPost {
		return h(r, body)
	}
	key = r.URL.Path + "\n" + key
	s.idemMu.Lock()
	defer s.idemMu.Unlock()
	s.mu.Lock()
	prev, ok := s.replies[key]
	s.mu.Unlock()
	if ok {
		return prev
	}
	rep := h(r, body)
	if rep.status/100 == 2 {
		s.mu.Lock()
		s.replies[key] = rep
		s.mu.Unlock()
	}
	return rep
}

// writeReply writes a reply as JSON, or problem+json for an error.
func writeReply(w http.ResponseWriter, rep reply) {
	b, err := json.Marshal(rep.body)
	if err != nil {
		rep = problem(http.StatusInternalServerError, "The answer could not be encoded.")
		b, _ = json.Marshal(rep.body)
	}
	ct := "application/json"
	if rep.status >= 400 {
		ct = protocol.ProblemContentType
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(rep.status)
	_, _ = w.Write(append(b, '\n'))
}

// decode reads a JSON body into v; a reply for a malformed one.
func decode(body []byte, v any) (reply, bool) {
	if err := json.Unmarshal(body, v); err != nil {
		return problem(http.StatusBadRequest, "The body is not the JSON expected: %v.", err), false
	}
	return reply{}, true
}
