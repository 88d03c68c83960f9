// Package numbers parses and classifies phone numbers (libphonenumber), looks
// up their carrier, decides whether portdesk can port them in, and groups the
// portable ones into the orders a request splits into. It is pure: no I/O
// beyond what a CarrierLookup does.
package numbers

import (
	"cmp"
	"strings"
	"sync"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// NonGeographic is the Country of numbers under a non-geographic calling
// code such as UIFN (+800); libphonenumber uses the UN M.49 code for World.
// The porting dataset has no rules for it, so such numbers are not portable.
const NonGeographic = "001"

// UnknownCarrier is the LosingCarrier of a valid number when neither a
// lookup nor the customer names a carrier.
const UnknownCarrier = "unknown"

// MaxInputLength is the longest input, after trimming spaces, that Check
// tries to parse; longer ones are invalid.
const MaxInputLength = 64

// Result is the portability verdict on one input.
type Result struct {
	// Input is the string as given.
	Input string
	// PhoneNumber is the number in E.164, or the trimmed input when invalid.
	PhoneNumber string
	// Valid reports whether the input is a valid phone number.
	Valid bool
	// Portable reports whether portdesk can port the number in: valid and
	// no Reasons.
	Portable bool
	// Country is the ISO 3166 alpha-2 code of the number, NonGeographic for
	// non-geographic calling codes, or "" when invalid.
	Country string
	// NumberType is libphonenumber's type in snake_case ("fixed_line",
	// "mobile", …); "unknown" when invalid.
	NumberType string
	// NumberKind is one of porting.NumberKinds, or "" for types that are
	// not ported.
	NumberKind porting.NumberKind
	// LosingCarrier is the carrier the number leaves, from the first that
	// names one: the Checker's Current lookup, the customer's answer for
	// this number (Entry.CurrentCarrier), the customer's answer for the
	// whole request (CheckOptions.CarrierHint), the range holder; else
	// UnknownCarrier. "" when invalid.
	LosingCarrier string
	// RangeHolder is the carrier the number's range was first assigned to
	// (the Checker's RangeHolder lookup), for information: a number ported
	// before is with another carrier now. "" when unknown or invalid.
	RangeHolder string
	// AccountNumber is the number's account at the losing carrier as the
	// customer gave it (Entry.AccountNumber); "" when not given or invalid.
	AccountNumber string
	// Reasons are the porting.Reason* codes that make the number not portable, in
	// the order the rules are checked.
	Reasons []string
}

// CheckOptions tune how Check reads the inputs.
type CheckOptions struct {
	// DefaultRegion is the ISO 3166 alpha-2 region used for numbers written
	// without a country code. Default "US".
	DefaultRegion string
	// CarrierHint is the customer's name for the current carrier of every
	// number, used for numbers whose Entry names none.
	CarrierHint string
}

// Entry is one number as the customer listed it, with what the customer
// knows about it.
type Entry struct {
	PhoneNumber    string `json:"phone_number" maxLength:"64" doc:"The number, in E.164 or a written form read by the input rules."`
	CurrentCarrier string `json:"current_carrier,omitempty" maxLength:"200" doc:"The carrier this number is with today, as the customer knows it (from the bill); wins over the request's current_carrier and the range holder."`
	AccountNumber  string `json:"account_number,omitempty" maxLength:"64" doc:"The number's account at that carrier. Orders are split by it and it prefills the order's LOA account number."`
}

// Checker checks the portability of numbers. The zero value is ready to
// use and resolves carriers from the customer's answers only.
type Checker struct {
	// Current names the carrier a number is with today, ported numbers
	// included (a number portability database or carrier exchange); nil
	// means none. Its answer wins over the customer's.
	Current CarrierLookup
	// RangeHolder names the carrier a number's range was first assigned to
	// (OriginalCarrierLookup); nil means none. It is reported as
	// Result.RangeHolder and is the losing carrier only when neither
	// Current nor the customer names one.
	RangeHolder CarrierLookup
}

// Check returns one Result per input, in input order. It never panics on
// any input; invalid inputs get porting.ReasonInvalidNumber.
func (c *Checker) Check(inputs []string, opts CheckOptions) []Result {
	return c.check(inputs, nil, opts)
}

// CheckEntries is Check for entries that may carry the customer's carrier
// and account number per number.
func (c *Checker) CheckEntries(entries []Entry, opts CheckOptions) []Result {
	inputs := make([]string, len(entries))
	for i, e := range entries {
		inputs[i] = e.PhoneNumber
	}
	return c.check(inputs, entries, opts)
}

// check checks inputs; entries is nil or holds the entry of each input.
func (c *Checker) check(inputs []string, entries []Entry, opts CheckOptions) []Result {
	region := strings.ToUpper(strings.TrimSpace(opts.DefaultRegion))
	if region == "" {
		region = "US"
	}
	hint := strings.TrimSpace(opts.CarrierHint)

	parsed := classifyAll(inputs, region)
	carriers := lookupCarriers(c.Current, c.RangeHolder, parsed.numbers)

	// Every result on its own, spread over the CPUs; then, in input order,
	// the duplicates.
	results := make([]Result, len(inputs))
	rules := countryVerdicts()
	parallelRange(len(inputs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &results[i]
			r.Input = inputs[i]
			u := parsed.index[i]
			if u < 0 || !parsed.numbers[u].valid {
				r.PhoneNumber = strings.TrimSpace(inputs[i])
				r.NumberType = typeUnknown
				r.Reasons = []string{porting.ReasonInvalidNumber}
				continue
			}
			n := &parsed.numbers[u]
			r.PhoneNumber = n.e164
			r.Valid = true
			r.Country = n.country
			r.NumberType = n.numberType
			r.NumberKind = n.kind
			looked := carriers[n.e164]
			r.RangeHolder = looked.rangeHolder
			answer := hint
			if entries != nil {
				r.AccountNumber = strings.TrimSpace(entries[i].AccountNumber)
				answer = cmp.Or(strings.TrimSpace(entries[i].CurrentCarrier), hint)
			}
			r.LosingCarrier = cmp.Or(looked.current, answer, looked.rangeHolder, UnknownCarrier)
			r.Reasons = portabilityReasons(n, rules)
		}
	})
	seen := make(map[string]bool, len(inputs))
	for i := range results {
		r := &results[i]
		if !r.Valid {
			continue
		}
		before := len(seen) // one hash of the number, not two
		if seen[r.PhoneNumber] = true; len(seen) == before {
			r.Reasons = append(r.Reasons, porting.ReasonDuplicateInRequest)
		}
		r.Portable = len(r.Reasons) == 0
	}
	return results
}

