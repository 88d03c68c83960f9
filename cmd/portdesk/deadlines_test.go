package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// requestWithEmail files a request whose contact chose email.
func requestWithEmail(inst, email string, numbers ...string) map[string]any {
	r := premiumRequest(inst, numbers...)
	r["authorized_contact"] = map[string]any{"name": "Jane Roe", "email": email}
	r["contact_preferences"] = map[string]any{"language": "en", "methods": []string{"email"}}
	return r
}

func advance(t *testing.T, c *client, d string) int {
	t.Helper()
	r := c.must(http.StatusOK, "POST", "/v1/sandbox/clock", "pd_sandbox_admin", map[string]any{"advance": d})
	return int(r["deadlines_fired"].(float64))
}

func eventTypes(t *testing.T, c *client, key, orderID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+orderID+"/timeline?limit=1000", key, nil), "data") {
		out[str(t, e, "type")]++
	}
	return out
}

// TestSilenceRemindersAndCancel is the deadlines issue's acceptance item 2:
// in the sandbox an order waiting on the customer gets two reminders (as
// events, emails and webhooks) and is cancelled on day 30, while a customer
// message on day 20 pushes another order's date back.
func TestSilenceRemindersAndCancel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		mb, smtpURL := startMailbox(t)
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox, cfg.SMTPURL = true, smtpURL })
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
		h := startHook(t)
		w := c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{
			"url": h.srv.URL, "event_types": []string{"deadline.respond_reminder", "deadline.respond_by_passed"}})
		h.secret = str(t, w, "secret")
		if !strings.HasPrefix(h.secret, "whsec_") {
			t.Fatalf("secret %q", h.secret)
		}

		reqA := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, requestWithEmail("inst_demo_acme", "silent@example.com", "+12125550123"))
		reqB := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, requestWithEmail("inst_demo_acme", "talker@example.com", "+12125550124"))
		a, b := str(t, reqA, "port_orders", 0, "id"), str(t, reqB, "port_orders", 0, "id")
		for _, id := range []string{a, b} {
			c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", spec, nil)
		}
		if n := advance(t, c, "20d"); n != 0 {
			t.Fatalf("%d deadlines fired in the first 20 days", n)
		}
		c.must(http.StatusCreated, "POST", "/v1/port-requests/"+str(t, reqB, "id")+"/messages", cust, map[string]any{"body": "Working on the LOA."})
		if n := advance(t, c, "3d1h"); n != 1 { // day 23: A's first reminder
			t.Fatalf("day 23: %d deadlines fired, want 1", n)
		}
		if n := advance(t, c, "5d"); n != 1 { // day 28: the second
			t.Fatalf("day 28: %d deadlines fired, want 1", n)
		}
		advance(t, c, "2d") // day 30: A is cancelled
		if got := str(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+a, cust, nil), "status"); got != "cancelled" {
			t.Fatalf("A is %s on day 30, want cancelled", got)
		}
		ob := c.must(http.StatusOK, "GET", "/v1/port-orders/"+b, cust, nil)
		if str(t, ob, "status") != "awaiting_loa" {
			t.Fatalf("B is %s on day 30, want awaiting_loa", str(t, ob, "status"))
		}
		respondBy, _ := time.Parse(time.RFC3339Nano, str(t, ob, "respond_by"))
		if days := time.Until(respondBy).Hours() / 24; days < 45 || days > 51 {
			t.Errorf("B's respond_by is %.1f days from the wall clock, want about 50 (day 20 + 30)", days)
		}
		if got := eventTypes(t, c, cust, a); got["deadline.respond_reminder"] != 2 || got["deadline.respond_by_passed"] != 1 {
			t.Errorf("A's deadline events: %v", got)
		}
		if got := eventTypes(t, c, cust, b); got["deadline.respond_reminder"] != 0 {
			t.Errorf("B was reminded: %v", got)
		}
		eventually(t, "two reminder webhooks and one for the cancellation", func() bool {
			return h.countType("deadline.respond_reminder") == 2 && h.countType("deadline.respond_by_passed") == 1
		})
		eventually(t, "reminder and cancellation emails", func() bool {
			subjects := ""
			for _, m := range mb.messagesTo("silent@example.com") {
				subjects += m.Header.Get("Subject") + "\n"
			}
			return strings.Count(subjects, a) >= 4 // approve, two reminders, cancellation
		})
		if len(mb.messagesTo("talker@example.com")) > 1 {
			for _, m := range mb.messagesTo("talker@example.com") {
				t.Logf("B mail: %s", m.Header.Get("Subject"))
			}
			t.Errorf("B received %d emails, want only the approval", len(mb.messagesTo("talker@example.com")))
		}
	})
}

