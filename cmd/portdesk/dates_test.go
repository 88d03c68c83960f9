package main

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// testClock, when set, is the clock of every server testServerWith starts:
// tests pin it to run the program at a given hour. nil is the wall clock.
var testClock porting.Clock

// testNow is the time of the servers the tests start.
func testNow() time.Time {
	if testClock != nil {
		return testClock.Now()
	}
	return time.Now()
}

// pinnedHours are the hours the date rules are run at: 00:30 UTC, when the
// UTC date is ahead of the date in the Americas, and 23:30 UTC, when it is
// behind the date in Asia and Oceania. 2 March 2027 is a Tuesday with no
// holiday in the weeks the tests plan ports in.
var pinnedHours = []time.Time{
	time.Date(2027, 3, 2, 0, 30, 0, 0, time.UTC),
	time.Date(2027, 3, 2, 23, 30, 0, 0, time.UTC),
}

// pinClock makes the servers t starts run from at, moving on with real time
// so that events keep their order, until t ends. Tests in this package do
// not run in parallel, so the package variable is safe.
func pinClock(t *testing.T, at time.Time) {
	t.Helper()
	start := time.Now()
	testClock = porting.ClockFunc(func() time.Time { return at.Add(time.Since(start)) })
	t.Cleanup(func() { testClock = nil })
}

// TestDateRulesAtPinnedHours runs the suites whose result once depended on
// the hour CI started (issue 7, item 10) at both pinned hours, so that none
// of them passes or fails by when it runs.
func TestDateRulesAtPinnedHours(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four end-to-end suites twice")
	}
	suites := []struct {
		name string
		run  func(*testing.T)
	}{
		{"FOCMovesDeadlines", TestFOCMovesDeadlines},
		{"PortLifecycle", TestPortLifecycle},
		{"LOAFindingsEndToEnd", TestLOAFindingsEndToEnd},
		{"READMEWalkthrough", TestREADMEWalkthrough},
	}
	for _, at := range pinnedHours {
		t.Run(at.Format("1504UTC"), func(t *testing.T) {
			pinClock(t, at)
			for _, s := range suites {
				t.Run(s.name, s.run)
			}
		})
	}
}

// TestSignedTodayAtAnyHour is item 10 through the API: an LOA dated today,
// as a client in UTC writes it, plain or in the date-time form of API 0.4,
// is never in the future for a US order, at either pinned hour; a date
// after today everywhere on Earth is.
func TestSignedTodayAtAnyHour(t *testing.T) {
	for _, at := range pinnedHours {
		t.Run(at.Format("1504UTC"), func(t *testing.T) {
			pinClock(t, at)
			_, c := testServer(t, "", false)
			_, cust, inst := setupCustomer(t, c, "Acme", "premium")
			spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
			req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123"))
			id := str(t, req, "port_orders", 0, "id")
			c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", spec, nil)

			today := at.Format(time.DateOnly)
			afterToday := at.Add(15*time.Hour).AddDate(0, 0, 1).Format(time.DateOnly) // after today in UTC+14
			for _, tc := range []struct {
				signedOn, wantDate string
				future             bool
			}{
				{today, today, false},
				{today + "T00:00:00Z", today, false},
				{today + "T23:00:00-08:00", today, false}, // the date as written, not the UTC one
				{afterToday, afterToday, true},
			} {
				loa := loaBody("ACME, Inc.", "10001")
				loa["signed_on"] = tc.signedOn
				o := c.must(http.StatusOK, "PATCH", "/v1/port-orders/"+id, cust, map[string]any{"loa": loa})
				if got := str(t, o, "loa", "signed_on"); got != tc.wantDate {
					t.Errorf("signed_on %s reads back as %s, want %s", tc.signedOn, got, tc.wantDate)
				}
				if got := findingCodes(t, c, cust, id); slices.Contains(got, "LOA_DATE_IN_FUTURE") != tc.future {
					t.Errorf("at %s, signed_on %s: findings %v, want LOA_DATE_IN_FUTURE %v", at, tc.signedOn, got, tc.future)
				}
			}
			for _, bad := range []string{"2027-02-30", "yesterday", "1999-12-31", "0000-01-01", "2027-03-02T10:00:00"} {
				loa := loaBody("ACME, Inc.", "10001")
				loa["signed_on"] = bad
				if r := c.do("PATCH", "/v1/port-orders/"+id, cust, map[string]any{"loa": loa}); r.Status != http.StatusUnprocessableEntity {
					t.Errorf("signed_on %q: %d %s, want 422", bad, r.Status, r.Body)
				}
			}
		})
	}
}

// TestMexicanLOAJudgedInMexico is item 7 through the API: a Mexican LOA's
// 15 days are counted in Mexico City, not in Europe/Berlin, the zone the
// Mexican porting windows are published in. At 05:30 UTC on 17 March it is
// still the 16th in Mexico City (UTC-6) but the 17th in Berlin.
func TestMexicanLOAJudgedInMexico(t *testing.T) {
	pinClock(t, time.Date(2027, 3, 17, 5, 30, 0, 0, time.UTC))
	_, c := testServer(t, "", false)
	_, cust, inst := setupCustomer(t, c, "Acme", "premium")
	spec := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
	req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+52 55 1234 5678"))
	orders := list(t, req, "port_orders")
	if len(orders) != 1 || str(t, orders[0], "country") != "MX" {
		t.Fatalf("port orders %v, want one Mexican order", orders)
	}
	id := str(t, orders[0], "id")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", spec, nil)
	for _, tc := range []struct {
		signedOn string
		expired  bool
		expiry   string
	}{
		{"2027-03-01", false, "2027-03-17T06:00:00Z"}, // 15 days ago in Mexico City: the last valid day
		{"2027-02-28", true, "2027-03-16T06:00:00Z"},
	} {
		loa := loaBody("ACME, Inc.", "06600")
		loa["service_address"] = map[string]any{"street": "Av. Reforma 1", "city": "Ciudad de México", "postal_code": "06600", "country": "MX"}
		loa["btn"], loa["signed_on"] = "+525512345678", tc.signedOn
		c.must(http.StatusOK, "PATCH", "/v1/port-orders/"+id, cust, map[string]any{"loa": loa})
		if got := findingCodes(t, c, cust, id); slices.Contains(got, "LOA_EXPIRED") != tc.expired {
			t.Errorf("signed %s: findings %v, want LOA_EXPIRED %v", tc.signedOn, got, tc.expired)
		}
		var due string
		for _, d := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/deadlines", cust, nil), "data") {
			if str(t, d, "kind") == "loa_expiry" && str(t, d, "state") == "pending" {
				due = str(t, d, "due_at")
			}
		}
		if due != tc.expiry {
			t.Errorf("signed %s: loa_expiry due %q, want %s (midnight in Mexico City)", tc.signedOn, due, tc.expiry)
		}
	}
}

// findingCodes returns the codes of an order's current LOA findings.
func findingCodes(t *testing.T, c *client, key, orderID string) []string {
	t.Helper()
	var codes []string
	for _, f := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+orderID+"/findings", key, nil), "data") {
		codes = append(codes, str(t, f, "code"))
	}
	return codes
}
