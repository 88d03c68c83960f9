package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"time"
)

// docsFiles is the API reference page and the renderer it runs, Stoplight
// Elements, vendored from npm (docs/README.md says which version and how
// to update it). Nothing on the page comes from another host, so /docs
// works without internet access.
//
//go:embed docs/index.html docs/web-components.min.js docs/styles.min.css
var docsFiles embed.FS

// docsCSP lets the page run only what the binary serves; Elements sets
// inline styles on its elements, and reads the document from this origin.
const docsCSP = "default-src 'none'; base-uri 'none'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; " +
	"sandbox allow-same-origin allow-scripts; script-src 'self'; style-src 'self' 'unsafe-inline'"

// docsAsset is one file of the page, served with a validator so browsers
// fetch the 2 MB script again only when the binary's copy changed.
type docsAsset struct {
	content     []byte
	contentType string
	etag        string
}

func newDocsAsset(name, contentType string) docsAsset {
	b, err := docsFiles.ReadFile("docs/" + name)
	if err != nil {
		panic(err) // the names are embedded above: a missing one is a build mistake
	}
	sum := sha256.Sum256(b)
	return docsAsset{content: b, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

func (a docsAsset) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.content))
}

// registerDocs serves the API reference at GET /docs and its files under
// /docs/, outside the API's auth. The page names its files and the OpenAPI
// document by relative URLs, so it also works behind a path prefix.
func registerDocs(mux *http.ServeMux) {
	page := newDocsAsset("index.html", "text/html; charset=utf-8")
	assets := map[string]docsAsset{
		"web-components.min.js": newDocsAsset("web-components.min.js", "text/javascript; charset=utf-8"),
		"styles.min.css":        newDocsAsset("styles.min.css", "text/css; charset=utf-8"),
	}
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", docsCSP)
		page.serve(w, r)
	})
	mux.HandleFunc("GET /docs/{file}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.PathValue("file")]
		if !ok {
			writeProblem(w, newProblem(http.StatusNotFound, "no such path"))
			return
		}
		a.serve(w, r)
	})
}
