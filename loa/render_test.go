package loa

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var renderAt = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// swissDocument is a 3-number partial port with text outside ASCII.
func swissDocument() Document {
	numbers := []Number{{PhoneNumber: "+41446681800"}, {PhoneNumber: "+41446681801"}, {PhoneNumber: "+41446681802"}}
	port := time.Date(2025, 4, 8, 22, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	return Document{
		Order: Order{ID: "po_ch_0001", Country: "CH", LosingCarrier: "Helvetia Telefon AG",
			WinningCarrier: "Portdesk Cloud Voice", NumberKind: "did", Numbers: numbers},
		Data: porting.LOAData{
			EntityName: "Müller & Söhne AG",
			ServiceAddress: porting.Address{Street: "Bahnhofstrasse 12", City: "Zürich",
				PostalCode: "8001", Country: "CH"},
			AuthorizedPerson: porting.LOAPerson{Name: "Anaïs Dubois", Title: "Responsable télécom"},
			AccountNumber:    "CH-4471-0093", PIN: "901234", BTN: "+41446681800",
			PartialPort: &porting.PartialPort{RemainingNumbers: []string{"+41446681810", "+41446681811"},
				RemainingAction: porting.RemainingKeep, NewBTN: "+41446681810"},
		},
		RequestedPortAt: &port,
		GeneratedAt:     renderAt,
	}
}

// usDocument is an n-number toll-free order without a requested date.
func usDocument(n int) Document {
	numbers := make([]Number, n)
	for i := range numbers {
		numbers[i] = Number{PhoneNumber: fmt.Sprintf("+1833555%04d", i), Country: "US", LosingCarrier: "Lumen"}
	}
	return Document{
		Order: Order{ID: "po_us_0042", Country: "US", LosingCarrier: "Lumen",
			WinningCarrier: "Portdesk Cloud Voice", NumberKind: "toll_free", Numbers: numbers},
		Data: porting.LOAData{
			EntityName: "Acme Inc",
			ServiceAddress: porting.Address{Street: "350 Fifth Avenue", City: "New York", Region: "NY",
				PostalCode: "10118", Country: "US"},
			AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe", Title: "CTO"},
			AccountNumber:    "ACC-778899", BTN: "+18335550000",
		},
		GeneratedAt: renderAt,
	}
}

// pdfToText finds poppler's pdftotext. Without it the golden tests skip on
// a developer machine and fail in CI.
func pdfToText(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdftotext (poppler-utils) not installed; set CI to make this a failure")
		}
		t.Fatalf("pdftotext is required in CI: %v", err)
	}
	return path
}

func extractText(t *testing.T, tool string, pdf []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "loa.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRenderPDFGolden(t *testing.T) {
	tool := pdfToText(t)
	tests := []struct {
		name, golden  string
		doc           Document
		want, wantNot []string
	}{
		{"3 numbers", "loa_3.golden.txt", swissDocument(),
			[]string{"Letter of Authorization", "po_ch_0001", "+41446681800", "+41446681801", "+41446681802",
				"Müller & Söhne AG", "Zürich", "Anaïs Dubois", "Responsable télécom", "On file (not shown)", "2025-04-08 22:00 UTC+02:00",
				"+41446681811", "Helvetia Telefon AG", "Portdesk Cloud Voice", "wet ink", "Printed name", "Date signed"},
			[]string{"See Attached", "901234", "****"}},
		{"25 numbers", "loa_25.golden.txt", usDocument(25),
			[]string{"See Attached", "Numbers to port (25)", "The 25 numbers", "Acme Inc", "PIN / passcode", "None",
				"Toll-free", "Not specified"},
			[]string{"+18335550001", "+18335550024", "Partial port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderPDF(&buf, tt.doc); err != nil {
				t.Fatalf("RenderPDF: %v", err)
			}
			text := extractText(t, tool, buf.Bytes())
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("text has %q", s)
				}
			}
			golden := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./loa/ -update to create it)", err)
			}
			if text != string(want) {
				t.Errorf("text differs from %s (run with -update after checking):\n%s", golden, text)
			}
		})
	}
}

func TestRenderPDFIsDeterministic(t *testing.T) {
	render := func(d Document) []byte {
		t.Helper()
		var buf bytes.Buffer
		if err := RenderPDF(&buf, d); err != nil {
			t.Fatalf("RenderPDF: %v", err)
		}
		return buf.Bytes()
	}
	first := render(swissDocument())
	for range 5 {
		if again := render(swissDocument()); !bytes.Equal(again, first) {
			t.Fatal("two renders of one Document differ")
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20250314093000)")) {
		t.Error("creation date is not GeneratedAt")
	}
	later := swissDocument()
	later.GeneratedAt = renderAt.Add(time.Hour)
	if bytes.Equal(render(later), first) {
		t.Error("a later GeneratedAt rendered the same bytes")
	}
}

func TestRenderPDFRefusesTextOutsideItsFonts(t *testing.T) {
	d := swissDocument()
	d.Data.EntityName = "東京通信株式会社"
	err := RenderPDF(&bytes.Buffer{}, d)
	if err == nil || !strings.Contains(err.Error(), "東京通信株式会社") {
		t.Fatalf("RenderPDF = %v, want an error naming the text", err)
	}
}
