package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// listedOrder is what the test itself knows of an order it made, kept apart
// from what the server answers: the oracle the lists are checked against.
type listedOrder struct {
	account, status, country string
	next                     *time.Time // earliest pending deadline, from the order's deadlines
}

// waitingOnTest is whose move each state the test reaches is, written out
// here rather than taken from porting.State.WaitingOn.
var waitingOnTest = map[string]string{"review": "team", "awaiting_loa": "customer", "not_portable": "none"}

// pageThrough pages through path (which has a query) with key, limit rows a
// page, and returns the rows in order; it fails on a page over the limit
// and on a row that comes twice.
func pageThrough(t *testing.T, c *client, key, path string, limit int) []map[string]any {
	t.Helper()
	var rows []map[string]any
	seen := map[string]bool{}
	cursor := ""
	for range 1000 {
		p := fmt.Sprintf("%s&limit=%d", path, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := c.must(http.StatusOK, "GET", p, key, nil)
		data := list(t, page, "data")
		if len(data) > limit {
			t.Fatalf("GET %s: %d rows, more than the limit", p, len(data))
		}
		for _, r := range data {
			row := r.(map[string]any)
			id := str(t, row, "id")
			if seen[id] {
				t.Fatalf("GET %s: %s comes twice", path, id)
			}
			seen[id] = true
			rows = append(rows, row)
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			return rows
		}
		if len(data) != limit {
			t.Fatalf("GET %s: a page of %d before the last", p, len(data))
		}
		cursor = next
	}
	t.Fatalf("GET %s never ended", path)
	return nil
}

func ids(t *testing.T, rows []map[string]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = str(t, r, "id")
	}
	return out
}

// sameSet reports a difference between got and want, compared as sets.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %d rows, want %d (got %v, want %v)", what, len(g), len(w), g, w)
	}
}

