package numbers

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/portdesk/portdesk/porting"
)

// compiledClassifier answers classify from the compiled metadata tables
// for the canonical keys normalizeInput produces for most written forms:
// "+" followed by ASCII digits, and ASCII digits alone read in the default
// region (and ASCII keys with fewer than two digits, which the library
// never reads). It mirrors, step by step, what phonenumbers.Parse,
// GetRegionCodeForNumber, GetNumberType and Format(E164) do with such a
// key (the comments name the library function each step copies), and
// hands anything else — letters, other scripts' digits, extensions,
// regions whose patterns did not compile — back to the library.
type compiledClassifier struct {
	tables *metadataTables
	// region is the default region as given; home its tables, nil when
	// the library does not support it; homeCode its calling code.
	region   string
	home     *regionTables
	homeCode *callingCodeTables
}

// newCompiledClassifier returns the classifier for one default region
// (upper case, as Check passes it).
func newCompiledClassifier(region string) compiledClassifier {
	t := metadataTablesOnce()
	c := compiledClassifier{tables: t, region: region}
	if r := t.regions[region]; r != nil && r.callingCode > 0 && r.callingCode < len(t.byCode) {
		c.home, c.homeCode = r, t.byCode[r.callingCode]
	}
	return c
}

// invalidNumber is the classification of inputs the library rejects or
// finds no type for.
var invalidNumber = classified{}

// classify returns what the library says about key, and false when the
// key is not one the compiled path reads.
func (c *compiledClassifier) classify(key string) (classified, bool) {
	if fewASCIIDigits(key) {
		// isViablePhoneNumber wants two digits at least, before letters
		// are read as digits.
		return invalidNumber, true
	}
	if key[0] == '+' {
		digits := key[1:]
		if !isDigits(digits) {
			return classified{}, false
		}
		if len(digits) < 3 {
			return invalidNumber, true // not viable after "+", or ErrTooShortAfterIDD
		}
		code := c.tables.callingCode(digits)
		if code == nil {
			// ErrInvalidCountryCode: parseHelper tries again without the
			// "+", and this time a calling code must be found.
			return c.national(key, digits, true)
		}
		if !code.usable {
			return classified{}, false
		}
		if c.home == nil && code.regions[0].id == c.region {
			// parseHelper keeps the (missing) default region's metadata
			// when the code's main region has its name ("001"), and
			// strips no national prefix.
			return classified{}, false
		}
		return c.finish(key, code, digits[len(code.text):], code.regions[0])
	}
	if !isDigits(key) {
		return classified{}, false
	}
	return c.national(key, key, false)
}

// national reads digits without "+" in the default region:
// maybeExtractCountryCode from the international prefix on. needCode is
// set for parseHelper's second try of a "+" number, which fails unless a
// calling code is found.
func (c *compiledClassifier) national(key, digits string, needCode bool) (classified, bool) {
	home := c.home
	if home == nil {
		// checkRegionForParsing rejects digits without "+" in an unknown
		// region; the second try finds no international prefix and no
		// default calling code.
		return invalidNumber, true
	}
	if c.homeCode == nil || !c.homeCode.usable || !home.ready() {
		return classified{}, false
	}
	// maybeStripInternationalPrefixAndNormalize and parsePrefixAsIdd: the
	// default region's international prefix, when its leftmost match
	// starts the number and no 0 follows it.
	if idd := &home.internationalIDD; idd.re != nil && idd.mayMatchAt0(digits) {
		if end, ok := idd.matchAt0(digits); ok {
			rest := digits[end:]
			if len(rest) == 0 || rest[0] != '0' {
				if len(rest) <= minNationalLength {
					return invalidNumber, true // ErrTooShortAfterIDD
				}
				code := c.tables.callingCode(rest)
				if code == nil {
					return invalidNumber, true // ErrInvalidCountryCode
				}
				if !code.usable {
					return classified{}, false
				}
				return c.finish(key, code, rest[len(code.text):], code.regions[0])
			}
		}
	}
	// maybeExtractCountryCode: a number starting with the default
	// region's calling code loses it when that makes an invalid number
	// valid, or when the whole is too long.
	if code := c.homeCode; strings.HasPrefix(digits, code.text) {
		potential := home.stripNationalPrefix(digits[len(code.text):])
		fullValid := home.generalMatch(digits)
		nationalValid := home.generalMatch(potential)
		if (!fullValid && nationalValid) || home.testLength(len(digits)) == lengthTooLong {
			return c.finish(key, code, potential, code.regions[0])
		}
	}
	if needCode {
		return invalidNumber, true // ErrInvalidCountryCode
	}
	return c.finish(key, c.homeCode, digits, home)
}

