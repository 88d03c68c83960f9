// Package twiliotest is a local stand-in for the parts of Twilio the
// Twilio gateway uses, for tests: the Port In API (create, fetch, delete a
// port-in request, fetch one of its phone numbers), the Documents upload
// API and the porting webhooks, answering as Twilio's published API
// reference describes (JSON bodies, Twilio's error shape, SIDs of 34
// characters, HTTP basic auth). It is written from the reference, not from
// twilio-go, so it checks the gateway rather than mirroring it.
package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Server is a fake Twilio on 127.0.0.1. Port In and Documents calls both
// go to URL (use it as the gateway's base and upload URL).
type Server struct {
	*httptest.Server
	AccountSID string
	AuthToken  string
	// Now is the server's clock; default time.Now.
	Now func() time.Time

	mu        sync.Mutex
	seq       int
	requests  map[string]*portIn
	documents []Document
	calls     []string
	failures  []int
	failCalls map[string][]int
}

// Document is a document uploaded to the fake.
type Document struct {
	SID          string
	DocumentType string
	FriendlyName string
	Filename     string
	Content      []byte
}

// twilioError is the body of Twilio's error answers.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// NewServer starts a fake Twilio for an account; Close it when done.
func NewServer(accountSID, authToken string) *Server {
	s := &Server{AccountSID: accountSID, AuthToken: authToken, Now: time.Now, requests: map[string]*portIn{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/Porting/PortIn", s.handleCreate)
	mux.HandleFunc("GET /v1/Porting/PortIn/{sid}", s.handleFetch)
	mux.HandleFunc("DELETE /v1/Porting/PortIn/{sid}", s.handleDelete)
	mux.HandleFunc("GET /v1/Porting/PortIn/{sid}/PhoneNumber/{number}", s.handleFetchNumber)
	mux.HandleFunc("POST /v1/Documents", s.handleUpload)
	s.Server = httptest.NewServer(s.guard(mux))
	return s
}

// guard records each call, answers the failures queued by FailNext and
// checks HTTP basic auth as Twilio does (401, error 20003).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.URL.Path)
		fail := 0
		call := r.Method + " " + r.URL.Path
		if q := s.failCalls[call]; len(q) > 0 {
			fail, s.failCalls[call] = q[0], q[1:]
		} else if len(s.failures) > 0 {
			fail, s.failures = s.failures[0], s.failures[1:]
		}
		s.mu.Unlock()
		if fail != 0 {
			writeError(w, fail, 20500, "Internal Server Error")
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || user != s.AccountSID || pass != s.AuthToken {
			writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// FailNext makes the next n calls answer status with Twilio's error body.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, status)
	}
}

// FailCall makes the next call "METHOD /path" answer status with
// Twilio's error body; other calls go on.
func (s *Server) FailCall(call string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failCalls == nil {
		s.failCalls = map[string][]int{}
	}
	s.failCalls[call] = append(s.failCalls[call], status)
}

// Calls lists the calls received, "METHOD /path", in order.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Documents lists the documents uploaded, in order.
func (s *Server) Documents() []Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Document(nil), s.documents...)
}

// newSID returns a SID of Twilio's form: a two-letter prefix and 32 hex
// digits. Callers hold s.mu.
func (s *Server) newSID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%032x", prefix, s.seq)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes Twilio's error body.
func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, twilioError{Code: code, Message: message,
		MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), Status: status})
}
