package loa

import (
	"slices"
	"testing"
)

func TestRequirements(t *testing.T) {
	tests := []struct {
		country, kind string
		docs          []string
		entity        string
	}{
		{"US", "did", []string{"loa_signed", "invoice"}, "any"},
		{"gb", "toll_free", []string{"loa_signed", "invoice"}, "any"},
		{"IT", "did", []string{"loa_signed", "invoice", "proof_of_id", "proof_of_business"}, "any"},
		{"IT", "toll_free", []string{"loa_signed", "invoice"}, "any"},
		{"NO", "did", []string{"loa_signed", "invoice", "proof_of_business"}, "business"},
	}
	for _, tt := range tests {
		got := Requirements(tt.country, tt.kind)
		if !slices.Equal(got.Documents, tt.docs) || got.Entity != tt.entity {
			t.Errorf("Requirements(%s, %s) = %v %s, want %v %s", tt.country, tt.kind, got.Documents, got.Entity, tt.docs, tt.entity)
		}
	}
	if _, err := parseRequirements("country,number_kind,documents,entity,note\nXX,did,a,nobody,\n"); err == nil {
		t.Error("a bad entity parsed")
	}
}