// fewASCIIDigits reports whether key is ASCII with fewer than two digits.
func fewASCIIDigits(key string) bool {
	n := 0
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c >= 0x80:
			return false
		case c >= '0' && c <= '9':
			if n++; n == 2 {
				return false
			}
		}
	}
	return true
}

// finish goes on from parseHelper once the calling code is known:
// national is the number after it, parsing the region whose national
// prefix rules apply.
func (c *compiledClassifier) finish(key string, code *callingCodeTables, national string, parsing *regionTables) (classified, bool) {
	if !parsing.ready() {
		return classified{}, false
	}
	if len(national) < minNationalLength {
		return invalidNumber, true // ErrTooShortNSN
	}
	// parseHelper keeps the national prefix stripped only when what is
	// left has a possible length.
	if parsing.nationalPrefix.re != nil {
		potential := parsing.stripNationalPrefix(national)
		if r := parsing.testLength(len(potential)); r == lengthPossible || r == lengthTooLong {
			national = potential
		}
	}
	n := len(national)
	if n < minNationalLength || n > maxNationalLength {
		return invalidNumber, true // ErrTooShortNSN, ErrNumTooLong
	}
	// GetNationalSignificantNumber gives back national itself: the
	// leading zeros Parse records are the ones the number starts with.
	//
	// GetRegionCodeForNumber: the only region of the code, else the first
	// whose leading digits start the number or, without leading digits,
	// for which the number has a type.
	var region *regionTables
	var label uint16
	for _, r := range code.regions {
		if !r.ready() {
			return classified{}, false
		}
		l := r.automaton.run(national)
		if len(code.regions) == 1 ||
			(r.hasLeadingDigits && l&(1<<descLeadingDigits) != 0) ||
			(!r.hasLeadingDigits && r.numberType(l, n) != phonenumbers.UNKNOWN) {
			region, label = r, l
			break
		}
	}
	if region == nil {
		return invalidNumber, true // no region: no metadata, UNKNOWN
	}
	typ := region.numberType(label, n)
	if typ == phonenumbers.UNKNOWN {
		return invalidNumber, true
	}
	e164 := key
	if !isE164Of(key, code.text, national) {
		var buf [1 + 3 + maxNationalLength]byte
		b := append(buf[:0], '+')
		b = append(b, code.text...)
		b = append(b, national...)
		e164 = string(b)
	}
	t := &typeVocabulary[typ]
	return classified{
		valid:          true,
		e164:           e164,
		country:        region.id,
		numberType:     t.name,
		kind:           t.kind,
		nationalNumber: e164[1+len(code.text):],
	}, true
}

// isE164Of reports whether key is already "+" code national.
func isE164Of(key, code, national string) bool {
	return len(key) == 1+len(code)+len(national) && key[0] == '+' &&
		key[1:1+len(code)] == code && key[1+len(code):] == national
}

// typeVocabulary is typeNames and kindOfType by type, for the hot path.
var typeVocabulary = func() (v [phonenumbers.UNKNOWN + 1]struct {
	name string
	kind porting.NumberKind
}) {
	for t := range v {
		v[t].name = typeNames[phonenumbers.PhoneNumberType(t)]
		v[t].kind = kindOfType[phonenumbers.PhoneNumberType(t)]
	}
	return v
}()

