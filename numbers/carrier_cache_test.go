package numbers

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestCarrierLookupMatchesLibrary: the remembered carrier of a prefix is
// what the library answers for every number, looked up cold or from the
// cache, on example mobile and fixed numbers of every region with their
// last digits changed (many share a prefix, some do not).
func TestCarrierLookupMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 30))
	var e164s []string
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE, phonenumbers.PAGER} {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			base := phonenumbers.Format(ex, phonenumbers.E164)
			for range 20 {
				cut := len(base) - 1 - rng.IntN(min(6, len(base)-4))
				n := base[:cut]
				for len(n) < len(base) {
					n += fmt.Sprint(rng.IntN(10))
				}
				e164s = append(e164s, n)
			}
		}
	}
	named := 0
	for pass := range 2 {
		for _, e := range e164s {
			num, err := phonenumbers.Parse(e, "")
			if err != nil {
				continue
			}
			want, _ := phonenumbers.GetCarrierForNumber(num, "en")
			if got := (OriginalCarrierLookup{}).LookupCarrier(e, ""); got != want {
				t.Fatalf("pass %d: LookupCarrier(%s) = %q, library %q", pass, e, got, want)
			}
			if pass == 0 && want != "" {
				named++
			}
		}
	}
	if named < 500 {
		t.Fatalf("only %d of %d generated numbers have a carrier: the test exercises too little", named, len(e164s))
	}
}
