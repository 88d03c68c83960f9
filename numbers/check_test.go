package numbers

import (
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/portdesk/portdesk/porting"
)

// check runs one Check without a carrier lookup.
func check(tb testing.TB, region string, inputs ...string) []Result {
	tb.Helper()
	got := (&Checker{}).Check(inputs, CheckOptions{DefaultRegion: region})
	if len(got) != len(inputs) {
		tb.Fatalf("Check(%q) returned %d results, want %d", inputs, len(got), len(inputs))
	}
	return got
}

func TestCheckWrittenForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region, input, want string
	}{
		{"", "+44 20 7946 0958", "+442079460958"},
		{"", "(415) 555-0100", "+14155550100"},
		{"", "415.555.0100", "+14155550100"},
		{"US", "1-415-555-0100", "+14155550100"},
		{"", "00 44 20 7946 0958", "+442079460958"},
		{"", "0044 20 7946 0958", "+442079460958"},
		{"US", "011 44 20 7946 0958", "+442079460958"},
		{"", "tel:+1-415-555-0100", "+14155550100"},
		{"", "TEL:+1-415-555-0100", "+14155550100"},
		{"", "  \t+1 415 555 0100 \n", "+14155550100"},
		{"", "+1 (415) 555/0100", "+14155550100"},
		{"", "1-800-FLOWERS", "+18003569377"},
		{"", "+44 (0)20 7946 0958", "+442079460958"},
		{"GB", "020 7946 0958", "+442079460958"},
		{"gb", "020 7946 0958", "+442079460958"},
		{" fr ", "01 23 45 67 89", "+33123456789"},
		{"DE", "030 123456", "+4930123456"},
		{"", "+1 415 555 0100 ext. 12", "+14155550100"},
		// Issue 7 item 8: the input rules hold in every written form.
		{"", "(00) 44 20 7946 0958", "+442079460958"},
		{"", "0044 20 7946 0958 ext. 12", "+442079460958"},
		{"us", "0044 20 7946 0958 ext. 12", "+442079460958"},
		{"", "00 44 800 FLOWERS", "+448003569377"},
		{"", "00\t44 20 7946 0958", "+442079460958"},
		{"", "00\u00a044\u202f20\u20097946\u30000958", "+442079460958"},
		{"", "٠٠٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨", "+442079460958"},
		{"", "（００）４４ ２０ ７９４６ ０９５８ ext. 3", "+442079460958"},
		{"CA", "(011) 44 20 7946 0958 x7", "+442079460958"},
	}
	for _, tt := range tests {
		got := check(t, tt.region, tt.input)[0]
		if !got.Valid || got.PhoneNumber != tt.want {
			t.Errorf("Check(%q, region %q) = %q valid %v %v, want %q valid", tt.input, tt.region, got.PhoneNumber, got.Valid, got.Reasons, tt.want)
		}
	}
}

func TestCheckReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		want        []string
	}{
		{"portable", "+1 415 555 0100", nil},
		{"empty", "", []string{porting.ReasonInvalidNumber}},
		{"spaces", "   ", []string{porting.ReasonInvalidNumber}},
		{"words", "call me maybe", []string{porting.ReasonInvalidNumber}},
		{"too long", "+1 415 555 0100" + strings.Repeat(" ", 60) + "1", []string{porting.ReasonInvalidNumber}},
		{"no such calling code", "+999 1234 5678", []string{porting.ReasonInvalidNumber}},
		{"not a valid range", "+1 415 055 0100", []string{porting.ReasonInvalidNumber}},
		{"national form of another region", "020 7946 0958", []string{porting.ReasonInvalidNumber}},
		{"unsupported country", "+82 2 312 3456", []string{porting.ReasonCountryNotSupported}},
		{"country outside the dataset", "+81 3 1234 5678", nil},
		{"UIFN", "+800 1234 5678", []string{porting.ReasonCountryNotSupported}},
		{"BR toll-free", "+55 800 123 456", []string{porting.ReasonNumberKindNotSupportedInCountry}},
		{"BR DID", "+55 11 2345 6789", nil},
		{"FR unportable range", "+33 1 62 12 34 56", []string{porting.ReasonRangeNotPortable}},
		{"FR mobile", "+33 6 12 34 56 78", nil},
		{"premium rate", "+1 900 234 5678", []string{porting.ReasonNumberTypeNotSupported}},
		{"premium rate in an unsupported country", "+27 86 234 5678", []string{porting.ReasonNumberTypeNotSupported, porting.ReasonCountryNotSupported}},
		{"shared cost", "+33 884 012 345", []string{porting.ReasonNumberKindNotSupportedInCountry}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, "US", tt.input)[0]
			if !slices.Equal(got.Reasons, tt.want) || got.Portable != (len(tt.want) == 0) {
				t.Errorf("Check(%q) reasons %q portable %v, want %q", tt.input, got.Reasons, got.Portable, tt.want)
			}
			if invalid := slices.Contains(tt.want, porting.ReasonInvalidNumber); got.Valid == invalid {
				t.Errorf("Check(%q) valid %v, want %v", tt.input, got.Valid, !invalid)
			}
		})
	}
}