// numberType is getNumberTypeHelper on a number of n digits whose
// automaton label is label: isNumberMatchingDesc is "a possible length of
// the desc, and its pattern matches".
func (r *regionTables) numberType(label uint16, n int) phonenumbers.PhoneNumberType {
	if n > maxNationalLength {
		return phonenumbers.UNKNOWN
	}
	m := label & r.lengthOK[n]
	has := func(d int) bool { return m&(1<<d) != 0 }
	switch {
	case !has(descGeneral):
		return phonenumbers.UNKNOWN
	case has(descPremiumRate):
		return phonenumbers.PREMIUM_RATE
	case has(descTollFree):
		return phonenumbers.TOLL_FREE
	case has(descSharedCost):
		return phonenumbers.SHARED_COST
	case has(descVoip):
		return phonenumbers.VOIP
	case has(descPersonalNumber):
		return phonenumbers.PERSONAL_NUMBER
	case has(descPager):
		return phonenumbers.PAGER
	case has(descUAN):
		return phonenumbers.UAN
	case has(descVoicemail):
		return phonenumbers.VOICEMAIL
	case has(descFixedLine):
		if r.sameMobileAndFixed || has(descMobile) {
			return phonenumbers.FIXED_LINE_OR_MOBILE
		}
		return phonenumbers.FIXED_LINE
	case !r.sameMobileAndFixed && has(descMobile):
		return phonenumbers.MOBILE
	}
	return phonenumbers.UNKNOWN
}

// generalMatch reports whether the general description's pattern matches
// all of s (the library's "^(?:pattern)$", no length check).
func (r *regionTables) generalMatch(s string) bool {
	return r.automaton.run(s)&(1<<descGeneral) != 0
}

// lengthResult is the library's ValidationResult for the cases the
// parser tells apart.
type lengthResult int

const (
	lengthPossible lengthResult = iota
	lengthLocalOnly
	lengthTooShort
	lengthTooLong
	lengthInvalid
)

// testLength is testNumberLength(number, metadata, UNKNOWN) for a number
// of n digits.
func (r *regionTables) testLength(n int) lengthResult {
	lengths := r.generalLengths
	if lengths[0] == -1 {
		return lengthInvalid
	}
	for _, l := range r.localOnlyLengths {
		if int(l) == n {
			return lengthLocalOnly
		}
	}
	switch {
	case int(lengths[0]) == n:
		return lengthPossible
	case int(lengths[0]) > n:
		return lengthTooShort
	case int(lengths[len(lengths)-1]) < n:
		return lengthTooLong
	}
	for _, l := range lengths[1:] {
		if int(l) == n {
			return lengthPossible
		}
	}
	return lengthInvalid
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode: it
// returns number without its national prefix (or transformed by the
// region's rule), or number itself when the prefix does not match or
// removing it would make a number matching the general pattern stop
// matching it.
func (r *regionTables) stripNationalPrefix(number string) string {
	p := &r.nationalPrefix
	if len(number) == 0 || p.re == nil || !p.mayMatchAt0(number) {
		return number
	}
	if p.literal != "" && r.transformRule == "" {
		if !strings.HasPrefix(number, p.literal) {
			return number
		}
		if rest := number[len(p.literal):]; !r.generalMatch(number) || r.generalMatch(rest) {
			return rest
		}
		return number
	}
	groups := p.re.FindStringSubmatchIndex(number)
	if groups == nil {
		return number
	}
	viable := r.generalMatch(number)
	last := len(groups)/2 - 1
	if r.transformRule == "" || groups[last*2] < 0 {
		if viable && !r.generalMatch(number[groups[1]:]) {
			return number
		}
		return number[groups[1]:]
	}
	transformed := p.re.ReplaceAllString(number, r.transformRule)
	if viable && !r.generalMatch(transformed) {
		return number
	}
	return transformed
}
