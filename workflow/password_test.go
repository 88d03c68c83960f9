package workflow

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h := hashPassword("Correct horse 42")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id's PHC form with OWASP's parameters", h)
	}
	if h2 := hashPassword("Correct horse 42"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !verifyPassword("Correct horse 42", h) {
		t.Error("the password does not verify")
	}
	parts := strings.Split(h, "$")
	for name, bad := range map[string]string{
		"other password": "",
		"empty hash":     "-",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"other version":  strings.Join([]string{"", "argon2id", "v=16", parts[3], parts[4], parts[5]}, "$"),
		"huge memory":    strings.Join([]string{"", "argon2id", parts[2], "m=4194304,t=2,p=1", parts[4], parts[5]}, "$"),
		"no key":         strings.Join([]string{"", "argon2id", parts[2], parts[3], parts[4], ""}, "$"),
	} {
		pw, hash := "Correct horse 42", bad
		switch bad {
		case "":
			pw, hash = "Correct horse 43", h
		case "-":
			hash = ""
		}
		if verifyPassword(pw, hash) {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{
		"Short1":                        false,
		"onlylowercaseletters":          false,
		"123456789012":                  false,
		"two classes ok":                true, // lower-case and spaces
		"Correct horse 42":              true,
		strings.Repeat("aB", 128):       true,
		strings.Repeat("aB", 128) + "c": false,
	} {
		if err := checkPassword(pw); (err == nil) != ok {
			t.Errorf("checkPassword(%.20q…) = %v, want ok %v", pw, err, ok)
		}
	}
}
