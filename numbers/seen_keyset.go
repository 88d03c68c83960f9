package numbers

import (
	"slices"
)

// keySet is a set of non-zero integers: open addressing with linear
// probing, split into 256 tables by hash so that growing one (by half, at
// 80% full) copies 1/256 of the set; a table is 53–80% full, 10–15 bytes
// a key.
type keySet struct {
	tables [256]keyTable
	n      int
	mem    *offHeap // where the tables live; nil: the Go heap
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
		t.grow(s.mem)
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
func (t *keyTable) grow(mem *offHeap) {
	old := t.slots
	t.slots = mem.words(max(16, len(old)*3/2))
	for _, k := range old {
		if k != 0 {
			t.insert(k, mix(k))
		}
	}
	mem.free(old)
}

// release empties the set and returns its tables' memory.
func (s *keySet) release() {
	for i := range s.tables {
		s.mem.free(s.tables[i].slots)
		s.tables[i] = keyTable{}
	}
	s.n = 0
}

// reset empties the set and keeps its tables' room.
func (s *keySet) reset() {
	for i := range s.tables {
		clear(s.tables[i].slots)
		s.tables[i].n = 0
	}
	s.n = 0
}

// drainSorted calls emit with every key in ascending order, then empties
// the set. It needs no memory beyond the tables: each table's keys are
// gathered and sorted at its front, and the 256 sorted tables are merged.
func (s *keySet) drainSorted(emit func(uint64) error) error {
	var heads tableHeads
	for i := range s.tables {
		t := &s.tables[i]
		keys := t.slots[:0]
		for _, k := range t.slots {
			if k != 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		if len(keys) > 0 {
			heads = append(heads, tableHead{keys: keys})
		}
	}
	for i := len(heads)/2 - 1; i >= 0; i-- {
		heads.down(i)
	}
	for len(heads) > 0 {
		h := &heads[0]
		if err := emit(h.keys[0]); err != nil {
			s.reset()
			return err
		}
		if h.keys = h.keys[1:]; len(h.keys) == 0 {
			heads[0] = heads[len(heads)-1]
			heads = heads[:len(heads)-1]
		}
		heads.down(0)
	}
	s.reset()
	return nil
}

// tableHeads is a min-heap of sorted tables by their smallest key.
type tableHeads []tableHead

type tableHead struct{ keys []uint64 }

// down moves heads[i] down to its place.
func (h tableHeads) down(i int) {
	for {
		least := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h) && h[c].keys[0] < h[least].keys[0] {
				least = c
			}
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}
