package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real portdesk binary once per test run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "portdesk-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "portdesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startProcess runs `portdesk serve` on a free port and returns the process
// and its base URL, read from the banner.
func startProcess(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	return startProcessEnv(t, nil, args...)
}

// startProcessEnv is startProcess with extra environment variables
// ("NAME=value") for the server process.
func startProcessEnv(t testing.TB, env []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "PORTDESK_ADMIN_TOKEN="+testAdminToken, "PORTDESK_SECRET_KEY="+testSecretKey)
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), " listening on "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(30 * time.Second):
		t.Fatal("server did not print its address within 30s")
	}
	return nil, ""
}

// TestAcknowledgedWritesSurviveSIGKILL is acceptance item 6: the server is
// killed during a burst of writes; every write it acknowledged is there
// after a restart, with its event.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
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

		var (
			mu    sync.Mutex
			acked []string
			wg    sync.WaitGroup
		)
		stop := make(chan struct{})
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id, ok := createAccount(base, fmt.Sprintf("Burst %d-%d", w, i))
					if !ok {
						return // the server is gone
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}(w)
		}
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 150 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		close(stop)
		wg.Wait()
		t.Logf("%d writes acknowledged before SIGKILL", len(acked))

		_, base = startProcess(t, args...)
		c = &client{t: t, base: base}
		created := map[string]bool{}
		for after := "0"; ; {
			page := c.must(http.StatusOK, "GET", "/v1/events?limit=1000&after="+after, testAdminToken, nil)
			data := list(t, page, "data")
			if len(data) == 0 {
				break
			}
			for _, e := range data {
				if str(t, e, "type") == "account.created" {
					created[str(t, e, "account_id")] = true
				}
			}
			after = fmt.Sprint(int64(page["next_cursor"].(float64)))
		}
		for _, id := range acked {
			c.must(http.StatusOK, "GET", "/v1/accounts/"+id, testAdminToken, nil)
			if !created[id] {
				t.Errorf("account %s is there but its event is not", id)
			}
		}
	})
}

// createAccount posts one account and reports its ID if acknowledged.
func createAccount(base, name string) (string, bool) {
	body := strings.NewReader(fmt.Sprintf(`{"name":%q,"support_plan":"basic"}`, name))
	req, _ := http.NewRequest("POST", base+"/v1/accounts", body)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", false
	}
	var out struct{ ID string }
	if err := jsonDecode(resp, &out); err != nil || out.ID == "" {
		return "", false
	}
	return out.ID, true
}
