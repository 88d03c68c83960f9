package numbers

import (
	"errors"
	"slices"

	"github.com/portdesk/portdesk/porting"
)

// DefaultSeenInMemory is how many distinct numbers a SeenNumbers keeps in
// memory before it spills (10 to 15 bytes each): a streamed API check
// (at most 1,000,000 numbers) never touches the disk.
const DefaultSeenInMemory = 1_000_000

// SeenNumbers remembers the valid numbers of the earlier batches of one
// list, so that a list checked in batches (a file of millions of numbers,
// a streamed request) marks a repeated number duplicate_in_request just as
// one Check call does. The answer is exact: a number is a repeat only if
// it was seen.
//
// It keeps each distinct number as an integer (E.164 has at most 15
// digits) in a compact hash set of InMemory numbers at most. When the set
// is full it is sorted and spilled as a run to a temporary file,
// encrypted under a key held only in memory and nameless from the start
// (package scratch), and emptied; runs of equal size are merged, so a
// list of N numbers leaves about log2(N/InMemory) runs. Each run keeps
// in memory a Bloom filter (10 bits a number) and the first number of
// every 512-byte block, so a new number costs a probe per run, and only a
// filter hit reads one block. The tables and filters live outside the Go
// heap (see offHeap). Memory thus stays about flat: the set (at most 16
// bytes a number of InMemory), plus 1.4 bytes a spilled number.
//
// The zero value is ready to use; Close releases the runs' files and the
// memory. It is not safe for concurrent use.
type SeenNumbers struct {
	// InMemory bounds the distinct numbers held in memory; 0 means
	// DefaultSeenInMemory.
	InMemory int
	// TempDir is where runs spill; "" is the system's temporary
	// directory.
	TempDir string

	set keySet // its tables and the runs' filters live in mem
	mem *offHeap
	// other holds what does not read as an integer (never, for E.164).
	other   map[string]struct{}
	runs    []*seenRun // each at least as large as the next
	spilled int
	spills  int
	err     error // once the disk failed, every call fails
}

// MarkRepeats adds porting.ReasonDuplicateInRequest to, and clears
// Portable on, every valid result whose number an earlier batch held
// (Check marked the repeats within the batch already), then remembers the
// batch's numbers. It edits results in place. An error (the temporary
// files could not be written or read back) leaves results partly marked
// and the set unusable: every later call returns it.
func (s *SeenNumbers) MarkRepeats(results []Result) error {
	if s.err != nil {
		return s.err
	}
	for i := range results {
		r := &results[i]
		if !r.Valid || slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest) {
			continue
		}
		seen, err := s.has(r.PhoneNumber)
		if err != nil {
			s.err = err
			return err
		}
		if seen {
			r.Reasons = append(r.Reasons, porting.ReasonDuplicateInRequest)
			r.Portable = false
		}
	}
	// Only first sightings are added, so no number is both in memory
	// and in a run; should a caller's batch repeat a number unmarked, a
	// spill between the two would send the first to disk, so after one
	// the rest of the batch is looked up again.
	spills := s.spills
	for i := range results {
		r := &results[i]
		if !r.Valid || slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest) {
			continue
		}
		if s.spills != spills {
			seen, err := s.has(r.PhoneNumber)
			if err != nil {
				s.err = err
				return err
			}
			if seen {
				continue
			}
		}
		if err := s.add(r.PhoneNumber); err != nil {
			s.err = err
			return err
		}
	}
	return nil
}

// Len returns how many distinct numbers were seen.
func (s *SeenNumbers) Len() int { return s.set.n + s.spilled + len(s.other) }

// Close closes the spilled runs' files and frees the memory held outside
// the Go heap; the SeenNumbers is then empty. Calling it again does
// nothing. A SeenNumbers dropped without Close has its memory freed by
// the garbage collector, its files closed by theirs.
func (s *SeenNumbers) Close() error {
	var errs []error
	for _, r := range s.runs {
		errs = append(errs, r.close())
	}
	s.set.release()
	s.mem.freeAll()
	s.runs, s.spilled, s.other = nil, 0, nil
	return errors.Join(errs...)
}

func (s *SeenNumbers) has(e164 string) (bool, error) {
	k, ok := e164Key(e164)
	if !ok {
		_, found := s.other[e164]
		return found, nil
	}
	if s.set.has(k) {
		return true, nil
	}
	for _, r := range s.runs {
		if found, err := r.has(k); found || err != nil {
			return found, err
		}
	}
	return false, nil
}

func (s *SeenNumbers) add(e164 string) error {
	k, ok := e164Key(e164)
	if !ok {
		if s.other == nil {
			s.other = map[string]struct{}{}
		}
		s.other[e164] = struct{}{}
		return nil
	}
	if s.mem == nil && s.set.n == 0 {
		s.mem = newOffHeap()
		s.set.mem = s.mem
	}
	limit := s.InMemory
	if limit <= 0 {
		limit = DefaultSeenInMemory
	}
	if s.set.n >= limit && !s.set.has(k) {
		if err := s.spill(); err != nil {
			return err
		}
	}
	s.set.add(k)
	return nil
}

// spill writes the set as a new run, empties it, and merges the last two
// runs while the newer is as large as the older.
func (s *SeenNumbers) spill() error {
	n := s.set.n
	w, err := newRunWriter(s.TempDir, s.mem, n)
	if err != nil {
		return err
	}
	if err := s.set.drainSorted(w.add); err != nil {
		w.abort()
		return err
	}
	run, err := w.finish()
	if err != nil {
		return err
	}
	s.runs = append(s.runs, run)
	s.spilled += n
	s.spills++
	for len(s.runs) >= 2 {
		a, b := s.runs[len(s.runs)-2], s.runs[len(s.runs)-1]
		if b.n < a.n {
			break
		}
		s.runs = s.runs[:len(s.runs)-2]
		merged, err := mergeRuns(s.TempDir, s.mem, a, b)
		if err != nil {
			return err
		}
		s.runs = append(s.runs, merged)
	}
	return nil
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
