package httpapi

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"io"
	"os"
)

// spool holds a request body on disk while it is read twice, encrypted
// under a key that lives only in memory (AES-256-CTR), in a file unlinked
// as soon as it is made: nothing readable is left on disk, not even after
// a crash.
type spool struct {
	f     *os.File
	name  string
	block cipher.Block
	iv    []byte
	w     io.Writer
}

// newSpool makes an empty spool in the temporary directory.
func newSpool() (*spool, error) {
	key, iv := make([]byte, 32), make([]byte, aes.BlockSize)
	rand.Read(key)
	rand.Read(iv)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "portdesk-spool-*")
	if err != nil {
		return nil, err
	}
	s := &spool{f: f, name: f.Name(), block: block, iv: iv}
	if os.Remove(s.name) == nil { // POSIX: the open file lives on, nameless
		s.name = ""
	}
	s.w = cipher.StreamWriter{S: cipher.NewCTR(block, iv), W: f}
	return s, nil
}

// Write encrypts p onto the spool.
func (s *spool) Write(p []byte) (int, error) { return s.w.Write(p) }

// Reader reads what was written, from the start, decrypted.
func (s *spool) Reader() (io.Reader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return cipher.StreamReader{S: cipher.NewCTR(s.block, s.iv), R: bufio.NewReaderSize(s.f, 64<<10)}, nil
}

// Close closes the spool's file and removes it if it still has a name.
func (s *spool) Close() error {
	err := s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
	return err
}
