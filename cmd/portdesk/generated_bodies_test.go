package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGeneratedBadBodies is issue 8's acceptance fuzz test: bodies
// generated from the OpenAPI document's request schemas, then broken
// (wrong types, extreme strings, numbers and times, keys sent twice in
// another case, missing and unknown keys, huge lists, deep nesting,
// truncated or garbled JSON, other content types), are posted to every
// JSON operation, and extreme values are sent to every query parameter,
// on each engine. No answer may be a 5xx; every 4xx is problem+json, and
// every 400 or 422 says where (errors[].location or findings[].field); the
// server log holds no panic; the heap stays bounded. The generator is
// seeded, so a failure replays.
func TestGeneratedBadBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs thousands of requests")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		logs := &lockedBuffer{}
		c := loggingServer(t, dbURL, logs)
		doc := loadOpenAPI(t, c)
		g := &bodyGenerator{rnd: rand.New(rand.NewPCG(8, 2026)), schemas: doc.Components.Schemas}
		ids := fuzzFixtures(t, c)

		const bodiesPerOperation, queriesPerOperation = 150, 40
		start := time.Now()
		var peakHeap uint64
		sample := func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapInuse)
		}
		var sent, failures int
		statuses := map[int]int{}
		check := func(op fuzzOperation, desc string, r response) {
			sent++
			statuses[r.Status]++
			if sent%100 == 0 {
				sample()
			}
			if msg := judgeAnswer(r); msg != "" {
				failures++
				if failures <= 20 {
					t.Errorf("%s %s (%s): %s: %s", op.method, op.path, desc, msg, truncate(r.Body))
				}
			}
		}
		for _, op := range doc.operations() {
			if op.body != nil {
				for range bodiesPerOperation {
					path, key := op.concretePath(g.rnd, ids), op.key(g.rnd)
					body, ctype, desc, dup := g.badBody(op.body)
					r := fuzzSend(t, c, op.method, path, key, ctype, body)
					check(op, path+" "+desc, r)
					if dup && !slices.Contains([]int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType}, r.Status) {
						failures++
						t.Errorf("%s %s (%s): a key sent twice answered %d, want 400: %s", op.method, path, desc, r.Status, truncate(r.Body))
					}
				}
			}
			if len(op.query) > 0 {
				for range queriesPerOperation {
					path, key := op.concretePath(g.rnd, ids), op.key(g.rnd)
					q, desc := g.badQuery(op.query)
					check(op, desc, fuzzSend(t, c, op.method, path+"?"+q, key, "", nil))
				}
			}
		}
		sample()
		elapsed := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("%d requests in %v; heap in use: peak %d MiB, after GC %d MiB; %d failures; statuses %v",
			sent, elapsed.Round(time.Millisecond), peakHeap>>20, ms.HeapInuse>>20, failures, statuses)
		if sent < 1500 {
			t.Errorf("only %d requests sent", sent)
		}
		if peakHeap > 768<<20 || ms.HeapInuse > 256<<20 {
			t.Errorf("heap in use: peak %d MiB (bound 768), after GC %d MiB (bound 256)", peakHeap>>20, ms.HeapInuse>>20)
		}
		if log := logs.String(); strings.Contains(strings.ToLower(log), "panic") {
			i := strings.Index(strings.ToLower(log), "panic")
			t.Errorf("the server log holds a panic: %s", log[max(0, i-200):min(len(log), i+800)])
		}
	})
}

