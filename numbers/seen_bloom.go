package numbers

// bloomFilter answers "maybe" or "certainly not" for the keys of one
// spilled run, so that a number new to the list costs a memory probe per
// run instead of a disk read. It is blocked: a key's bits all lie in one
// 64-byte block (one cache line). At 10 bits a key and 7 bits set, about
// 1 lookup in 100 of a key not in the run reads a block of the run for
// nothing.
type bloomFilter struct {
	words  []uint64 // blocks of bloomBlockWords words
	blocks int
}

const (
	bloomBitsPerKey = 10
	bloomBlockWords = 8 // 512 bits
	bloomBitsSet    = 7
)

func newBloomFilter(mem *offHeap, keys int) bloomFilter {
	blocks := max(1, (keys*bloomBitsPerKey+511)/512)
	return bloomFilter{words: mem.words(blocks * bloomBlockWords), blocks: blocks}
}

// bloomHashes returns the block of k and the 63 bits that pick its 7 bits
// in the block: two independent mixes of the key.
func (b bloomFilter) bloomHashes(k uint64) (block []uint64, bits uint64) {
	i := slot(mix(k^0x9e3779b97f4a7c15), b.blocks) * bloomBlockWords
	return b.words[i : i+bloomBlockWords : i+bloomBlockWords], mix(k)
}

func (b bloomFilter) add(k uint64) {
	block, bits := b.bloomHashes(k)
	for range bloomBitsSet {
		p := bits & 511
		block[p>>6] |= 1 << (p & 63)
		bits >>= 9
	}
}

func (b bloomFilter) mayHave(k uint64) bool {
	block, bits := b.bloomHashes(k)
	for range bloomBitsSet {
		p := bits & 511
		if block[p>>6]&(1<<(p&63)) == 0 {
			return false
		}
		bits >>= 9
	}
	return true
}
