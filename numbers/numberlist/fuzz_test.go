package numberlist

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/portdesk/portdesk/porting"
)

// FuzzReader checks that any input yields entries within the bounds, on
// lines that only move forward, or an EINVALID error; never a panic.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"", "2125550100\n", "number,carrier\n2125550100,x\n", "a;b\n\"c;d\";e\n", "tn\tcarrier\n1\t2\n",
		"\xEF\xBB\xBFphone\n+1\n", "\"unclosed\n1\n2\n", "%PDF-1.4\n", "PK\x03\x04", "\xFF\xFE1\x00",
	} {
		f.Add([]byte(s))
	}
	wb := excelize.NewFile()
	wb.SetCellValue("Sheet1", "A1", "phone")
	wb.SetCellValue("Sheet1", "A2", "2125550100")
	var buf bytes.Buffer
	wb.Write(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		defer r.Close()
		tm := time.AfterFunc(30*time.Second, func() { panic("numberlist: one input read for 30 s") })
		defer tm.Stop()
		last := 0
		for i := 0; ; i++ {
			e, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if porting.ErrorCode(err) != porting.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				return
			}
			if i > len(in) {
				t.Fatalf("%d entries from %d bytes", i, len(in))
			}
			for _, c := range []string{e.PhoneNumber, e.CurrentCarrier, e.AccountNumber} {
				if len(c) > MaxCellLength || !utf8.ValidString(c) {
					t.Fatalf("cell %q out of bounds", c)
				}
			}
			if e.PhoneNumber == "" && e.CurrentCarrier == "" && e.AccountNumber == "" && !r.Header() {
				t.Fatalf("blank entry on line %d", r.Line())
			}
			if r.Line() <= last && r.Format() != FormatXLSX || r.Line() < last {
				t.Fatalf("line %d after line %d", r.Line(), last)
			}
			last = r.Line()
		}
	})
}

// numberLines is an endless plain list: "number,carrier" then n rows.
type numberLines struct {
	n, i int
	buf  []byte
}

func (g *numberLines) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i <= g.n {
		if g.i == 0 {
			g.buf = append(g.buf, "number,carrier\n"...)
		} else {
			g.buf = strconv.AppendInt(g.buf, 2125550000+int64(g.i), 10)
			g.buf = append(g.buf, ",Old Telco\n"...)
		}
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

// TestReaderMemoryFlat reads 2,000,000 rows (50 MB) and an unclosed quote
// followed by 50 MB, and checks that the heap stays small throughout.
func TestReaderMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 MB")
	}
	const rows = 2_000_000
	const maxHeap = 16 << 20
	peak := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	r := NewReader(&numberLines{n: rows})
	var high uint64
	for i := 0; ; i++ {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			if i != rows {
				t.Fatalf("read %d rows, want %d", i, rows)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%200_000 == 0 {
			high = max(high, peak())
		}
	}
	if high > maxHeap {
		t.Errorf("heap reached %d bytes reading %d rows, want under %d", high, rows, maxHeap)
	}
	t.Logf("heap peak %.1f MiB over %d rows", float64(high)/(1<<20), rows)

	unclosed := io.MultiReader(bytes.NewReader([]byte("number,carrier\n2125550100,\"x\n")), &numberLines{n: rows})
	before := peak()
	r = NewReader(unclosed)
	_, err := r.Next()
	if porting.ErrorCode(err) != porting.EINVALID {
		t.Fatalf("unclosed quote: err = %v, want EINVALID", err)
	}
	if after := peak(); after > before+maxHeap {
		t.Errorf("unclosed quote: heap grew from %d to %d bytes", before, after)
	}
}
