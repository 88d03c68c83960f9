package scratch

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// TestFileEncryptedAndNameless: what a File keeps on disk is not the
// plaintext, it has no name once made, and it reads back whole, twice.
func TestFileEncryptedAndNameless(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(dir, "portdesk-test-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plain := strings.Repeat("phone_number\n+12125550123\n", 10_000)
	if _, err := io.Copy(f, strings.NewReader(plain)); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the file has a name: %s", left[0].Name())
	}
	raw := make([]byte, len(plain))
	if _, err := f.f.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("+12125550123")) || bytes.Contains(raw, []byte("phone_number")) {
		t.Fatal("the file holds the plaintext")
	}
	for range 2 {
		got, err := io.ReadAll(f.Reader())
		if err != nil || string(got) != plain {
			t.Fatalf("read back %d bytes (%v), want the %d written", len(got), err, len(plain))
		}
	}
}

// TestFileReadAt reads random ranges, written in pieces of random sizes,
// and compares them with the plaintext; the IV starts near the top of its
// low half so that the counter carries into the high half.
func TestFileReadAt(t *testing.T) {
	f, err := Create(t.TempDir(), "portdesk-test-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := 8; i < 16; i++ {
		f.iv[i] = 0xff
	}
	f.iv[15] = 0xf0
	f.w = f.keyStreamAt(0)
	rnd := rand.New(rand.NewPCG(3, 4))
	plain := make([]byte, 200_000)
	for i := range plain {
		plain[i] = byte(rnd.Uint32())
	}
	for rest := plain; len(rest) > 0; {
		n := min(len(rest), 1+rnd.IntN(5000))
		if _, err := f.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if f.Size() != int64(len(plain)) {
		t.Fatalf("Size() = %d, want %d", f.Size(), len(plain))
	}
	for range 1000 {
		off := rnd.IntN(len(plain))
		n := rnd.IntN(3000)
		got := make([]byte, n)
		m, err := f.ReadAt(got, int64(off))
		want := plain[off:min(off+n, len(plain))]
		if m != len(want) || !bytes.Equal(got[:m], want) {
			t.Fatalf("ReadAt(%d bytes, %d) = %d bytes (%v), not the plaintext", n, off, m, err)
		}
		if m < n && err != io.EOF {
			t.Fatalf("ReadAt past the end: err %v, want io.EOF", err)
		}
	}
	if got, _ := io.ReadAll(f.Reader()); !bytes.Equal(got, plain) {
		t.Fatal("Reader does not read the plaintext back")
	}
}
