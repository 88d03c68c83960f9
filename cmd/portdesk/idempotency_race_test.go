package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentKeyedActions: duplicates of one keyed action sent at once
// all answer with the first use's answer — never a 409 because the first
// already moved the order, and a restart's duplicates never name the old
// order instead of the new one.
func TestConcurrentKeyedActions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const spec = "pd_sandbox_specialist"
		burst := func(path, key string) []map[string]any {
			const n = 6
			out := make([]map[string]any, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader([]byte("{}")))
					req.Header.Set("Authorization", "Bearer "+spec)
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", key)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						out[i] = map[string]any{"error": err.Error()}
						return
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					var m map[string]any
					_ = json.Unmarshal(b, &m)
					if m == nil {
						m = map[string]any{}
					}
					m["http_status"] = resp.StatusCode
					out[i] = m
				}()
			}
			wg.Wait()
			return out
		}
		for round := range 3 {
			req := c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", "+1212555013"+string(rune('0'+round))))
			id := str(t, req, "port_orders", 0, "id")
			for _, r := range burst("/v1/port-orders/"+id+"/actions/approve", "approve-"+id) {
				if r["http_status"] != http.StatusOK || r["status"] != "awaiting_loa" || r["id"] != id {
					t.Errorf("round %d: a duplicate approve answered %v", round, r)
				}
			}
			c.must(http.StatusOK, "POST", "/v1/port-orders/"+id+"/actions/cancel", spec, nil)
			answers := burst("/v1/port-orders/"+id+"/actions/restart", "restart-"+id)
			first, _ := answers[0]["id"].(string)
			for _, r := range answers {
				if r["http_status"] != http.StatusOK || r["id"] == id || r["id"] != first || r["status"] != "review" {
					t.Errorf("round %d: a duplicate restart answered %v (first %s, old %s)", round, r, first, id)
				}
			}
		}
	})
}
