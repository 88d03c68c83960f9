package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCheckProgressBar draws the terminal bar halfway through a file of
// known size and the plain line of a pipe.
func TestCheckProgressBar(t *testing.T) {
	for _, bar := range []bool{true, false} {
		var out bytes.Buffer
		read := &countingReader{}
		read.n.Store(500)
		start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		p := &checkProgress{w: &out, bar: bar, size: 1000, read: read, start: start,
			now: func() time.Time { return start.Add(10 * time.Second) }}
		p.count.Store(1_234_567)
		p.draw()
		got := out.String()
		for _, want := range []string{" 50%", "1,234,567 numbers", "123,456/s", "ETA 10s"} {
			if !strings.Contains(got, want) {
				t.Errorf("bar %v: %q lacks %q", bar, got, want)
			}
		}
		if drawn := strings.HasPrefix(got, "\r["+strings.Repeat("=", barWidth/2)+strings.Repeat(" ", barWidth/2)+"]"); drawn != bar {
			t.Errorf("bar %v: %q", bar, got)
		}
		if strings.HasSuffix(got, "\n") == bar {
			t.Errorf("bar %v: %q ends a line", bar, got)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
