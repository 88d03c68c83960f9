package numbers

import (
	"slices"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// TestSeenNumbersMatchesOneCheck checks a list in batches of every size,
// with every number in memory and with one or two only (spilling the rest
// to runs), and compares each answer with the answer of one Check over
// the list.
func TestSeenNumbersMatchesOneCheck(t *testing.T) {
	list := []string{"+12125550100", "212 555 0101", "nonsense", "(212) 555-0100", "+442079460958",
		"+1 212 555 0101", "+12125550100", "nonsense", "+44 20 7946 0958", "+12125550102"}
	var c Checker
	want := c.Check(list, CheckOptions{})
	for _, inMemory := range []int{0, 1, 2} {
		for size := 1; size <= len(list); size++ {
			seenMatchesOneCheck(t, c, list, want, inMemory, size)
		}
	}
	if n := slices.IndexFunc(want, func(r Result) bool { return slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest) }); n != 3 {
		t.Errorf("first duplicate at %d, want 3 (the test list changed meaning)", n)
	}
}

func seenMatchesOneCheck(t *testing.T, c Checker, list []string, want []Result, inMemory, size int) {
	t.Helper()
	seen := SeenNumbers{InMemory: inMemory, TempDir: t.TempDir()}
	defer seen.Close()
	var got []Result
	for start := 0; start < len(list); start += size {
		batch := c.Check(list[start:min(start+size, len(list))], CheckOptions{})
		if err := seen.MarkRepeats(batch); err != nil {
			t.Fatal(err)
		}
		got = append(got, batch...)
	}
	for i := range want {
		if got[i].Portable != want[i].Portable || !slices.Equal(got[i].Reasons, want[i].Reasons) {
			t.Errorf("%d in memory, batches of %d: %q: portable %v reasons %v, want %v %v", inMemory, size, list[i],
				got[i].Portable, got[i].Reasons, want[i].Portable, want[i].Reasons)
		}
	}
	if seen.Len() != 4 {
		t.Errorf("%d in memory, batches of %d: %d numbers seen, want 4", inMemory, size, seen.Len())
	}
	if inMemory > 0 && seen.spilled == 0 {
		t.Errorf("%d in memory, batches of %d: nothing spilled", inMemory, size)
	}
}

func TestE164Key(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{{"+12125550100", true}, {"+999999999999999999", true}, {"+0123", false}, {"12125550100", false}, {"+1a", false}, {"+", false}} {
		if _, ok := e164Key(tt.in); ok != tt.ok {
			t.Errorf("e164Key(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
	}
}

// TestKeySet checks the set against a map over a million keys, and its
// size: at most 16 bytes a key.
func TestKeySet(t *testing.T) {
	const n = 1_000_000
	var s keySet
	want := map[uint64]bool{}
	for i := uint64(1); i <= n; i++ {
		k := 12_000_000_000 + i*7919%(n/2) // each key twice
		if s.has(k) != want[k] {
			t.Fatalf("has(%d) = %v before adding, want %v", k, !want[k], want[k])
		}
		s.add(k)
		want[k] = true
	}
	if s.n != len(want) {
		t.Fatalf("n = %d, want %d", s.n, len(want))
	}
	for k := range want {
		if !s.has(k) {
			t.Fatalf("has(%d) = false after adding", k)
		}
	}
	if s.has(1) || s.has(99) {
		t.Error("has a key never added")
	}
	slots := 0
	for _, tb := range s.tables {
		slots += len(tb.slots)
	}
	if perKey := float64(slots*8) / float64(s.n); perKey > 16 {
		t.Errorf("%.1f bytes a key, want at most 16", perKey)
	}
}

// TestGroupTallyMatchesGroupPortable tallies a list in batches and
// compares each count with the numbers GroupPortable puts in that group.
func TestGroupTallyMatchesGroupPortable(t *testing.T) {
	var c Checker
	list := []Entry{{PhoneNumber: "+12125550100", CurrentCarrier: "B"}, {PhoneNumber: "+12125550101", CurrentCarrier: "A"},
		{PhoneNumber: "+442079460958"}, {PhoneNumber: "+12125550102", CurrentCarrier: "B", AccountNumber: "7"},
		{PhoneNumber: "+12125550103", CurrentCarrier: "B"}, {PhoneNumber: "nonsense"}}
	want := GroupPortable(c.CheckEntries(list, CheckOptions{}))
	var tally GroupTally
	for i := range list {
		tally.Add(c.CheckEntries(list[i:i+1], CheckOptions{}))
	}
	got := tally.Groups()
	if len(got) != len(want) {
		t.Fatalf("%d groups, want %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.Country != w.Country || g.LosingCarrier != w.LosingCarrier || g.NumberKind != w.NumberKind || g.AccountNumber != w.AccountNumber || g.Count != len(w.PhoneNumbers) {
			t.Errorf("group %d = %+v, want %+v", i, g, w)
		}
	}
}
