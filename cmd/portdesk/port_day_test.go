package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
)

// submittedOrder walks a fresh premium order of the sandbox's Acme to
// submitted (LOA signed two days ago, attested wet) and returns its path.
func submittedOrder(t *testing.T, c *client) string {
	t.Helper()
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	path := loaReviewOrder(t, c, spec, cust, "inst_demo_acme", func(string) []byte { return fakePDF("signed in ink") })
	c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested)
	return path
}

// approvedOrder files a premium request of the sandbox's Acme for numbers
// and approves its order: the order waits for the LOA. It returns the
// order's ID and path.
func approvedOrder(t *testing.T, c *client, numbers ...string) (string, string) {
	t.Helper()
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", numbers...))
	id := str(t, req, "port_orders", 0, "id")
	path := "/v1/port-orders/" + id
	c.must(http.StatusOK, "POST", path+"/actions/approve", "pd_sandbox_specialist", nil)
	return id, path
}

// sandboxNow reads the sandbox clock.
func sandboxNow(t *testing.T, c *client) time.Time {
	t.Helper()
	now, err := time.Parse(time.RFC3339Nano, str(t, c.must(http.StatusOK, "GET", "/v1/sandbox/clock", "pd_sandbox_admin", nil), "now"))
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// advanceTo moves the sandbox clock forward to at.
func advanceTo(t *testing.T, c *client, at time.Time) int {
	t.Helper()
	d := at.Sub(sandboxNow(t, c))
	if d <= 0 {
		t.Fatalf("cannot move the clock back to %s", at)
	}
	return advance(t, c, fmt.Sprintf("%ds", int(d.Seconds())+1))
}

// onDay returns the instant of clock time hh:mm on the calendar day of d in loc.
func onDay(d time.Time, hh, mm int, loc *time.Location) time.Time {
	d = d.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, loc)
}

// TestFOCCheckedOnEveryPath is issue 7 item 1: the firm order commitment the
// team records passes the same port-date rules as the date a customer
// requests — no Saturday, no public holiday, nothing outside the porting
// window, enough notice, a load date still ahead — and only staff may accept
// an odd date, with a reason the order then shows as a warning.
func TestFOCCheckedOnEveryPath(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
		path := submittedOrder(t, c)
		chicago, _ := time.LoadLocation("America/Chicago")
		now := sandboxNow(t, c)
		windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=20", cust, nil), "data")
		valid, err := time.Parse(time.RFC3339, str(t, windows[len(windows)-1], "start"))
		if err != nil {
			t.Fatal(err)
		}
		saturday := onDay(valid, 10, 0, chicago)
		for saturday.Weekday() != time.Saturday {
			saturday = saturday.AddDate(0, 0, 1)
		}
		// The first US public holiday on a weekday three weeks out or later
		// (Christmas Day on 2026-12-25): past the lead time, so the holiday
		// is what the rules refuse.
		holiday := onDay(now.AddDate(0, 0, 21), 10, 0, chicago)
		for n := 0; ; n++ {
			_, isHoliday := country.IsHoliday("US", holiday)
			if isHoliday && holiday.Weekday() != time.Saturday && holiday.Weekday() != time.Sunday {
				break
			}
			if n > 400 {
				t.Fatal("no weekday holiday in the US within a year")
			}
			holiday = holiday.AddDate(0, 0, 1)
		}
		soon := onDay(now.AddDate(0, 0, 3), 10, 0, chicago)
		for !calendar.IsCountryBusinessDay("US", soon) {
			soon = soon.AddDate(0, 0, 1)
		}
		for _, tc := range []struct {
			name, reason string
			at           time.Time
		}{
			{"a Saturday", "not_business_day", saturday},
			{"a public holiday", "holiday", holiday},
			{"18:00 in Chicago", "outside_window", onDay(valid, 18, 0, chicago)},
			{"three days out", "too_soon", soon},
		} {
			for _, route := range []struct{ key, action string }{{spec, "record_foc"}} {
				r := c.do("POST", path+"/actions/"+route.action, route.key, map[string]any{"foc_at": tc.at.Format(time.RFC3339)})
				body := r.JSON(t)
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(str(t, body, "detail"), tc.reason) ||
					len(list(t, body, "next_windows")) == 0 {
					t.Errorf("%s %s (%s): %d %s; want 422 naming %s with next_windows", route.action, tc.name, tc.at, r.Status, r.Body, tc.reason)
				}
			}
			// The customer's own request of the same date was already refused.
			r := c.do("PATCH", path, cust, map[string]any{"requested_foc_at": tc.at.Format(time.RFC3339)})
			if r.Status != http.StatusConflict && (r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), tc.reason)) {
				t.Errorf("PATCH requested_foc_at %s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		if got := str(t, c.must(http.StatusOK, "GET", path, cust, nil), "status"); got != "submitted" {
			t.Fatalf("refused FOCs moved the order to %s", got)
		}
		// A carrier may truly confirm a Saturday: staff accept it with a reason.
		o := c.must(http.StatusOK, "POST", path+"/actions/record_foc", spec, map[string]any{
			"foc_at": saturday.Format(time.RFC3339), "override_reason": "the carrier confirmed a weekend cut-over in writing"})
		ov, _ := o["foc_override"].(map[string]any)
		if str(t, o, "status") != "foc_confirmed" || ov == nil || str(t, ov, "rule") != "not_business_day" ||
			!strings.Contains(str(t, ov, "reason"), "weekend cut-over") {
			t.Fatalf("record_foc with an override: %v", o)
		}
		found := false
		for _, e := range list(t, c.must(http.StatusOK, "GET", path+"/timeline?limit=1000", cust, nil), "data") {
			after, _ := e.(map[string]any)["after"].(map[string]any)
			if str(t, e, "type") == "port_order.status_changed" && after != nil && after["foc_override"] != nil {
				found = true
			}
		}
		if !found {
			t.Error("the timeline does not record the override")
		}
		// The customer may not override: a reschedule to a Saturday stays refused.
		r := c.do("POST", path+"/actions/reschedule", cust, map[string]any{
			"foc_at": saturday.AddDate(0, 0, 7).Format(time.RFC3339), "override_reason": "we like Saturdays"})
		if r.Status != http.StatusForbidden {
			t.Errorf("customer reschedule with an override: %d %s, want 403", r.Status, r.Body)
		}
	})
}

