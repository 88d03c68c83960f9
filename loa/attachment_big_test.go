package loa

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// bigDocument is usDocument with n distinct numbers, n up to 10 million.
func bigDocument(n int) Document {
	d := usDocument(0)
	d.Order.Numbers = make([]Number, n)
	for i := range d.Order.Numbers {
		d.Order.Numbers[i] = Number{PhoneNumber: fmt.Sprintf("+1833%07d", i), Country: "US", LosingCarrier: "Lumen"}
	}
	return d
}

// TestRenderXLSXHundredThousand: a 100,000-number attachment lists every
// number in order over two sheets of the same columns, and leaves no
// temporary file behind at any point (excelize spills big sheets to disk).
func TestRenderXLSXHundredThousand(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	d := bigDocument(100_000)
	var buf bytes.Buffer
	if err := RenderXLSX(&buf, d); err != nil {
		t.Fatalf("RenderXLSX: %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("rendering left %d temporary files, e.g. %s", len(left), left[0].Name())
	}
	f, err := excelize.OpenReader(&buf, excelize.Options{UnzipXMLSizeLimit: 1 << 30})
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{AttachmentSheet, AttachmentSheet + " 2"}) {
		t.Fatalf("sheets = %q, want %q and %q", sheets, AttachmentSheet, AttachmentSheet+" 2")
	}
	var got []string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], attachmentHeader) {
			t.Errorf("sheet %s starts with %q, want the header", sheet, rows[0])
		}
		for _, r := range rows[1:] {
			if len(r) != len(attachmentHeader) || r[1] != "US" || r[2] != "Lumen" || r[3] != "po_us_0042" {
				t.Fatalf("sheet %s: row %q", sheet, r)
			}
			got = append(got, r[0])
		}
	}
	if len(got) != len(d.Order.Numbers) {
		t.Fatalf("%d numbers in the workbook, want %d", len(got), len(d.Order.Numbers))
	}
	for i, n := range d.Order.Numbers {
		if got[i] != n.PhoneNumber {
			t.Fatalf("number %d = %s, want %s", i, got[i], n.PhoneNumber)
		}
	}
}

func TestRenderCSVHundredThousand(t *testing.T) {
	d := bigDocument(100_000)
	var buf bytes.Buffer
	if err := RenderCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 100_001 || rows[100_000][0] != d.Order.Numbers[99_999].PhoneNumber {
		t.Fatalf("%d rows, last %q", len(rows), rows[len(rows)-1])
	}
}
