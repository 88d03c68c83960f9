package numbers

import (
	"cmp"
	"slices"

	"github.com/portdesk/portdesk/porting"
)

// MarkInUse adds a reason to, and clears Portable on, every valid result
// whose E.164 number is in inUse (the numbers of active port orders, which
// the caller reads from the store), mapped to that reason:
// porting.ReasonAlreadyOnActiveOrder, or porting.ReasonNotPortableNow where
// the caller may not learn of the order. It edits results in place.
func MarkInUse(results []Result, inUse map[string]string) {
	for i := range results {
		r := &results[i]
		reason := inUse[r.PhoneNumber]
		if !r.Valid || reason == "" || slices.Contains(r.Reasons, reason) {
			continue
		}
		r.Reasons = append(r.Reasons, reason)
		r.Portable = false
	}
}

// Group is the set of portable numbers that go into one port order: one
// country, one losing carrier, one number kind, one account number at that
// carrier (possibly none given).
type Group struct {
	// Country is the ISO 3166 alpha-2 code shared by the numbers.
	Country string
	// LosingCarrier is the carrier the numbers leave.
	LosingCarrier string
	// NumberKind is one of porting.NumberKinds.
	NumberKind porting.NumberKind
	// AccountNumber is the customer's account at the losing carrier, "" when
	// not given.
	AccountNumber string
	// PhoneNumbers are E.164 numbers in input order.
	PhoneNumbers []string
}

// GroupPortable splits the portable results into one Group per (country,
// losing carrier, number kind, account number), sorted by those four
// fields in that order: one LOA names one carrier and one account. Results
// that are not portable are left out.
func GroupPortable(results []Result) []Group {
	type key struct {
		country, carrier string
		kind             porting.NumberKind
		account          string
	}
	at := map[key]int{}
	var groups []Group
	last, lastAt := key{}, -1 // neighbours mostly share a group: skip the hash
	for i := range results {
		r := &results[i]
		if !r.Portable {
			continue
		}
		k := key{r.Country, r.LosingCarrier, r.NumberKind, r.AccountNumber}
		g := lastAt
		if g < 0 || k != last {
			var ok bool
			if g, ok = at[k]; !ok {
				g = len(groups)
				at[k] = g
				groups = append(groups, Group{Country: k.country, LosingCarrier: k.carrier, NumberKind: k.kind, AccountNumber: k.account})
			}
			last, lastAt = k, g
		}
		groups[g].PhoneNumbers = append(groups[g].PhoneNumbers, r.PhoneNumber)
	}
	slices.SortFunc(groups, func(a, b Group) int {
		return cmp.Or(
			cmp.Compare(a.Country, b.Country),
			cmp.Compare(a.LosingCarrier, b.LosingCarrier),
			cmp.Compare(a.NumberKind, b.NumberKind),
			cmp.Compare(a.AccountNumber, b.AccountNumber),
		)
	})
	return groups
}