// TestListsAsEachRole is issue 10's first acceptance line: 250 orders of
// two accounts are listed, filtered, sorted and paged through as each role
// with a small page, with no other account's row, no duplicate and no gap;
// port requests, instances and accounts are paged through too.
func TestListsAsEachRole(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		// The clock moves on as the test says, so orders approved one after
		// another get deadlines at different times.
		var offset atomic.Int64
		start, at := time.Now(), time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
		testClock = porting.ClockFunc(func() time.Time { return at.Add(time.Since(start) + time.Duration(offset.Load())) })
		t.Cleanup(func() { testClock = nil })
		_, c := testServer(t, dbURL, false)

		acctA, keyA, instA := setupCustomer(t, c, "Alpha", "premium")
		acctB, keyB, instB := setupCustomer(t, c, "Beta", "premium")
		specialist := str(t, c.must(http.StatusCreated, "POST", "/v1/api-keys", testAdminToken, map[string]any{"role": "specialist"}), "key")
		instances := map[string][]string{acctA: {instA}, acctB: {instB}}
		for i := range 2 {
			in := c.must(http.StatusCreated, "POST", "/v1/instances", keyA, map[string]any{"name": fmt.Sprintf("Alpha %d", i), "region": "eu-west-2"})
			instances[acctA] = append(instances[acctA], str(t, in, "id"))
		}

		// 250 numbers in three countries, each with its own carrier: one
		// order each. Ten requests of 25; Alpha files six, Beta four.
		var numbers []struct{ number, country string }
		for i := range 100 {
			numbers = append(numbers, struct{ number, country string }{fmt.Sprintf("+1 212 555 01%02d", i), "US"})
			numbers = append(numbers, struct{ number, country string }{fmt.Sprintf("+44 20 7946 0%03d", i), "GB"})
			if i < 50 {
				numbers = append(numbers, struct{ number, country string }{fmt.Sprintf("+1 416 555 01%02d", i), "CA"})
			}
		}
		orders := map[string]*listedOrder{}
		requests := map[string][]string{}
		var created []string // order IDs in the order they were filed
		for r := range 10 {
			acct, key, inst := acctA, keyA, instA
			if r >= 6 {
				acct, key, inst = acctB, keyB, instB
			}
			body := premiumRequest(inst)
			delete(body, "phone_numbers")
			var entries []map[string]any
			byNumber := map[string]string{}
			for i, n := range numbers[r*25 : r*25+25] {
				entries = append(entries, map[string]any{"phone_number": n.number, "current_carrier": fmt.Sprintf("Carrier %d-%d", r, i)})
				byNumber[strings.ReplaceAll(n.number, " ", "")] = n.country
			}
			body["phone_number_entries"] = entries
			req := c.must(http.StatusCreated, "POST", "/v1/port-requests", key, body)
			requests[acct] = append(requests[acct], str(t, req, "id"))
			for _, o := range list(t, req, "port_orders") {
				number := str(t, o, "phone_numbers", 0, "phone_number")
				orders[str(t, o, "id")] = &listedOrder{account: acct, status: "review", country: byNumber[number]}
				created = append(created, str(t, o, "id"))
			}
		}
		if len(orders) != 250 {
			t.Fatalf("%d orders, want 250", len(orders))
		}
		// Approve every fourth order, the newest first and an hour and a
		// bit apart, so the work queue's order is not the filing order;
		// mark every ninth of the others not portable.
		for i := len(created) - 1; i >= 0; i-- {
			id := created[i]
			switch {
			case i%4 == 0:
				offset.Add(int64(67 * time.Minute))
				c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/approve", specialist, nil)
				orders[id].status = "awaiting_loa"
			case i%9 == 0:
				c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/mark_not_portable", testAdminToken, map[string]any{"reason": "no such number"})
				orders[id].status = "not_portable"
			}
		}
		// Each order's next deadline, from its own deadlines.
		var dues []time.Time
		for id, o := range orders {
			for _, d := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/deadlines", testAdminToken, nil), "data") {
				if str(t, d, "state") != "pending" {
					continue
				}
				due, err := time.Parse(time.RFC3339Nano, str(t, d, "due_at"))
				if err != nil {
					t.Fatal(err)
				}
				if o.next == nil || due.Before(*o.next) {
					o.next = &due
				}
			}
			if o.next != nil {
				dues = append(dues, *o.next)
			}
		}
		if len(dues) < 20 {
			t.Fatalf("only %d orders have a pending deadline", len(dues))
		}
		slices.SortFunc(dues, time.Time.Compare)
		dueBefore := dues[len(dues)/2]

		type role struct {
			name, key, account string // account "" for staff
		}
		roles := []role{{"admin", testAdminToken, ""}, {"specialist", specialist, ""}, {"customer A", keyA, acctA}, {"customer B", keyB, acctB}}
		filters := []struct {
			query string
			keep  func(o *listedOrder) bool
		}{
			{"", func(*listedOrder) bool { return true }},
			{"status=awaiting_loa", func(o *listedOrder) bool { return o.status == "awaiting_loa" }},
			{"status=review&country=gb", func(o *listedOrder) bool { return o.status == "review" && o.country == "GB" }},
			{"waiting_on=customer", func(o *listedOrder) bool { return waitingOnTest[o.status] == "customer" }},
			{"waiting_on=team&country=CA", func(o *listedOrder) bool { return waitingOnTest[o.status] == "team" && o.country == "CA" }},
			{"waiting_on=none", func(o *listedOrder) bool { return waitingOnTest[o.status] == "none" }},
			{"waiting_on=carrier", func(o *listedOrder) bool { return false }},
			{"status=review&waiting_on=customer", func(o *listedOrder) bool { return false }},
			{"country=US", func(o *listedOrder) bool { return o.country == "US" }},
			{"attention=true", func(o *listedOrder) bool { return false }},
			{"due_before=" + url.QueryEscape(dueBefore.Format(time.RFC3339Nano)), func(o *listedOrder) bool { return o.next != nil && o.next.Before(dueBefore) }},
		}
		for _, r := range roles {
			visible := func(o *listedOrder) bool { return r.account == "" || o.account == r.account }
			for _, sortBy := range []string{"", "sort=created", "sort=next_deadline"} {
				for _, f := range filters {
					query := strings.Trim(f.query+"&"+sortBy, "&")
					what := r.name + " " + query
					rows := pageThrough(t, c, r.key, "/v1/port-orders?"+query, 9)
					var want []string
					for id, o := range orders {
						if visible(o) && f.keep(o) {
							want = append(want, id)
						}
					}
					sameSet(t, what, ids(t, rows), want)
					for _, row := range rows {
						if o := orders[str(t, row, "id")]; o == nil || !visible(o) || str(t, row, "account_id") != o.account {
							t.Fatalf("%s: row %s of another account or unknown", what, str(t, row, "id"))
						}
					}
					checkListOrder(t, what, sortBy, rows, orders)
				}
			}
			if r.account != "" {
				// Naming the other account lists one's own.
				other := acctA
				if r.account == acctA {
					other = acctB
				}
				rows := pageThrough(t, c, r.key, "/v1/port-orders?account_id="+other, 50)
				for _, row := range rows {
					if str(t, row, "account_id") != r.account {
						t.Fatalf("%s lists %s of account %s", r.name, str(t, row, "id"), other)
					}
				}
			}
		}
		// Staff narrow to one account.
		var wantA []string
		for id, o := range orders {
			if o.account == acctA {
				wantA = append(wantA, id)
			}
		}
		sameSet(t, "specialist account_id=A", ids(t, pageThrough(t, c, specialist, "/v1/port-orders?sort=next_deadline&account_id="+acctA, 11)), wantA)

		// Requests and instances: staff all or one account's, customers
		// their own whatever account they name; accounts: staff only.
		all := func(m map[string][]string) []string { return append(slices.Clone(m[acctA]), m[acctB]...) }
		for _, r := range roles {
			for _, res := range []struct {
				path string
				want map[string][]string
			}{{"/v1/port-requests", requests}, {"/v1/instances", instances}} {
				want := all(res.want)
				if r.account != "" {
					want = res.want[r.account]
				}
				sameSet(t, r.name+" "+res.path, ids(t, pageThrough(t, c, r.key, res.path+"?", 2)), want)
				if r.account == "" {
					sameSet(t, r.name+" "+res.path+" of B", ids(t, pageThrough(t, c, r.key, res.path+"?account_id="+acctB, 1)), res.want[acctB])
				} else {
					sameSet(t, r.name+" "+res.path+" of the other", ids(t, pageThrough(t, c, r.key, res.path+"?account_id="+acctA+acctB, 1)), want)
					for _, other := range []string{acctA, acctB} {
						sameSet(t, r.name+" "+res.path+" naming "+other, ids(t, pageThrough(t, c, r.key, res.path+"?account_id="+other, 3)), want)
					}
				}
			}
			if r.account == "" {
				sameSet(t, r.name+" accounts", ids(t, pageThrough(t, c, r.key, "/v1/accounts?", 1)), []string{acctA, acctB})
			} else if resp := c.do("GET", "/v1/accounts", r.key, nil); resp.Status != http.StatusForbidden {
				t.Errorf("%s lists accounts: %d %s", r.name, resp.Status, resp.Body)
			}
		}

		// Bounds: each is a 422 problem, never a 500 or a silent default.
		created1 := c.must(http.StatusOK, "GET", "/v1/port-orders?limit=1", testAdminToken, nil)["next_cursor"].(string)
		for _, bad := range []string{
			"/v1/port-orders?limit=0", "/v1/port-orders?limit=101", "/v1/port-orders?cursor=" + strings.Repeat("A", 513),
			"/v1/port-orders?cursor=bm90IGpzb24", "/v1/port-orders?sort=next_deadline&cursor=" + created1,
			"/v1/port-orders?due_before=1999-12-31T00:00:00Z", "/v1/port-orders?due_before=2100-01-01T00:00:00Z",
			"/v1/port-orders?country=USA", "/v1/port-orders?country=1A", "/v1/port-orders?sort=oldest", "/v1/port-orders?waiting_on=nobody",
			"/v1/port-requests?limit=500", "/v1/port-requests?cursor=e30", "/v1/instances?cursor=!", "/v1/accounts?limit=0",
		} {
			if r := c.do("GET", bad, testAdminToken, nil); r.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.ContentType, "application/problem+json") {
				t.Errorf("GET %s: %d %s, want a 422 problem", bad, r.Status, r.Body)
			}
		}
	})
}

