package loa

import (
	"io"
	"testing"
)

// BenchmarkLOA renders the LOA documents of a 10,000-number order; the
// 10-number PDF, measured in the same run, is the baseline.
func BenchmarkLOA(b *testing.B) {
	large, small := usDocument(10_000), usDocument(10)
	cases := []struct {
		name   string
		render func(io.Writer, Document) error
		doc    Document
	}{
		{"pdf", RenderPDF, large},
		{"xlsx", RenderXLSX, large},
		{"csv", RenderCSV, large},
		{"pdf_10_numbers", RenderPDF, small},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.render(io.Discard, c.doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/order")
		})
	}
}
