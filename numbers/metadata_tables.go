package numbers

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The fast path's tables are compiled from the metadata libphonenumber
// ships, read through its API (MetadataCollection, the calling-code and
// region maps): the calling codes and their regions once, on the first
// Check; each region's digit automaton, national-prefix and
// international-prefix rules on the first number that needs them.

// Bits of a region's digit automaton labels: which of the region's
// national-number patterns match (one per PhoneNumberDesc, tried by
// getNumberTypeHelper), and whether its leading digits match a prefix.
const (
	descGeneral = iota
	descPremiumRate
	descTollFree
	descSharedCost
	descVoip
	descPersonalNumber
	descPager
	descUAN
	descVoicemail
	descFixedLine
	descMobile
	descLeadingDigits
	descCount
)

// maxNationalLength is libphonenumber's MAX_LENGTH_FOR_NSN and
// minNationalLength its MIN_LENGTH_FOR_NSN.
const (
	maxNationalLength = 17
	minNationalLength = 2
)

// metadataTables are the calling codes, indexed by their value (codes
// never start with 0, so the one-, two- and three-digit codes do not
// collide), and the regions by ISO code.
type metadataTables struct {
	byCode  [1000]*callingCodeTables
	regions map[string]*regionTables
}

// callingCodeTables is one country calling code and its regions in the
// library's order, main region first.
type callingCodeTables struct {
	code    int
	text    string
	regions []*regionTables
	// usable is false when a region lacks metadata; the library answers.
	usable bool
}

// regionTables is what the fast path knows of one region's metadata (or of
// one non-geographical calling code's, id "001").
type regionTables struct {
	id          string
	callingCode int
	meta        *phonenumbers.PhoneMetadata

	once sync.Once
	// Set by compile; usable is false when any pattern could not be
	// compiled, and the library answers for the region.
	usable             bool
	automaton          *digitAutomaton
	hasLeadingDigits   bool
	sameMobileAndFixed bool
	// lengthOK[n] holds the desc bits whose possible lengths allow n digits
	// (a desc listing none allows every length).
	lengthOK         [maxNationalLength + 1]uint16
	generalLengths   []int32
	localOnlyLengths []int32
	nationalPrefix   prefixRule
	transformRule    string
	internationalIDD prefixRule
}

// prefixRule is a national or international prefix pattern, run with the
// regexp package exactly as the library runs it, behind a test of the
// first digit that skips numbers it cannot match.
type prefixRule struct {
	re       *regexp.Regexp // nil: no pattern
	literal  string         // the whole pattern when it is digits only
	first    digitMask
	nullable bool
}

// mayMatchAt0 reports whether the rule can match at the start of s.
func (p *prefixRule) mayMatchAt0(s string) bool {
	if p.nullable {
		return true
	}
	return len(s) > 0 && s[0]-'0' <= 9 && p.first&(1<<(s[0]-'0')) != 0
}

// matchAt0 reports whether the leftmost match of the rule in s starts s,
// and where it ends (parsePrefixAsIdd's test).
func (p *prefixRule) matchAt0(s string) (int, bool) {
	if p.literal != "" {
		return len(p.literal), strings.HasPrefix(s, p.literal)
	}
	loc := p.re.FindStringIndex(s)
	if loc == nil || loc[0] != 0 {
		return 0, false
	}
	return loc[1], true
}

// metadataTablesOnce builds the tables on first use.
var metadataTablesOnce = sync.OnceValue(buildMetadataTables)

func buildMetadataTables() *metadataTables {
	t := &metadataTables{regions: map[string]*regionTables{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return t
	}
	supported := phonenumbers.GetSupportedRegions()
	nonGeo := map[int]*regionTables{}
	for _, m := range coll.GetMetadata() {
		r := &regionTables{id: m.GetId(), callingCode: int(m.GetCountryCode()), meta: m}
		if r.id == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
			nonGeo[r.callingCode] = r
		} else if supported[r.id] {
			t.regions[r.id] = r
		}
	}
	for code := range phonenumbers.GetSupportedCallingCodes() {
		if code <= 0 || code >= len(t.byCode) {
			continue
		}
		c := &callingCodeTables{code: code, text: strconv.Itoa(code), usable: true}
		for _, id := range phonenumbers.GetRegionCodesForCountryCode(code) {
			r := t.regions[id]
			if id == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
				r = nonGeo[code]
			}
			if r == nil {
				c.usable = false
				break
			}
			c.regions = append(c.regions, r)
		}
		c.usable = c.usable && len(c.regions) > 0
		t.byCode[code] = c
	}
	return t
}

// callingCode returns the calling code that starts digits as
// libphonenumber's extractCountryCode finds it (the shortest known one of
// up to three digits), or nil.
func (t *metadataTables) callingCode(digits string) *callingCodeTables {
	if len(digits) == 0 || digits[0] == '0' {
		return nil
	}
	v := 0
	for i := 0; i < 3 && i < len(digits); i++ {
		d := digits[i] - '0'
		if d > 9 {
			return nil
		}
		v = v*10 + int(d)
		if c := t.byCode[v]; c != nil {
			return c
		}
	}
	return nil
}

