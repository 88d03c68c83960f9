package workflow

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"

	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/porting"
)

// Bounds of an XLSX upload once inflated. A workbook is XML, which
// deflates about tenfold; 100,000 numbers take under 10 MiB. Apache POI
// refuses entries that inflate more than a hundredfold; so do we, beyond
// the first MiB, where even honest tiny files may.
const (
	maxSpreadsheetInflated = 100 << 20
	maxSpreadsheetRatio    = 100
	ratioFreeInflated      = 1 << 20
)

// htmlSniffWindow is how far into a file browsers and mail clients look
// for markup when they guess a type; uploads must not look like HTML there.
const htmlSniffWindow = 1024

// htmlTags are the openings the WHATWG MIME sniffing standard takes for
// HTML, plus XML and SVG, which run script just as well. Each counts only
// when followed by a space or ">" (or "/" for a self-closing tag).
var htmlTags = []string{"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div",
	"<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--", "<?xml",
	"<svg", "<img", "<object", "<embed", "<meta", "<form", "<base"}

// refuseHTML refuses a file that carries markup near its start, such as a
// PDF whose second line opens <html>: served without care it would run as
// a page on our origin.
func refuseHTML(b []byte) error {
	head := bytes.ToLower(b[:min(len(b), htmlSniffWindow)])
	for _, tag := range htmlTags {
		for rest := head; ; {
			i := bytes.Index(rest, []byte(tag))
			if i < 0 {
				break
			}
			rest = rest[i+len(tag):]
			if tag == "<!--" || len(rest) == 0 || bytes.IndexByte([]byte(" \t\n\r\f>/"), rest[0]) >= 0 {
				return porting.FieldErrorf("file", "the file holds HTML or XML markup (%s); upload the document itself", tag)
			}
		}
	}
	return nil
}

// checkSpreadsheet opens an XLSX (mimetype found its xl/ entries) and
// bounds what it inflates to, by the sizes its directory declares (Go's
// zip reader refuses entries longer than declared): in total, and per
// entry against its compressed size. A workbook without xl/workbook.xml is
// no spreadsheet.
func checkSpreadsheet(b []byte) error {
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return porting.FieldErrorf("file", "the spreadsheet cannot be read as a zip archive")
	}
	var (
		total    uint64
		workbook bool
	)
	for _, f := range r.File {
		workbook = workbook || f.Name == "xl/workbook.xml"
		total += f.UncompressedSize64
		if total > maxSpreadsheetInflated {
			return porting.FieldErrorf("file", "the spreadsheet inflates to more than %d bytes", maxSpreadsheetInflated)
		}
		if f.UncompressedSize64 > ratioFreeInflated && f.UncompressedSize64 > maxSpreadsheetRatio*max(f.CompressedSize64, 1) {
			return porting.FieldErrorf("file", "the spreadsheet's %s inflates more than %d times its size", f.Name, maxSpreadsheetRatio)
		}
	}
	if !workbook {
		return porting.FieldErrorf("file", "the spreadsheet has no workbook (xl/workbook.xml)")
	}
	return nil
}

// refuseFormulas refuses a CSV number list with a cell that a spreadsheet
// program would run as a formula (see loa.RunsAsFormula): staff open these
// files.
func refuseFormulas(b []byte) error {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = -1, true, true
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return porting.FieldErrorf("file", "the CSV cannot be read: %v", err)
		}
		for _, cell := range rec {
			if loa.RunsAsFormula(cell) {
				return porting.FieldErrorf("file", "line %d of the CSV holds a formula (%.20q); a number list holds numbers and names only", line, cell)
			}
		}
	}
}

// displayName removes from a filename what could mislead the person who
// sees it: controls (CR, LF), format characters (bidi overrides,
// zero-width), line and paragraph separators, invalid UTF-8, quotes,
// backslashes and slashes.
func displayName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r):
			return -1
		case unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp), r == unicode.ReplacementChar,
			r == '"', r == '\\', r == '/':
			return '_'
		}
		return r
	}, name)
}
