package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestCLI runs the one-shot subcommands as an operator would.
func TestCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"version"}, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "portdesk ") {
		t.Fatalf("version: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := run(ctx, []string{"migrate", "--data-dir", dir}, &out, &errOut); err != nil || !strings.Contains(out.String(), "sqlite") {
		t.Fatalf("migrate: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := run(ctx, []string{"admin", "create-account", "--data-dir", dir, "--name", "Acme", "--plan", "premium"}, &out, &errOut); err != nil {
		t.Fatalf("create-account: %v", err)
	}
	var acct struct {
		ID          string `json:"id"`
		SupportPlan string `json:"support_plan"`
	}
	if err := json.Unmarshal(out.Bytes(), &acct); err != nil || acct.ID == "" || acct.SupportPlan != "premium" {
		t.Fatalf("create-account printed %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"admin", "create-key", "--data-dir", dir, "--role", "customer", "--account", acct.ID}, &out, &errOut); err != nil {
		t.Fatalf("create-key: %v", err)
	}
	var key struct{ Key string }
	if err := json.Unmarshal(out.Bytes(), &key); err != nil || !strings.HasPrefix(key.Key, "pd_") {
		t.Fatalf("create-key printed %q", out.String())
	}
	for _, bad := range [][]string{
		{"admin", "create-account", "--data-dir", dir, "--name", "X", "--plan", "gold"},
		{"admin", "create-key", "--data-dir", dir, "--role", "customer"},
		{"admin", "fly"},
		{"serve", "--load-lead-business-days", "7", "--data-dir", dir, "--addr", "127.0.0.1:0"},
		{"nonsense"},
	} {
		if err := run(ctx, bad, &out, &errOut); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}