// TestFOCLoadDateInThePast is the rest of issue 7 item 1: with a short
// lead time the rules would accept a date whose load deadline has already
// passed; that is a refusal (or an override), never a deadline that fires
// at once.
func TestFOCLoadDateInThePast(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) { cfg.Sandbox, cfg.LeadBusinessDays = true, 1 })
	const spec = "pd_sandbox_specialist"
	path := submittedOrder(t, c)
	windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=1", spec, nil), "data")
	chicago, _ := time.LoadLocation("America/Chicago")
	// Two business days out: past the one-day lead time, inside the three
	// business days the numbers are loaded before the port.
	day := onDay(sandboxNow(t, c), 10, 0, chicago)
	for n := 0; n < 2; {
		day = day.AddDate(0, 0, 1)
		if calendar.IsCountryBusinessDay("US", day) {
			n++
		}
	}
	r := c.do("POST", path+"/actions/record_foc", spec, map[string]any{"foc_at": day.Format(time.RFC3339)})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "load_too_late") {
		t.Fatalf("record_foc two business days out: %d %s; want 422 load_too_late", r.Status, r.Body)
	}
	if len(windows) == 0 {
		t.Fatal("no window offered")
	}
	first, _ := time.Parse(time.RFC3339, str(t, windows[0], "start"))
	if plan := first.Sub(sandboxNow(t, c)); plan < 3*24*time.Hour {
		t.Errorf("the first window offered, %s, is too early to load the numbers", first)
	}
	o := c.must(http.StatusOK, "POST", path+"/actions/record_foc", spec, map[string]any{
		"foc_at": day.Format(time.RFC3339), "override_reason": "emergency port agreed by phone"})
	if str(t, o, "foc_override", "rule") != "load_too_late" {
		t.Fatalf("override: %v", o["foc_override"])
	}
}

