package numbers

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// naiveCheck is the reference Check with the range holder as the only
// carrier lookup: the documented input rules, then one straightforward
// pass of libphonenumber calls per input, no caching, no concurrency. The
// fast path must give the same results.
func naiveCheck(inputs []string, opts CheckOptions) []Result {
	return naiveCheckLookup(inputs, opts, true)
}

// naiveCheckLookup is naiveCheck, with the range holder's lookup only when
// rangeHolder is set (Checker{} without lookups is compared with it off).
func naiveCheckLookup(inputs []string, opts CheckOptions, rangeHolder bool) []Result {
	region := documentedRegion(opts.DefaultRegion)
	hint := strings.TrimSpace(opts.CarrierHint)
	seen := map[string]bool{}
	results := make([]Result, len(inputs))
	for i, in := range inputs {
		r := Result{Input: in, PhoneNumber: strings.TrimSpace(in), NumberType: "unknown", Reasons: []string{porting.ReasonInvalidNumber}}
		s, ok := documentedInput(in)
		if !ok {
			results[i] = r
			continue
		}
		num, err := phonenumbers.Parse(s, region)
		if err != nil || !phonenumbers.IsValidNumber(num) {
			results[i] = r
			continue
		}
		typ := phonenumbers.GetNumberType(num)
		r.Valid = true
		r.Country = phonenumbers.GetRegionCodeForNumber(num)
		r.PhoneNumber = phonenumbers.Format(num, phonenumbers.E164)
		r.NumberType = strings.ToLower(typeNamesUpper[typ])
		if rangeHolder {
			r.RangeHolder, _ = phonenumbers.GetCarrierForNumber(num, "en")
		}
		switch {
		case hint != "":
			r.LosingCarrier = hint
		case r.RangeHolder != "":
			r.LosingCarrier = r.RangeHolder
		default:
			r.LosingCarrier = "unknown"
		}
		switch typ {
		case phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE,
			phonenumbers.VOIP, phonenumbers.UAN, phonenumbers.PERSONAL_NUMBER:
			r.NumberKind = "did"
		case phonenumbers.TOLL_FREE:
			r.NumberKind = "toll_free"
		case phonenumbers.SHARED_COST:
			r.NumberKind = "shared_cost"
		}
		r.Reasons = nil
		if r.NumberKind == "" {
			r.Reasons = append(r.Reasons, porting.ReasonNumberTypeNotSupported)
		}
		rules, known := country.Lookup(r.Country)
		if !known || !rules.Supported {
			r.Reasons = append(r.Reasons, porting.ReasonCountryNotSupported)
		} else if r.NumberKind != "" && !rules.SupportsKind(string(r.NumberKind)) {
			r.Reasons = append(r.Reasons, porting.ReasonNumberKindNotSupportedInCountry)
		}
		nsn := phonenumbers.GetNationalSignificantNumber(num)
		for _, p := range rules.UnportablePrefixes {
			if strings.HasPrefix(nsn, p) {
				r.Reasons = append(r.Reasons, porting.ReasonRangeNotPortable)
				break
			}
		}
		if seen[r.PhoneNumber] {
			r.Reasons = append(r.Reasons, porting.ReasonDuplicateInRequest)
		}
		seen[r.PhoneNumber] = true
		r.Portable = len(r.Reasons) == 0
		results[i] = r
	}
	return results
}

// documentedInput applies the input rules of README.md ("Input rules") to
// one written form, written out a second time here so that the oracle
// shares no code with the checker: white space around the input is
// ignored; an empty input or one longer than 64 bytes is invalid; a
// leading "tel:" (any case) is dropped; when the first digits are two
// zeros (ASCII, fullwidth or Arabic-Indic: the digits libphonenumber
// reads) with nothing but white space and punctuation before them, they
// and what precedes them are read as "+"; any white space inside is a
// space. The rest — separators, letters,
// extensions, other scripts' digits, the default region's own
// international prefix such as 011 — is libphonenumber's to read.
func documentedInput(in string) (string, bool) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > 64 {
		return "", false
	}
	if len(s) >= 4 && strings.ToLower(s[:4]) == "tel:" {
		s = s[4:]
	}
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	zeros := 0
	for i, r := range s {
		if phonenumbers.NormalizeDigitsOnly(string(r)) == "0" {
			if zeros++; zeros == 2 {
				return "+" + s[i+utf8.RuneLen(r):], true
			}
		} else if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
	}
	return s, true
}

// documentedRegion is the default-region rule: case and surrounding white
// space do not matter, and none means US.
func documentedRegion(region string) string {
	if r := strings.ToUpper(strings.TrimSpace(region)); r != "" {
		return r
	}
	return "US"
}