// ready compiles the region on first use and reports whether the fast
// path may answer for it.
func (r *regionTables) ready() bool {
	r.once.Do(r.compile)
	return r.usable
}

// descs returns the region's number descriptions in desc-bit order.
func (r *regionTables) descs() [descLeadingDigits]*phonenumbers.PhoneNumberDesc {
	m := r.meta
	return [...]*phonenumbers.PhoneNumberDesc{
		descGeneral: m.GetGeneralDesc(), descPremiumRate: m.GetPremiumRate(),
		descTollFree: m.GetTollFree(), descSharedCost: m.GetSharedCost(),
		descVoip: m.GetVoip(), descPersonalNumber: m.GetPersonalNumber(),
		descPager: m.GetPager(), descUAN: m.GetUan(), descVoicemail: m.GetVoicemail(),
		descFixedLine: m.GetFixedLine(), descMobile: m.GetMobile(),
	}
}

func (r *regionTables) compile() {
	m := r.meta
	descs := r.descs()
	general := descs[descGeneral]
	if general == nil || len(general.GetPossibleLength()) == 0 {
		return // the library would index an empty list; leave it to it
	}
	patterns := make([]string, descCount)
	skip := make([]bool, descCount)
	for i, d := range descs {
		if d == nil {
			skip[i] = true // never matches: no pattern to match
			continue
		}
		patterns[i] = d.GetNationalNumberPattern()
		var ok uint32
		if len(d.GetPossibleLength()) == 0 {
			ok = 1<<(maxNationalLength+1) - 1
		}
		for _, l := range d.GetPossibleLength() {
			if l >= 0 && l <= maxNationalLength {
				ok |= 1 << l
			}
		}
		for n := range r.lengthOK {
			if ok&(1<<n) != 0 {
				r.lengthOK[n] |= 1 << i
			}
		}
	}
	if ld := m.GetLeadingDigits(); ld != "" {
		r.hasLeadingDigits = true
		patterns[descLeadingDigits] = "(?:" + ld + ")\\d*"
	} else {
		skip[descLeadingDigits] = true
	}
	a, err := compileDigitPatterns(patterns, skip)
	if err != nil {
		return
	}
	if r.nationalPrefix, err = newPrefixRule(m.GetNationalPrefixForParsing(), true); err != nil {
		return
	}
	if r.internationalIDD, err = newPrefixRule(m.GetInternationalPrefix(), false); err != nil {
		return
	}
	r.automaton = a
	r.sameMobileAndFixed = m.GetSameMobileAndFixedLinePattern()
	r.generalLengths = general.GetPossibleLength()
	r.localOnlyLengths = general.GetPossibleLengthLocalOnly()
	r.transformRule = m.GetNationalPrefixTransformRule()
	r.usable = true
}

// newPrefixRule compiles a prefix pattern as the library does: anchored
// ("^(?:p)") for national prefixes, as is for international ones (the
// library then requires the leftmost match to start at 0).
func newPrefixRule(pattern string, anchored bool) (prefixRule, error) {
	if pattern == "" && anchored {
		return prefixRule{}, nil // no national prefix: nothing is stripped
	}
	// An empty international prefix matches "" at 0, and the library then
	// reads every number not starting with 0 as international.
	src := pattern
	if anchored {
		src = "^(?:" + pattern + ")"
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return prefixRule{}, err
	}
	p := prefixRule{re: re, nullable: true}
	if isDigits(pattern) {
		p.literal = pattern
	}
	if tree, err := syntax.Parse(pattern, syntax.Perl); err == nil {
		p.first, p.nullable = firstDigits(tree)
	}
	return p, nil
}

// firstDigits returns the digits a non-empty match of re can start with
// and whether re may match without reading any (which the callers treat
// as "may match anything"). Unknown operators answer conservatively.
func firstDigits(re *syntax.Regexp) (digitMask, bool) {
	switch re.Op {
	case syntax.OpNoMatch:
		return 0, false
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return 0, true
		}
		if c := re.Rune[0]; c >= '0' && c <= '9' {
			return 1 << (c - '0'), false
		}
		return 0, false
	case syntax.OpCharClass:
		var m digitMask
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := max(re.Rune[i], '0'); c <= min(re.Rune[i+1], '9'); c++ {
				m |= 1 << (c - '0')
			}
		}
		return m, false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return allDigits, false
	case syntax.OpCapture, syntax.OpPlus:
		return firstDigits(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		m, _ := firstDigits(re.Sub[0])
		return m, true
	case syntax.OpRepeat:
		m, nullable := firstDigits(re.Sub[0])
		return m, nullable || re.Min == 0
	case syntax.OpConcat:
		var m digitMask
		for _, sub := range re.Sub {
			sm, nullable := firstDigits(sub)
			m |= sm
			if !nullable {
				return m, false
			}
		}
		return m, true
	case syntax.OpAlternate:
		var m digitMask
		nullable := false
		for _, sub := range re.Sub {
			sm, n := firstDigits(sub)
			m |= sm
			nullable = nullable || n
		}
		return m, nullable
	}
	return allDigits, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}
