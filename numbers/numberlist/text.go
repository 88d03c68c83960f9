package numberlist

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// errRowTooLong is what rowLimit returns when a row runs over MaxRowLength.
var errRowTooLong = errors.New("row too long")

// rowLimit passes reads through until more than MaxRowLength bytes were
// read since the last reset, so that encoding/csv, which reads a record
// whole, never holds more. It counts bytes read ahead too, so a row may
// fail a buffer (4 KiB) short of the bound.
type rowLimit struct {
	r io.Reader
	n int
}

func (l *rowLimit) Read(p []byte) (int, error) {
	if l.n > MaxRowLength {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// csvSource reads the records of a CSV.
type csvSource struct {
	limit *rowLimit
	csv   *csv.Reader
	line  int
}

func newCSVSource(r io.Reader, delim rune) *csvSource {
	l := &rowLimit{r: r}
	c := csv.NewReader(l)
	c.Comma, c.FieldsPerRecord, c.LazyQuotes, c.ReuseRecord = delim, -1, true, true
	return &csvSource{limit: l, csv: c}
}

func (s *csvSource) next() ([]string, int, error) {
	s.limit.n = 0
	rec, err := s.csv.Read()
	switch {
	case err == nil:
		s.line, _ = s.csv.FieldPos(0)
		return rec, s.line, nil
	case errors.Is(err, io.EOF):
		return nil, 0, io.EOF
	case errors.Is(err, errRowTooLong):
		return nil, s.line + 1, porting.Errorf(porting.EINVALID,
			"line %d: the row runs over %d bytes (an unclosed quote?)", s.line+1, MaxRowLength)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.StartLine, porting.Errorf(porting.EINVALID, "line %d: %v", pe.StartLine, pe.Err)
	}
	return nil, s.line + 1, fmt.Errorf("numberlist: read after line %d: %w", s.line, err)
}

func (s *csvSource) close() error { return nil }

// plainSource reads a plain list, one number per line. A number may be
// wrapped in double quotes, as a one-column CSV writes it.
type plainSource struct {
	r    *bufio.Reader
	line int
}

func newPlainSource(r *bufio.Reader) *plainSource { return &plainSource{r: r} }

func (s *plainSource) next() ([]string, int, error) {
	b, err := s.r.ReadSlice('\n')
	if len(b) == 0 && errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	s.line++
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, s.line, porting.Errorf(porting.EINVALID, "line %d: the line runs over %d bytes", s.line, MaxRowLength)
	case err != nil && !errors.Is(err, io.EOF):
		return nil, s.line, fmt.Errorf("numberlist: read line %d: %w", s.line, err)
	}
	cell := string(bytes.TrimSpace(b))
	if len(cell) >= 2 && cell[0] == '"' && cell[len(cell)-1] == '"' {
		cell = strings.ReplaceAll(cell[1:len(cell)-1], `""`, `"`)
	}
	return []string{cell}, s.line, nil
}

func (s *plainSource) close() error { return nil }
