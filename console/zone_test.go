package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestViewerZone: a zone the viewer chose shows every page's times in it,
// over the request's zone; an unknown or path-like zone is refused; the
// form goes back only to a page of the console.
func TestViewerZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	acme := b.client(t)
	b.signIn(t, acme, acmeEmail)
	page := "/port-orders/" + o.ID
	if _, body := b.get(t, acme, page); !strings.Contains(body, `value="UTC"`) {
		t.Fatal("the footer does not name the zone times are shown in (UTC before any choice)")
	}
	res := b.post(t, acme, "/preferences/time-zone", url.Values{"time_zone": {"Asia/Tokyo"}, "back": {page}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("choosing a zone: %d → %q, want 303 back to %s", res.StatusCode, res.Header.Get("Location"), page)
	}
	_, body := b.get(t, acme, page)
	if !strings.Contains(body, `value="Asia/Tokyo"`) || !strings.Contains(body, " JST") {
		t.Error("after choosing Asia/Tokyo the order page does not show JST times")
	}
	if _, body := b.get(t, acme, "/"); !strings.Contains(body, `value="Asia/Tokyo"`) {
		t.Error("the dashboard does not follow the chosen zone")
	}
	for _, bad := range []string{"Mars/Olympus", "../../etc/passwd", "/etc/localtime", strings.Repeat("A", 70)} {
		if res := b.post(t, acme, "/preferences/time-zone", url.Values{"time_zone": {bad}, "back": {page}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("zone %q: %d, want 422", bad, res.StatusCode)
		}
	}
	for _, back := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "", `/./\evil.example/`, "/\t/evil.example/", "/\x00x"} {
		res := b.post(t, acme, "/preferences/time-zone", url.Values{"time_zone": {"Europe/Berlin"}, "back": {back}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("back %q: went to %q, want /", back, loc)
		}
	}
	// Empty forgets the choice.
	b.post(t, acme, "/preferences/time-zone", url.Values{"time_zone": {""}, "back": {"/"}})
	if _, body := b.get(t, acme, "/"); !strings.Contains(body, `value="UTC"`) {
		t.Error("an empty zone did not forget the choice")
	}
}
