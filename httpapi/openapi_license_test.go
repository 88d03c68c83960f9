package httpapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/workflow"
)

// TestOpenAPILicense checks that the document names the licence the
// repository's LICENSE file holds.
func TestOpenAPILicense(t *testing.T) {
	l := NewServer(&workflow.Service{}, nil).OpenAPI().Info.License
	if l == nil || l.Name != "Apache-2.0" || l.URL != "https://www.apache.org/licenses/LICENSE-2.0" {
		t.Fatalf("info.license = %+v, want Apache-2.0 with its URL", l)
	}
	text, err := os.ReadFile(filepath.Join("..", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Apache License", "Version 2.0, January 2004", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "END OF TERMS AND CONDITIONS"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
}
