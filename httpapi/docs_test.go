package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/workflow"
)

// resourceURL finds the URLs a page loads by itself: script sources,
// stylesheets and other linked resources, and Elements' document URL.
var resourceURL = regexp.MustCompile(`(?i)<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)\s*=\s*"([^"]*)"|apiDescriptionUrl\s*=\s*"([^"]*)"`)

// TestDocsOffline checks that /docs loads nothing from another host: every
// URL the page loads is relative and is served by the API itself, and the
// page's CSP allows no other origin.
func TestDocsOffline(t *testing.T) {
	srv := NewServer(&workflow.Service{}, nil)
	get := func(path string) *httptest.ResponseRecorder {
		t.Helper()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	page := get("/docs")
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /docs: %d %s", page.Code, page.Header().Get("Content-Type"))
	}
	if csp := page.Header().Get("Content-Security-Policy"); csp != docsCSP || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy %q, want %q with no other origin", csp, docsCSP)
	}
	base, _ := url.Parse("http://portdesk.test/docs")
	found := map[string]string{}
	for _, m := range resourceURL.FindAllStringSubmatch(page.Body.String(), -1) {
		ref := m[1] + m[2]
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(ref, "//") || ref == "" {
			t.Errorf("/docs loads %q: not a relative URL", ref)
			continue
		}
		found[base.ResolveReference(u).Path] = ref
	}
	wantTypes := map[string]string{
		"/docs/web-components.min.js": "text/javascript",
		"/docs/styles.min.css":        "text/css",
		"/openapi.json":               "application/openapi+json",
	}
	for path := range wantTypes {
		if _, ok := found[path]; !ok {
			t.Errorf("/docs does not load %s (it loads %v)", path, found)
		}
	}
	for path := range found {
		rec := get(path)
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("GET %s (loaded by /docs): %d, %d bytes", path, rec.Code, rec.Body.Len())
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, wantTypes[path]) {
			t.Errorf("GET %s: Content-Type %q, want %s", path, ct, wantTypes[path])
		}
	}
}

func TestDocsUnknownFile(t *testing.T) {
	rec := httptest.NewRecorder()
	NewServer(&workflow.Service{}, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs/index.html", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("GET /docs/index.html: %d %s, want a 404 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestDocsAssetRevalidates(t *testing.T) {
	srv := NewServer(&workflow.Service{}, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs/web-components.min.js", nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("the script has no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/docs/web-components.min.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("GET with If-None-Match: %d, %d bytes; want 304 and no body", rec.Code, rec.Body.Len())
	}
}
