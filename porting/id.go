package porting

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// idEncoding writes the random part of an ID: lower-case base32, no padding.
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random identifier with a readable prefix naming what it
// identifies, e.g. "po_…" for a port order: the prefix, an underscore and
// 96 random bits in 20 base32 characters. IDs are opaque: rows stored with
// the 16-character IDs of earlier versions stay valid.
func NewID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
