package protocol_test

import (
	"os"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// TestDocumentedRejectionCodes keeps the table of docs/carrier-protocol.md
// true to porting.ExceptionCodes and porting.ExceptionFields.
func TestDocumentedRejectionCodes(t *testing.T) {
	b, err := os.ReadFile("../../docs/carrier-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Rejection codes\n")
	if !ok {
		t.Fatal("no Rejection codes section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	documented := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) != 2 || !strings.HasPrefix(strings.TrimSpace(cells[0]), "`") {
			continue
		}
		code := strings.Trim(strings.TrimSpace(cells[0]), "`")
		field := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if field == "—" {
			field = ""
		}
		documented[code] = field
	}
	if len(documented) != len(porting.ExceptionCodes) {
		t.Errorf("the table lists %d codes, the vocabulary has %d", len(documented), len(porting.ExceptionCodes))
	}
	for _, code := range porting.ExceptionCodes {
		field, ok := documented[code]
		if !ok {
			t.Errorf("%s is not documented", code)
			continue
		}
		if want := porting.ExceptionFields[code]; field != want {
			t.Errorf("%s: documented field %q, want %q", code, field, want)
		}
	}
}
