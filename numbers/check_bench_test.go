package numbers

import (
	"reflect"
	"testing"
	"time"
)

// BenchmarkPortability compares the naive reference (one pass of
// libphonenumber calls per number) with Checker.Check on the same 100,000
// generated inputs.
func BenchmarkPortability(b *testing.B) {
	const n = 100_000
	inputs := generateInputs(n)
	opts := CheckOptions{DefaultRegion: "US", CarrierHint: "Acme Telecom"}
	b.Run("naive", func(b *testing.B) {
		for b.Loop() {
			naiveCheck(inputs, opts)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "numbers/s")
	})
	b.Run("checker", func(b *testing.B) {
		c := &Checker{RangeHolder: OriginalCarrierLookup{}}
		for b.Loop() {
			c.Check(inputs, opts)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "numbers/s")
	})
}

// BenchmarkClassifyGroup measures, in one run over the same 100,000
// generated inputs, the naive library loop (Parse, type, region and E.164
// per number, then GroupPortable) and the checker on the compiled tables
// (Check without carrier lookups, then GroupPortable), and reports both
// rates and their ratio. The naive loop runs once, after a warm-up on a
// tenth of the inputs, before the timed loop:
//
//	go test -run '^$' -bench ClassifyGroup -cpu 1,2 ./numbers/
func BenchmarkClassifyGroup(b *testing.B) {
	const n = 100_000
	inputs := generateInputs(n)
	opts := CheckOptions{DefaultRegion: "US", CarrierHint: "Acme Telecom"}
	naiveCheckLookup(inputs[:n/10], opts, false) // the library's regexp cache
	start := time.Now()
	want := GroupPortable(naiveCheckLookup(inputs, opts, false))
	naive := float64(n) / time.Since(start).Seconds()
	c := &Checker{}
	if got := GroupPortable(c.Check(inputs, opts)); !reflect.DeepEqual(got, want) {
		b.Fatal("the checker's groups differ from the naive loop's")
	}
	for b.Loop() {
		GroupPortable(c.Check(inputs, opts))
	}
	compiled := float64(n*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(naive, "naive-numbers/s")
	b.ReportMetric(compiled, "numbers/s")
	b.ReportMetric(compiled/naive, "x-naive")
}
