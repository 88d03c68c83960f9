package workflow

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// zipOf is an archive of the named entries, each holding a few bytes.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSniff: what each kind of document may be, judged by content; "" is
// a refusal.
func TestSniff(t *testing.T) {
	t.Parallel()
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	tiffLE, tiffBE := []byte("II*\x00\x08\x00\x00\x00"), []byte("MM\x00*\x00\x00\x00\x08")
	xlsx := zipOf(t, "[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
	lateNUL := append([]byte(strings.Repeat("+12125550123\n", 500)), 0, '\n')
	tests := []struct {
		name string
		typ  porting.DocumentType
		b    []byte
		want string
	}{
		{"pdf invoice", porting.DocInvoice, pdf, "application/pdf"},
		{"png id", porting.DocProofOfID, png, "image/png"},
		{"jpeg address", porting.DocProofOfAddress, jpeg, "image/jpeg"},
		{"tiff II", porting.DocLOASigned, tiffLE, "image/tiff"},
		{"tiff MM", porting.DocLOASigned, tiffBE, "image/tiff"},
		{"text invoice", porting.DocInvoice, []byte("invoice\n"), ""},
		{"xlsx invoice", porting.DocInvoice, xlsx, ""},
		{"zip invoice", porting.DocInvoice, zipOf(t, "a.txt"), ""},
		{"xlsx list", porting.DocNumberList, xlsx, contentTypeXLSX},
		{"two-column csv list", porting.DocNumberList, []byte("number,carrier\n+12125550123,Old Telco\n"), contentTypeCSV},
		{"one-column list", porting.DocNumberList, []byte("number\n+12125550123\n+12125550124\n"), contentTypeCSV},
		{"pdf list", porting.DocNumberList, pdf, ""},
		{"png list", porting.DocNumberList, png, ""},
		{"xl/ entries without a workbook", porting.DocNumberList, zipOf(t, "xl/styles.xml"), ""},
		{"zip list", porting.DocNumberList, zipOf(t, "numbers.csv"), ""},
		{"NUL past what mimetype reads", porting.DocNumberList, lateNUL, ""},
		{"latin-1 list", porting.DocNumberList, []byte("number,name\n+12125550123,M\xfcller\n"), ""},
		{"formula list", porting.DocNumberList, []byte("number\n=1+1\n"), ""},
	}
	for _, tt := range tests {
		got, err := sniff(tt.typ, tt.b)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("%s: sniff = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}
