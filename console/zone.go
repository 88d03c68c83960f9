package console

import (
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// ZoneCookie holds the time zone the viewer chose (the footer's form) or
// their browser reported (console.js): times on every page are shown in
// it. It is a preference, not a secret.
const ZoneCookie = "portdesk_tz"

// zoneName is the shape of an IANA zone name such as America/New_York or
// Etc/GMT+5: no dots, so never a path outside the zone database.
var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9][A-Za-z0-9_+\-]*){0,2}$`)

// parseZone reads a zone name as typed or stored; "" and unknown names are
// false.
func parseZone(name string) (*time.Location, bool) {
	if len(name) > 64 || !zoneName.MatchString(name) {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// cookieZone is the viewer's chosen zone, if any.
func cookieZone(r *http.Request) (*time.Location, bool) {
	ck, err := r.Cookie(ZoneCookie)
	if err != nil {
		return nil, false
	}
	return parseZone(ck.Value)
}

// viewerZone is where a page about req shows its times: the viewer's own
// zone when they chose one, else the zone the request's contact asked
// for, else UTC.
func viewerZone(r *http.Request, req *porting.PortRequest) *time.Location {
	if loc, ok := cookieZone(r); ok {
		return loc
	}
	if req != nil {
		if loc, ok := parseZone(req.ContactPreferences.TimeZone); ok {
			return loc
		}
	}
	return time.UTC
}

// handleZone keeps the viewer's zone in ZoneCookie for a year (empty: back
// to the request's zone or UTC) and goes back to the page the form was on.
func (c *console) handleZone(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	back := localPath(r.PostForm.Get("back"))
	name := bound(r.PostForm.Get("time_zone"), 100)
	ck := &http.Cookie{Name: ZoneCookie, Path: "/", SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || c.opts.SecureCookies}
	switch loc, ok := parseZone(name); {
	case name == "":
		ck.MaxAge = -1
	case !ok:
		http.Error(w, "unknown time zone: use an IANA name such as Europe/Berlin", http.StatusUnprocessableEntity)
		return
	default:
		ck.Value, ck.MaxAge = loc.String(), 365*24*3600
	}
	http.SetCookie(w, ck)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// localPath is back when it is a path of this site ("/…", no scheme, no
// host, no backslash or control character, which browsers read as a host
// or drop), else "/".
func localPath(back string) string {
	if len(back) > 2048 || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		return "/"
	}
	for _, r := range back {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(path.Clean(u.Path), "//") {
		return "/"
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}
