package numbers

import (
	"slices"

	"github.com/portdesk/portdesk/porting"
)

// SeenNumbers remembers the valid numbers of the earlier batches of one
// list, so that a list checked in batches (a file of millions of numbers,
// a streamed request) marks a repeated number duplicate_in_request just as
// one Check call does. It keeps each distinct number as an integer (E.164
// has at most 15 digits) in a compact hash set: 10 to 15 bytes a number
// (a Go map takes 30 to 38), about 130 MB for 10,000,000. The zero value
// is ready to use; it is not safe for concurrent use.
type SeenNumbers struct {
	set keySet
	// other holds what does not read as an integer (never, for E.164).
	other map[string]struct{}
}

// MarkRepeats adds porting.ReasonDuplicateInRequest to, and clears
// Portable on, every valid result whose number an earlier batch held
// (Check marked the repeats within the batch already), then remembers the
// batch's numbers. It edits results in place.
func (s *SeenNumbers) MarkRepeats(results []Result) {
	for i := range results {
		r := &results[i]
		if r.Valid && s.has(r.PhoneNumber) && !slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest) {
			r.Reasons = append(r.Reasons, porting.ReasonDuplicateInRequest)
			r.Portable = false
		}
	}
	for i := range results {
		if results[i].Valid {
			s.add(results[i].PhoneNumber)
		}
	}
}

// Len returns how many distinct numbers were seen.
func (s *SeenNumbers) Len() int { return s.set.n + len(s.other) }

func (s *SeenNumbers) has(e164 string) bool {
	if k, ok := e164Key(e164); ok {
		return s.set.has(k)
	}
	_, found := s.other[e164]
	return found
}

func (s *SeenNumbers) add(e164 string) {
	if k, ok := e164Key(e164); ok {
		s.set.add(k)
		return
	}
	if s.other == nil {
		s.other = map[string]struct{}{}
	}
	s.other[e164] = struct{}{}
}

// e164Key reads "+" and 1 to 18 digits as an integer; E.164 country
// codes never start with 0, so distinct numbers get distinct keys.
func e164Key(e164 string) (uint64, bool) {
	if len(e164) < 2 || len(e164) > 19 || e164[0] != '+' || e164[1] == '0' {
		return 0, false
	}
	var k uint64
	for i := 1; i < len(e164); i++ {
		c := e164[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		k = k*10 + uint64(c-'0')
	}
	return k, true
}

// keySet is a set of non-zero integers: open addressing with linear
// probing, split into 256 tables by hash so that growing one (by half, at
// 80% full) copies 1/256 of the set; a table is 53–80% full, 10–15 bytes
// a key.
type keySet struct {
	tables [256]keyTable
	n      int
}

type keyTable struct {
	slots []uint64 // 0 is an empty slot
	n     int
}

// mix is SplitMix64's finalizer: neighbouring numbers spread over tables
// and slots.
func mix(k uint64) uint64 {
	k ^= k >> 30
	k *= 0xbf58476d1ce4e5b9
	k ^= k >> 27
	k *= 0x94d049bb133111eb
	return k ^ k>>31
}

// slot maps the low 32 bits of h onto n slots without a division.
func slot(h uint64, n int) int { return int(uint64(uint32(h)) * uint64(n) >> 32) }

func (s *keySet) has(k uint64) bool {
	h := mix(k)
	t := &s.tables[h>>56]
	if len(t.slots) == 0 {
		return false
	}
	for i := slot(h, len(t.slots)); ; i++ {
		if i == len(t.slots) {
			i = 0
		}
		switch t.slots[i] {
		case k:
			return true
		case 0:
			return false
		}
	}
}

func (s *keySet) add(k uint64) {
	h := mix(k)
	t := &s.tables[h>>56]
	if (t.n+1)*5 > len(t.slots)*4 {
		t.grow()
	}
	if t.insert(k, h) {
		t.n++
		s.n++
	}
}

// insert puts k (hash h) in its slot and reports whether it was new.
func (t *keyTable) insert(k, h uint64) bool {
	for i := slot(h, len(t.slots)); ; i++ {
		if i == len(t.slots) {
			i = 0
		}
		switch t.slots[i] {
		case k:
			return false
		case 0:
			t.slots[i] = k
			return true
		}
	}
}

// grow makes the table half as large again.
func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]uint64, max(16, len(old)*3/2))
	for _, k := range old {
		if k != 0 {
			t.insert(k, mix(k))
		}
	}
}
