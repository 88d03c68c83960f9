package numbers

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// writtenForm is one way of writing a number, named for the coverage
// check of TestCheckMatchesLibraryOnWrittenForms.
type writtenForm struct {
	name  string
	write func(intl, national, e164 string) string
}

// Scripts whose digits stand in for ASCII ones in the generated forms;
// libphonenumber reads the first three and not Devanagari.
var digitScripts = map[string]rune{"arabic_indic": '٠', "persian": '۰', "fullwidth": '０', "devanagari": '०'}

// writtenForms are the ways of writing a number the corpus covers:
// libphonenumber's own formats, 00 and 011 prefixes with and without
// brackets, extensions, letters, Unicode digits and spaces.
var writtenForms = []writtenForm{
	{"e164", func(intl, _, e164 string) string { return e164 }},
	{"international", func(intl, _, _ string) string { return intl }},
	{"national", func(_, national, _ string) string { return national }},
	{"00", func(intl, _, _ string) string { return "00" + intl[1:] }},
	{"00 spaced", func(intl, _, _ string) string { return "00 " + intl[1:] }},
	{"(00)", func(intl, _, _ string) string { return "(00) " + intl[1:] }},
	{"011", func(intl, _, _ string) string { return "011 " + intl[1:] }},
	{"(011)", func(intl, _, _ string) string { return "(011) " + intl[1:] }},
	{"00 ext.", func(intl, _, _ string) string { return "00" + intl[1:] + " ext. 12" }},
	{"011 ext", func(intl, _, _ string) string { return "011 " + intl[1:] + " ext 4" }},
	{"international x", func(intl, _, _ string) string { return intl + " x123" }},
	{"national #", func(_, national, _ string) string { return national + " #45" }},
	{"tel ext", func(_, _, e164 string) string { return "tel:" + e164 + ";ext=7" }},
	{"TEL 00", func(_, _, e164 string) string { return "TEL:00" + e164[1:] }},
	{"00 letters", func(intl, _, _ string) string { return "00" + vanity(intl[1:]) }},
	{"national letters", func(_, national, _ string) string { return vanity(national) }},
	{"00 nbsp", func(intl, _, _ string) string { return strings.ReplaceAll("00 "+intl[1:], " ", "\u00a0") }},
	{"national thin space", func(_, national, _ string) string { return strings.ReplaceAll(national, " ", "\u2009") }},
	{"international ideographic space", func(intl, _, _ string) string { return strings.ReplaceAll(intl, " ", "\u3000") }},
	{"00 tab", func(intl, _, _ string) string { return "00\t" + intl[1:] }},
	{"arabic_indic 00", func(intl, _, _ string) string { return inScript("00"+intl[1:], digitScripts["arabic_indic"]) }},
	{"persian national", func(_, national, _ string) string { return inScript(national, digitScripts["persian"]) }},
	{"fullwidth (00) ext", func(intl, _, _ string) string {
		return inScript("（00）"+intl[1:], digitScripts["fullwidth"]) + " ext. 9"
	}},
	{"devanagari international", func(intl, _, _ string) string { return inScript(intl, digitScripts["devanagari"]) }},
}

// vanity writes the last four digits of s as keypad letters (2 → A, …),
// leaving 0 and 1, which have none.
func vanity(s string) string {
	b := []byte(s)
	for i, n := len(b)-1, 0; i >= 0 && n < 4; i-- {
		if c := b[i]; c >= '2' && c <= '9' {
			b[i] = "ADGJMPTW"[c-'2']
			n++
		} else if c == '0' || c == '1' {
			n++
		}
	}
	return string(b)
}

// inScript writes the ASCII digits of s with the digits of the script
// whose zero is zero.
func inScript(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + r - '0'
		}
		return r
	}, s)
}

// exampleNumbers are libphonenumber's example numbers of region, one per
// type that has one.
func exampleNumbers(region string) []*phonenumbers.PhoneNumber {
	var out []*phonenumbers.PhoneNumber
	for _, t := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE} {
		if n := phonenumbers.GetExampleNumberForType(region, t); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// TestCheckMatchesLibraryOnWrittenForms checks, for every region
// libphonenumber knows as the default region (in upper, lower and padded
// case by turns), every written form of that region's example numbers and
// of a few foreign ones: the checker must give what the documented input
// rules and one plain libphonenumber call per number give.
func TestCheckMatchesLibraryOnWrittenForms(t *testing.T) {
	t.Parallel()
	regions := slices.Sorted(func(yield func(string) bool) {
		for r := range phonenumbers.GetSupportedRegions() {
			if !yield(r) {
				return
			}
		}
	})
	if len(regions) < 200 {
		t.Fatalf("libphonenumber knows %d regions", len(regions))
	}
	foreign := []*phonenumbers.PhoneNumber{
		phonenumbers.GetExampleNumberForType("GB", phonenumbers.MOBILE),
		phonenumbers.GetExampleNumberForType("US", phonenumbers.TOLL_FREE),
	}
	validByForm := map[string]int{}
	checker := &Checker{RangeHolder: OriginalCarrierLookup{}}
	for i, region := range regions {
		var inputs, names []string
		for _, num := range append(exampleNumbers(region), foreign...) {
			intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
			national := phonenumbers.Format(num, phonenumbers.NATIONAL)
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			for _, f := range writtenForms {
				inputs = append(inputs, f.write(intl, national, e164))
				names = append(names, f.name)
			}
		}
		opts := CheckOptions{DefaultRegion: []string{region, strings.ToLower(region), " " + strings.ToLower(region) + "\t"}[i%3], CarrierHint: "Acme Telecom"}
		got := checker.Check(inputs, opts)
		want := naiveCheck(inputs, opts)
		for j := range want {
			if !reflect.DeepEqual(got[j], want[j]) {
				t.Errorf("region %q, %s form %q:\n got %+v\nwant %+v", opts.DefaultRegion, names[j], inputs[j], got[j], want[j])
			}
			if want[j].Valid {
				validByForm[names[j]]++
			}
		}
	}
	// Every form the library can read must be read in most regions, so the
	// comparison above is not between two invalid answers.
	// 011 is the international prefix only where the default region
	// dials it (+1); libphonenumber does not read Devanagari digits.
	nanp := 0
	for _, r := range regions {
		nanp += btoi(phonenumbers.GetCountryCodeForRegion(r) == 1)
	}
	for _, f := range writtenForms {
		want := len(regions)
		switch {
		case strings.Contains(f.name, "011"):
			want = nanp * 3
		case strings.HasPrefix(f.name, "devanagari"):
			want = 0
		}
		if n := validByForm[f.name]; n < want {
			t.Errorf("form %q is valid only %d times over %d regions, want at least %d", f.name, n, len(regions), want)
		}
	}
}
