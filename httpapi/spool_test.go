package httpapi

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// TestSpoolEncryptedAndNameless: what a spool keeps on disk is not the
// plaintext, its file has no name once made, and it reads back whole.
func TestSpoolEncryptedAndNameless(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	s, err := newSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	plain := strings.Repeat("phone_number\n+12125550123\n", 10_000)
	if _, err := io.Copy(s, strings.NewReader(plain)); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the spool's file has a name: %s", left[0].Name())
	}
	raw := make([]byte, len(plain))
	if _, err := s.f.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("+12125550123")) || bytes.Contains(raw, []byte("phone_number")) {
		t.Fatal("the spool holds the plaintext")
	}
	for range 2 { // read twice, both from the start
		r, err := s.Reader()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != plain {
			t.Fatalf("read back %d bytes (%v), want the %d written", len(got), err, len(plain))
		}
	}
}
