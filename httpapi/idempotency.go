package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

// answerHoldsSecret marks, in an operation's Metadata, an operation whose
// answer shows a secret once (API keys, webhook signing secrets). Such
// answers are never stored for replay: the store would then hold the
// secret in clear. A retry of those creates a new key instead.
const answerHoldsSecret = "portdesk:answer-holds-secret"

// answerRendersAgain marks, in an operation's Metadata, an operation whose
// answer shows an object that never changes once created (a message). Its
// answer is not stored after the commit: a replay renders the same answer
// again from the object the key's record names, so the write costs one
// commit instead of two.
const answerRendersAgain = "portdesk:answer-renders-again"

// postRoute is what the idempotency layer needs to know of a POST route
// before the router runs it.
type postRoute struct {
	maxBody       int64 // the operation's body limit
	defaultStatus int   // the status of a success
	holdsSecret   bool  // see answerHoldsSecret
	rendersAgain  bool  // see answerRendersAgain
}

// postRoutes indexes the API's POST operations by their router pattern.
func postRoutes(api huma.API) map[string]postRoute {
	routes := map[string]postRoute{}
	for path, item := range api.OpenAPI().Paths {
		op := item.Post
		if op == nil {
			continue
		}
		rt := postRoute{maxBody: op.MaxBodyBytes, defaultStatus: op.DefaultStatus}
		if rt.maxBody <= 0 {
			rt.maxBody = 1 << 20 // Huma's default
		}
		if rt.defaultStatus == 0 {
			rt.defaultStatus = http.StatusOK
		}
		rt.holdsSecret, _ = op.Metadata[answerHoldsSecret].(bool)
		rt.rendersAgain, _ = op.Metadata[answerRendersAgain].(bool)
		routes[http.MethodPost+" "+path] = rt
	}
	return routes
}

// idempotent makes a creating POST sent with an Idempotency-Key safe to
// retry: the first answer is replayed for the same key and body; the same
// key with another body is refused.
//
// The key's record is written by the store inside the transaction of the
// request's work (see porting.IdempotencyScope), so the two commit together:
// after a crash a retry either finds the record and gets the first answer,
// or finds nothing because the work never committed, and runs once. A
// concurrent duplicate runs its work but cannot commit it (the record's
// primary key refuses the second); it then answers with the first one's
// answer. The answer itself is stored just after the commit; should that be
// lost, it is rendered again from the object the record names.
//
// A POST that commits nothing (a portability check, the sandbox clock)
// leaves no record: a retry simply runs again, which changes nothing.
func (s *Server) idempotent(mux *http.ServeMux, next http.Handler) http.Handler {
	routes := postRoutes(s.api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		p := principal(r.Context())
		if r.Method != http.MethodPost || key == "" || p.KeyID == "" {
			next.ServeHTTP(w, r)
			return
		}
		_, pattern := mux.Handler(r)
		rt, ok := routes[pattern]
		if !ok || rt.holdsSecret {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			writeProblem(w, porting.FieldErrorf("Idempotency-Key", "the Idempotency-Key holds at most 255 characters"))
			return
		}
		body, ok := readLimited(w, r, rt.maxBody)
		if !ok {
			return
		}
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
		sc := &porting.IdempotencyScope{Scope: p.KeyID, Key: key, Fingerprint: hex.EncodeToString(sum[:]), CreatedAt: s.Service.Clock.Now()}
		if prior, err := s.Service.Idempotency.PriorIdempotentUse(r.Context(), sc); err != nil || prior != nil {
			s.replay(w, r, rt, prior, err)
			return
		}
		r = r.WithContext(porting.WithIdempotencyScope(r.Context(), sc))
		r.Body = io.NopCloser(bytes.NewReader(body))
		bw := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(bw, r)
		switch {
		case sc.Taken(): // another use of the key committed first: its answer is ours
			prior, err := s.Service.Idempotency.PriorIdempotentUse(r.Context(), sc)
			s.replay(w, r, rt, prior, err)
			return
		case sc.Stored() && rt.rendersAgain && bw.status == rt.defaultStatus:
			// The record's Ref renders this answer again (see answerRendersAgain).
		case sc.Stored() && bw.status < 500:
			rec := &porting.IdempotencyRecord{Scope: sc.Scope, Key: sc.Key, Status: bw.status, Body: bw.buf.Bytes()}
			_ = s.Service.Idempotency.CompleteIdempotencyKey(context.WithoutCancel(r.Context()), rec)
		case bw.status >= 400:
			// A concurrent first use may have committed while this one ran,
			// and this one then failed on its effects (the order already
			// moved on): the first use's answer is the answer.
			if prior, err := s.Service.Idempotency.PriorIdempotentUse(r.Context(), sc); err == nil && prior != nil {
				s.replay(w, r, rt, prior, nil)
				return
			}
		}
		bw.flush(w)
	})
}

// readLimited reads the body up to the route's limit, so the key's
// fingerprint never costs more memory than the route itself accepts. A
// longer body is refused with 413 as soon as the limit is passed.
func readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	tooLarge := func() ([]byte, bool) {
		writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", limit)))
		return nil, false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil || int64(len(body)) > limit {
		return tooLarge()
	}
	return body, true
}

// replay answers a request whose key was used before: with the stored
// answer, or, when the first use's work committed but its answer was not
// stored (a crash in between, or the first use is finishing right now),
// with the answer rendered again from the object the record names.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, rt postRoute, prior *porting.IdempotencyRecord, err error) {
	if err != nil {
		writeProblem(w, problem(err))
		return
	}
	status, body := prior.Status, []byte(prior.Body)
	if !prior.Done {
		v, err := s.renderAgain(r.Context(), principal(r.Context()), porting.ParseRef(prior.Ref))
		if err == nil {
			body, err = jsonMarshal(v)
		}
		if err != nil {
			writeProblem(w, problem(err))
			return
		}
		status = rt.defaultStatus
	}
	ct := "application/json"
	if status >= 400 {
		ct = "application/problem+json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Idempotent-Replayed", "true")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// bufferedWriter holds a response until the idempotency layer knows
// whether it is the answer: a request that lost the race for its key
// answers with the winner's answer instead.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) WriteHeader(status int)      { b.status = status }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }

// flush sends the held response.
func (b *bufferedWriter) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.buf.Bytes())
}
