package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// countingBody yields an endless JSON string and counts what is read.
type countingBody struct{ n int64 }

func (b *countingBody) Read(p []byte) (int, error) {
	if b.n == 0 && len(p) > 0 {
		p[0] = '{'
		b.n++
		return 1, nil
	}
	for i := range p {
		p[i] = 'a'
	}
	b.n += int64(len(p))
	return len(p), nil
}

func (b *countingBody) Close() error { return nil }

// TestKeyedPostBodyLimit is issue 8 item 3: with an Idempotency-Key, a POST
// over its route's body limit (1 MiB for messages) is refused with 413
// problem+json after reading about that limit, not the 11 MB the key's
// fingerprint once buffered; a declared oversize length is refused unread.
func TestKeyedPostBodyLimit(t *testing.T) {
	m, c := testServer(t, "", false)
	_, key, inst := setupCustomer(t, c, "Acme", "premium")
	thread := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", key, premiumRequest(inst, "+12125550123")), "id")
	const routeLimit = 1 << 20
	for _, tc := range []struct {
		name          string
		contentLength int64
		maxRead       int64
	}{
		{"streamed", -1, routeLimit + 64<<10},
		{"declared", 20 << 20, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingBody{}
			req := httptest.NewRequest("POST", "/v1/port-requests/"+thread+"/messages", io.NopCloser(strings.NewReader("")))
			req.Body, req.ContentLength = body, tc.contentLength
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "too-large-"+tc.name)
			rec := httptest.NewRecorder()
			m.HTTP.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d, %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if body.n > tc.maxRead {
				t.Fatalf("read %d bytes of the body; want at most %d (the route's limit is %d)", body.n, tc.maxRead, routeLimit)
			}
		})
	}
}
