package loa

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// AttachmentSheet is the name of the worksheet RenderXLSX writes.
const AttachmentSheet = "Numbers"

// attachmentHeader names the columns of both attachment formats.
var attachmentHeader = []string{"Phone number (E.164)", "Country", "Losing carrier", "Order reference"}

// attachmentRows returns one row per number of the order, in order, with
// the order's country and carrier for numbers that name none.
func attachmentRows(o Order) [][]string {
	rows := make([][]string, len(o.Numbers))
	for i, n := range o.Numbers {
		rows[i] = []string{trim(n.PhoneNumber), o.numberCountry(n), o.numberCarrier(n), trim(o.ID)}
	}
	return rows
}

// attachmentRowsPerSheet bounds the numbers on one worksheet. excelize's
// stream writer keeps a sheet in memory up to 16 MiB and spills the rest
// to a temporary file, which would leave numbers on disk unencrypted; a
// row takes about 270 bytes, so 50,000 rows stay well inside memory and a
// 100,000-number order takes two sheets.
const attachmentRowsPerSheet = 50_000

// attachmentSheetName is the name of the i-th worksheet (from 0):
// AttachmentSheet, then "Numbers 2", "Numbers 3", ….
func attachmentSheetName(i int) string {
	if i == 0 {
		return AttachmentSheet
	}
	return AttachmentSheet + " " + strconv.Itoa(i+1)
}

// RenderXLSX writes the LOA attachment as a workbook: a header row, then
// every number of the order, on AttachmentSheet and, past
// attachmentRowsPerSheet numbers, on further sheets of the same columns.
// Cells are text, so spreadsheet programs keep the "+" of E.164 numbers.
// The archive is compressed for speed: a 100,000-number attachment is a
// few megabytes either way.
func RenderXLSX(w io.Writer, d Document) (err error) {
	f := excelize.NewFile()
	f.SetZipWriter(fastZip)
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("loa: render XLSX for order %s: %w", d.Order.ID, cerr)
		}
	}()
	if err := writeWorkbook(f, d); err != nil {
		return fmt.Errorf("loa: render XLSX for order %s: %w", d.Order.ID, err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("loa: render XLSX for order %s: %w", d.Order.ID, err)
	}
	return nil
}

// fastZip is a zip writer that deflates at the fastest level.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

func writeWorkbook(f *excelize.File, d Document) error {
	stamp := d.stamp().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: "LOA attachment " + d.Order.ID, Creator: "portdesk", LastModifiedBy: "portdesk",
		Created: stamp, Modified: stamp,
	}); err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), AttachmentSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	rows := attachmentRows(d.Order)
	for i := 0; i == 0 || i*attachmentRowsPerSheet < len(rows); i++ {
		name := attachmentSheetName(i)
		if i > 0 {
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		part := rows[i*attachmentRowsPerSheet : min((i+1)*attachmentRowsPerSheet, len(rows))]
		if err := writeSheet(f, name, part, bold); err != nil {
			return err
		}
	}
	return nil
}

// writeSheet streams the header and rows onto the named sheet.
func writeSheet(f *excelize.File, name string, rows [][]string, bold int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 22); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, len(attachmentHeader), 18); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(attachmentHeader), excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	for i, row := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells(row)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cells(row []string) []any {
	out := make([]any, len(row))
	for i, s := range row {
		out[i] = s
	}
	return out
}

// RenderCSV writes the LOA attachment as CSV: a header row, then every
// number of the order. Every cell goes through DefuseFormula, so a
// spreadsheet program opening the file runs nothing.
func RenderCSV(w io.Writer, d Document) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(defuseRow(attachmentHeader)); err != nil {
		return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
	}
	for _, row := range attachmentRows(d.Order) {
		if err := cw.Write(defuseRow(row)); err != nil {
			return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
	}
	return nil
}

func defuseRow(row []string) []string {
	out := make([]string, len(row))
	for i, s := range row {
		out[i] = DefuseFormula(s)
	}
	return out
}

// plainNumber matches a cell a spreadsheet reads as a number and nothing
// else: an E.164 phone number, a signed integer or decimal.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// RunsAsFormula reports whether a spreadsheet program opening a CSV would
// evaluate the cell: it starts with =, +, -, @, a tab or a carriage return
// (OWASP's list) and is not a plain number. A plain number such as
// +12125550123 can call no function and reach no other cell, so E.164
// numbers stay as carriers expect them.
func RunsAsFormula(cell string) bool {
	return DefuseFormula(cell) != strings.TrimPrefix(cell, "\ufeff")
}

// formulaStarts are the first characters that make a spreadsheet program
// evaluate a cell; a tab or carriage return leading the whole cell counts
// too.
const formulaStarts = "=+-@"

// DefuseFormula keeps spreadsheet programs from evaluating a cell: the cell
// without a leading byte-order mark (which they drop) gets a leading
// apostrophe, which they show as text, when it starts with = + - @, a tab or
// a carriage return (a plain signed number such as +12125550123 is left as
// it is); so does every piece after a ";" or a tab, the separators of
// locales that do not split on commas.
func DefuseFormula(cell string) string {
	cell = strings.TrimPrefix(cell, "\ufeff")
	var b strings.Builder
	start := 0
	for i, r := range cell {
		if i > 0 && (r == ';' || r == '\t') {
			b.WriteString(defusePart(cell[start:i], start == 0))
			b.WriteRune(r)
			start = i + 1
		}
	}
	b.WriteString(defusePart(cell[start:], start == 0))
	return b.String()
}

// defusePart defuses one piece of a cell; first is the piece that starts
// the cell, where a tab or carriage return also starts a formula.
func defusePart(part string, first bool) string {
	starts := formulaStarts
	if first {
		starts += "\t\r"
	}
	if part != "" && strings.ContainsRune(starts, rune(part[0])) && !plainNumber.MatchString(part) {
		return "'" + part
	}
	return part
}
