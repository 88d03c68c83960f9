package loa

import (
	"encoding/csv"
	"fmt"
	"io"
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

// RenderXLSX writes the LOA attachment as a workbook with one sheet,
// AttachmentSheet: a header row, then every number of the order. Cells are
// text, so spreadsheet programs keep the "+" of E.164 numbers.
func RenderXLSX(w io.Writer, d Document) (err error) {
	f := excelize.NewFile()
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
	sw, err := f.NewStreamWriter(AttachmentSheet)
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
	for i, row := range attachmentRows(d.Order) {
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
// number of the order. A text cell that a spreadsheet would run as a
// formula gets a leading apostrophe; the E.164 number column is written
// as is.
func RenderCSV(w io.Writer, d Document) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(attachmentHeader); err != nil {
		return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
	}
	for _, row := range attachmentRows(d.Order) {
		for i := 1; i < len(row); i++ {
			row[i] = defuseFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("loa: render CSV for order %s: %w", d.Order.ID, err)
	}
	return nil
}

// defuseFormula keeps spreadsheet programs from evaluating a cell.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
