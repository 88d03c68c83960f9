package notify

import (
	"github.com/portdesk/portdesk/signature"

	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// referenceLibrary is the Standard Webhooks JavaScript library checked
// against, pinned so a new release cannot change what the test means.
const referenceLibrary = "standardwebhooks@1.1.1"

// referenceScript verifies our signature with the reference library and
// prints the library's own signature of the same message.
const referenceScript = `
const { Webhook } = require("standardwebhooks");
const c = JSON.parse(process.argv[2]);
const wh = new Webhook(c.secret);
wh.verify(c.payload, {"webhook-id": c.id, "webhook-timestamp": String(c.ts), "webhook-signature": c.sig});
process.stdout.write(wh.sign(c.id, new Date(c.ts * 1000), c.payload));
`

// TestReferenceJavaScriptLibrary checks Sign against the reference
// implementation both ways: the library verifies our header and signs the
// same message identically. It installs the library from the npm registry
// into a temporary folder, so it runs only when PORTDESK_NODE_WEBHOOK_CHECK=1;
// without node, npm or the registry it then skips, unless CI is set.
func TestReferenceJavaScriptLibrary(t *testing.T) {
	if os.Getenv("PORTDESK_NODE_WEBHOOK_CHECK") != "1" {
		t.Skip("set PORTDESK_NODE_WEBHOOK_CHECK=1 to check against the reference JavaScript library")
	}
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable("%s is not installed: %v", tool, err)
		}
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, referenceLibrary)
	if out, err := install.CombinedOutput(); err != nil {
		unavailable("npm install %s: %v\n%s", referenceLibrary, err, out)
	}
	script := filepath.Join(dir, "check.js")
	if err := os.WriteFile(script, []byte(referenceScript), 0o600); err != nil {
		t.Fatal(err)
	}

	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	// The library checks the timestamp against its own clock.
	ts := time.Now()
	payload := `{"type":"port_order.status_changed","data":{"note":"ünïcode ✓"}}`
	sig, err := signature.Sign(secret, "evt_1", ts, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(map[string]any{"secret": secret, "id": "evt_1", "ts": ts.Unix(), "payload": payload, "sig": sig})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "node", script, string(in)).CombinedOutput()
	if err != nil {
		t.Fatalf("the reference library refused our signature: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != sig {
		t.Errorf("reference library signs %s, we sign %s (timestamp %s)", got, sig, strconv.FormatInt(ts.Unix(), 10))
	}
}
