package httpapi

import (
	"fmt"
	"net/http"
	"path"
)

// routerProblems answers, as problem+json like every other answer, the
// requests the router has no operation for: an unknown path (404), a known
// path with another method (405, with Allow), and a path that is not in
// canonical form ("..", "//", an empty id), which the router would redirect
// and the API refuses with 404 instead: a client should not have its
// method and body replayed on a path it did not name. Everything else goes
// to next.
func routerProblems(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !canonicalPath(r.URL.Path) {
			writeProblem(w, newProblem(http.StatusNotFound, fmt.Sprintf("no such path: %q is not in canonical form", r.URL.EscapedPath())))
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		// The router's own answer is one of three trivial handlers; run it
		// for its status and Allow header only.
		rec := &routerAnswer{header: http.Header{}}
		h.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 || status < 400 {
			status = http.StatusNotFound
		}
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		msg := "no such path"
		if status == http.StatusMethodNotAllowed {
			msg = fmt.Sprintf("%s is not allowed on this path", r.Method)
		}
		writeProblem(w, newProblem(status, msg))
	})
}

// canonicalPath reports whether p is what the router would not redirect:
// absolute, without "." or ".." segments or empty segments.
func canonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c == p
}

// routerAnswer records the status and header of the router's own answer.
type routerAnswer struct {
	header http.Header
	status int
}

func (a *routerAnswer) Header() http.Header         { return a.header }
func (a *routerAnswer) Write(b []byte) (int, error) { return len(b), nil }
func (a *routerAnswer) WriteHeader(status int)      { a.status = status }
