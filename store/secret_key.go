package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// SecretKeySize is the length in bytes of Config.SecretKey: an AES-256 key.
const SecretKeySize = 32

// secretKeyFile is the name of the SQLite key file inside Config.DataDir.
const secretKeyFile = "secret.key"

// ParseSecretKey decodes a secret key written as 64 hexadecimal characters
// or as standard or URL-safe base64 (padded or not) of 32 bytes, such as
// the value of PORTDESK_SECRET_KEY. Surrounding white space is ignored.
// Anything else is EINVALID; the message never repeats the input.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*SecretKeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding,
		base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == SecretKeySize {
			return k, nil
		}
	}
	return nil, porting.FieldErrorf("secret_key",
		"store: secret key must be %d bytes written as %d hex characters or in base64", SecretKeySize, 2*SecretKeySize)
}

// checkSecretKey returns EINVALID unless k is empty or SecretKeySize long.
func checkSecretKey(k []byte) error {
	if len(k) != 0 && len(k) != SecretKeySize {
		return porting.FieldErrorf("secret_key", "store: secret key is %d bytes, want %d", len(k), SecretKeySize)
	}
	return nil
}

// loadSecretKeyFile returns the key in dir/secret.key, creating the file
// with a new random key when it does not exist.
//
// The new key is written and synced to a temporary file that is then
// hard-linked to secret.key: the link fails when the name exists, like an
// O_EXCL create, so processes starting at once agree on the first key, and
// a reader never sees a half-written file. The directory is synced so the
// key survives a crash as surely as the data it encrypts.
func loadSecretKeyFile(dir string) ([]byte, error) {
	path := filepath.Join(dir, secretKeyFile)
	k, err := readSecretKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		if err != nil {
			return nil, err
		}
		return k, tightenSecretKeyFile(path)
	}
	k = make([]byte, SecretKeySize)
	_, _ = rand.Read(k) // crypto/rand.Read never fails
	// CreateTemp makes the file with mode 0600 and O_EXCL.
	tmp, err := os.CreateTemp(dir, secretKeyFile+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(k) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return readSecretKeyFile(path) // another process was first
	} else if err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	return k, nil
}

// secretKeyMode is the only mode secret.key may have: its owner reads and
// writes it, nobody else may read it.
const secretKeyMode fs.FileMode = 0o600

// tightenSecretKeyFile makes an existing key file that group or others may
// access mode 0600. When that fails (the file belongs to another user) the
// key is refused: it must not be used while others can read it.
func tightenSecretKeyFile(path string) error {
	if runtime.GOOS == "windows" {
		return nil // permission bits mean little there; ACLs guard the file
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("store: %s: %w", path, err)
	}
	if fi.Mode().Perm()&^secretKeyMode == 0 {
		return nil
	}
	if err := os.Chmod(path, secretKeyMode); err != nil {
		return fmt.Errorf("store: %s has mode %#o, open to others than its owner, and cannot be made 0600 (%w): run chmod 600 %s as its owner",
			path, fi.Mode().Perm(), err, path)
	}
	return nil
}

// readSecretKeyFile reads and parses a key file. A missing file is
// fs.ErrNotExist; a malformed one EINVALID naming the file.
func readSecretKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", path, err)
	}
	k, err := ParseSecretKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return k, nil
}

// syncDir flushes a directory's entries to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sealer encrypts secrets at rest with AES-256-GCM. A sealed value is a
// random 12-byte nonce, the ciphertext and the 16-byte tag. The additional
// data is the ID of the row holding the value, so a sealed value copied to
// another row does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, porting.FieldErrorf("secret_key", "store: secret key: %v", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("store: secret key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts plaintext bound to rowID.
func (s *sealer) seal(plaintext []byte, rowID string) []byte {
	return s.aead.Seal(nil, nil, plaintext, []byte(rowID))
}

// open decrypts a value sealed for rowID. Failure (wrong key, a changed
// byte, a value moved from another row) is EINTERNAL: the row is not what
// the store wrote, and nothing the caller can fix.
func (s *sealer) open(sealed []byte, rowID, what string) ([]byte, error) {
	plaintext, err := s.aead.Open(nil, nil, sealed, []byte(rowID))
	if err != nil {
		return nil, &porting.Error{Code: porting.EINTERNAL, Err: err, Message: fmt.Sprintf(
			"%s of %s cannot be decrypted: the secret key differs from the one it was written with, or the row was altered",
			what, rowID)}
	}
	return plaintext, nil
}
