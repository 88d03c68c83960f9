package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// maxIdempotentBody bounds the body the idempotency layer reads to
// fingerprint a request: intake bodies of 100,000 numbers and uploads fit.
const maxIdempotentBody = maxUploadBody + 1<<20

// secretPaths answer with a secret shown once (API keys, webhook signing
// secrets). Their answers are not stored for replay: the store would then
// hold the secret in clear. A retry of those creates a new key instead.
func returnsSecret(path string) bool {
	return strings.HasSuffix(path, "/api-keys") || strings.HasSuffix(path, "/webhook-endpoints")
}

// idempotent makes a creating POST sent with an Idempotency-Key safe to
// retry: the first answer is stored and replayed for the same key and body;
// the same key with another body is refused.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		p := principal(r.Context())
		if r.Method != http.MethodPost || key == "" || p.KeyID == "" || returnsSecret(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			writeProblem(w, porting.FieldErrorf("Idempotency-Key", "the Idempotency-Key holds at most 255 characters"))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxIdempotentBody+1))
		if err != nil || len(body) > maxIdempotentBody {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, "request body too large"))
			return
		}
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
		rec := &porting.IdempotencyRecord{Scope: p.KeyID, Key: key, Fingerprint: hex.EncodeToString(sum[:]), CreatedAt: s.Service.Clock.Now()}
		prior, err := s.Service.ClaimIdempotencyKey(r.Context(), rec)
		if err != nil {
			writeProblem(w, problem(err))
			return
		}
		if prior != nil {
			replay(w, rec, prior)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		completed := false
		defer func() {
			if !completed { // a panic: let a retry run again rather than wait forever
				_ = s.Service.ReleaseIdempotencyKey(context.WithoutCancel(r.Context()), p.KeyID, key)
			}
		}()
		next.ServeHTTP(cw, r)
		completed = true
		if cw.status >= 500 || cw.status == http.StatusConflict {
			_ = s.Service.ReleaseIdempotencyKey(r.Context(), p.KeyID, key)
			return
		}
		rec.Done, rec.Status, rec.Body = true, cw.status, cw.buf.Bytes()
		_ = s.Service.CompleteIdempotencyKey(r.Context(), rec)
	})
}

func replay(w http.ResponseWriter, rec, prior *porting.IdempotencyRecord) {
	switch {
	case prior.Fingerprint != rec.Fingerprint:
		writeProblem(w, porting.FieldErrorf("Idempotency-Key", "this Idempotency-Key was used for a different request"))
	case !prior.Done:
		writeProblem(w, porting.Errorf(porting.ECONFLICT, "a request with this Idempotency-Key is still being processed; retry later"))
	default:
		ct := "application/json"
		if prior.Status >= 400 {
			ct = "application/problem+json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Length", strconv.Itoa(len(prior.Body)))
		w.WriteHeader(prior.Status)
		_, _ = w.Write(prior.Body)
	}
}

// captureWriter passes a response through while keeping a copy.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	c.status = status
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}
