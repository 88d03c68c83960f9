package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestWebhookEndpointDownThenBack is the deadlines issue's acceptance item
// 6: while the endpoint is down deliveries are retried, and once it is back
// every event arrives, none lost and none twice under one webhook-id.
func TestWebhookEndpointDownThenBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, cust, inst := setupCustomer(t, c, "Acme", "premium")
		h := startHook(t)
		h.setDown(true)
		w := c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": h.srv.URL, "event_types": []string{"port_request.message_created"}})
		h.secret = str(t, w, "secret")
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest(inst, "+12125550123"))
		const n = 20
		for i := 0; i < n; i++ {
			c.must(http.StatusCreated, "POST", "/v1/port-requests/"+str(t, req, "id")+"/messages", cust, map[string]any{"body": fmt.Sprintf("message %d", i)})
		}
		eventually(t, "every delivery refused at least once while down", func() bool {
			h.mu.Lock()
			defer h.mu.Unlock()
			return len(h.refusedIDs) == n
		})
		time.Sleep(300 * time.Millisecond)
		h.setDown(false)
		eventually(t, "every message delivered once the endpoint is back", func() bool { return h.countType("port_request.message_created") >= n })
		time.Sleep(500 * time.Millisecond) // let any stray retry arrive
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.accepted) != n || h.bad != 0 {
			t.Fatalf("%d distinct webhook-ids accepted (%d with bad signatures), want %d", len(h.accepted), h.bad, n)
		}
		for id, k := range h.accepted {
			if k != 1 {
				t.Errorf("webhook-id %s accepted %d times", id, k)
			}
		}
		ds := list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints/"+str(t, w, "id")+"/deliveries", cust, nil), "data")
		for _, d := range ds {
			if str(t, d, "state") != "delivered" || d.(map[string]any)["attempts"].(float64) < 2 {
				t.Errorf("delivery %v", d)
			}
		}
		t.Logf("%d attempts refused while down; %d deliveries", h.refused, len(ds))
	})
}
