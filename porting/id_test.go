package porting

import (
	"regexp"
	"testing"
)

func TestNewID(t *testing.T) {
	format := regexp.MustCompile(`^po_[a-z2-7]{20}$`)
	seen := map[string]bool{}
	for range 100 {
		id := NewID("po")
		if !format.MatchString(id) {
			t.Fatalf("NewID(po) = %q, want po_ and 20 base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("NewID(po) repeated %q", id)
		}
		seen[id] = true
	}
}
