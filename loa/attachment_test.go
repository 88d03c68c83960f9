package loa

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wantAttachmentRows is the header and one row per number of d, in order.
func wantAttachmentRows(t *testing.T, d Document) [][]string {
	t.Helper()
	rows := [][]string{{"Phone number (E.164)", "Country", "Losing carrier", "Order reference"}}
	for _, n := range d.Order.Numbers {
		rows = append(rows, []string{n.PhoneNumber, "US", "Lumen", "po_us_0042"})
	}
	return rows
}

func equalRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestRenderXLSXListsEveryNumber(t *testing.T) {
	d := usDocument(25)
	var buf bytes.Buffer
	if err := RenderXLSX(&buf, d); err != nil {
		t.Fatalf("RenderXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{AttachmentSheet}) {
		t.Errorf("sheets = %q, want only %q", sheets, AttachmentSheet)
	}
	rows, err := f.GetRows(AttachmentSheet)
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	equalRows(t, rows, wantAttachmentRows(t, d))
	if rows[25][0] != "+18335550024" {
		t.Errorf("last number = %q, want +18335550024", rows[25][0])
	}
}

func TestRenderXLSXIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := RenderXLSX(&a, usDocument(25)); err != nil {
		t.Fatal(err)
	}
	if err := RenderXLSX(&b, usDocument(25)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of one Document differ")
	}
}

func TestRenderCSVListsEveryNumber(t *testing.T) {
	d := usDocument(25)
	var buf bytes.Buffer
	if err := RenderCSV(&buf, d); err != nil {
		t.Fatalf("RenderCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	equalRows(t, rows, wantAttachmentRows(t, d))
}

func TestRenderCSVDefusesFormulas(t *testing.T) {
	d := usDocument(1)
	d.Order.LosingCarrier = `=HYPERLINK("http://example.invalid")`
	d.Order.Numbers[0].LosingCarrier = ""
	var buf bytes.Buffer
	if err := RenderCSV(&buf, d); err != nil {
		t.Fatalf("RenderCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	want := []string{"+18335550000", "US", `'=HYPERLINK("http://example.invalid")`, "po_us_0042"}
	if !slices.Equal(rows[1], want) {
		t.Errorf("row = %q, want %q", rows[1], want)
	}
}