var typeNamesUpper = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE: "FIXED_LINE", phonenumbers.MOBILE: "MOBILE",
	phonenumbers.FIXED_LINE_OR_MOBILE: "FIXED_LINE_OR_MOBILE", phonenumbers.TOLL_FREE: "TOLL_FREE",
	phonenumbers.PREMIUM_RATE: "PREMIUM_RATE", phonenumbers.SHARED_COST: "SHARED_COST",
	phonenumbers.VOIP: "VOIP", phonenumbers.PERSONAL_NUMBER: "PERSONAL_NUMBER", phonenumbers.PAGER: "PAGER",
	phonenumbers.UAN: "UAN", phonenumbers.VOICEMAIL: "VOICEMAIL", phonenumbers.UNKNOWN: "UNKNOWN",
}

// generateInputs returns n deterministic inputs: US, GB, DE, FR and AU
// numbers in several written forms, toll-free and premium numbers,
// unportable FR ranges, BR toll-free, UIFN, invalid strings, and repeats
// of earlier inputs.
func generateInputs(n int) []string {
	rng := rand.New(rand.NewPCG(2024, 7))
	d := func(k int) string { // k random digits
		var b strings.Builder
		for range k {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	usAreas := []string{"212", "415", "312", "617", "206", "303", "512", "702", "305", "404"}
	forms := []func() string{
		func() string { return "+1" + usAreas[rng.IntN(len(usAreas))] + fmt.Sprint(2+rng.IntN(8)) + d(6) },
		func() string { a, x := usAreas[rng.IntN(len(usAreas))], d(4); return "(" + a + ") 55" + d(1) + "-" + x },
		func() string {
			return usAreas[rng.IntN(len(usAreas))] + "." + fmt.Sprint(2+rng.IntN(8)) + d(2) + "." + d(4)
		},
		func() string { return "tel:+1-" + usAreas[rng.IntN(len(usAreas))] + "-555-" + d(4) },
		func() string {
			return "+1 8" + []string{"00", "33", "44", "55", "66", "77", "88"}[rng.IntN(7)] + " " + d(3) + " " + d(4)
		},
		func() string { return "+1 900 " + fmt.Sprint(2+rng.IntN(8)) + d(2) + " " + d(4) },
		func() string { return "+44 20 7" + d(3) + " " + d(4) },
		func() string { return "00 44 161 " + d(3) + " " + d(4) },
		func() string { return "011 44 7" + fmt.Sprint(4+rng.IntN(6)) + d(2) + " " + d(6) },
		func() string { return "+44 800 " + d(3) + " " + d(4) },
		func() string { return "+49 30 " + d(8) },
		func() string { return "+49 15" + fmt.Sprint(1+rng.IntN(9)) + " " + d(8) },
		func() string { return "+49 800 " + d(7) },
		func() string { return "+33 1 " + d(2) + " " + d(2) + " " + d(2) + " " + d(2) },
		func() string { return "+33 6 " + d(8) },
		func() string { return "+33 " + []string{"162", "270", "424", "948"}[rng.IntN(4)] + d(6) },
		func() string { return "+61 2 " + d(4) + " " + d(4) },
		func() string { return "+61 4" + d(2) + " " + d(3) + " " + d(3) },
		func() string { return "+61 1800 " + d(3) + " " + d(3) },
		func() string { return "+55 800 " + d(3) + " " + d(4) },
		func() string { return "+800 " + d(8) },
		func() string { return d(1 + rng.IntN(12)) },
		func() string { return "+" + d(3+rng.IntN(14)) },
		func() string { return []string{"", "   ", "abc", "+", "tel:", "call me", "n/a"}[rng.IntN(7)] },
		func() string { return "+1 415 555 " + d(4) + " " + strings.Repeat("9", 60) },
	}
	out := make([]string, n)
	for i := range out {
		if i > 0 && rng.IntN(20) == 0 {
			out[i] = out[rng.IntN(i)]
			continue
		}
		out[i] = forms[rng.IntN(len(forms))]()
	}
	return out
}

func TestCheckMatchesNaive(t *testing.T) {
	t.Parallel()
	inputs := generateInputs(5000)
	opts := CheckOptions{DefaultRegion: "US", CarrierHint: "Acme Telecom"}
	got := (&Checker{RangeHolder: OriginalCarrierLookup{}}).Check(inputs, opts)
	want := naiveCheck(inputs, opts)
	var valid, portable, dups int
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("input %d %q:\n got %+v\nwant %+v", i, inputs[i], got[i], want[i])
		}
		valid += btoi(want[i].Valid)
		portable += btoi(want[i].Portable)
		for _, r := range want[i].Reasons {
			dups += btoi(r == porting.ReasonDuplicateInRequest)
		}
	}
	// The generated set must exercise both sides of every rule.
	if valid < len(want)/2 || portable < len(want)/3 || dups < 100 || valid == len(want) {
		t.Errorf("generated set too uniform: %d inputs, %d valid, %d portable, %d duplicates", len(want), valid, portable, dups)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
