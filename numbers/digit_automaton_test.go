package numbers

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// TestDigitAutomatonMatchesRegexp compiles every national-number and
// leading-digits pattern of the library's metadata on its own and compares
// the automaton with the regexp package ("^(?:pattern)$", as the library
// matches) on the region's example numbers, their prefixes and mutations,
// and random digit strings of every length up to 20.
func TestDigitAutomatonMatchesRegexp(t *testing.T) {
	t.Parallel()
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(14, 1))
	var patterns, matches int
	for _, m := range coll.GetMetadata() {
		r := &regionTables{id: m.GetId(), meta: m}
		var examples []string
		for _, d := range r.descs() {
			if d != nil && d.GetExampleNumber() != "" {
				examples = append(examples, d.GetExampleNumber())
			}
		}
		sources := []string{}
		for _, d := range r.descs() {
			if d != nil {
				sources = append(sources, d.GetNationalNumberPattern())
			}
		}
		if ld := m.GetLeadingDigits(); ld != "" {
			sources = append(sources, "(?:"+ld+")\\d*")
		}
		for _, src := range sources {
			a, err := compileDigitPatterns([]string{src}, []bool{false})
			if err != nil {
				t.Errorf("%s: %v", m.GetId(), err)
				continue
			}
			re := regexp.MustCompile("^(?:" + src + ")$")
			patterns++
			try := func(s string) {
				got, want := a.run(s) != 0, re.MatchString(s)
				if got != want {
					t.Errorf("%s pattern %q on %q: automaton %v, regexp %v", m.GetId(), src, s, got, want)
				}
				matches += btoi(want)
			}
			try("")
			for _, e := range examples {
				for i := range len(e) + 1 {
					try(e[:i])
				}
				for range 20 {
					b := []byte(e)
					b[rng.IntN(len(b))] = byte('0' + rng.IntN(10))
					try(string(b))
				}
			}
			for n := range 21 {
				for range 5 {
					b := make([]byte, n)
					for i := range b {
						b[i] = byte('0' + rng.IntN(10))
					}
					try(string(b))
				}
			}
		}
	}
	if patterns < 2000 || matches < patterns {
		t.Errorf("compared %d patterns with %d matches: too few", patterns, matches)
	}
}

// TestDigitAutomatonRejectsOtherSyntax checks that patterns outside the
// digit subset fail to compile (their region is then left to the library)
// instead of compiling to something else.
func TestDigitAutomatonRejectsOtherSyntax(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"^1", "1$", "\\s", "[^0]", ".", "1{2", "(1", "1)", "1*?", "[a-z]", "1{99}"} {
		if _, err := compileDigitPatterns([]string{p}, []bool{false}); err == nil {
			t.Errorf("pattern %q compiled", p)
		}
	}
}

// TestMetadataTablesCompileQuickly bounds the start-up cost: the calling
// codes are read on the first Check, each region's automaton on the first
// number of that region, and all of them together stay well under a
// second.
func TestMetadataTablesCompileQuickly(t *testing.T) {
	t.Parallel()
	start := time.Now()
	tables := buildMetadataTables()
	codes := time.Since(start)
	tables.regions["US"].ready()
	us := time.Since(start) - codes
	states := 0
	for _, c := range tables.byCode {
		if c == nil {
			continue
		}
		for _, r := range c.regions {
			if !r.ready() {
				t.Errorf("region %s (+%d) did not compile", r.id, c.code)
				continue
			}
			states += len(r.automaton.label)
		}
	}
	all := time.Since(start)
	t.Logf("calling codes in %v, then US in %v, every region in %v (%d automaton states)", codes, us, all, states)
	if codes > 50*time.Millisecond || us > 50*time.Millisecond || all > 2*time.Second {
		t.Errorf("compiling took %v for the calling codes, %v for everything", codes, all)
	}
}
