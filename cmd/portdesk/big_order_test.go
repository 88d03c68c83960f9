package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// maxOrderBodyBytes bounds the JSON of one order in an API answer or an
// event, whatever its size: 100 numbers of about 90 bytes and the rest.
const maxOrderBodyBytes = 32 << 10

// bigOrderNumbers returns n distinct valid New York numbers.
func bigOrderNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+1212%03d%04d", 200+i/10000, i%10000)
	}
	return out
}

// TestBigOrderOverAPI files a 100,000-number request through the API: the
// order it answers and GET answers carry counts and the first 100 numbers
// in a body of a few kilobytes, the rest are paged by
// GET /v1/port-orders/{id}/phone-numbers (another account's order is 404),
// and its port_order.created event (the webhook payload) is as small. A
// two-number order reads as before: all its numbers, not truncated.
func TestBigOrderOverAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("a 100,000-number request")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Big", "premium")
		_, other, _ := setupCustomer(t, c, "Other", "premium")
		const total = 100_000
		nums := bigOrderNumbers(total)
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, nums...))
		orders := list(t, req, "port_orders")
		if len(orders) != 1 {
			t.Fatalf("%d orders, want 1", len(orders))
		}
		id := str(t, orders[0], "id")

		r := c.do("GET", "/v1/port-orders/"+id, cust, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET order: %d %s", r.Status, r.Body)
		}
		t.Logf("GET of a %d-number order: %d bytes", total, len(r.Body))
		if len(r.Body) > maxOrderBodyBytes {
			t.Errorf("GET of a %d-number order is %d bytes, more than %d", total, len(r.Body), maxOrderBodyBytes)
		}
		o := r.JSON(t)
		wantBounded(t, "GET order", o, id, total)
		if shown := list(t, o, "phone_numbers"); str(t, shown[99], "phone_number") != nums[99] {
			t.Errorf("the 100th number shown is %v, want %s", shown[99], nums[99])
		}

		// The paged list holds every number in order; status filters it.
		var paged []string
		cursor := ""
		for page := 0; page < 3; page++ {
			p := "/v1/port-orders/" + id + "/phone-numbers?limit=100"
			if cursor != "" {
				p += "&cursor=" + cursor
			}
			body := c.must(http.StatusOK, "GET", p, cust, nil)
			for _, n := range list(t, body, "data") {
				paged = append(paged, str(t, n, "phone_number"))
			}
			cursor = str(t, body, "next_cursor")
		}
		if !slices.Equal(paged, nums[:300]) {
			t.Errorf("three pages of 100 are not the first 300 numbers")
		}
		if got := list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/phone-numbers?status=portable", cust, nil), "data"); len(got) != 0 {
			t.Errorf("%d portable numbers in a new order", len(got))
		}
		c.must(http.StatusNotFound, "GET", "/v1/port-orders/"+id+"/phone-numbers", other, nil)
		c.must(http.StatusUnprocessableEntity, "GET", "/v1/port-orders/"+id+"/phone-numbers?status=lost", cust, nil)

		// The event, hence the webhook payload, is bounded the same way.
		var created json.RawMessage
		for _, e := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+id+"/timeline", cust, nil), "data") {
			if str(t, e, "type") == "port_order.created" {
				created, _ = json.Marshal(e.(map[string]any)["after"])
			}
		}
		t.Logf("port_order.created of a %d-number order: %d bytes", total, len(created))
		if created == nil || len(created) > maxOrderBodyBytes {
			t.Fatalf("port_order.created: %d bytes, want at most %d", len(created), maxOrderBodyBytes)
		}
		var ev map[string]any
		if err := json.Unmarshal(created, &ev); err != nil {
			t.Fatal(err)
		}
		wantBounded(t, "port_order.created", ev, id, total)

		// A small order is as it was: all its numbers, not truncated.
		small := list(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123", "+12125550124")), "port_orders")[0]
		so := c.must(http.StatusOK, "GET", "/v1/port-orders/"+str(t, small, "id"), cust, nil)
		if len(list(t, so, "phone_numbers")) != 2 || so["phone_numbers_truncated"] != false || so["phone_numbers_total"] != 2.0 || so["phone_numbers_url"] != nil {
			t.Errorf("small order: %v numbers, truncated %v, total %v, url %v", len(list(t, so, "phone_numbers")), so["phone_numbers_truncated"], so["phone_numbers_total"], so["phone_numbers_url"])
		}
	})
}

// wantBounded checks an order's JSON: counts and total of all numbers, the
// first 100 of them, truncated, with the paged list's path.
func wantBounded(t *testing.T, what string, o map[string]any, id string, total int) {
	t.Helper()
	counts, _ := o["phone_number_counts"].(map[string]any)
	if n := len(list(t, o, "phone_numbers")); n != 100 || o["phone_numbers_truncated"] != true || o["phone_numbers_total"] != float64(total) ||
		counts["pending"] != float64(total) || o["phone_numbers_url"] != "/v1/port-orders/"+id+"/phone-numbers" {
		t.Errorf("%s: %d numbers, truncated %v, total %v, counts %v, url %v", what, n, o["phone_numbers_truncated"], o["phone_numbers_total"], counts, o["phone_numbers_url"])
	}
}
