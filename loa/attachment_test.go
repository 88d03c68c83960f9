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

// TestRenderCSVDefusesEveryColumn is issue 8 item 12: the number column
// once went out as is, so a number that is not a plain one ran as a
// formula; every cell goes through DefuseFormula now.
func TestRenderCSVDefusesEveryColumn(t *testing.T) {
	d := usDocument(1)
	d.Order.Numbers[0].PhoneNumber = "+1+cmd|' /C calc'!A0"
	d.Order.ID = "@SUM(A1)"
	var buf bytes.Buffer
	if err := RenderCSV(&buf, d); err != nil {
		t.Fatalf("RenderCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if got, want := rows[1][0], "'+1+cmd|' /C calc'!A0"; got != want {
		t.Errorf("number cell = %q, want %q", got, want)
	}
	if got, want := rows[1][3], "'@SUM(A1)"; got != want {
		t.Errorf("order cell = %q, want %q", got, want)
	}
}

func TestRunsAsFormula(t *testing.T) {
	tests := []struct {
		cell string
		want bool
	}{
		{"", false},
		{"+12125550123", false},
		{"-1", false},
		{"+44.5", false},
		{"Old Telco", false},
		{"=1+1", true},
		{"+1+1", true},
		{"-2+3", true},
		{"@SUM(A1)", true},
		{"\t=1", true},
		{"\r=1", true},
		{"+", true},
		{"=", true},
		{"\ufeff=HYPERLINK(\"http://evil.example/\")", true},
		{"\ufeffOld Telco", false},
		{"Old Telco;=1+cmd|' /C calc'!A0", true},
		{"Main line;+12125550123", false},
		{"a\t@SUM(A1)", true},
		{"a;b;c", false},
	}
	for _, tt := range tests {
		if got := RunsAsFormula(tt.cell); got != tt.want {
			t.Errorf("RunsAsFormula(%q) = %v, want %v", tt.cell, got, tt.want)
		}
	}
	for cell, want := range map[string]string{
		"Old Telco;=1+cmd":  "Old Telco;'=1+cmd",
		"\ufeff=1":          "'=1",
		"=1;-2+3\t@x":       "'=1;'-2+3\t'@x",
		"Main;+12125550123": "Main;+12125550123",
	} {
		if got := DefuseFormula(cell); got != want {
			t.Errorf("DefuseFormula(%q) = %q, want %q", cell, got, want)
		}
	}
}
