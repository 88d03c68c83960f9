package workflow

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// bigOrderNumbers is how many numbers the big order of
// BenchmarkBigOrderWrites holds.
const bigOrderNumbers = 20_000

// nanpNumbers returns n distinct valid New York numbers (+1 212 2xx xxxx).
func nanpNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+1212%03d%04d", 200+i/10000, i%10000)
	}
	return out
}

// BenchmarkBigOrderWrites measures small writes on a request whose order
// holds one number ("small") and on one whose order holds 20,000 ("big"),
// in the same run: a customer's message on the request (which also gives
// the waiting order a fresh respond-by date, so it saves the order and
// records its event) and an LOA edit (PATCH of the order's LOA data).
// Each iteration does the write once on each order, timed apart; the
// metrics are the operations per second of each and their ratio
// (small/big, 1 when a write's cost does not depend on the order's size).
// SQLite always, PostgreSQL when PORTDESK_TEST_DATABASE_URL is set.
func BenchmarkBigOrderWrites(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))
			svc := New(Config{Store: e.OpenClock(b, clock), Clock: clock, Checker: &numbers.Checker{RangeHolder: numbers.OriginalCarrierLookup{}}})
			tb := setup(b, svc, clock)
			small := benchOrder(b, tb, nanpNumbers(1)[0:1])
			big := benchOrder(b, tb, nanpNumbers(bigOrderNumbers + 1)[1:])
			writes := []struct {
				name string
				fn   func(o *porting.PortOrder, i int) error
			}{
				{"message", func(o *porting.PortOrder, i int) error {
					_, err := svc.Requests.AddMessage(context.Background(), tb.premium, o.PortRequestID, fmt.Sprintf("message %d", i))
					return err
				}},
				{"loa_edit", func(o *porting.PortOrder, i int) error {
					data := porting.LOAData{EntityName: fmt.Sprintf("Premium Co %d", i), AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe"}}
					_, err := svc.Orders.UpdatePortOrder(context.Background(), tb.premium, o.ID, UpdatePortOrderParams{LOA: &data})
					return err
				}},
			}
			for _, w := range writes {
				b.Run(w.name, func(b *testing.B) {
					var smallTime, bigTime time.Duration
					for i := 0; b.Loop(); i++ {
						start := time.Now()
						if err := w.fn(small, i); err != nil {
							b.Fatal(err)
						}
						mid := time.Now()
						if err := w.fn(big, i); err != nil {
							b.Fatal(err)
						}
						smallTime += mid.Sub(start)
						bigTime += time.Since(mid)
					}
					smallOps := float64(b.N) / smallTime.Seconds()
					bigOps := float64(b.N) / bigTime.Seconds()
					b.ReportMetric(smallOps, "small_ops/s")
					b.ReportMetric(bigOps, "big_ops/s")
					b.ReportMetric(smallOps/bigOps, "small/big")
				})
			}
		})
	}
}

// benchOrder opens a request for nums (all one order) and approves its
// order, so it waits on the customer's LOA.
func benchOrder(b *testing.B, tb *testBundle, nums []string) *porting.PortOrder {
	b.Helper()
	ctx := context.Background()
	_, orders, err := tb.svc.Intake.CreatePortRequest(ctx, tb.premium, tb.premiumParams(nums...))
	if err != nil {
		b.Fatal(err)
	}
	if len(orders) != 1 {
		b.Fatalf("%d numbers made %d orders, want 1", len(nums), len(orders))
	}
	o, err := tb.svc.Orders.Act(ctx, spec, orders[0].ID, porting.ActionApprove, ActionInput{})
	if err != nil {
		b.Fatal(err)
	}
	return o
}
