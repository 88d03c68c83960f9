package numbers

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/portdesk/portdesk/scratch"
)

// runBlockKeys is how many keys one read of a run brings in (512 bytes:
// a filter hit costs a read, a decryption and a decoding of that much);
// the run's index holds the first key of each block, 1/8 byte a key.
const runBlockKeys = 64

// seenRun is a sorted run of distinct keys spilled from the set of numbers
// seen, in an encrypted nameless temporary file (package scratch), with a
// Bloom filter and the first key of every block in memory: a key costs a
// filter probe, and a filter hit one block read.
type seenRun struct {
	file   *scratch.File
	mem    *offHeap // holds the filter and the index
	n      int
	index  []uint64 // first key of each block
	bloom  bloomFilter
	cached int // the block in keys, -1 for none
	keys   []uint64
	raw    []byte
}

// has reports whether the run holds k.
func (r *seenRun) has(k uint64) (bool, error) {
	if !r.bloom.mayHave(k) {
		return false, nil
	}
	i, found := slices.BinarySearch(r.index, k)
	if found {
		return true, nil
	}
	if i == 0 {
		return false, nil
	}
	if err := r.readBlock(i - 1); err != nil {
		return false, err
	}
	_, found = slices.BinarySearch(r.keys, k)
	return found, nil
}

// readBlock brings block i into r.keys, checking that it is sorted and
// starts with the key the index holds for it.
func (r *seenRun) readBlock(i int) error {
	if r.cached == i {
		return nil
	}
	r.cached = -1
	n := min(runBlockKeys, r.n-i*runBlockKeys)
	raw := r.raw[:n*8]
	if _, err := r.file.ReadAt(raw, int64(i)*runBlockKeys*8); err != nil {
		return fmt.Errorf("numbers: read the numbers seen: %w", err)
	}
	r.keys = r.keys[:n]
	for j := range n {
		r.keys[j] = binary.LittleEndian.Uint64(raw[j*8:])
		if j > 0 && r.keys[j] <= r.keys[j-1] {
			return errCorruptRun
		}
	}
	if r.keys[0] != r.index[i] {
		return errCorruptRun
	}
	r.cached = i
	return nil
}

var errCorruptRun = errors.New("numbers: a temporary file of the numbers seen reads back wrong")

// close frees the run's filter and closes its file.
func (r *seenRun) close() error {
	r.dropBloom()
	return r.file.Close()
}

// dropBloom frees the run's filter and index: a run being merged needs
// neither.
func (r *seenRun) dropBloom() {
	r.mem.free(r.bloom.words)
	r.mem.free(r.index[:cap(r.index)])
	r.bloom, r.index = bloomFilter{}, nil
}

// runWriter writes keys given in ascending order as a new run.
type runWriter struct {
	run *seenRun
	w   *bufio.Writer
	b   [8]byte
}

// newRunWriter starts a run of at most keys keys in dir, its filter in
// mem.
func newRunWriter(dir string, mem *offHeap, keys int) (*runWriter, error) {
	f, err := scratch.Create(dir, "portdesk-seen-*")
	if err != nil {
		return nil, fmt.Errorf("numbers: spill the numbers seen: %w", err)
	}
	r := &seenRun{file: f, mem: mem, bloom: newBloomFilter(mem, keys), index: mem.words((keys + runBlockKeys - 1) / runBlockKeys)[:0], cached: -1}
	return &runWriter{run: r, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// add appends k, which is larger than every key added before.
func (w *runWriter) add(k uint64) error {
	r := w.run
	if r.n%runBlockKeys == 0 {
		r.index = append(r.index, k) // within its capacity: never moves
	}
	r.bloom.add(k)
	r.n++
	binary.LittleEndian.PutUint64(w.b[:], k)
	if _, err := w.w.Write(w.b[:]); err != nil {
		return fmt.Errorf("numbers: spill the numbers seen: %w", err)
	}
	return nil
}

// finish flushes the run and returns it; on an error the file is closed.
func (w *runWriter) finish() (*seenRun, error) {
	if err := w.w.Flush(); err != nil {
		w.run.close()
		return nil, fmt.Errorf("numbers: spill the numbers seen: %w", err)
	}
	w.run.keys = make([]uint64, 0, runBlockKeys)
	w.run.raw = make([]byte, runBlockKeys*8)
	return w.run, nil
}

// abort drops an unfinished run.
func (w *runWriter) abort() { w.run.close() }

// runReader reads a run's keys in order, a block at a time.
type runReader struct {
	r    io.Reader
	left int
	buf  []byte
	keys []byte // undecoded keys of the block read
}

func newRunReader(run *seenRun) *runReader {
	return &runReader{r: run.file.Reader(), left: run.n, buf: make([]byte, runBlockKeys*8)}
}

// next returns the next key, false at the end.
func (rr *runReader) next() (uint64, bool, error) {
	if len(rr.keys) == 0 {
		if rr.left == 0 {
			return 0, false, nil
		}
		n := min(rr.left, runBlockKeys)
		if _, err := io.ReadFull(rr.r, rr.buf[:n*8]); err != nil {
			return 0, false, fmt.Errorf("numbers: read the numbers seen: %w", err)
		}
		rr.keys, rr.left = rr.buf[:n*8], rr.left-n
	}
	k := binary.LittleEndian.Uint64(rr.keys)
	rr.keys = rr.keys[8:]
	return k, true, nil
}

// mergeRuns writes the union of a and b as one run in dir and closes
// both; a key in both (never, when the set adds only new numbers) is kept
// once. Their filters are freed first, so that the merged one takes
// their place rather than adding to them.
func mergeRuns(dir string, mem *offHeap, a, b *seenRun) (*seenRun, error) {
	defer a.close()
	defer b.close()
	a.dropBloom()
	b.dropBloom()
	w, err := newRunWriter(dir, mem, a.n+b.n)
	if err != nil {
		return nil, err
	}
	ra, rb := newRunReader(a), newRunReader(b)
	ka, okA, errA := ra.next()
	kb, okB, errB := rb.next()
	last, started := uint64(0), false
	for err == nil && (okA || okB) {
		var k uint64
		switch {
		case okA && (!okB || ka <= kb):
			k = ka
			ka, okA, errA = ra.next()
		default:
			k = kb
			kb, okB, errB = rb.next()
		}
		if err = errors.Join(errA, errB); err != nil {
			break
		}
		if started && k <= last {
			if k < last {
				err = errCorruptRun
			}
			continue
		}
		last, started = k, true
		err = w.add(k)
	}
	if err == nil {
		err = errors.Join(errA, errB)
	}
	if err != nil {
		w.abort()
		return nil, err
	}
	return w.finish()
}