// judgeAnswer returns what is wrong with an answer to a bad request, or "".
func judgeAnswer(r response) string {
	switch {
	case r.Status >= 500:
		return fmt.Sprintf("status %d", r.Status)
	case r.Status < 400:
		return timeOutOfRange(r.Body)
	case !strings.HasPrefix(r.ContentType, "application/problem+json"):
		return fmt.Sprintf("status %d with content type %q", r.Status, r.ContentType)
	}
	var p struct {
		Status int `json:"status"`
		Errors []struct {
			Location string `json:"location"`
		} `json:"errors"`
		Findings []struct {
			Field string `json:"field"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Status != r.Status {
		return fmt.Sprintf("status %d with a body that is not its problem (%v)", r.Status, err)
	}
	if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		return ""
	}
	for _, e := range p.Errors {
		if e.Location != "" {
			return ""
		}
	}
	for _, f := range p.Findings {
		if f.Field != "" {
			return ""
		}
	}
	return fmt.Sprintf("status %d without a location", r.Status)
}

// timeOutOfRange returns the first time in a JSON answer outside the
// range portdesk accepts (2000 to 2099), or "".
func timeOutOfRange(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var found string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			isTime := strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "_on") || slices.Contains([]string{"start", "end", "now", "since", "at", "local_start", "local_end"}, key)
			if t, err := time.Parse(time.RFC3339, v); isTime && err == nil && (t.Year() < 2000 || t.Year() > 2099) && found == "" {
				found = fmt.Sprintf("%s is %s, outside 2000 to 2099", key, v)
			}
		}
	}
	walk("", v)
	return found
}

// lockedBuffer is a log destination written by many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loggingServer is testServer in the sandbox with the server's log
// (including net/http's, where a handler's panic is reported) kept in logs.
func loggingServer(t *testing.T, databaseURL string, logs io.Writer) *client {
	t.Helper()
	m := NewMain(io.Discard, logs)
	if testing.Verbose() {
		m.stderr = io.MultiWriter(logs, os.Stderr)
	}
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: databaseURL, AdminToken: testAdminToken, LogLevel: "warn",
		SweepInterval: -1, RetryBase: 100 * time.Millisecond, WebhookAllowPrivate: true, Sandbox: true}
	if databaseURL != "" {
		m.Config.SecretKey = testSecretKey
	}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return &client{t: t, base: m.URL()}
}

// fuzzFixtures creates the objects the operations' path parameters name:
// an order in review and one awaiting its LOA, their request, a webhook
// endpoint. The sandbox seeds the accounts and the instance.
func fuzzFixtures(t *testing.T, c *client) map[string][]string {
	t.Helper()
	review := c.must(http.StatusCreated, "POST", "/v1/port-requests", sandboxCustomer, premiumRequest("inst_demo_acme", "+12125550140"))
	awaiting := sandboxOrder(t, c, "+12125550141")
	c.must(http.StatusOK, "POST", "/v1/port-orders/"+awaiting+"/actions/approve", sandboxSpecialist, nil)
	hook := c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", sandboxCustomer, map[string]any{"url": "http://127.0.0.1:1/hook"})
	return map[string][]string{
		"/v1/port-orders/":       {str(t, review, "port_orders", 0, "id"), awaiting, "po_missing"},
		"/v1/port-requests/":     {str(t, review, "id"), "req_missing"},
		"/v1/webhook-endpoints/": {str(t, hook, "id"), "whe_missing"},
		"/v1/accounts/":          {"acc_demo_acme", "acc_demo_bakery", "acc_missing"},
		"/v1/instances/":         {"inst_demo_acme", "inst_missing"},
	}
}

// fuzzSend sends one request; body nil sends none.
func fuzzSend(t *testing.T, c *client, method, path, key, ctype string, body []byte) response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v (the server closed the connection?)", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: b}
}

// openAPIDoc is the part of the OpenAPI document the generator reads.
type openAPIDoc struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			Name   string         `json:"name"`
			In     string         `json:"in"`
			Schema map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T, c *client) *openAPIDoc {
	t.Helper()
	r := c.do("GET", "/openapi.json", "", nil)
	var doc openAPIDoc
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("openapi.json: %d %s", r.Status, truncate(r.Body))
	}
	return &doc
}

// fuzzOperation is one operation to send bad input to.
type fuzzOperation struct {
	method, path string
	pathParams   map[string]map[string]any // name → schema
	query        map[string]map[string]any // name → schema
	body         map[string]any            // the JSON body's schema, nil without one
}

// operations lists the document's operations with a JSON body or query
// parameters, in a stable order.
func (d *openAPIDoc) operations() []fuzzOperation {
	var ops []fuzzOperation
	for path, item := range d.Paths {
		for method, o := range item {
			op := fuzzOperation{method: strings.ToUpper(method), path: path, pathParams: map[string]map[string]any{}, query: map[string]map[string]any{}}
			for _, p := range o.Parameters {
				switch p.In {
				case "path":
					op.pathParams[p.Name] = p.Schema
				case "query":
					op.query[p.Name] = p.Schema
				}
			}
			if o.RequestBody != nil {
				if ct, ok := o.RequestBody.Content["application/json"]; ok {
					op.body = ct.Schema
				}
			}
			if op.body != nil || len(op.query) > 0 {
				ops = append(ops, op)
			}
		}
	}
	slices.SortFunc(ops, func(a, b fuzzOperation) int { return strings.Compare(a.method+a.path, b.method+b.path) })
	return ops
}

// concretePath fills the path parameters: IDs of real objects (or missing
// ones) and, for an enum such as the action, every value in turn.
func (op fuzzOperation) concretePath(rnd *rand.Rand, ids map[string][]string) string {
	out := op.path
	for name, schema := range op.pathParams {
		v := "x"
		if name == "id" {
			for prefix, list := range ids {
				if strings.HasPrefix(op.path, prefix) {
					v = list[rnd.IntN(len(list))]
				}
			}
		} else if enum, ok := schema["enum"].([]any); ok {
			v = fmt.Sprint(enum[rnd.IntN(len(enum))])
		}
		out = strings.ReplaceAll(out, "{"+name+"}", url.PathEscape(v))
	}
	return out
}

// key picks the caller: mostly the role the operation is for, sometimes
// another.
func (op fuzzOperation) key(rnd *rand.Rand) string {
	all := []string{sandboxCustomer, sandboxSpecialist, sandboxAdmin, "pd_sandbox_bakery"}
	if rnd.IntN(5) == 0 {
		return all[rnd.IntN(len(all))]
	}
	switch {
	case strings.HasPrefix(op.path, "/v1/accounts"), strings.HasPrefix(op.path, "/v1/sandbox"), op.path == "/v1/api-keys":
		return sandboxAdmin
	case strings.Contains(op.path, "/actions/"):
		return sandboxSpecialist
	}
	return sandboxCustomer
}
