package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUploadsLeaveNoTempFiles is issue 8 item 2: twenty uploads, accepted
// and refused (too large, not a document, unknown order, another account's
// order), leave the server's temp directory as it was and no descriptor
// open. The multipart form parser once spooled every part over 8 KiB to
// $TMPDIR/multipart-* and nothing removed it: plaintext beside the sealed
// store.
func TestUploadsLeaveNoTempFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to count descriptors")
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		args := []string{"--data-dir", t.TempDir()}
		if dbURL != "" {
			args = []string{"--database-url", dbURL}
		}
		tmp := t.TempDir()
		cmd, base := startProcessEnv(t, []string{"TMPDIR=" + tmp}, args...)
		c := &client{t: t, base: base}
		_, keyA, instA := setupCustomer(t, c, "Alpha", "premium")
		_, keyB, instB := setupCustomer(t, c, "Beta", "premium")
		orderA := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", keyA, premiumRequest(instA, "+12125550123")), "port_orders", 0, "id")
		c.must(http.StatusCreated, "POST", "/v1/port-requests", keyB, premiumRequest(instB, "+12125550124"))

		pad := func(b []byte, n int) []byte { return append(b, bytes.Repeat([]byte{' '}, n-len(b))...) }
		big := pad(fakePDF("big"), 10<<20+1)
		pdf := pad(fakePDF("secret plaintext"), 64<<10)
		elf := pad([]byte("\x7fELF\x02\x01\x01\x00"), 64<<10)
		// Warm up the paths the uploads take, so pools have their
		// connections before the descriptors are counted.
		if r := c.upload(keyA, orderA, "invoice", "warm.pdf", pdf); r.Status != http.StatusCreated {
			t.Fatalf("warm-up upload: %d %s", r.Status, r.Body)
		}
		c.upload(keyA, orderA, "invoice", "warm.elf", elf)
		c.upload(keyB, orderA, "invoice", "warm.pdf", pdf)
		http.DefaultClient.CloseIdleConnections()
		fdBefore := openFiles(t, cmd.Process.Pid)

		cases := []struct {
			key, order string
			content    []byte
			want       int
		}{
			{keyA, orderA, pdf, http.StatusCreated},
			{keyA, orderA, big, http.StatusRequestEntityTooLarge},
			{keyA, orderA, elf, http.StatusUnprocessableEntity},
			{keyA, "po_unknown", pdf, http.StatusNotFound},
			{keyB, orderA, pdf, http.StatusNotFound},
		}
		for i := range 20 {
			tc := cases[i%len(cases)]
			r := c.upload(tc.key, tc.order, "invoice", fmt.Sprintf("bill-%d.pdf", i), tc.content)
			if r.Status != tc.want {
				t.Errorf("upload %d: status %d, want %d: %s", i, r.Status, tc.want, truncate(r.Body))
			}
		}
		http.DefaultClient.CloseIdleConnections()

		if after := dirNames(t, tmp); len(after) > 0 {
			t.Errorf("the server's temp directory holds %q after the uploads, want it empty", after)
		}
		var leaked []string
		deadline := time.Now().Add(10 * time.Second)
		for {
			leaked = nil
			for fd, target := range openFiles(t, cmd.Process.Pid) {
				if _, ok := fdBefore[fd]; !ok {
					leaked = append(leaked, fd+" -> "+target)
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(leaked) > 0 {
			t.Errorf("descriptors left open after the uploads: %v", leaked)
		}
	})
}

// dirNames lists a directory's entries, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// openFiles returns a process's open descriptors that are not sockets,
// pipes or other anonymous inodes, by number, with what they point at:
// network connections come and go with the client; files must not.
func openFiles(t *testing.T, pid int) map[string]string {
	t.Helper()
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil || !strings.HasPrefix(target, "/") {
			continue // closed meanwhile, or socket:[…], pipe:[…], anon_inode:…
		}
		out[e.Name()] = target
	}
	return out
}
