package numbers

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkSeenNumbers marks the repeats of 4,000,000 numbers (a quarter
// of them repeats, many far apart) in batches of 10,000, first with every
// number in memory (the baseline: the set before it could spill), then
// held to 500,000 in memory so that it spills and merges runs, and
// reports both rates and their ratio:
// go test -run '^$' -bench SeenNumbers -benchtime 1x ./numbers/
func BenchmarkSeenNumbers(b *testing.B) {
	const n, batch = 4_000_000, 10_000
	run := func(inMemory int) (time.Duration, int) {
		s := &SeenNumbers{InMemory: inMemory, TempDir: b.TempDir()}
		defer s.Close()
		rnd := rand.New(rand.NewPCG(5, 6))
		results := make([]Result, batch)
		var spent time.Duration
		for done := 0; done < n; done += batch {
			for i := range results {
				results[i] = Result{PhoneNumber: fmt.Sprintf("+1%03d%07d", 200+rnd.IntN(4), rnd.IntN(n*3/4/4)), Valid: true}
			}
			start := time.Now()
			if err := s.MarkRepeats(results); err != nil {
				b.Fatal(err)
			}
			spent += time.Since(start)
		}
		return spent, s.Len()
	}
	var inMemory, spilling time.Duration
	for b.Loop() {
		t, distinct := run(n)
		inMemory += t
		t2, distinct2 := run(n / 8)
		spilling += t2
		if distinct != distinct2 {
			b.Fatalf("%d distinct numbers spilling, %d in memory", distinct2, distinct)
		}
	}
	memRate := float64(n*b.N) / inMemory.Seconds()
	spillRate := float64(n*b.N) / spilling.Seconds()
	b.ReportMetric(memRate, "in-memory-numbers/s")
	b.ReportMetric(spillRate, "spilling-numbers/s")
	b.ReportMetric(spillRate/memRate, "ratio")
}
