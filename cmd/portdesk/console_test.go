package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// TestConsoleServed: serve mounts the console at / beside the API; the
// sandbox signs a demo user in by link; the API's paths stay the API's.
func TestConsoleServed(t *testing.T) {
	m, c := testServer(t, "", true)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(m.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
		t.Fatalf("GET / signed out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err = browser.Get(m.signInLink("acme@sandbox.portdesk.test"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Your port orders") {
		t.Fatalf("after the sandbox sign-in link: %d %v %.300s", resp.StatusCode, err, page)
	}
	if resp, err := noFollow.Get(m.URL() + "/sandbox/sign-in?user=nobody@example.com"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a sign-in link for no demo user: %v %v", resp, err)
	}
	c.must(http.StatusOK, "GET", "/v1/port-orders", "pd_sandbox_acme", nil)
	if r := c.do("GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Fatalf("healthz: %d", r.Status)
	}
	for path, want := range map[string]string{"/openapi.json": `"openapi":`, "/docs": "<elements-api", "/v1/nothing": "problem"} {
		r := c.do("GET", path, "", nil)
		if !strings.Contains(string(r.Body)+r.ContentType, want) {
			t.Errorf("GET %s reached the console or nothing: %d %s %.200s", path, r.Status, r.ContentType, r.Body)
		}
	}
}
