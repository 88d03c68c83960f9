package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// keyedPost is one creating POST of the burst, sent with an Idempotency-Key.
// marker is a text unique to it that the created object carries, by which
// its creation events are counted.
type keyedPost struct {
	path, key, marker, event, field string
	body                            map[string]any
	ackedID                         string // the ID answered before the crash, if any
}

// send posts p once and returns the status and the answered ID; err is a
// transport error (the server is gone).
func (p *keyedPost) send(base, apiKey string) (int, string, error) {
	buf, _ := json.Marshal(p.body)
	req, _ := http.NewRequest("POST", base+p.path, bytes.NewReader(buf))
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", p.key)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct{ ID string }
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out.ID, nil
}

// TestKeyedRetriesAfterSIGKILL is issue 7 item 2: the server is killed
// during a burst of keyed POSTs (port requests and messages), restarted,
// and every POST of the burst is sent again with its key. Each created
// object exists exactly once, and every retry answers with its ID (the
// one answered before the crash, when there was one).
func TestKeyedRetriesAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		args := []string{"--data-dir", t.TempDir()}
		if dbURL != "" {
			args = []string{"--database-url", dbURL}
		}
		cmd, base := startProcess(t, args...)
		c := &client{t: t, base: base}
		_, apiKey, inst := setupCustomer(t, c, "Burst", "premium")
		thread := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", apiKey, premiumRequest(inst, "+12125550100")), "id")

		var (
			mu    sync.Mutex
			sent  []*keyedPost
			acked int
			wg    sync.WaitGroup
		)
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					marker := fmt.Sprintf("burst %d-%d", w, i)
					p := &keyedPost{key: "key-" + marker, marker: marker}
					if i%2 == 0 {
						p.path, p.event, p.field = "/v1/port-requests/"+thread+"/messages", "port_request.message_created", "body"
						p.body = map[string]any{"body": marker}
					} else {
						p.path, p.event, p.field = "/v1/port-requests", "port_request.created", "description"
						p.body = premiumRequest(inst, fmt.Sprintf("+1212555%04d", 1000+w*1000+i))
						p.body["description"] = marker
					}
					mu.Lock()
					sent = append(sent, p)
					mu.Unlock()
					status, id, err := p.send(base, apiKey)
					if err != nil {
						return // the server is gone
					}
					if status != http.StatusCreated || id == "" {
						t.Errorf("%s before the crash: status %d", marker, status)
						return
					}
					mu.Lock()
					p.ackedID = id
					acked++
					mu.Unlock()
				}
			}()
		}
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			n := acked
			mu.Unlock()
			if n >= 60 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("only %d keyed POSTs answered within 60s", n)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		wg.Wait() // every worker stops at its first transport error
		t.Logf("%d keyed POSTs sent, %d answered before SIGKILL", len(sent), acked)

		_, base = startProcess(t, args...)
		c = &client{t: t, base: base}
		retried := map[string]string{} // marker → ID answered to the retry
		for _, p := range sent {
			status, id, err := p.send(base, apiKey)
			switch {
			case err != nil:
				t.Fatalf("retry %s: %v", p.marker, err)
			case status != http.StatusCreated || id == "":
				t.Errorf("retry %s: status %d, id %q; want 201 with an id", p.marker, status, id)
			case p.ackedID != "" && id != p.ackedID:
				t.Errorf("retry %s answered %s; the first answer was %s", p.marker, id, p.ackedID)
			}
			retried[p.marker] = id
		}

		created := map[string][]string{} // marker → IDs of the objects created with it
		for after := "0"; ; {
			page := c.must(http.StatusOK, "GET", "/v1/events?limit=1000&after="+after, testAdminToken, nil)
			data := list(t, page, "data")
			if len(data) == 0 {
				break
			}
			for _, e := range data {
				typ := str(t, e, "type")
				if typ != "port_request.message_created" && typ != "port_request.created" {
					continue
				}
				obj, _ := e.(map[string]any)["after"].(map[string]any)
				for _, field := range []string{"body", "description"} {
					if m, ok := obj[field].(string); ok {
						created[m] = append(created[m], str(t, obj, "id"))
					}
				}
			}
			after = fmt.Sprint(int64(page["next_cursor"].(float64)))
		}
		for _, p := range sent {
			ids := created[p.marker]
			if len(ids) != 1 || ids[0] != retried[p.marker] {
				t.Errorf("%s: created %v, retry answered %s; want exactly that one", p.marker, ids, retried[p.marker])
			}
		}
	})
}
