package console_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestOrderNumbersPaged: an order of more numbers than a read carries
// shows its total everywhere, links from its page to the numbers page,
// which pages through every number in order and filters by status;
// another account's order is not found.
func TestOrderNumbersPaged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var nums []string
	for i := range 250 {
		nums = append(nums, fmt.Sprintf("+1212555%04d", 100+i))
	}
	o := b.mustFile(t, nums...)
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)
	if _, page := b.get(t, acme, "/"); !strings.Contains(page, "<td>250</td>") {
		t.Error("the dashboard does not count the order's 250 numbers")
	}
	path := "/port-orders/" + o.ID + "/numbers"
	if _, page := b.get(t, acme, "/port-orders/"+o.ID); !strings.Contains(page, `href="`+path+`"`) {
		t.Error("the order page does not link to all its numbers")
	}
	number := regexp.MustCompile(`<tr><td>(\+1212555\d{4})</td>`)
	next := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `\?status=&cursor=[^"]+)"`)
	var seen []string
	for at, pages := path, 0; at != ""; pages++ {
		if pages > 5 {
			t.Fatal("the numbers never end")
		}
		res, page := b.get(t, acme, at)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", at, res.StatusCode)
		}
		for _, m := range number.FindAllStringSubmatch(page, -1) {
			seen = append(seen, m[1])
		}
		at = ""
		if m := next.FindStringSubmatch(page); m != nil {
			at = m[1]
		}
	}
	if strings.Join(seen, ",") != strings.Join(nums, ",") {
		t.Fatalf("paged %d numbers, want the order's 250 in order", len(seen))
	}
	if _, page := b.get(t, acme, path+"?status=ported"); len(number.FindAllString(page, -1)) != 0 {
		t.Error("the ported filter lists numbers of a new order")
	}
	res, page := b.get(t, acme, path+"?status=bogus")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "unknown number status") {
		t.Errorf("unknown status: %d", res.StatusCode)
	}
	if res, _ := b.get(t, bakery, path); res.StatusCode != http.StatusNotFound {
		t.Errorf("another account's numbers: %d, want 404", res.StatusCode)
	}
}
