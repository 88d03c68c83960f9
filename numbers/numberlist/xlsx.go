package numberlist

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"github.com/xuri/excelize/v2"

	"github.com/portdesk/portdesk/porting"
)

// xlsxSource reads the rows of a workbook's first sheet.
type xlsxSource struct {
	file *excelize.File
	rows *excelize.Rows
	row  int
}

// openXLSX reads a workbook of at most MaxXLSXSize bytes and opens the
// rows of its first sheet. m is what the zip archive's start looks like.
func openXLSX(r io.Reader, m *mimetype.MIME) (*xlsxSource, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxXLSXSize+1))
	if err != nil {
		return nil, fmt.Errorf("numberlist: read: %w", err)
	}
	if len(b) > MaxXLSXSize {
		return nil, unreadable(fmt.Sprintf("the XLSX file is over %d MiB, the most read (a workbook is read whole); save the list as CSV, which is read as a stream", MaxXLSXSize>>20))
	}
	// Parts up to MaxXLSXInflated stay in memory: by default excelize
	// unzips a sheet or string table over 16 MiB to a temporary file,
	// which would leave the customer's numbers on disk unencrypted.
	if err := checkXLSXParts(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxXLSXInflated, UnzipXMLSizeLimit: MaxXLSXInflated})
	if err != nil {
		return nil, porting.Errorf(porting.EINVALID, "the file is a zip archive (%s) but no readable XLSX workbook: %v", m, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, unreadable("the XLSX workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, porting.Errorf(porting.EINVALID, "the XLSX sheet %q cannot be read: %v", sheets[0], err)
	}
	return &xlsxSource{file: f, rows: rows}, nil
}

func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, s.row + 1, porting.Errorf(porting.EINVALID, "row %d: the sheet cannot be read: %v", s.row+1, err)
		}
		return nil, 0, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, s.row, porting.Errorf(porting.EINVALID, "row %d: the sheet cannot be read: %v", s.row, err)
	}
	return cells, s.row, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// MaxXLSXTableSize bounds the parts excelize reads whole into structures
// before the first row (the shared strings, styles and workbook), in bytes
// as unzipped: a few hundred kilobytes of zip could otherwise inflate to
// millions of strings and gigabytes of memory. A list of 100,000 distinct
// numbers as shared strings takes about 3 MiB.
const MaxXLSXTableSize = 32 << 20

// checkXLSXParts refuses a workbook whose parts, as the zip directory
// declares them, inflate beyond the bounds. The directory's sizes are what
// excelize reads by, and a part that inflates to more than it declares
// fails to read.
func checkXLSXParts(b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return unreadable("the file is no readable XLSX workbook (a broken zip archive)")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(f.Name)
		whole := !strings.HasPrefix(name, "xl/worksheets/")
		if total > MaxXLSXInflated || (whole && f.UncompressedSize64 > MaxXLSXTableSize) {
			return unreadable(fmt.Sprintf("the XLSX workbook inflates beyond what is read (%d MiB in all, %d MiB for its string table); save the list as CSV", MaxXLSXInflated>>20, MaxXLSXTableSize>>20))
		}
	}
	return nil
}
