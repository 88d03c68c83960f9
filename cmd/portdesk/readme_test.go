package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
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
	if len(blocks) < 2 || !strings.Contains(blocks[1][1], "/v1/port-requests") {
		t.Fatal("the README's second sh block is no longer the walkthrough")
	}
	m, _ := testServerWith(t, "", func(c *Config) { c.Sandbox = true })
	script := strings.Replace(blocks[1][1], "P=http://127.0.0.1:8080", "P="+m.URL(), 1)
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"code":"ENTITY_NAME_MISMATCH"`, `"status":"loa_review"`, `"status":"pending_port"`, `"status":"completed"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("walkthrough output lacks %s:\n%s", want, truncate(out))
		}
	}
	if strings.Contains(string(out), `"status":4`) || strings.Contains(string(out), `"status":5`) {
		t.Errorf("a walkthrough step was refused:\n%s", out)
	}
}
