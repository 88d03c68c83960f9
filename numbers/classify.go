package numbers

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"

	"github.com/portdesk/portdesk/porting"
)

// typeUnknown is the NumberType of invalid numbers.
const typeUnknown = "unknown"

// typeNames maps libphonenumber's types to the snake_case vocabulary.
var typeNames = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
	phonenumbers.UNKNOWN:              typeUnknown,
}

// kindOfType maps a number type to the kind of port it needs; types not
// listed are not ported.
var kindOfType = map[phonenumbers.PhoneNumberType]porting.NumberKind{
	phonenumbers.FIXED_LINE:           porting.KindDID,
	phonenumbers.MOBILE:               porting.KindDID,
	phonenumbers.FIXED_LINE_OR_MOBILE: porting.KindDID,
	phonenumbers.VOIP:                 porting.KindDID,
	phonenumbers.UAN:                  porting.KindDID,
	phonenumbers.PERSONAL_NUMBER:      porting.KindDID,
	phonenumbers.TOLL_FREE:            porting.KindTollFree,
	phonenumbers.SHARED_COST:          porting.KindSharedCost,
}

// classified is what libphonenumber says about one distinct input.
type classified struct {
	valid          bool
	e164           string
	country        string
	numberType     string
	kind           porting.NumberKind
	nationalNumber string
}

// parsedInputs maps every input to its classified number.
type parsedInputs struct {
	index   []int // per input: position in numbers, or -1 when unreadable
	numbers []classified
}

// classifyAll normalizes and classifies every input, spreading the work
// over the available CPUs. The compiled metadata tables answer the
// canonical forms, each input on its own (cheaper than finding its
// repeats); the library parses the rest, each distinct normalized form
// once.
func classifyAll(inputs []string, region string) parsedInputs {
	p := parsedInputs{index: make([]int, len(inputs)), numbers: make([]classified, len(inputs))}
	keys := make([]string, len(inputs)) // normalized forms left to the library
	compiled := newCompiledClassifier(region)
	parallel(len(inputs), func(i int) {
		key, ok := normalizeInput(inputs[i])
		if !ok {
			p.index[i] = -1
			return
		}
		p.index[i] = i
		if c, ok := compiled.classify(key); ok {
			p.numbers[i] = c
		} else {
			keys[i] = key
		}
	})
	var slow []int // inputs whose key is parsed, first of each key
	first := map[string]int{}
	for i, key := range keys {
		if key == "" {
			continue
		}
		if u, dup := first[key]; dup {
			p.index[i] = u
			continue
		}
		first[key] = i
		slow = append(slow, i)
	}
	parallel(len(slow), func(j int) {
		i := slow[j]
		p.numbers[i] = classify(keys[i], region)
	})
	return p
}

// classify parses one normalized input. libphonenumber's IsValidNumber is
// "the type in the number's own region is not UNKNOWN", so validity comes
// from the one type computation instead of a second one.
func classify(key, region string) classified {
	num, err := phonenumbers.Parse(key, region)
	if err != nil {
		return classified{}
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	country := phonenumbers.GetRegionCodeForNumber(num)
	typ := phonenumbers.GetNumberType(num)
	if typ == phonenumbers.UNKNOWN {
		return classified{}
	}
	return classified{
		valid:          true,
		e164:           phonenumbers.Format(num, phonenumbers.E164),
		country:        country,
		numberType:     typeNames[typ],
		kind:           kindOfType[typ],
		nationalNumber: nsn,
	}
}

// lookedUp is what the lookups say about one number.
type lookedUp struct{ current, rangeHolder string }

// lookupCarriers asks the lookups (either may be nil) once per distinct
// valid number.
func lookupCarriers(current, rangeHolder CarrierLookup, nums []classified) map[string]lookedUp {
	if current == nil && rangeHolder == nil {
		return nil
	}
	var distinct []*classified
	seen := make(map[string]bool, len(nums))
	for i := range nums {
		if n := &nums[i]; n.valid && !seen[n.e164] {
			seen[n.e164] = true
			distinct = append(distinct, n)
		}
	}
	names := make([]lookedUp, len(distinct))
	parallel(len(distinct), func(i int) {
		n := distinct[i]
		if current != nil {
			names[i].current = strings.TrimSpace(current.LookupCarrier(n.e164, n.country))
		}
		if rangeHolder != nil {
			names[i].rangeHolder = strings.TrimSpace(rangeHolder.LookupCarrier(n.e164, n.country))
		}
	})
	out := make(map[string]lookedUp, len(distinct))
	for i, n := range distinct {
		out[n.e164] = names[i]
	}
	return out
}

// parallelChunk is how many items a goroutine takes at a time; inputs of
// fewer than two chunks run on the calling goroutine.
const parallelChunk = 256

// parallel calls fn(i) for every i in [0, n), on up to GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	parallelRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			fn(i)
		}
	})
}

// parallelRange calls fn on consecutive ranges [lo, hi) covering [0, n),
// of parallelChunk items at most, on up to GOMAXPROCS goroutines.
func parallelRange(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelChunk)
	if workers < 2 {
		for lo := 0; lo < n; lo += parallelChunk {
			fn(lo, min(lo+parallelChunk, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				hi := int(next.Add(parallelChunk))
				lo := hi - parallelChunk
				if lo >= n {
					return
				}
				fn(lo, min(hi, n))
			}
		})
	}
	wg.Wait()
}