// countryVerdict is what country.Lookup says of one country.
type countryVerdict struct {
	rules country.Rules
	known bool
}

// countryVerdicts holds the verdict of every country of the dataset, which
// does not change while the process runs, by code; Check only reads it,
// from several goroutines. Codes it lacks are unknown to the dataset.
var countryVerdicts = sync.OnceValue(func() map[string]*countryVerdict {
	all := country.All()
	m := make(map[string]*countryVerdict, len(all))
	for _, r := range all {
		m[r.Code] = &countryVerdict{rules: r, known: true}
	}
	return m
})

// unknownCountry is the verdict on codes the dataset lacks.
var unknownCountry = &countryVerdict{}

// portabilityReasons applies the type, country, kind and range rules.
func portabilityReasons(n *classified, verdicts map[string]*countryVerdict) []string {
	var reasons []string
	if n.kind == "" {
		reasons = append(reasons, porting.ReasonNumberTypeNotSupported)
	}
	v := verdicts[n.country]
	if v == nil {
		v = unknownCountry
	}
	switch {
	case !v.known || !v.rules.Supported:
		reasons = append(reasons, porting.ReasonCountryNotSupported)
	case n.kind != "" && !v.rules.SupportsKind(string(n.kind)):
		reasons = append(reasons, porting.ReasonNumberKindNotSupportedInCountry)
	}
	if v.known && v.rules.InUnportableRange(n.nationalNumber) {
		reasons = append(reasons, porting.ReasonRangeNotPortable)
	}
	return reasons
}
