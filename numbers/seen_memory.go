package numbers

import (
	"runtime"
	"slices"
	"unsafe"
)

// offHeap holds the large, long-lived, pointer-free arrays of a
// SeenNumbers (its hash tables and Bloom filters) in memory mapped outside
// the Go heap: the garbage collector lets the heap grow to twice what is
// live, so 16 MB of tables on the heap would cost up to 32 MB of resident
// memory, and 10 MB of filters 20 MB more as a list grows; off the heap
// each costs its size once and is returned at once when freed. A nil
// *offHeap allocates on the Go heap (tests, systems without mmap).
type offHeap struct {
	m *mappings
}

// mappings is what a cleanup unmaps when an offHeap is dropped without
// being freed; it must not point back to the offHeap.
type mappings struct{ live [][]byte }

func newOffHeap() *offHeap {
	if !canMapMemory {
		return nil
	}
	h := &offHeap{m: &mappings{}}
	runtime.AddCleanup(h, (*mappings).unmapAll, h.m)
	return h
}

// words returns n zeroed words.
func (h *offHeap) words(n int) []uint64 {
	if h == nil || n == 0 {
		return make([]uint64, n)
	}
	b := mapMemory(n * 8)
	h.m.live = append(h.m.live, b)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n)
}

// free returns w, got from words, to the system.
func (h *offHeap) free(w []uint64) {
	if h == nil || len(w) == 0 {
		return
	}
	p := unsafe.Pointer(&w[0])
	for i, b := range h.m.live {
		if unsafe.Pointer(&b[0]) == p {
			unmapMemory(b)
			h.m.live = slices.Delete(h.m.live, i, i+1)
			return
		}
	}
	panic("numbers: free of memory not mapped here")
}

// freeAll returns every mapping to the system.
func (h *offHeap) freeAll() {
	if h != nil {
		h.m.unmapAll()
	}
}

func (m *mappings) unmapAll() {
	for _, b := range m.live {
		unmapMemory(b)
	}
	m.live = nil
}
