package numberlist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/portdesk/portdesk/porting"
)

// sniffLength is how much of the input is looked at to find its format
// and, for text, its delimiter.
const sniffLength = 8 << 10

// open finds the format of in from its first bytes and returns the source
// of its rows.
func open(in io.Reader) (rowSource, Format, error) {
	br := newBufferedReader(in)
	head, err := br.Peek(sniffLength)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", fmt.Errorf("numberlist: read: %w", err)
	}
	truncated := len(head) == sniffLength
	switch {
	case len(head) == 0:
		return emptySource{}, FormatPlain, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}), utf16Like(head):
		return nil, "", unreadable("the file is UTF-16 text; save the list as UTF-8 (CSV UTF-8 in Excel)")
	}
	m := mimetype.Detect(head)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		src, err := openXLSX(br, m)
		return src, FormatXLSX, err
	case m.Is("application/vnd.ms-excel"), m.Is("application/x-ole-storage"):
		return nil, "", unreadable("the file is a legacy Excel workbook (.xls); save it as XLSX or CSV")
	case isText(m) && !textHead(head, truncated):
		return nil, "", unreadable(fmt.Sprintf("the file is %s, not UTF-8 text, or holds control characters; save the list as UTF-8 (CSV UTF-8 in Excel)", m.String()))
	case !isText(m):
		return nil, "", unreadable(fmt.Sprintf("the file is %s, not a number list; send CSV, XLSX or one number per line", m.String()))
	}
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		br.Discard(3) // the UTF-8 byte order mark Excel writes
		head = head[3:]
	}
	if d, ok := sniffDelimiter(head, truncated); ok {
		return newCSVSource(br, d), FormatCSV, nil
	}
	return newPlainSource(br), FormatPlain, nil
}

// unreadable is the error of an input that is no number list.
func unreadable(msg string) error {
	return porting.Errorf(porting.EINVALID, "%s", msg)
}

// isText reports whether m is text/plain or one of its kinds (CSV, HTML,
// JSON, …): mimetype's tree roots every text format there.
func isText(m *mimetype.MIME) bool {
	for ; m != nil; m = m.Parent() {
		if m.Is("text/plain") {
			return true
		}
	}
	return false
}

// textHead reports whether head is UTF-8 text without NUL or control
// characters other than tab, CR and LF; when truncated, a rune cut at the
// end is allowed.
func textHead(head []byte, truncated bool) bool {
	if truncated {
		for i := 0; i < utf8.UTFMax && len(head) > 0 && !utf8.Valid(head); i++ {
			head = head[:len(head)-1]
		}
	}
	if !utf8.Valid(head) {
		return false
	}
	return !bytes.ContainsFunc(head, isControl)
}

// utf16Like reports UTF-16 text without a byte order mark: a NUL in every
// other byte of the first ones.
func utf16Like(head []byte) bool {
	n := min(len(head), 64) &^ 1
	if n < 4 {
		return false
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	return even == n/2 && odd == 0 || odd == n/2 && even == 0
}

// sniffDelimiter picks the CSV delimiter (comma, semicolon or tab) that
// the complete lines of head use outside quotes: the one found on most
// lines, the first line counting for ties. No delimiter means a plain list.
func sniffDelimiter(head []byte, truncated bool) (rune, bool) {
	lines := bytes.Split(head, []byte("\n"))
	if truncated && len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	delims := []byte{',', ';', '\t'}
	var onLines [3]int
	var first [3]int
	firstSeen := false
	for _, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		counts := countOutsideQuotes(l, delims)
		for i, c := range counts {
			if c > 0 {
				onLines[i]++
			}
		}
		if !firstSeen {
			first, firstSeen = counts, true
		}
	}
	best := -1
	for i := range delims {
		if onLines[i] == 0 {
			continue
		}
		if best < 0 || onLines[i] > onLines[best] || onLines[i] == onLines[best] && first[i] > first[best] {
			best = i
		}
	}
	if best < 0 {
		return 0, false
	}
	return rune(delims[best]), true
}

// countOutsideQuotes counts each of delims in line outside double quotes.
func countOutsideQuotes(line, delims []byte) [3]int {
	var counts [3]int
	quoted := false
	for _, c := range line {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if i := bytes.IndexByte(delims, c); i >= 0 {
			counts[i]++
		}
	}
	return counts
}

// emptySource is the source of an empty input.
type emptySource struct{}

func (emptySource) next() ([]string, int, error) { return nil, 0, io.EOF }
func (emptySource) close() error                 { return nil }
