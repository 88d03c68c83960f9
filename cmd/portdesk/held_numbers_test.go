package main

import (
	"fmt"
	"net/http"
	"testing"
)

// TestCheckHidesOtherAccountsOrders is issue 8 item 10: the portability
// check tells a customer only that another account's number cannot be
// ported now, while the account holding it and staff learn of the order.
func TestCheckHidesOtherAccountsOrders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const number = "+12125550166"
		c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", number))
		for key, want := range map[string]string{
			"pd_sandbox_bakery":     "[not_portable_now]",
			"pd_sandbox_acme":       "[already_on_active_order]",
			"pd_sandbox_specialist": "[already_on_active_order]",
		} {
			r := c.must(http.StatusOK, "POST", "/v1/portability-checks", key, map[string]any{"phone_numbers": []string{number}})
			res := list(t, r, "results")
			if len(res) != 1 {
				t.Fatalf("%s: results %v", key, res)
			}
			m := res[0].(map[string]any)
			if got := fmt.Sprint(m["reasons"]); got != want || m["portable"] != false {
				t.Errorf("%s: reasons %s, portable %v; want %s and not portable", key, got, m["portable"], want)
			}
		}
	})
}
