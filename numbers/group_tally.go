package numbers

import (
	"cmp"
	"slices"

	"github.com/portdesk/portdesk/porting"
)

// GroupCount is a Group without its numbers: how many portable numbers
// would go into that order.
type GroupCount struct {
	Country       string
	LosingCarrier string
	NumberKind    porting.NumberKind
	AccountNumber string
	Count         int
}

// GroupTally counts the portable results of a list checked in batches by
// the groups GroupPortable would form over the whole list, keeping only
// one count per group. The zero value is ready to use.
type GroupTally struct {
	at     map[groupKey]int
	counts []GroupCount
}

type groupKey struct {
	country, carrier string
	kind             porting.NumberKind
	account          string
}

// Add counts the portable results of one batch.
func (t *GroupTally) Add(results []Result) {
	if t.at == nil {
		t.at = map[groupKey]int{}
	}
	for _, r := range results {
		if !r.Portable {
			continue
		}
		k := groupKey{r.Country, r.LosingCarrier, r.NumberKind, r.AccountNumber}
		i, ok := t.at[k]
		if !ok {
			i = len(t.counts)
			t.at[k] = i
			t.counts = append(t.counts, GroupCount{Country: k.country, LosingCarrier: k.carrier, NumberKind: k.kind, AccountNumber: k.account})
		}
		t.counts[i].Count++
	}
}

// Groups returns the counts in GroupPortable's order: by country, losing
// carrier, number kind and account number.
func (t *GroupTally) Groups() []GroupCount {
	out := slices.Clone(t.counts)
	slices.SortFunc(out, func(a, b GroupCount) int {
		return cmp.Or(
			cmp.Compare(a.Country, b.Country),
			cmp.Compare(a.LosingCarrier, b.LosingCarrier),
			cmp.Compare(a.NumberKind, b.NumberKind),
			cmp.Compare(a.AccountNumber, b.AccountNumber),
		)
	})
	return out
}
