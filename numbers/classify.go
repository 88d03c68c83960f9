package numbers

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
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
var kindOfType = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           KindDID,
	phonenumbers.MOBILE:               KindDID,
	phonenumbers.FIXED_LINE_OR_MOBILE: KindDID,
	phonenumbers.VOIP:                 KindDID,
	phonenumbers.UAN:                  KindDID,
	phonenumbers.PERSONAL_NUMBER:      KindDID,
	phonenumbers.TOLL_FREE:            KindTollFree,
	phonenumbers.SHARED_COST:          KindSharedCost,
}

// classified is what libphonenumber says about one distinct input.
type classified struct {
	valid          bool
	e164           string
	country        string
	numberType     string
	kind           string
	nationalNumber string
}

// parsedInputs maps every input to its distinct classified number.
type parsedInputs struct {
	index   []int // per input: position in numbers, or -1 when unreadable
	numbers []classified
}

// classifyAll normalizes every input, then parses each distinct normalized
// form once, spreading the parsing over the available CPUs.
func classifyAll(inputs []string, region string) parsedInputs {
	p := parsedInputs{index: make([]int, len(inputs))}
	keys := make([]string, 0, len(inputs))
	position := make(map[string]int, len(inputs))
	for i, in := range inputs {
		key, ok := normalizeInput(in)
		if !ok {
			p.index[i] = -1
			continue
		}
		u, dup := position[key]
		if !dup {
			u = len(keys)
			position[key] = u
			keys = append(keys, key)
		}
		p.index[i] = u
	}
	p.numbers = make([]classified, len(keys))
	parallel(len(keys), func(i int) { p.numbers[i] = classify(keys[i], region) })
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

// lookupCarriers asks the lookup once per distinct valid number.
func lookupCarriers(lookup CarrierLookup, nums []classified) map[string]string {
	if lookup == nil {
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
	names := make([]string, len(distinct))
	parallel(len(distinct), func(i int) { names[i] = lookup.LookupCarrier(distinct[i].e164, distinct[i].country) })
	out := make(map[string]string, len(distinct))
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
	workers := min(runtime.GOMAXPROCS(0), n/parallelChunk)
	if workers < 2 {
		for i := range n {
			fn(i)
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
				for i := lo; i < min(hi, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// normalizeInput turns a written form into the string handed to the
// parser. Forms made only of digits, spaces and the separators ( ) - . /
// (with an optional leading +) reduce to their digits, so that "(415)
// 555-0100" and "415.555.0100" are parsed once; a leading international
// prefix 00 becomes +. Other forms (letters, extensions, other scripts)
// go to the parser as they are. It reports false for empty or too long
// inputs. It uses no regular expressions: it runs on every input.
func normalizeInput(in string) (string, bool) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > MaxInputLength {
		return "", false
	}
	if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
		s = s[4:]
	}
	var buf [MaxInputLength + 1]byte
	out := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			out = append(out, c)
		case c == '+' && len(out) == 0:
			out = append(out, c)
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/':
		default:
			return s, true
		}
	}
	if len(out) >= 2 && out[0] == '0' && out[1] == '0' {
		out[1] = '+'
		out = out[1:]
	}
	if len(out) == 0 {
		return "", false
	}
	return string(out), true
}
