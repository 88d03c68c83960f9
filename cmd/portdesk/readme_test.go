package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestREADMEWalkthrough runs the README's curl walkthrough, as written,
// against a sandbox server, so the README stays true.
func TestREADMEWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 3 || !strings.Contains(blocks[1][1], "/v1/port-requests") || !strings.Contains(blocks[2][1], "csr-fetch") {
		t.Fatal("the README's second and third sh blocks are no longer the walkthrough and its carrier part")
	}
	m, _ := testServerWith(t, "", func(c *Config) { c.Sandbox = true; c.SimAnswerDelay = 100 * time.Millisecond })
	script := strings.Replace(blocks[1][1]+"\n"+blocks[2][1], "P=http://127.0.0.1:8080", "P="+m.URL(), 1)
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = t.TempDir()
	if testClock != nil {
		// The walkthrough dates the LOA with `date`: make it tell the
		// server's time, in UTC, as a user there would see it.
		cmd.Env = append(os.Environ(), "TZ=UTC", "PATH="+dateShim(t, m.Service.Clock.Now())+":"+os.Getenv("PATH"))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), `"status":"completed"`); n < 2 {
		t.Errorf("%d orders completed, want at least 2 (the walkthrough's and the carrier part's):\n%s", n, truncate(out))
	}
	for _, want := range []string{`"code":"ENTITY_NAME_MISMATCH"`, `"status":"loa_review"`, `"status":"pending_port"`, `"status":"completed"`,
		"foc_confirmed ", "'kind': 'foc', 'outcome': 'applied'", "'kind': 'activated', 'outcome': 'applied'", "'call': 'activate'"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("walkthrough output lacks %s:\n%s", want, truncate(out))
		}
	}
	if strings.Contains(string(out), `"status":4`) || strings.Contains(string(out), `"status":5`) {
		t.Errorf("a walkthrough step was refused:\n%s", out)
	}
}

// dateShim writes a `date` command that answers as if it were at, for the
// GNU date the walkthrough runs with, and returns its directory.
func dateShim(t *testing.T, at time.Time) string {
	t.Helper()
	real, err := exec.LookPath("date")
	if err != nil {
		t.Skip("the walkthrough needs date")
	}
	if out, err := exec.Command(real, "-d", "@0", "+%Y").Output(); err != nil || strings.TrimSpace(string(out)) != "1970" {
		t.Skip("pinning the walkthrough's date needs GNU date")
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\nexec %s -d @%d \"$@\"\n", real, at.Unix())
	if err := os.WriteFile(filepath.Join(dir, "date"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