// checkListOrder checks rows are in sortBy's order: by creation time, or by
// the next pending deadline (from the test's own record), none last, then ID.
func checkListOrder(t *testing.T, what, sortBy string, rows []map[string]any, orders map[string]*listedOrder) {
	t.Helper()
	ok := sort.SliceIsSorted(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if sortBy != "sort=next_deadline" {
			ca, cb := str(t, a, "created_at"), str(t, b, "created_at")
			ta, _ := time.Parse(time.RFC3339Nano, ca)
			tb, _ := time.Parse(time.RFC3339Nano, cb)
			return ta.Before(tb) || ta.Equal(tb) && str(t, a, "id") < str(t, b, "id")
		}
		na, nb := orders[str(t, a, "id")].next, orders[str(t, b, "id")].next
		switch {
		case na == nil && nb == nil:
			return str(t, a, "id") < str(t, b, "id")
		case na == nil || nb == nil:
			return nb == nil
		}
		return na.Before(*nb) || na.Equal(*nb) && str(t, a, "id") < str(t, b, "id")
	})
	if !ok {
		t.Errorf("%s: rows out of order", what)
	}
	if sortBy != "sort=next_deadline" {
		return
	}
	for _, row := range rows {
		o := orders[str(t, row, "id")]
		got, has := row["next_deadline_at"].(string)
		switch {
		case o.next == nil && has, o.next != nil && !has:
			t.Errorf("%s: %s next_deadline_at %q, want %v", what, str(t, row, "id"), got, o.next)
		case has:
			if at, err := time.Parse(time.RFC3339Nano, got); err != nil || !at.Equal(*o.next) {
				t.Errorf("%s: %s next_deadline_at %q, want %v", what, str(t, row, "id"), got, o.next)
			}
		}
	}
}
