package loa

import (
	"slices"
	"strings"
	"testing"
)

func TestRequirements(t *testing.T) {
	tests := []struct {
		country, kind string
		docs          []string
		entity        string
	}{
		{"US", "did", []string{"loa_signed", "invoice|csr"}, "any"},
		{"gb", "toll_free", []string{"loa_signed", "invoice|csr"}, "any"},
		{"IT", "did", []string{"loa_signed", "invoice|csr", "proof_of_id", "proof_of_business"}, "any"},
		{"IT", "toll_free", []string{"loa_signed", "invoice|csr"}, "any"},
		{"NO", "did", []string{"loa_signed", "invoice|csr", "proof_of_business"}, "business"},
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

func TestDocumentAlternatives(t *testing.T) {
	in := Input{RequiredDocuments: []string{"loa_signed", "invoice|csr"}, DocumentTypes: []string{"loa_signed", "csr"}}
	var fs findings
	checkDocuments(&fs, in)
	if len(fs) != 0 {
		t.Fatalf("a CSR in place of the invoice: %+v", fs)
	}
	in.DocumentTypes = []string{"loa_signed"}
	checkDocuments(&fs, in)
	if len(fs) != 1 || fs[0].Field != "documents.invoice" || !strings.Contains(fs[0].Hint, "invoice or csr") {
		t.Fatalf("neither invoice nor CSR: %+v", fs)
	}
}
