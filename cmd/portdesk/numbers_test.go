package main

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestInputRulesEndToEnd is issue 7 item 8 through the API: the documented
// input rules hold in every written form, and the default country is read
// in either case.
func TestInputRulesEndToEnd(t *testing.T) {
	_, c := testServer(t, "", false)
	_, key, _ := setupCustomer(t, c, "Rules", "premium")
	forms := []string{"(00) 44 20 7946 0958", "0044 20 7946 0958 ext. 12", "00\u00a044 20 7946 0958", "٠٠٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨", "020 7946 0958"}
	var answers []string
	for _, country := range []string{"US", "us", "GB", "gb"} {
		r := c.do("POST", "/v1/portability-checks", key, map[string]any{"phone_numbers": forms, "default_country": country})
		if r.Status != http.StatusOK {
			t.Fatalf("check with default_country %q: %d %s", country, r.Status, r.Body)
		}
		results := list(t, r.JSON(t), "results")
		for i, form := range forms[:4] {
			if got := str(t, results[i], "phone_number"); got != "+442079460958" || results[i].(map[string]any)["valid"] != true {
				t.Errorf("default_country %q: %q read as %q (valid %v), want +442079460958", country, form, got, results[i].(map[string]any)["valid"])
			}
		}
		var line []string
		for _, res := range results {
			line = append(line, fmt.Sprint(res))
		}
		answers = append(answers, strings.Join(line, "\n"))
	}
	if answers[0] != answers[1] || answers[2] != answers[3] {
		t.Errorf("the default country's case changes the answer:\nUS %s\nus %s\nGB %s\ngb %s", answers[0], answers[1], answers[2], answers[3])
	}
	if answers[0] == answers[2] {
		t.Errorf("the default country is not used: US and GB give the same answers for a national GB number")
	}
}

// TestCustomersCarrierWins is issue 7 item 9 through the API: the
// customer's carrier wins over the range holder, which is kept for
// information, and one request may name different carriers and accounts
// for different numbers.
func TestCustomersCarrierWins(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServer(t, dbURL, false)
		_, key, inst := setupCustomer(t, c, "Carriers", "premium")

		check := c.must(http.StatusOK, "POST", "/v1/portability-checks", key,
			map[string]any{"phone_numbers": []string{"+44 7400 123456"}, "current_carrier": "Old Telco"})
		res := list(t, check, "results")[0]
		if got, holder := str(t, res, "losing_carrier"), str(t, res, "range_holder"); got != "Old Telco" || holder != "Three" {
			t.Errorf("check: losing_carrier %q range_holder %q, want the customer's Old Telco and the range holder Three", got, holder)
		}

		body := premiumRequest(inst, "+44 7400 123456", "+1 212 555 0123") // current_carrier Old Telco
		body["phone_number_entries"] = []map[string]any{
			{"phone_number": "+44 7400 123457", "current_carrier": "Vodafone UK", "account_number": "V-1"},
			{"phone_number": "+44 7400 123458", "current_carrier": "Vodafone UK", "account_number": "V-1"},
			{"phone_number": "+1 212 555 0124", "current_carrier": "Verizon", "account_number": "VZ-9"},
			{"phone_number": "+1 212 555 0125"},
		}
		req := c.must(http.StatusCreated, "POST", "/v1/port-requests", key, body)
		type order struct{ country, carrier, account, numbers, holders string }
		var got []order
		for _, o := range list(t, req, "port_orders") {
			fetched := c.must(http.StatusOK, "GET", "/v1/port-orders/"+str(t, o, "id"), key, nil)
			var nums, holders []string
			for _, n := range list(t, fetched, "phone_numbers") {
				nums = append(nums, str(t, n, "phone_number"))
				h, _ := n.(map[string]any)["range_holder"].(string)
				holders = append(holders, h)
			}
			account := ""
			if loa, ok := fetched["loa"].(map[string]any); ok {
				account, _ = loa["account_number"].(string)
			}
			got = append(got, order{str(t, fetched, "country"), str(t, fetched, "losing_carrier"), account,
				strings.Join(nums, " "), strings.Join(holders, " ")})
		}
		slices.SortFunc(got, func(a, b order) int { return strings.Compare(a.country+a.carrier, b.country+b.carrier) })
		want := []order{
			{"GB", "Old Telco", "", "+447400123456", "Three"},
			{"GB", "Vodafone UK", "V-1", "+447400123457 +447400123458", "Three Three"},
			{"US", "Old Telco", "", "+12125550123 +12125550125", " "},
			{"US", "Verizon", "VZ-9", "+12125550124", ""},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("orders (country, losing carrier, LOA account, numbers, range holders):\n got %q\nwant %q", got, want)
		}

		// Entries count like plain numbers: none at all is a field error.
		none := premiumRequest(inst)
		delete(none, "phone_numbers")
		if r := c.do("POST", "/v1/port-requests", key, none); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "phone_numbers") {
			t.Errorf("a request without numbers: %d %s, want 422 naming phone_numbers", r.Status, r.Body)
		}
	})
}
