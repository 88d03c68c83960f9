// Package scratch keeps temporary data on disk so that nothing readable
// stays there: a File is encrypted (AES-256-CTR) under a key that lives
// only in memory, and it has no name from the moment it is made, so even
// a crash leaves neither a file behind nor a plaintext on the disk.
package scratch

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// File is an encrypted temporary file written once, front to back, and
// read back in order or at any offset. It is not safe for concurrent use.
type File struct {
	f     *os.File
	name  string // "" once the file is unlinked
	block cipher.Block
	iv    [aes.BlockSize]byte
	w     cipher.Stream // the key stream at size
	size  int64
	buf   []byte // ciphertext on its way to the file
	err   error  // a short write: the key stream ran ahead of the file
}

// Create makes an empty File in dir (the temporary directory when dir is
// ""); pattern is os.CreateTemp's. On systems that keep an open file
// alive after its name is removed (POSIX) the name goes at once; elsewhere
// Close removes it.
func Create(dir, pattern string) (*File, error) {
	key := make([]byte, 32)
	s := &File{}
	rand.Read(key)
	rand.Read(s.iv[:])
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("scratch: %w", err)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("scratch: %w", err)
	}
	s.f, s.name, s.block = f, f.Name(), block
	if os.Remove(s.name) == nil {
		s.name = ""
	}
	s.w = cipher.NewCTR(block, s.iv[:])
	return s, nil
}

// Write encrypts p onto the end of the file.
func (s *File) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if cap(s.buf) < len(p) {
		s.buf = make([]byte, max(len(p), 64<<10))
	}
	c := s.buf[:len(p)]
	s.w.XORKeyStream(c, p)
	n, err := s.f.Write(c)
	s.size += int64(n)
	if n < len(p) && err == nil {
		err = io.ErrShortWrite
	}
	if err != nil {
		s.err = fmt.Errorf("scratch: %w", err)
		return n, s.err
	}
	return n, nil
}

// Size returns how many bytes were written.
func (s *File) Size() int64 { return s.size }

// ReadAt reads len(p) bytes of plaintext from offset off, as io.ReaderAt.
func (s *File) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.f.ReadAt(p, off)
	if n > 0 {
		s.keyStreamAt(off).XORKeyStream(p[:n], p[:n])
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("scratch: %w", err)
	}
	return n, err
}

// Reader reads what was written so far from the start, decrypted; each
// call starts again.
func (s *File) Reader() io.Reader {
	return cipher.StreamReader{S: cipher.NewCTR(s.block, s.iv[:]), R: bufio.NewReaderSize(io.NewSectionReader(s.f, 0, s.size), 64<<10)}
}

// Close closes the file and removes it if it still has a name.
func (s *File) Close() error {
	err := s.f.Close()
	if s.name != "" {
		if rerr := os.Remove(s.name); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return fmt.Errorf("scratch: %w", err)
	}
	return nil
}

// keyStreamAt returns the CTR key stream from byte off: the counter is
// the IV plus off/16 as one 128-bit big-endian number (as cipher.NewCTR
// counts), less the first off%16 bytes.
func (s *File) keyStreamAt(off int64) cipher.Stream {
	hi, lo := binary.BigEndian.Uint64(s.iv[:8]), binary.BigEndian.Uint64(s.iv[8:])
	add := uint64(off) / aes.BlockSize
	if lo+add < lo {
		hi++
	}
	lo += add
	var iv [aes.BlockSize]byte
	binary.BigEndian.PutUint64(iv[:8], hi)
	binary.BigEndian.PutUint64(iv[8:], lo)
	stream := cipher.NewCTR(s.block, iv[:])
	if skip := off % aes.BlockSize; skip > 0 {
		var b [aes.BlockSize]byte
		stream.XORKeyStream(b[:skip], b[:skip])
	}
	return stream
}
