// Package numberlist reads the number lists customers send (CSV, XLSX or
// plain lists of one number per line) as a stream of numbers.Entry, so
// that a list of any size is read in bounded memory. The format is found
// from the content, never from a file name.
package numberlist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// Bounds of what a Reader accepts. They keep memory bounded whatever the
// input: a row is read whole before its cells are looked at.
const (
	// MaxCellLength is the longest cell, in bytes; a longer one is an
	// error naming its line. A phone number takes at most 64.
	MaxCellLength = 1024
	// MaxRowLength is the longest row of a CSV or line of a plain list,
	// in bytes, line breaks inside quotes included; a longer one (an
	// unclosed quote, a file without line breaks) is an error.
	MaxRowLength = 64 << 10
	// MaxXLSXSize is the largest XLSX file read, in bytes. A workbook is a
	// zip archive, which is read with random access, so it is held in
	// memory whole; bigger lists must come as CSV, which is streamed.
	MaxXLSXSize = 64 << 20
	// MaxXLSXInflated bounds what an XLSX may inflate to, in bytes; it is
	// held in memory (a million one-number rows take about 80 MiB).
	MaxXLSXInflated = 128 << 20
)

// Format is the kind of list a Reader found.
type Format string

// The formats a Reader reads.
const (
	FormatCSV   Format = "csv"
	FormatPlain Format = "plain"
	FormatXLSX  Format = "xlsx"
)

// rowSource yields the rows of a list, each with the line (CSV, plain) or
// row (XLSX) it starts on; io.EOF at the end.
type rowSource interface {
	next() (cells []string, line int, err error)
	close() error
}

// Reader reads entries from a number list. Create it with NewReader.
type Reader struct {
	in      io.Reader
	src     rowSource
	format  Format
	line    int
	started bool
	header  bool
	columns columns
	err     error
}

// columns are the indexes of the recognised columns; -1 when absent.
type columns struct {
	number, carrier, account int
}

// NewReader returns a Reader of the list in r. Nothing is read until the
// first call to Next.
func NewReader(r io.Reader) *Reader {
	return &Reader{in: r, columns: columns{-1, -1, -1}}
}

// Format returns the format found in the content; "" before the first
// call to Next or when the input is unreadable.
func (r *Reader) Format() Format { return r.format }

// Line returns the line (CSV, plain list) or row (XLSX), counted from 1,
// on which the entry last returned by Next starts, or where the last error
// was found.
func (r *Reader) Line() int { return r.line }

// Header reports whether the list starts with a header row naming its
// columns; it is known once Next returned the first entry.
func (r *Reader) Header() bool { return r.header }

// Next returns the next entry of the list, skipping blank rows and the
// header row, and io.EOF after the last. An input that is no number list
// (binary, legacy .xls, PDF, UTF-16 text, a broken zip) and a bad row (a
// cell over MaxCellLength, a row over MaxRowLength, text that is not
// UTF-8) are *porting.Error of code EINVALID whose message names the
// line; errors of the underlying reader are returned wrapped. After an
// error, Next returns it again.
func (r *Reader) Next() (numbers.Entry, error) {
	if r.err != nil {
		return numbers.Entry{}, r.err
	}
	e, err := r.next()
	if err != nil {
		r.err = err
		r.Close()
	}
	return e, err
}

// Close releases what the reader holds (an XLSX workbook's temporary
// files). It does not close the underlying reader. Next closes the reader
// itself when it returns an error or io.EOF.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if r.err == nil {
		r.err = errors.New("numberlist: reader closed")
	}
	return err
}

func (r *Reader) next() (numbers.Entry, error) {
	if !r.started {
		r.started = true
		src, format, err := open(r.in)
		if err != nil {
			return numbers.Entry{}, err
		}
		r.src, r.format = src, format
	}
	for {
		cells, line, err := r.src.next()
		if line > 0 {
			r.line = line
		}
		if err != nil {
			return numbers.Entry{}, err
		}
		if err := r.checkCells(cells); err != nil {
			return numbers.Entry{}, err
		}
		if blank(cells) {
			continue
		}
		if !r.header && r.columns.number < 0 {
			if cols, ok := recogniseHeader(cells); ok {
				r.header, r.columns = true, cols
				continue
			}
			r.columns.number = -2 // no header: the first non-empty cell
		}
		return r.entry(cells), nil
	}
}

// entry maps a row's cells to an Entry by the columns found.
func (r *Reader) entry(cells []string) numbers.Entry {
	cell := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	if r.columns.number == -2 {
		for _, c := range cells {
			if c = strings.TrimSpace(c); c != "" {
				return numbers.Entry{PhoneNumber: c}
			}
		}
	}
	return numbers.Entry{
		PhoneNumber:    cell(r.columns.number),
		CurrentCarrier: cell(r.columns.carrier),
		AccountNumber:  cell(r.columns.account),
	}
}

// checkCells refuses cells over MaxCellLength and cells that are not
// UTF-8 text (binary after a textual start).
func (r *Reader) checkCells(cells []string) error {
	for i, c := range cells {
		if len(c) > MaxCellLength {
			return r.lineErrorf("cell %d is %d bytes long; a cell holds at most %d", i+1, len(c), MaxCellLength)
		}
		if !utf8.ValidString(c) {
			return r.lineErrorf("cell %d is not UTF-8 text; save the list as UTF-8", i+1)
		}
		if strings.ContainsFunc(c, isControl) {
			return r.lineErrorf("cell %d holds control characters; the list is not text", i+1)
		}
	}
	return nil
}

// lineErrorf returns an EINVALID error about the current line or row.
func (r *Reader) lineErrorf(format string, args ...any) error {
	return porting.Errorf(porting.EINVALID, "%s %d: %s", r.unit(), r.line, fmt.Sprintf(format, args...))
}

// unit is what the reader's positions count: rows of a sheet, lines of text.
func (r *Reader) unit() string {
	if r.format == FormatXLSX {
		return "row"
	}
	return "line"
}

// blank reports whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// isControl reports control characters other than tab, CR and LF.
func isControl(c rune) bool {
	return (c < ' ' && c != '\t' && c != '\r' && c != '\n') || c == 0x7f
}

// newBufferedReader returns r buffered enough to sniff its start.
func newBufferedReader(r io.Reader) *bufio.Reader {
	return bufio.NewReaderSize(r, MaxRowLength)
}