// TestMissingInstanceNeverStuck is issue 7 item 3: a basic-plan order filed
// without an instance shows a blocking item once the carrier confirms the
// date, the customer is reminded, the failed load raises an attention flag
// that staff see and are mailed about, and choosing an instance loads the
// numbers at once.
func TestMissingInstanceNeverStuck(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		mb, smtpURL := startMailbox(t)
		_, c := testServerWith(t, dbURL, func(cfg *Config) {
			cfg.Sandbox, cfg.SMTPURL, cfg.TeamEmail = true, smtpURL, "porting-team@example.com"
		})
		const cust, spec = "pd_sandbox_bakery", "pd_sandbox_specialist"
		req := premiumRequest("", "+12125550177")
		delete(req, "instance_id")
		delete(req, "severity")
		delete(req, "subject")
		req["limit_requests"] = []map[string]any{{"region": "us-east-1", "new_limit_value": 1}}
		created := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, req)
		id := str(t, created, "port_orders", 0, "id")
		path := "/v1/port-orders/" + id
		c.must(http.StatusOK, "POST", path+"/actions/approve", spec, nil)
		c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": map[string]any{
			"account_name": "ACME, Inc.", "service_address": csrBody["service_address"], "authorized_contact": "Jane Roe",
			"btn": "+12125550177", "account_number": "ACC-1", "phone_numbers": []string{"+12125550177"}}})
		loa := pinnedLOABody()
		loa["btn"] = "+12125550177"
		c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": loa})
		for _, typ := range []string{"loa_signed", "invoice"} {
			if r := c.upload(cust, id, typ, typ+".pdf", fakePDF(typ)); r.Status != http.StatusCreated {
				t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
			}
		}
		c.must(http.StatusOK, "POST", path+"/actions/submit_loa", cust, nil)
		c.must(http.StatusOK, "POST", path+"/actions/approve_loa", spec, attested)
		windows := list(t, c.must(http.StatusOK, "GET", path+"/foc-windows?count=10", cust, nil), "data")
		foc, _ := time.Parse(time.RFC3339, str(t, windows[9], "start"))
		o := c.must(http.StatusOK, "POST", path+"/actions/record_foc", spec, map[string]any{"foc_at": foc.Format(time.RFC3339)})
		if f := codesOfSeverity(o, "blocking"); !slices.Contains(f, "INSTANCE_NOT_SET") {
			t.Fatalf("no blocking INSTANCE_NOT_SET after record_foc: %v", o["findings"])
		}
		thread := c.must(http.StatusOK, "GET", "/v1/port-requests/"+str(t, created, "id"), cust, nil)
		if !strings.Contains(fmt.Sprint(thread["messages"]), "instance") {
			t.Errorf("the customer was not asked for an instance: %v", thread["messages"])
		}

		// Past the load date, before the port: the load fails loudly.
		advanceTo(t, c, foc.Add(-2*time.Hour))
		o = c.must(http.StatusOK, "GET", path, cust, nil)
		att := list(t, o, "attention")
		if str(t, o, "status") != "foc_confirmed" || len(att) != 1 || str(t, att[0], "deadline_kind") != "load_numbers" {
			t.Fatalf("after the load date: status %s, attention %v", str(t, o, "status"), att)
		}
		queue := c.must(http.StatusOK, "GET", "/v1/port-orders?attention=true", spec, nil)
		if ids := orderIDs(t, queue); !slices.Contains(ids, id) {
			t.Errorf("staff's attention list %v lacks %s", ids, id)
		}
		if ids := orderIDs(t, c.must(http.StatusOK, "GET", "/v1/port-orders?attention=true", "pd_sandbox_acme", nil)); len(ids) != 0 {
			t.Errorf("another customer sees flagged orders %v", ids)
		}
		if got := eventTypes(t, c, cust, id); got["port_order.attention_raised"] != 1 {
			t.Errorf("events: %v", got)
		}
		eventually(t, "an email to the porting team", func() bool {
			for _, m := range mb.messagesTo("porting-team@example.com") {
				if strings.Contains(m.Header.Get("Subject"), id) {
					return true
				}
			}
			return false
		})

		// The customer chooses an instance: the load runs again at once.
		inst := c.must(http.StatusCreated, "POST", "/v1/instances", cust, map[string]any{"name": "Bakery center", "region": "us-east-1"})
		c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"instance_id": str(t, inst, "id")})
		if n := advance(t, c, "1s"); n < 1 {
			t.Fatalf("%d deadlines fired after the instance was set, want the load's retry", n)
		}
		o = c.must(http.StatusOK, "GET", path, cust, nil)
		if str(t, o, "status") != "numbers_loaded" || len(list(t, o, "attention")) != 0 {
			t.Fatalf("after choosing an instance: status %s, attention %v", str(t, o, "status"), o["attention"])
		}
		nums := list(t, c.must(http.StatusOK, "GET", "/v1/instances/"+str(t, inst, "id")+"/phone-numbers", cust, nil), "data")
		if len(nums) != 1 || str(t, nums[0], "status") != "pending_port" {
			t.Fatalf("instance inventory: %v", nums)
		}
		// And the port starts when the window opens.
		advanceTo(t, c, foc)
		if got := str(t, c.must(http.StatusOK, "GET", path, cust, nil), "status"); got != "porting" {
			t.Fatalf("at the FOC: %s, want porting", got)
		}
	})
}

