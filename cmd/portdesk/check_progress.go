package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Progress of `portdesk check` on standard error: a bar redrawn in place
// when it is a terminal, a line every few seconds otherwise (a log, a CI
// job), and a summary at the end.
const (
	barEvery   = 200 * time.Millisecond
	linesEvery = 5 * time.Second
	barWidth   = 30
)

// countingReader counts the bytes read through it; safe to read from
// another goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// checkProgress shows how far a check is. checked is called by the
// checking goroutine; a ticker goroutine draws.
type checkProgress struct {
	w     io.Writer
	bar   bool
	quiet bool
	size  int64
	read  *countingReader
	count atomic.Int64
	start time.Time
	// now reads the wall clock (rate and ETA are wall time); nil is
	// time.Now.
	now     func() time.Time
	totals  checkTotals // the checking goroutine's
	done    bool        // the whole list was checked
	quit    chan struct{}
	stopped chan struct{}
}

func (c *checkCommand) newProgress(read *countingReader, size int64) *checkProgress {
	p := &checkProgress{w: c.stderr, bar: c.stderrIsTerminal, quiet: c.quiet, size: size, read: read,
		start: time.Now(), quit: make(chan struct{}), stopped: make(chan struct{})}
	every := c.progressEvery
	if every <= 0 {
		every = linesEvery
		if p.bar {
			every = barEvery
		}
	}
	go func() {
		defer close(p.stopped)
		if p.quiet {
			<-p.quit
			return
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

// checked counts n more numbers checked.
func (p *checkProgress) checked(n int) { p.count.Add(int64(n)) }

// stop ends the drawing and writes the summary of a finished check.
func (p *checkProgress) stop() {
	close(p.quit)
	<-p.stopped
	if p.quiet {
		return
	}
	if p.bar {
		p.draw()
		fmt.Fprintln(p.w)
	}
	if !p.done {
		return
	}
	t, elapsed := p.totals, p.elapsed()
	fmt.Fprintf(p.w, "portdesk check: %s numbers checked in %s (%s/s): %s portable, %s invalid, %s duplicates\n",
		thousands(int64(t.numbers)), elapsed.Round(time.Millisecond), thousands(rate(int64(t.numbers), elapsed)),
		thousands(int64(t.portable)), thousands(int64(t.invalid)), thousands(int64(t.duplicates)))
}

// elapsed is the wall time since the check started.
func (p *checkProgress) elapsed() time.Duration {
	if p.now == nil {
		return time.Since(p.start)
	}
	return p.now().Sub(p.start)
}

// draw writes the bar or a progress line.
func (p *checkProgress) draw() {
	n, read, elapsed := p.count.Load(), p.read.n.Load(), p.elapsed()
	var share string
	var frac float64
	if p.size > 0 {
		frac = min(float64(read)/float64(p.size), 1)
		share = fmt.Sprintf(" %3.0f%%", 100*frac)
	}
	eta := ""
	if p.size > 0 && read > 0 && frac < 1 {
		left := time.Duration(float64(elapsed) * (float64(p.size-read) / float64(read)))
		eta = " ETA " + left.Round(time.Second).String()
	}
	if p.bar {
		bar := ""
		if p.size > 0 {
			full := int(frac * barWidth)
			bar = "[" + strings.Repeat("=", full) + strings.Repeat(" ", barWidth-full) + "]"
		}
		fmt.Fprintf(p.w, "\r%s%s %s numbers  %s/s%s\033[K", bar, share, thousands(n), thousands(rate(n, elapsed)), eta)
		return
	}
	fmt.Fprintf(p.w, "portdesk check: %s numbers,%s %s/s%s\n", thousands(n), share, thousands(rate(n, elapsed)), eta)
}

// rate is n per second over d.
func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// isTerminal reports whether w is a terminal (a character device other
// than the null device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
