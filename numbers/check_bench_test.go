package numbers

import "testing"

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
