package numbers

import (
	"reflect"
	"slices"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

func TestMarkInUse(t *testing.T) {
	t.Parallel()
	results := check(t, "US", "+1 415 555 0100", "+1 415 555 0101", "+1 900 234 5678", "(415) 555-0100", "bad")
	in := porting.ReasonAlreadyOnActiveOrder
	MarkInUse(results, map[string]string{"+14155550100": in, "+19002345678": in, "bad": in})
	MarkInUse(results, map[string]string{"+14155550100": in}) // a second call adds nothing
	want := [][]string{
		{porting.ReasonAlreadyOnActiveOrder},
		nil,
		{porting.ReasonNumberTypeNotSupported, porting.ReasonAlreadyOnActiveOrder},
		{porting.ReasonDuplicateInRequest, porting.ReasonAlreadyOnActiveOrder},
		{porting.ReasonInvalidNumber},
	}
	for i, r := range results {
		if !slices.Equal(r.Reasons, want[i]) || r.Portable != (want[i] == nil) {
			t.Errorf("%q: reasons %q portable %v, want %q", r.Input, r.Reasons, r.Portable, want[i])
		}
	}
}

func TestGroupPortable(t *testing.T) {
	t.Parallel()
	lookup := &countingLookup{known: map[string]string{
		"+442079460958": "BT",
		"+442079460959": "BT",
		"+447400123456": "Three",
		"+14155550101":  "AT&T",
	}}
	inputs := []string{
		"+1 415 555 0100",   // US, hint, did
		"+44 20 7946 0959",  // GB, BT, did
		"+1 800 234 5678",   // US, hint, toll_free
		"+44 7400 123456",   // GB, Three, did
		"+1 415 555 0101",   // US, AT&T, did
		"+44 20 7946 0958",  // GB, BT, did
		"+1 415 555 0102",   // US, hint, did
		"+1 900 234 5678",   // not portable
		"+44 20 7946 0959",  // duplicate
		"+33 1 62 12 34 56", // unportable range
	}
	results := (&Checker{Current: lookup}).Check(inputs, CheckOptions{CarrierHint: "Zeta Telecom"})
	got := GroupPortable(results)
	want := []Group{
		{Country: "GB", LosingCarrier: "BT", NumberKind: porting.KindDID, PhoneNumbers: []string{"+442079460959", "+442079460958"}},
		{Country: "GB", LosingCarrier: "Three", NumberKind: porting.KindDID, PhoneNumbers: []string{"+447400123456"}},
		{Country: "US", LosingCarrier: "AT&T", NumberKind: porting.KindDID, PhoneNumbers: []string{"+14155550101"}},
		{Country: "US", LosingCarrier: "Zeta Telecom", NumberKind: porting.KindDID, PhoneNumbers: []string{"+14155550100", "+14155550102"}},
		{Country: "US", LosingCarrier: "Zeta Telecom", NumberKind: porting.KindTollFree, PhoneNumbers: []string{"+18002345678"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupPortable() =\n%+v\nwant\n%+v", got, want)
	}
	// One LOA per carrier account: the customer's account numbers split too.
	byAccount := (&Checker{}).CheckEntries([]Entry{
		{PhoneNumber: "+1 415 555 0100", CurrentCarrier: "Old Telco", AccountNumber: "B-2"},
		{PhoneNumber: "+1 415 555 0101", CurrentCarrier: "Old Telco", AccountNumber: "A-1"},
		{PhoneNumber: "+1 415 555 0102", CurrentCarrier: "Old Telco", AccountNumber: "B-2"},
		{PhoneNumber: "+1 415 555 0103", CurrentCarrier: "Old Telco"},
	}, CheckOptions{})
	wantByAccount := []Group{
		{Country: "US", LosingCarrier: "Old Telco", NumberKind: porting.KindDID, PhoneNumbers: []string{"+14155550103"}},
		{Country: "US", LosingCarrier: "Old Telco", NumberKind: porting.KindDID, AccountNumber: "A-1", PhoneNumbers: []string{"+14155550101"}},
		{Country: "US", LosingCarrier: "Old Telco", NumberKind: porting.KindDID, AccountNumber: "B-2", PhoneNumbers: []string{"+14155550100", "+14155550102"}},
	}
	if got := GroupPortable(byAccount); !reflect.DeepEqual(got, wantByAccount) {
		t.Errorf("GroupPortable(by account) =\n%+v\nwant\n%+v", got, wantByAccount)
	}
	if got := GroupPortable(check(t, "US", "bad", "+1 900 234 5678")); len(got) != 0 {
		t.Errorf("GroupPortable(no portable numbers) = %+v, want none", got)
	}
}