func TestCheckInvalidResult(t *testing.T) {
	t.Parallel()
	got := check(t, "US", "  not a number ")[0]
	want := Result{Input: "  not a number ", PhoneNumber: "not a number", NumberType: "unknown", Reasons: []string{porting.ReasonInvalidNumber}}
	if !equalResult(got, want) {
		t.Errorf("Check() = %+v, want %+v", got, want)
	}
}

func equalResult(a, b Result) bool {
	return a.Input == b.Input && a.PhoneNumber == b.PhoneNumber && a.Valid == b.Valid && a.Portable == b.Portable &&
		a.Country == b.Country && a.NumberType == b.NumberType && a.NumberKind == b.NumberKind &&
		a.LosingCarrier == b.LosingCarrier && slices.Equal(a.Reasons, b.Reasons)
}

func TestCheckDuplicates(t *testing.T) {
	t.Parallel()
	got := check(t, "US", "+1 415 555 0100", "(415) 555-0100", "+1 415 555 0101", "tel:+14155550100", "bad", "bad")
	wantDup := []bool{false, true, false, true, false, false}
	for i, r := range got {
		if dup := slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest); dup != wantDup[i] {
			t.Errorf("result %d (%q): duplicate %v, want %v", i, r.Input, dup, wantDup[i])
		}
	}
	if !got[0].Portable || got[1].Portable {
		t.Errorf("first occurrence portable %v, second %v; want true, false", got[0].Portable, got[1].Portable)
	}
}

func TestCheckNumberKinds(t *testing.T) {
	t.Parallel()
	// Example numbers from libphonenumber's metadata, one per type.
	tests := []struct {
		e164, numberType string
		kind             porting.NumberKind
	}{
		{"+441212345678", "fixed_line", porting.KindDID},
		{"+447400123456", "mobile", porting.KindDID},
		{"+12015550123", "fixed_line_or_mobile", porting.KindDID},
		{"+445612345678", "voip", porting.KindDID},
		{"+445512345678", "uan", porting.KindDID},
		{"+447012345678", "personal_number", porting.KindDID},
		{"+448001234567", "toll_free", porting.KindTollFree},
		{"+80012345678", "toll_free", porting.KindTollFree},
		{"+33884012345", "shared_cost", porting.KindSharedCost},
		{"+449012345678", "premium_rate", ""},
		{"+447640123456", "pager", ""},
		{"+49177991234567", "voicemail", ""},
	}
	for _, tt := range tests {
		got := check(t, "US", tt.e164)[0]
		if got.NumberType != tt.numberType || got.NumberKind != tt.kind {
			t.Errorf("Check(%s) type %q kind %q, want %q %q", tt.e164, got.NumberType, got.NumberKind, tt.numberType, tt.kind)
		}
		if hasReason := slices.Contains(got.Reasons, porting.ReasonNumberTypeNotSupported); hasReason != (tt.kind == "") {
			t.Errorf("Check(%s) reasons %q: number_type_not_supported should be there exactly when the kind is empty", tt.e164, got.Reasons)
		}
	}
	if got := check(t, "US", "+800 1234 5678")[0]; got.Country != NonGeographic {
		t.Errorf("UIFN country = %q, want %q", got.Country, NonGeographic)
	}
}

// countingLookup knows the carrier of some numbers and counts its calls.
type countingLookup struct {
	known map[string]string
	calls atomic.Int64
}

func (l *countingLookup) LookupCarrier(e164, _ string) string {
	l.calls.Add(1)
	return l.known[e164]
}

