package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/portdesk/portdesk/httpapi"
	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/numbers/numberlist"
	"github.com/portdesk/portdesk/porting"
)

// checkMemoryLimit is the Go runtime's soft memory limit for `portdesk
// check` when GOMEMLIMIT does not set one. It is a safety net: the set of
// numbers seen stays about flat (numbers.SeenNumbers spills beyond
// 1,000,000 numbers to encrypted temporary files, and keeps its tables
// off the Go heap), so the heap holds little more than one batch.
const checkMemoryLimit = 192 << 20

// defaultCheckBatch is how many numbers `portdesk check` checks at once:
// enough for the checker to use every core, few enough to keep memory flat.
const defaultCheckBatch = 10_000

// portabilityChecker is the number checker of the server and of `portdesk
// check`: libphonenumber's range holders, no current-carrier lookup.
func portabilityChecker() *numbers.Checker {
	return &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}
}

// checkCommand is `portdesk check`: a number list checked offline, in
// batches, with the answers of POST /v1/portability-checks.
type checkCommand struct {
	file, output, format string
	region, carrier      string
	batch                int
	quiet                bool
	progressEvery        time.Duration
	stdin                io.Reader
	stdout, stderr       io.Writer
	stderrIsTerminal     bool
}

// checkTotals counts the answers written.
type checkTotals struct {
	numbers, portable, invalid, duplicates int
}

// runCheck parses the flags of `portdesk check` and runs it. Flags may
// come before or after FILE.
func runCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := checkCommand{stdin: stdin, stdout: stdout, stderr: stderr, stderrIsTerminal: isTerminal(stderr)}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.format, "format", "csv", "output format: csv (a header of the API's field names) or ndjson (the API's JSON objects, one a line)")
	fs.StringVar(&c.output, "o", "-", "output file; - is standard output")
	fs.StringVar(&c.region, "default-country", "US", "country of numbers written without a country code (ISO 3166 alpha-2), as the API's default_country")
	fs.StringVar(&c.carrier, "current-carrier", "", "the current carrier of every number whose row names none, as the API's current_carrier")
	fs.IntVar(&c.batch, "batch", defaultCheckBatch, "numbers checked at once")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress on standard error, only errors")
	fs.DurationVar(&c.progressEvery, "progress-every", 0, "how often progress is shown; 0: 5 times a second as a bar on a terminal, every 5s as lines otherwise")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: portdesk check [flags] FILE|-\n\nChecks the portability of every number of a CSV, XLSX or plain list, as POST /v1/portability-checks does, and writes one answer per number.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("check needs a FILE (- for standard input)")
	}
	c.file = fs.Arg(0)
	if err := parse(fs, fs.Args()[1:]); err != nil {
		return err
	}
	if c.format != "csv" && c.format != "ndjson" {
		return fmt.Errorf("--format %q: want csv or ndjson", c.format)
	}
	if c.batch < 1 {
		return fmt.Errorf("--batch %d: want at least 1", c.batch)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(checkMemoryLimit)
	}
	return c.run(ctx)
}

// run reads, checks and writes the whole list.
func (c *checkCommand) run(ctx context.Context) (err error) {
	in, size, closeIn, err := c.openInput()
	if err != nil {
		return err
	}
	defer closeIn()
	out, closeOut, err := c.openOutput()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closeOut(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", c.output, cerr)
		}
	}()
	counted := &countingReader{r: in}
	prog := c.newProgress(counted, size)
	defer prog.stop()

	w := newResultWriter(out, c.format)
	checker := portabilityChecker()
	opts := numbers.CheckOptions{DefaultRegion: c.region, CarrierHint: c.carrier}
	var seen numbers.SeenNumbers
	defer seen.Close()
	list := numberlist.NewReader(counted)
	defer list.Close()
	batch := make([]numbers.Entry, 0, c.batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results := checker.CheckEntries(batch, opts)
		if err := seen.MarkRepeats(results); err != nil {
			return err
		}
		if err := w.write(results, &prog.totals); err != nil {
			return fmt.Errorf("write %s: %w", c.output, err)
		}
		prog.checked(len(results))
		batch = batch[:0]
		return ctx.Err()
	}
	for {
		e, rerr := list.Next()
		if rerr != nil {
			if err := flush(); err != nil {
				return err
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			return c.inputError(rerr)
		}
		if batch = append(batch, e); len(batch) == c.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write %s: %w", c.output, err)
	}
	prog.done = true
	return nil
}

// inputError says which file could not be read and why; the reader's
// EINVALID messages name the line.
func (c *checkCommand) inputError(err error) error {
	if porting.ErrorCode(err) == porting.EINVALID {
		return fmt.Errorf("%s: %s", c.file, porting.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", c.file, err)
}

// openInput opens FILE, or standard input for -, and returns its size
// when known (0 otherwise).
func (c *checkCommand) openInput() (io.Reader, int64, func(), error) {
	if c.file == "-" {
		return c.stdin, 0, func() {}, nil
	}
	f, err := os.Open(c.file)
	if err != nil {
		return nil, 0, nil, err
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, func() { f.Close() }, nil
}

// openOutput opens -o, or standard output for -.
func (c *checkCommand) openOutput() (io.Writer, func() error, error) {
	if c.output == "-" {
		return c.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(c.output)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// resultWriter writes answers as CSV or NDJSON.
type resultWriter struct {
	buf    *bufio.Writer
	csv    *csv.Writer
	json   *json.Encoder
	header bool
}

func newResultWriter(w io.Writer, format string) *resultWriter {
	rw := &resultWriter{buf: bufio.NewWriterSize(w, 64<<10)}
	if format == "csv" {
		rw.csv = csv.NewWriter(rw.buf)
	} else {
		rw.json = json.NewEncoder(rw.buf)
		rw.json.SetEscapeHTML(false)
	}
	return rw
}

// write writes results and counts them into t.
func (w *resultWriter) write(results []numbers.Result, t *checkTotals) error {
	if w.csv != nil && !w.header {
		w.header = true
		if err := w.csv.Write(httpapi.CheckResultCSVHeader); err != nil {
			return err
		}
	}
	for _, r := range results {
		t.count(r)
		cr := httpapi.NewCheckResult(r)
		var err error
		if w.csv != nil {
			err = w.csv.Write(cr.CSVRecord())
		} else {
			err = w.json.Encode(cr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flush writes what is buffered, and the CSV header of an empty list.
func (w *resultWriter) flush() error {
	if w.csv != nil {
		if !w.header {
			w.header = true
			w.csv.Write(httpapi.CheckResultCSVHeader)
		}
		w.csv.Flush()
		if err := w.csv.Error(); err != nil {
			return err
		}
	}
	return w.buf.Flush()
}

// count adds one answer to the totals.
func (t *checkTotals) count(r numbers.Result) {
	t.numbers++
	switch {
	case r.Portable:
		t.portable++
	case !r.Valid:
		t.invalid++
	}
	for _, reason := range r.Reasons {
		if reason == porting.ReasonDuplicateInRequest {
			t.duplicates++
		}
	}
}
