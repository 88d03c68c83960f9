package workflow

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/crypto/argon2"

	"github.com/portdesk/portdesk/porting"
)

// argon2id parameters of new password hashes: OWASP's minimum (19 MiB,
// two passes, one lane), which keeps a sign-in near 50 ms on one core.
// Stored hashes carry their own parameters, so raising these later still
// verifies old passwords.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

var b64 = base64.RawStdEncoding

// checkPassword applies the password rules: 12 to 256 bytes, and not all
// of one character class (lower-case, upper-case, digits, others).
func checkPassword(pw string) error {
	switch {
	case len(pw) < porting.MinPasswordLength:
		return porting.FieldErrorf("password", "the password must be at least %d bytes", porting.MinPasswordLength)
	case len(pw) > porting.MaxPasswordLength:
		return porting.FieldErrorf("password", "the password may be at most %d bytes", porting.MaxPasswordLength)
	}
	classes := map[int]bool{}
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			classes[0] = true
		case unicode.IsUpper(r):
			classes[1] = true
		case unicode.IsDigit(r):
			classes[2] = true
		default:
			classes[3] = true
		}
	}
	if len(classes) < 2 {
		return porting.FieldErrorf("password", "the password must mix at least two kinds of characters (lower-case, upper-case, digits, others)")
	}
	return nil
}

// hashPassword returns the argon2id hash of pw in PHC string form:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func hashPassword(pw string) string {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic("workflow: no randomness: " + err.Error())
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifyPassword reports whether pw matches a PHC string made by
// hashPassword. A malformed hash (or the empty hash of a user without a
// password) matches nothing.
func verifyPassword(pw, phc string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, passes uint32
	var lanes uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &lanes); err != nil ||
		memory == 0 || memory > 1<<20 || passes == 0 || passes > 16 || lanes == 0 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, passes, memory, lanes, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a sign-in names no usable user, so
// that answering takes as long as for a wrong password and does not tell
// which emails have accounts.
var dummyHash = sync.OnceValue(func() string { return hashPassword(newSecret()) })
