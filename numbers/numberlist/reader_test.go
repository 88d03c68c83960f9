package numberlist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// readAll reads every entry of in with the line each starts on.
func readAll(tb testing.TB, in []byte) ([]numbers.Entry, []int, Format, error) {
	tb.Helper()
	r := NewReader(bytes.NewReader(in))
	defer r.Close()
	var (
		entries []numbers.Entry
		lines   []int
	)
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return entries, lines, r.Format(), nil
		}
		if err != nil {
			return entries, lines, r.Format(), err
		}
		entries = append(entries, e)
		lines = append(lines, r.Line())
	}
}

func TestReaderFormats(t *testing.T) {
	n := func(s string) numbers.Entry { return numbers.Entry{PhoneNumber: s} }
	tests := []struct {
		name   string
		in     string
		format Format
		want   []numbers.Entry
		lines  []int
	}{
		{"empty", "", FormatPlain, nil, nil},
		{"plain", "+12125550100\n(212) 555-0101\r\n\n  +44 20 7946 0958  \n", FormatPlain,
			[]numbers.Entry{n("+12125550100"), n("(212) 555-0101"), n("+44 20 7946 0958")}, []int{1, 2, 4}},
		{"plain without final newline", "2125550100", FormatPlain, []numbers.Entry{n("2125550100")}, []int{1}},
		{"plain quoted", "\"+1 212 555 0100\"\n", FormatPlain, []numbers.Entry{n("+1 212 555 0100")}, []int{1}},
		{"plain header", "Phone Number\n2125550100\n", FormatPlain, []numbers.Entry{n("2125550100")}, []int{2}},
		{"plain BOM", "\xEF\xBB\xBFphone\n2125550100\n", FormatPlain, []numbers.Entry{n("2125550100")}, []int{2}},
		{"csv comma no header", "2125550100,Verizon,A1\n,2125550101\n", FormatCSV,
			[]numbers.Entry{n("2125550100"), n("2125550101")}, []int{1, 2}},
		{"csv semicolon header", "Account Number;Phone_Number;Current Carrier\nA-1;+1 212 555 0100;Verizon\n;;\nA-2;2125550101;\n", FormatCSV,
			[]numbers.Entry{
				{PhoneNumber: "+1 212 555 0100", CurrentCarrier: "Verizon", AccountNumber: "A-1"},
				{PhoneNumber: "2125550101", AccountNumber: "A-2"},
			}, []int{2, 4}},
		{"tsv header", "TN\tLosing Carrier\tAccount\n2125550100\tAT&T\t77\n", FormatCSV,
			[]numbers.Entry{{PhoneNumber: "2125550100", CurrentCarrier: "AT&T", AccountNumber: "77"}}, []int{2}},
		{"csv BOM header quoted", "\xEF\xBB\xBF\"e164\",\"carrier\"\r\n\"+12125550100\",\"Old, Telco\"\r\n", FormatCSV,
			[]numbers.Entry{{PhoneNumber: "+12125550100", CurrentCarrier: "Old, Telco"}}, []int{2}},
		{"csv quoted line break", "number,carrier\n2125550100,\"Two\nLines\"\n2125550101,X\n", FormatCSV,
			[]numbers.Entry{{PhoneNumber: "2125550100", CurrentCarrier: "Two\nLines"}, {PhoneNumber: "2125550101", CurrentCarrier: "X"}}, []int{2, 4}},
		{"csv ragged rows", "did,carrier\n2125550100\n2125550101,X,extra\n", FormatCSV,
			[]numbers.Entry{n("2125550100"), {PhoneNumber: "2125550101", CurrentCarrier: "X"}}, []int{2, 3}},
		{"csv number with semicolon extension is plain by most lines", "2125550100\n2125550101\n2125550102;ext=5\n", FormatCSV,
			[]numbers.Entry{n("2125550100"), n("2125550101"), n("2125550102")}, []int{1, 2, 3}},
		{"header without number column is data", "carrier,account\n2125550100,x\n", FormatCSV,
			[]numbers.Entry{n("carrier"), n("2125550100")}, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lines, format, err := readAll(t, []byte(tt.in))
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if format != tt.format {
				t.Errorf("format = %q, want %q", format, tt.format)
			}
			if !equalEntries(got, tt.want) {
				t.Errorf("entries = %q, want %q", got, tt.want)
			}
			if !equalInts(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	long := strings.Repeat("9", MaxCellLength+1)
	tests := []struct {
		name string
		in   []byte
		want string // in the message
		read int    // entries read before the error
	}{
		{"binary", []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0}, "not a number list", 0},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "application/pdf", 0},
		{"legacy xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), "legacy Excel", 0},
		{"utf-16 with BOM", []byte("\xFF\xFE2\x001\x002\x00\n\x00"), "UTF-16", 0},
		{"utf-16 without BOM", []byte("2\x001\x002\x005\x005\x005\x000\x001\x000\x000\x00\n\x00"), "UTF-16", 0},
		{"broken zip", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 100)...), "no readable XLSX", 0},
		{"long cell", []byte("2125550100\n2125550101\n" + long + "\n"), "line 3: cell 1 is 1025 bytes", 2},
		{"long csv cell", []byte("number,carrier\n2125550100,x\n2125550101," + long + "\n"), "line 3: cell 2 is 1025 bytes", 1},
		{"binary later", []byte("2125550100\n" + strings.Repeat("2125550101\n", 1000) + "\x00\x01\x02\n"), "line 1002: cell 1 holds control characters", 1001},
		{"not utf-8 later", []byte("number;carrier\n" + strings.Repeat("2125550101;x\n", 1000) + "2125550102;Soci\xe9t\xe9\n"), "line 1002: cell 2 is not UTF-8", 1000},
		{"unclosed quote", []byte("number,carrier\n2125550100,\"x\n" + strings.Repeat("2125550101,y\n", 10000)), "line 2: the row runs over", 0},
		{"endless plain line", bytes.Repeat([]byte("2"), MaxRowLength+10), "line 1: the line runs over", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _, err := readAll(t, tt.in)
			if porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want EINVALID containing %q", err, tt.want)
			}
			if len(got) != tt.read {
				t.Errorf("read %d entries before the error, want %d", len(got), tt.read)
			}
		})
	}
}

