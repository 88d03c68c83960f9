package loa

import (
	"io"
	"testing"
)

// BenchmarkLOA renders the LOA documents of a 10,000-number order and the
// attachments of a 100,000-number one (issue 14: ≤ 0.3 s); the 10-number
// attachments and PDF, measured in the same run, are the baseline.
//
//	go test -run '^$' -bench LOA -benchtime 5x ./loa/
func BenchmarkLOA(b *testing.B) {
	large, small, huge := usDocument(10_000), usDocument(10), bigDocument(100_000)
	cases := []struct {
		name   string
		render func(io.Writer, Document) error
		doc    Document
	}{
		{"pdf", RenderPDF, large},
		{"xlsx", RenderXLSX, large},
		{"csv", RenderCSV, large},
		{"xlsx_100000_numbers", RenderXLSX, huge},
		{"csv_100000_numbers", RenderCSV, huge},
		{"xlsx_10_numbers", RenderXLSX, small},
		{"csv_10_numbers", RenderCSV, small},
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