// TestFOCMovesDeadlines is acceptance item 3: moving the FOC recomputes the
// dependent deadlines, and a reschedule with 3 business days' notice is
// refused with the earliest allowed date.
func TestFOCMovesDeadlines(t *testing.T) {
	_, c := testServerWith(t, "", func(cfg *Config) { cfg.Sandbox = true })
	const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", "+12125550123"))
	id := str(t, req, "port_orders", 0, "id")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", spec, nil)
	fillLOA(t, c, spec, cust, id)
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/submit_loa", cust, nil)
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve_loa", spec, attested)
	windows := list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/foc-windows?count=30", cust, nil), "data")
	first, second := str(t, windows[10], "start"), str(t, windows[25], "start")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/record_foc", spec, map[string]any{"foc_at": first})

	pending := func() map[string]string {
		out := map[string]string{}
		for _, d := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/deadlines", cust, nil), "data") {
			if str(t, d, "state") == "pending" {
				out[str(t, d, "kind")] = str(t, d, "due_at")
			}
		}
		return out
	}
	before := pending()
	for _, k := range []string{"quota_requests_due", "load_numbers", "port_window_opens"} {
		if before[k] == "" {
			t.Fatalf("no pending %s after record_foc: %v", k, before)
		}
	}
	if before["port_window_opens"] != first {
		t.Errorf("port_window_opens = %s, want the FOC %s", before["port_window_opens"], first)
	}
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/reschedule", cust, map[string]any{"foc_at": second})
	if p := pending(); len(p) != 0 {
		t.Errorf("deadlines of the old FOC still pending after reschedule: %v", p)
	}
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/record_foc", spec, map[string]any{"foc_at": second})
	after := pending()
	for _, k := range []string{"quota_requests_due", "load_numbers", "port_window_opens"} {
		if after[k] == "" || after[k] == before[k] {
			t.Errorf("%s did not move with the FOC: before %s, after %s", k, before[k], after[k])
		}
	}

	// Move the clock to 3 business days before the FOC: loading fires, and a
	// reschedule is refused with the earliest date a new port could take.
	foc, _ := time.Parse(time.RFC3339, second)
	loc, _ := time.LoadLocation("America/Chicago")
	target := foc.In(loc)
	for n := 0; n < 3; {
		target = target.AddDate(0, 0, -1)
		if wd := target.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	clock := c.must(http.StatusOK, "GET", "/v1/sandbox/clock", "pd_sandbox_admin", nil)
	now, _ := time.Parse(time.RFC3339Nano, str(t, clock, "now"))
	noon := time.Date(target.Year(), target.Month(), target.Day(), 12, 0, 0, 0, loc)
	advance(t, c, fmt.Sprintf("%ds", int(noon.Sub(now).Seconds())))
	o := c.must(http.StatusOK, "GET", "/v1/port-orders/"+id, cust, nil)
	if str(t, o, "status") != "numbers_loaded" {
		t.Fatalf("status %s three business days before the FOC, want numbers_loaded", str(t, o, "status"))
	}
	r := c.do("POST", "/v1/port-orders/"+id+"/actions/reschedule", cust, map[string]any{"foc_at": str(t, windows[29], "start")})
	body := r.JSON(t)
	if r.Status != http.StatusConflict || !strings.Contains(str(t, body, "detail"), "earliest date") || len(list(t, body, "next_windows")) == 0 {
		t.Fatalf("reschedule with 3 business days' notice: %d %s", r.Status, r.Body)
	}
}
