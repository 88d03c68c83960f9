package numbers

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// CarrierLookup names a carrier of a number: as Checker.Current the one
// it is with today (a later carrier-exchange adapter), as
// Checker.RangeHolder the one its range was first assigned to. Check calls
// it once per distinct valid number, possibly from several goroutines at
// once, so implementations must be safe for concurrent use.
type CarrierLookup interface {
	// LookupCarrier returns the carrier of e164 (a valid number in E.164)
	// whose Country is country, or "" when it does not know. It cannot
	// fail: a lookup whose source is down answers "" and the next source
	// in Result.LosingCarrier's order is used.
	LookupCarrier(e164 string, country string) string
}

// OriginalCarrierLookup answers from libphonenumber's carrier data: the
// carrier a number range was first assigned to, the range holder. Numbers
// that have already been ported are with another carrier, and most fixed
// lines are not covered, so it belongs in Checker.RangeHolder, never in
// Checker.Current. The zero value is ready to use and safe for concurrent
// use.
type OriginalCarrierLookup struct{}

// LookupCarrier implements CarrierLookup with English carrier names.
// libphonenumber finds the carrier by the longest prefix of the number's
// E.164 form up to carrierPrefixLength characters, so every number sharing
// those characters has the same answer: it is remembered by them.
func (OriginalCarrierLookup) LookupCarrier(e164 string, _ string) string {
	key := e164[:min(len(e164), carrierPrefixLength)]
	if name, ok := carrierByPrefix.Load(key); ok {
		return name.(string)
	}
	num, ok := numberFromE164(e164)
	if !ok {
		return ""
	}
	name, err := phonenumbers.GetCarrierForNumber(num, "en")
	if err != nil {
		return ""
	}
	// Only a number that formats back to e164 was looked up by e164's own
	// characters; the cache stops growing at carrierCacheSize prefixes.
	if phonenumbers.Format(num, phonenumbers.E164) == e164 && carrierCached.Load() < carrierCacheSize {
		if _, loaded := carrierByPrefix.LoadOrStore(key, name); !loaded {
			carrierCached.Add(1)
		}
	}
	return name
}

// carrierPrefixLength is the most characters of an E.164 number (the "+"
// included) libphonenumber's carrier lookup reads (its maxLength of 10).
const carrierPrefixLength = 10

// carrierCacheSize bounds the prefixes remembered (a few megabytes):
// enough for the ranges of any one request, small beside a streamed check
// of millions of scattered numbers.
const carrierCacheSize = 1 << 16

var (
	carrierByPrefix sync.Map // prefix → carrier name ("" for none)
	carrierCached   atomic.Int64
)

// numberFromE164 rebuilds a PhoneNumber from its E.164 form without the
// cost of phonenumbers.Parse; calling codes are prefix-free, so the first
// one to 3 digits that name a calling code are it. The carrier data is
// keyed on the E.164 digits, so the rebuilt number must format back to the
// same string; anything else falls back to the parser.
func numberFromE164(e164 string) (*phonenumbers.PhoneNumber, bool) {
	digits, ok := strings.CutPrefix(e164, "+")
	if !ok || len(digits) < 3 || len(digits) > 18 || strings.Trim(digits, "0123456789") != "" {
		return nil, false
	}
	for n := 1; n <= 3; n++ {
		cc, _ := strconv.Atoi(digits[:n])
		if phonenumbers.GetRegionCodeForCountryCode(cc) == "ZZ" {
			continue
		}
		nsn := digits[n:]
		national, err := strconv.ParseUint(nsn, 10, 64)
		if err != nil {
			break
		}
		num := &phonenumbers.PhoneNumber{}
		num.CountryCode = new(int32(cc))
		num.NationalNumber = new(national)
		if zeros := len(nsn) - len(strings.TrimLeft(nsn, "0")); zeros > 0 {
			num.ItalianLeadingZero = new(true)
			num.NumberOfLeadingZeros = new(int32(zeros))
		}
		if phonenumbers.Format(num, phonenumbers.E164) == e164 {
			return num, true
		}
		break
	}
	num, err := phonenumbers.Parse(e164, "")
	return num, err == nil
}
