package main

import (
	"fmt"
	"net/http"
	"testing"
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
		eventually(t, "a delivery retried and refused again while down", func() bool {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.refused > n
		})
		h.setDown(false)
		deliveries := func() []any {
			return list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints/"+str(t, w, "id")+"/deliveries", cust, nil), "data")
		}
		eventually(t, "every delivery recorded as delivered once the endpoint is back", func() bool {
			ds := deliveries()
			for _, d := range ds {
				if str(t, d, "state") != "delivered" {
					return false
				}
			}
			return len(ds) == n
		})
		// A stray retry would come at most one retry delay after the latest
		// attempt: wait that long (for the most attempts any delivery took)
		// and check that no webhook-id arrives twice and none is added.
		most := 0
		for _, d := range deliveries() {
			if a := int(d.(map[string]any)["attempts"].(float64)); a < 2 {
				t.Errorf("delivery %v: delivered without a refused attempt", d)
			} else if a > most {
				most = a
			}
		}
		once := func() bool {
			h.mu.Lock()
			defer h.mu.Unlock()
			for _, k := range h.accepted {
				if k != 1 {
					return false
				}
			}
			return len(h.accepted) == n && h.bad == 0
		}
		quietFor(t, fmt.Sprintf("%d webhook-ids each accepted once with good signatures", n), retryDelay(testRetryBase, most)+jobFetchMargin, once)
		t.Logf("%d attempts refused while down; at most %d attempts per delivery", h.refused, most)
	})
}
