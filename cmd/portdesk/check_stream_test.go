package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// streamCheck posts a text/csv body to POST /v1/portability-checks and
// returns the answer's lines, decoded.
func streamCheck(t *testing.T, c *client, key, query string, body []byte) (response, []map[string]any) {
	t.Helper()
	r := c.doWithHeader("POST", "/v1/portability-checks"+query, key, body, "Content-Type", "text/csv; charset=utf-8")
	if r.Status != http.StatusOK {
		return r, nil
	}
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v: %s", len(lines)+1, err, sc.Bytes())
		}
		lines = append(lines, m)
	}
	return r, lines
}

// TestStreamedCheckMatchesJSON checks the same 12,000 entries as JSON and
// as a streamed CSV (two batches, with repeats across them, and a number
// held by an order), for the account holding it and another, and
// compares every result and the groups' counts.
func TestStreamedCheckMatchesJSON(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		_, c := testServerWith(t, dbURL, func(cfg *Config) { cfg.Sandbox = true })
		const held = "+12125550166"
		c.must(http.StatusCreated, "POST", "/v1/port-requests", "pd_sandbox_acme", premiumRequest("inst_demo_acme", held))
		entries := append(checkListEntries(12_000), [3]string{held, "", ""})
		var body []map[string]string
		for _, e := range entries {
			body = append(body, map[string]string{"phone_number": e[0], "current_carrier": e[1], "account_number": e[2]})
		}
		for _, key := range []string{"pd_sandbox_acme", "pd_sandbox_bakery"} {
			api := c.must(http.StatusOK, "POST", "/v1/portability-checks", key,
				map[string]any{"phone_number_entries": body, "current_carrier": "Hint Telco", "default_country": "us"})
			want, groups := list(t, api, "results"), list(t, api, "groups")

			path := filepath.Join(t.TempDir(), "list.csv")
			writeCheckCSV(t, path, entries)
			csvBody := mustReadFile(t, path)
			r, lines := streamCheck(t, c, key, "?default_country=us&current_carrier=Hint+Telco", csvBody)
			if r.Status != http.StatusOK || r.ContentType != "application/x-ndjson" {
				t.Fatalf("%s: status %d %s: %s", key, r.Status, r.ContentType, truncate(r.Body))
			}
			if len(lines) != len(want)+1 {
				t.Fatalf("%s: %d lines, want %d results and a summary", key, len(lines), len(want))
			}
			for i, w := range want {
				if !reflect.DeepEqual(lines[i], w) {
					t.Errorf("%s: result %d: stream %v, JSON %v", key, i, lines[i], w)
				}
			}
			if got := fmt.Sprint(lines[len(want)-1]["reasons"]); !strings.Contains(got, "already_on_active_order") && !strings.Contains(got, "not_portable_now") {
				t.Errorf("%s: the held number's reasons %s", key, got)
			}
			sum := lines[len(lines)-1]["summary"].(map[string]any)
			gotGroups := sum["groups"].([]any)
			if len(gotGroups) != len(groups) || sum["numbers"] != float64(len(want)) {
				t.Fatalf("%s: summary %v, want %d numbers and %d groups", key, sum, len(want), len(groups))
			}
			portable := 0
			for i, g := range groups {
				wg, gg := g.(map[string]any), gotGroups[i].(map[string]any)
				n := len(wg["phone_numbers"].([]any))
				portable += n
				for _, f := range []string{"country", "losing_carrier", "number_kind", "account_number"} {
					if gg[f] != wg[f] {
						t.Errorf("%s: group %d %s = %v, want %v", key, i, f, gg[f], wg[f])
					}
				}
				if gg["count"] != float64(n) {
					t.Errorf("%s: group %d count %v, want %d", key, i, gg["count"], n)
				}
			}
			if sum["portable"] != float64(portable) {
				t.Errorf("%s: summary portable %v, want %d", key, sum["portable"], portable)
			}
		}
	})
}

// TestStreamedCheckRefusals: what a streamed check refuses before its
// answer starts, with the JSON route's statuses.
func TestStreamedCheckRefusals(t *testing.T) {
	_, c := testServer(t, "", false)
	tooMany := bytes.Repeat([]byte("1\n"), 1_000_001)
	tests := []struct {
		name   string
		key    string
		query  string
		body   []byte
		status int
		detail string
	}{
		{"no key", "", "", []byte("+12125550100\n"), http.StatusUnauthorized, ""},
		{"empty", testAdminToken, "", nil, http.StatusUnprocessableEntity, "at least one phone number"},
		{"blank lines only", testAdminToken, "", []byte("\n \n"), http.StatusUnprocessableEntity, "at least one phone number"},
		{"too many numbers", testAdminToken, "", tooMany, http.StatusRequestEntityTooLarge, "at most 1000000"},
		{"long carrier on line 3", testAdminToken, "", []byte("number,carrier\n1,a\n2," + strings.Repeat("c", 201) + "\n"), http.StatusUnprocessableEntity, "line 3: a carrier name is at most 200"},
		{"unreadable", testAdminToken, "", []byte("%PDF-1.7\n1 0 obj\n"), http.StatusUnprocessableEntity, "application/pdf"},
		{"cell over 1 KiB", testAdminToken, "", []byte("1\n2\n" + strings.Repeat("9", 1100) + "\n"), http.StatusUnprocessableEntity, "line 3"},
		{"bad country", testAdminToken, "?default_country=usa", []byte("1\n"), http.StatusUnprocessableEntity, ""},
		{"long hint", testAdminToken, "?current_carrier=" + strings.Repeat("c", 201), []byte("1\n"), http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := streamCheck(t, c, tt.key, tt.query, tt.body)
			if r.Status != tt.status || r.ContentType != "application/problem+json" || !strings.Contains(string(r.Body), tt.detail) {
				t.Errorf("status %d %s %s, want %d problem+json containing %q", r.Status, r.ContentType, truncate(r.Body), tt.status, tt.detail)
			}
		})
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStreamedCheckSlots: while two streamed checks are running (their
// bodies still arriving), a third is refused with 429 and Retry-After,
// and it goes through once one of them ends.
func TestStreamedCheckSlots(t *testing.T) {
	_, c := testServer(t, "", false)
	var writers []*io.PipeWriter
	done := make(chan int, 2)
	for range 2 {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req, _ := http.NewRequest("POST", c.base+"/v1/portability-checks", pr)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		req.Header.Set("Content-Type", "text/csv")
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			done <- res.StatusCode
		}()
		pw.Write([]byte("+12125550100\n"))
	}
	third := func() (int, string) {
		req, _ := http.NewRequest("POST", c.base+"/v1/portability-checks", strings.NewReader("+12125550101\n"))
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		req.Header.Set("Content-Type", "text/csv")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Retry-After")
	}
	var status int
	var retry string
	eventually(t, "a third streamed check refused", func() bool { status, retry = third(); return status == http.StatusTooManyRequests })
	if retry == "" {
		t.Error("the 429 has no Retry-After")
	}
	writers[0].Close()
	if s := <-done; s != http.StatusOK {
		t.Fatalf("the first streamed check ended %d, want 200", s)
	}
	if status, _ := third(); status != http.StatusOK {
		t.Errorf("after one ended: %d, want 200", status)
	}
	writers[1].Close()
	<-done
}
