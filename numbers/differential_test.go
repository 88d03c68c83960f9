package numbers

import (
	"flag"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// differentialCount is how many generated inputs
// TestCompiledClassifyMatchesLibrary compares. The 10,000,000-number run:
//
//	go test ./numbers/ -run '^TestCompiledClassifyMatchesLibrary$' -numbers.differential=10000000 -timeout 30m
var differentialCount = flag.Int("numbers.differential", 1_000_000, "inputs in the differential test of the compiled classifier")

// libraryClassify is the oracle: the documented input rules (written out
// in reference_test.go apart from the checker's) and plain libphonenumber
// calls, with nothing of the compiled tables.
func libraryClassify(in, region string) classified {
	s, ok := documentedInput(in)
	if !ok {
		return classified{}
	}
	num, err := phonenumbers.Parse(s, documentedRegion(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return classified{}
	}
	typ := phonenumbers.GetNumberType(num)
	return classified{
		valid:          true,
		e164:           phonenumbers.Format(num, phonenumbers.E164),
		country:        phonenumbers.GetRegionCodeForNumber(num),
		numberType:     strings.ToLower(typeNamesUpper[typ]),
		kind:           kindOfType[typ],
		nationalNumber: phonenumbers.GetNationalSignificantNumber(num),
	}
}

// numberSeed is a number the generator starts from: a calling code, a
// national significant number and what its region writes before national
// numbers.
type numberSeed struct {
	code, national, region, nationalPrefix string
}

// numberGenerator writes inputs from libphonenumber's example numbers of
// every region and type, mutated, lengthened, shortened and written in the
// forms people use.
type numberGenerator struct {
	rng      *rand.Rand
	seeds    []numberSeed
	byRegion map[string][]numberSeed
	codes    []string
	regions  []string // default regions, the library's and some it lacks
}

var allNumberTypes = []phonenumbers.PhoneNumberType{
	phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE,
	phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST,
	phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
	phonenumbers.UAN, phonenumbers.VOICEMAIL,
}

// exampleSeeds are the library's example numbers of every region and type
// and of every non-geographical calling code; computed once.
var exampleSeeds = sync.OnceValues(func() ([]numberSeed, []string) {
	var seeds []numberSeed
	regions := slices.Sorted(func(yield func(string) bool) {
		for r := range phonenumbers.GetSupportedRegions() {
			if !yield(r) {
				return
			}
		}
	})
	add := func(num *phonenumbers.PhoneNumber, region string) {
		if num == nil {
			return
		}
		seeds = append(seeds, numberSeed{
			code:           strconv.Itoa(int(num.GetCountryCode())),
			national:       phonenumbers.GetNationalSignificantNumber(num),
			region:         region,
			nationalPrefix: phonenumbers.GetNddPrefixForRegion(region, true),
		})
	}
	for _, r := range regions {
		for _, t := range allNumberTypes {
			add(phonenumbers.GetExampleNumberForType(r, t), r)
		}
	}
	for code := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		add(phonenumbers.GetExampleNumberForNonGeoEntity(code), "001")
	}
	slices.SortFunc(seeds, func(a, b numberSeed) int {
		return strings.Compare(a.region+a.code+a.national, b.region+b.code+b.national)
	})
	return seeds, regions
})

func newNumberGenerator(seed uint64) *numberGenerator {
	seeds, regions := exampleSeeds()
	g := &numberGenerator{rng: rand.New(rand.NewPCG(seed, 14)), seeds: seeds, byRegion: map[string][]numberSeed{}}
	for _, s := range seeds {
		g.byRegion[s.region] = append(g.byRegion[s.region], s)
	}
	for code := range phonenumbers.GetSupportedCallingCodes() {
		g.codes = append(g.codes, strconv.Itoa(code))
	}
	slices.Sort(g.codes)
	g.regions = append(slices.Clone(regions), "ZZ", "001", "XK", "UK")
	return g
}

func (g *numberGenerator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// mutate changes, drops or adds digits of a national number.
func (g *numberGenerator) mutate(s string) string {
	b := []byte(s)
	switch g.rng.IntN(10) {
	case 0, 1, 2, 3: // as it is: valid numbers
	case 4, 5: // one or two digits changed
		for range 1 + g.rng.IntN(2) {
			if len(b) > 0 {
				b[g.rng.IntN(len(b))] = byte('0' + g.rng.IntN(10))
			}
		}
	case 6: // last digits dropped: possible lengths -1, -2
		b = b[:max(0, len(b)-1-g.rng.IntN(2))]
	case 7: // digits added: possible lengths +1, +2
		b = append(b, g.digits(1+g.rng.IntN(2))...)
	case 8: // a digit inserted inside
		i := g.rng.IntN(len(b) + 1)
		b = slices.Insert(b, i, byte('0'+g.rng.IntN(10)))
	case 9: // random digits of a random length
		b = []byte(g.digits(1 + g.rng.IntN(18)))
	}
	return string(b)
}

// spaced writes s in groups separated by sep.
func (g *numberGenerator) spaced(s, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		n := min(len(s)-i, 2+g.rng.IntN(3))
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// input writes one input for default region region.
func (g *numberGenerator) input(region string) string {
	s := g.seeds[g.rng.IntN(len(g.seeds))]
	if own := g.byRegion[region]; len(own) > 0 && g.rng.IntN(2) == 0 {
		s = own[g.rng.IntN(len(own))]
	}
	code, national := s.code, g.mutate(s.national)
	switch g.rng.IntN(40) {
	case 0:
		code = g.codes[g.rng.IntN(len(g.codes))]
	case 1:
		code = g.digits(1 + g.rng.IntN(4))
	}
	switch g.rng.IntN(24) {
	case 0, 1, 2, 3, 4, 5:
		return "+" + code + national
	case 6, 7:
		return "+" + code + " " + g.spaced(national, " ")
	case 8:
		return "00" + code + national
	case 9:
		return "00 " + code + " " + g.spaced(national, "-")
	case 10:
		return "011" + code + national
	case 11, 12, 13:
		return national
	case 14, 15:
		return s.nationalPrefix + national
	case 16:
		return "(" + s.nationalPrefix + national[:min(len(national), 2)] + ") " + g.spaced(national[min(len(national), 2):], "-")
	case 17:
		return code + national
	case 18:
		return "tel:+" + code + "-" + g.spaced(national, "-")
	case 19:
		return "+" + code + "." + g.spaced(national, ".")
	case 20:
		return g.digits(1 + g.rng.IntN(20))
	case 21:
		return "+" + g.digits(1+g.rng.IntN(20))
	case 22:
		return "+" + code + " " + vanity(national)
	}
	return []string{
		"+" + code + national + " ext. 12", s.nationalPrefix + national + "#4", "", "+", "00", "+0" + national,
		"++" + code + national, "+" + code + "/" + national, "+00" + code + national, "+011" + code + national,
		"+" + s.nationalPrefix + national, "a" + national[:min(len(national), 1)],
	}[g.rng.IntN(12)]
}

// TestCompiledClassifyMatchesLibrary compares classifyAll, which uses the
// compiled tables, with the library on generated inputs: every supported
// default region (and a few unsupported ones) in turn, inputs from every
// region's example numbers of every type, mutated and written in many
// forms. Most inputs must be answered by the compiled path, so the
// comparison is not between the library and itself.
func TestCompiledClassifyMatchesLibrary(t *testing.T) {
	t.Parallel()
	total := *differentialCount
	if testing.Short() {
		total = min(total, 100_000)
	}
	const batch = 2000
	g := newNumberGenerator(2026)
	type job struct {
		region string
		inputs []string
	}
	jobs := make(chan job, 4)
	go func() {
		defer close(jobs)
		for i := 0; i < total; i += batch {
			region := g.regions[(i/batch)%len(g.regions)]
			inputs := make([]string, min(batch, total-i))
			for j := range inputs {
				inputs[j] = g.input(region)
			}
			jobs <- job{region, inputs}
		}
	}()
	var mu sync.Mutex
	var compared, compiled, valid, failures int
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				got := classifyAll(j.inputs, j.region)
				c := newCompiledClassifier(j.region)
				var nCompiled, nValid int
				for i, in := range j.inputs {
					want := libraryClassify(in, j.region)
					var have classified
					if u := got.index[i]; u >= 0 {
						have = got.numbers[u]
					}
					if key, ok := normalizeInput(in); ok {
						if _, ok := c.classify(key); ok {
							nCompiled++
						}
					}
					nValid += btoi(want.valid)
					if have != want {
						mu.Lock()
						if failures++; failures <= 20 {
							t.Errorf("region %s, input %q:\n got %+v\nwant %+v", j.region, in, have, want)
						}
						mu.Unlock()
					}
				}
				mu.Lock()
				compared += len(j.inputs)
				compiled += nCompiled
				valid += nValid
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("%d inputs, %d valid, %d answered by the compiled tables, %d differences", compared, valid, compiled, failures)
	if compared != total || compiled < total*3/4 || valid < total/4 || valid > total*3/4 {
		t.Errorf("generated set too uniform: %d inputs, %d valid, %d compiled", compared, valid, compiled)
	}
}

// FuzzClassify compares classifyAll with the library on one input and a
// default region.
func FuzzClassify(f *testing.F) {
	for _, s := range []struct{ in, region string }{
		{"+1 415 555 0100", "US"}, {"(415) 555-0100", "us"}, {"020 7946 0000", "GB"},
		{"00 44 20 7946 0000", "DE"}, {"011 44 20 7946 0000", "US"}, {"+44 0 20 7946 0000", "FR"},
		{"0011 61 2 9876 5432", "AU"}, {"+54 9 11 1234 5678", "AR"}, {"011 15 1234 5678", "AR"},
		{"+800 1234 5678", "US"}, {"+39 06 1234 5678", "IT"}, {"4412345678", "GB"},
		{"1 800 FLOWERS", "US"}, {"tel:+1-415-555-0100;ext=7", ""}, {"+0", "ZZ"}, {"12", "US"},
		{"+1 246 234 5678", "BB"}, {"2345678", "BB"}, {"+7 700 123 4567", "RU"}, {"۰۰۴۴۲۰۷۹۴۶۰۰۰۰", "GB"},
		{"+011 44 20 7946 0000", "US"}, {"+00 44 20 7946 0000", "GB"}, {"+999 123 456", "DE"}, {"a1", "US"},
	} {
		f.Add(s.in, s.region)
	}
	f.Fuzz(func(t *testing.T, in, region string) {
		region = documentedRegion(region)
		got := classifyAll([]string{in}, region)
		var have classified
		if u := got.index[0]; u >= 0 {
			have = got.numbers[u]
		}
		if want := libraryClassify(in, region); have != want {
			t.Errorf("region %q, input %q:\n got %+v\nwant %+v", region, in, have, want)
		}
	})
}