// TestCheckLosingCarrier is issue 7 item 9: the losing carrier is the
// current-carrier lookup's, else the customer's answer for the number,
// else the customer's answer for the request, else the range holder; the
// range holder is always reported.
func TestCheckLosingCarrier(t *testing.T) {
	t.Parallel()
	current := &countingLookup{known: map[string]string{"+14155550100": "Pacific Bell", "+447400123457": "Vodafone"}}
	ranges := &countingLookup{known: map[string]string{"+447400123456": "Three", "+447400123457": "Three", "+447400123458": "Three"}}
	entries := []Entry{
		{PhoneNumber: "+1 415 555 0100", CurrentCarrier: "Acme Telecom"}, // current lookup wins
		{PhoneNumber: "+44 7400 123456", CurrentCarrier: " Old Telco ", AccountNumber: " A-1 "},
		{PhoneNumber: "+44 7400 123457", CurrentCarrier: "Old Telco"}, // current lookup wins
		{PhoneNumber: "+44 7400 123458"},                              // request's answer
		{PhoneNumber: "+1 415 555 0101"},                              // request's answer
		{PhoneNumber: "(415) 555-0100"},
		{PhoneNumber: "bad", CurrentCarrier: "Old Telco", AccountNumber: "A-2"},
	}
	tests := []struct {
		name          string
		checker       *Checker
		hint          string
		want, holders []string
	}{
		{"all sources", &Checker{Current: current, RangeHolder: ranges}, "  Zeta ",
			[]string{"Pacific Bell", "Old Telco", "Vodafone", "Zeta", "Zeta", "Pacific Bell", ""},
			[]string{"", "Three", "Three", "Three", "", "", ""}},
		{"no request answer", &Checker{Current: current, RangeHolder: ranges}, "",
			[]string{"Pacific Bell", "Old Telco", "Vodafone", "Three", UnknownCarrier, "Pacific Bell", ""},
			[]string{"", "Three", "Three", "Three", "", "", ""}},
		{"no current lookup", &Checker{RangeHolder: ranges}, "",
			[]string{"Acme Telecom", "Old Telco", "Old Telco", "Three", UnknownCarrier, UnknownCarrier, ""},
			[]string{"", "Three", "Three", "Three", "", "", ""}},
		{"no lookup", &Checker{}, "",
			[]string{"Acme Telecom", "Old Telco", "Old Telco", UnknownCarrier, UnknownCarrier, UnknownCarrier, ""},
			[]string{"", "", "", "", "", "", ""}},
	}
	for _, tt := range tests {
		current.calls.Store(0)
		ranges.calls.Store(0)
		got := tt.checker.CheckEntries(entries, CheckOptions{CarrierHint: tt.hint})
		for i, r := range got {
			if r.LosingCarrier != tt.want[i] || r.RangeHolder != tt.holders[i] {
				t.Errorf("%s, %q: losing carrier %q range holder %q, want %q %q", tt.name, r.Input, r.LosingCarrier, r.RangeHolder, tt.want[i], tt.holders[i])
			}
		}
		if got[1].AccountNumber != "A-1" || got[0].AccountNumber != "" || got[6].AccountNumber != "" {
			t.Errorf("%s: account numbers %q, %q, %q; want A-1 trimmed, none, none for an invalid number", tt.name, got[1].AccountNumber, got[0].AccountNumber, got[6].AccountNumber)
		}
		if tt.checker.Current != nil && current.calls.Load() != 5 || tt.checker.RangeHolder != nil && ranges.calls.Load() != 5 {
			t.Errorf("%s: lookups called %d and %d times, want once per distinct valid number (5)", tt.name, current.calls.Load(), ranges.calls.Load())
		}
	}
	// Check is CheckEntries without per-number answers.
	plain := (&Checker{Current: current, RangeHolder: ranges}).Check([]string{"+44 7400 123456"}, CheckOptions{CarrierHint: "Old Telco"})
	if plain[0].LosingCarrier != "Old Telco" || plain[0].RangeHolder != "Three" {
		t.Errorf("Check: losing carrier %q range holder %q, want the customer's Old Telco over the range holder Three", plain[0].LosingCarrier, plain[0].RangeHolder)
	}
}

func TestOriginalCarrierLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e164, country, want string
	}{
		{"+33612345678", "FR", "SFR"},
		{"+447400123456", "GB", "Three"},
		{"+14155550100", "US", ""},
		{"+390212345678", "IT", ""},
		{"not a number", "", ""},
		{"+0123", "", ""},
	}
	for _, tt := range tests {
		if got := (OriginalCarrierLookup{}).LookupCarrier(tt.e164, tt.country); got != tt.want {
			t.Errorf("LookupCarrier(%q) = %q, want %q", tt.e164, got, tt.want)
		}
	}
	// The rebuilt number must format back to its E.164 form, leading zeros included.
	for _, e164 := range []string{"+390212345678", "+3906698", "+442079460958", "+80012345678", "+2250712345678"} {
		num, ok := numberFromE164(e164)
		if !ok || phonenumbers.Format(num, phonenumbers.E164) != e164 {
			t.Errorf("numberFromE164(%q) = %v, %v; want a number formatting back to it", e164, num, ok)
		}
	}
}

// FuzzCheck feeds arbitrary text, one input per line, and an arbitrary
// default region. Check must not panic, must answer every input, must only
// call well-formed numbers portable, and must give on every line what the
// documented input rules and one plain libphonenumber call per number give
// (naiveCheck): the checker's own normalization is what is under test, so
// the oracle never uses it.
func FuzzCheck(f *testing.F) {
	for _, seed := range []struct{ text, region string }{
		{"+44 20 7946 0958", ""},
		{"(415) 555-0100\n415.555.0100", "US"},
		{"00 44 161 496 0000", "US"},
		{"011 44 7400 123456", "US"},
		{"011 44 7400 123456", "gb"},
		{"(00) 44 20 7946 0958\n0044 20 7946 0958 ext. 12", "US"},
		{"0044 20 7946 0958 ext. 12", "us"},
		{"(415) 555-0100", "us"},
		{"020 7946 0958", " gb "},
		{"tel:+1-415-555-0100;ext=12", ""},
		{"TEL:0044 20 7946 0958", ""},
		{"020 7946 0958", "GB"},
		{"1-800-FLOWERS\n00 44 800 FLOWERS", "US"},
		{"+800 1234 5678", ""},
		{"+33 1 62 12 34 56\n+33 6 12 34 56 78", "FR"},
		{"+55 800 123 456", "BR"},
		{"", ""},
		{"   \n\t", "XX"},
		{"++--()..//", "us"},
		{"+39 06 698 12345", "IT"},
		{"+1 415 555 0100 x123 / 0101", "001"},
		{"١٢٣٤٥٦٧٨٩٠", "EG"},
		{"٠٠٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨", "EG"},
		{"（００）４４　２０　７９４６　０９５８", "JP"},
		{"00 44 20 7946 0958", "DE"},
		{"०० ४४ २० ७९४६ ०९५८", "IN"},
		{"+9999999999999999999999999", ""},
	} {
		f.Add(seed.text, seed.region)
	}
	f.Fuzz(func(t *testing.T, text, region string) {
		inputs := strings.Split(text, "\n")
		opts := CheckOptions{DefaultRegion: region, CarrierHint: "Acme Telecom"}
		got := (&Checker{RangeHolder: OriginalCarrierLookup{}}).Check(inputs, opts)
		if len(got) != len(inputs) {
			t.Fatalf("%d results for %d inputs", len(got), len(inputs))
		}
		want := naiveCheck(inputs, opts)
		for i, r := range got {
			if r.Input != inputs[i] {
				t.Errorf("result %d is for %q, want %q", i, r.Input, inputs[i])
			}
			if r.Portable && (!r.Valid || !isE164(r.PhoneNumber) || r.Country == "" || r.NumberKind == "" || r.LosingCarrier == "" || len(r.Reasons) > 0) {
				t.Errorf("portable result is not well formed: %+v", r)
			}
			if !r.Valid && (r.Portable || !slices.Equal(r.Reasons, []string{porting.ReasonInvalidNumber})) {
				t.Errorf("invalid result: %+v", r)
			}
			if !reflect.DeepEqual(r, want[i]) {
				t.Errorf("%q (region %q):\n got %+v\nwant %+v (documented rules, then libphonenumber)", inputs[i], region, r, want[i])
			}
		}
	})
}

func isE164(s string) bool {
	digits, ok := strings.CutPrefix(s, "+")
	return ok && len(digits) >= 2 && len(digits) <= 15 && strings.Trim(digits, "0123456789") == ""
}