func TestReaderErrorRepeats(t *testing.T) {
	r := NewReader(strings.NewReader("%PDF-1.4\n"))
	_, err1 := r.Next()
	_, err2 := r.Next()
	if err1 == nil || err1 != err2 {
		t.Fatalf("errors %v then %v, want the same error twice", err1, err2)
	}
}

func TestReaderXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"Phone Number", "Carrier", "Account Number"},
		{"+1 212 555 0100", "Verizon", "A-1"},
		nil,
		{12125550101, nil, 42},
		{"", "", ""},
		{"2125550102"},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	other, _ := f.NewSheet("Other")
	_ = other
	f.SetCellValue("Other", "A1", "9999999999")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, lines, format, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []numbers.Entry{
		{PhoneNumber: "+1 212 555 0100", CurrentCarrier: "Verizon", AccountNumber: "A-1"},
		{PhoneNumber: "12125550101", AccountNumber: "42"},
		{PhoneNumber: "2125550102"},
	}
	if format != FormatXLSX || !equalEntries(got, want) || !equalInts(lines, []int{2, 4, 6}) {
		t.Errorf("got %s %q on rows %v, want xlsx %q on rows [2 4 6]", format, got, lines, want)
	}

	long := strings.Repeat("1", MaxCellLength+1)
	f.SetCellValue(sheet, "B7", long)
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := readAll(t, buf.Bytes()); porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(err.Error(), "row 7: cell 2") {
		t.Errorf("long cell: err = %v, want EINVALID about row 7 cell 2", err)
	}
}

func TestReaderXLSXTooBig(t *testing.T) {
	big := io.MultiReader(strings.NewReader("PK\x03\x04"), zeros{})
	r := NewReader(io.LimitReader(big, MaxXLSXSize+100))
	_, err := r.Next()
	if porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(err.Error(), "64 MiB") || !strings.Contains(err.Error(), "CSV") {
		t.Fatalf("err = %v, want EINVALID naming the 64 MiB bound and CSV", err)
	}
}

// zeros reads endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func equalEntries(a, b []numbers.Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReaderXLSXNoTempFiles: a sheet over excelize's 16 MiB spill size is
// read in memory, leaving nothing of the customer's numbers on disk.
func TestReaderXLSXNoTempFiles(t *testing.T) {
	const n = 300_000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := sw.SetRow("A"+strconv.Itoa(i+1), []any{fmt.Sprintf("+1212%07d", i), "Example Telecom"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r := NewReader(&buf)
	count := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if count == 0 {
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("reading left %d temporary files, e.g. %s", len(left), left[0].Name())
			}
		}
		if want := fmt.Sprintf("+1212%07d", count); e.PhoneNumber != want {
			t.Fatalf("entry %d = %q, want %s", count, e.PhoneNumber, want)
		}
		count++
	}
	if count != n {
		t.Fatalf("read %d entries, want %d", count, n)
	}
}