// TestFindingsAreCurrent is issue 7 item 4: what an order shows is computed
// from its data now — uploads clear MISSING_DOCUMENT at once, an LOA past
// its 15 days shows LOA_EXPIRED on the order as on /findings — and an
// expired LOA cannot be submitted again.
func TestFindingsAreCurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
		id, path := approvedOrder(t, c, "+12125550123", "+12015550123")
		c.must(http.StatusOK, "PATCH", path, spec, map[string]any{"csr": csrBody})
		o := c.must(http.StatusOK, "PATCH", path, cust, map[string]any{"loa": pinnedLOABody()})
		if n := countCode(o, "MISSING_DOCUMENT"); n != 2 {
			t.Fatalf("before uploads: %d MISSING_DOCUMENT, want 2: %v", n, o["findings"])
		}
		for _, typ := range []string{"loa_signed", "invoice"} {
			if r := c.upload(cust, id, typ, typ+".pdf", fakePDF(typ)); r.Status != http.StatusCreated {
				t.Fatalf("upload %s: %d %s", typ, r.Status, r.Body)
			}
		}
		o = c.must(http.StatusOK, "GET", path, cust, nil)
		if n := countCode(o, "MISSING_DOCUMENT"); n != 0 {
			t.Fatalf("after both uploads the order still shows %d MISSING_DOCUMENT: %v", n, o["findings"])
		}
		c.must(http.StatusOK, "POST", path+"/actions/submit_loa", cust, nil)

		// The LOA, signed two days ago, expires after 15 days.
		advance(t, c, "15d")
		o = c.must(http.StatusOK, "GET", path, cust, nil)
		if str(t, o, "status") != "awaiting_loa" || countCode(o, "LOA_EXPIRED") != 1 {
			t.Fatalf("after expiry: status %s, findings %v", str(t, o, "status"), o["findings"])
		}
		if got, want := fmt.Sprint(o["findings"]), fmt.Sprint(list(t, c.must(http.StatusOK, "GET", path+"/findings", cust, nil), "data")); got != want {
			t.Errorf("the order shows %s, /findings %s", got, want)
		}
		r := c.do("POST", path+"/actions/submit_loa", cust, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "LOA_EXPIRED") {
			t.Fatalf("submit_loa of an expired LOA: %d %s", r.Status, r.Body)
		}
	})
}

func codesOfSeverity(o map[string]any, severity string) []string {
	var out []string
	fs, _ := o["findings"].([]any)
	for _, f := range fs {
		m, _ := f.(map[string]any)
		if m["severity"] == severity {
			out = append(out, fmt.Sprint(m["code"]))
		}
	}
	return out
}

func countCode(o map[string]any, code string) int {
	n := 0
	fs, _ := o["findings"].([]any)
	for _, f := range fs {
		if m, _ := f.(map[string]any); m["code"] == code {
			n++
		}
	}
	return n
}

func orderIDs(t *testing.T, page map[string]any) []string {
	t.Helper()
	var out []string
	for _, o := range list(t, page, "data") {
		out = append(out, str(t, o, "id"))
	}
	return out
}
