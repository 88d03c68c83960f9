package numbers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// markBatch makes the results of one batch as Check does: a number that
// appeared earlier in the same batch is duplicate_in_request.
func markBatch(list []string, valid func(string) bool) []Result {
	inBatch := map[string]bool{}
	results := make([]Result, len(list))
	for i, n := range list {
		results[i] = Result{PhoneNumber: n, Valid: valid(n), Portable: valid(n)}
		if results[i].Valid && inBatch[n] {
			results[i].Reasons = []string{porting.ReasonDuplicateInRequest}
			results[i].Portable = false
		}
		inBatch[n] = true
	}
	return results
}

// TestSeenNumbersSpillMatchesMap checks lists in batches of random sizes
// against a plain map of every number seen before, with a memory bound
// small enough that the set spills and merges runs many times: repeats
// land in memory, in the newest run and in merged old runs, on block
// boundaries and between them, and numbers new to the list hit Bloom
// filters for nothing.
func TestSeenNumbersSpillMatchesMap(t *testing.T) {
	tests := []struct {
		name     string
		inMemory int
		list     func(rnd *rand.Rand) []string
	}{
		{"random with repeats", 300, func(rnd *rand.Rand) []string {
			var l []string
			for range 60_000 {
				l = append(l, fmt.Sprintf("+1212%07d", rnd.IntN(30_000)))
			}
			return l
		}},
		{"whole list twice, in order", 257, func(*rand.Rand) []string {
			var l []string
			for range 2 {
				for i := range 20_000 {
					l = append(l, fmt.Sprintf("+4420%08d", i*3))
				}
			}
			return l
		}},
		{"consecutive numbers, reversed repeats", 1000, func(rnd *rand.Rand) []string {
			var l []string
			for i := range 30_000 {
				l = append(l, fmt.Sprintf("+3314%07d", i))
				if i%7 == 0 {
					l = append(l, fmt.Sprintf("+3314%07d", rnd.IntN(i+1)))
				}
			}
			for i := 29_999; i >= 0; i -= 3 {
				l = append(l, fmt.Sprintf("+3314%07d", i))
			}
			return l
		}},
		{"invalid and odd forms mixed in", 100, func(rnd *rand.Rand) []string {
			var l []string
			for i := range 20_000 {
				switch i % 5 {
				case 0:
					l = append(l, "nonsense")
				case 1:
					l = append(l, fmt.Sprintf("x%d", rnd.IntN(50))) // valid, not an integer: kept in memory
				default:
					l = append(l, fmt.Sprintf("+8613%09d", rnd.IntN(8_000)))
				}
			}
			return l
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rnd := rand.New(rand.NewPCG(7, uint64(tt.inMemory)))
			list := tt.list(rnd)
			valid := func(n string) bool { return n != "nonsense" }
			s := &SeenNumbers{InMemory: tt.inMemory, TempDir: dir}
			defer s.Close()
			seenBefore := map[string]bool{}
			duplicates, maxRuns := 0, 0
			for start := 0; start < len(list); {
				size := 1 + rnd.IntN(2*tt.inMemory)
				batch := list[start:min(start+size, len(list))]
				results := markBatch(batch, valid)
				if err := s.MarkRepeats(results); err != nil {
					t.Fatal(err)
				}
				for i, r := range results {
					want := valid(batch[i]) && seenBefore[batch[i]]
					got := slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest)
					if got != want || r.Portable != (valid(batch[i]) && !want) || strings.Count(strings.Join(r.Reasons, " "), porting.ReasonDuplicateInRequest) > 1 {
						t.Fatalf("line %d %q: reasons %v portable %v, want duplicate %v", start+i, batch[i], r.Reasons, r.Portable, want)
					}
					if want {
						duplicates++
					}
					if valid(batch[i]) {
						seenBefore[batch[i]] = true
					}
				}
				maxRuns = max(maxRuns, len(s.runs))
				start += len(batch)
			}
			if s.Len() != len(seenBefore) {
				t.Errorf("Len() = %d, want %d", s.Len(), len(seenBefore))
			}
			// The list must cross the bound many times, or the test shows nothing.
			if s.spilled < 10*tt.inMemory || duplicates < len(list)/10 {
				t.Errorf("%d numbers spilled, %d duplicates: the list no longer exercises the runs", s.spilled, duplicates)
			}
			// Merging keeps the runs few: at most one of each size class.
			if limit := 2 + bitsLen(s.spilled/tt.inMemory); maxRuns > limit {
				t.Errorf("%d runs at once, want at most %d", maxRuns, limit)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("a run has a name: %s", left[0].Name())
			}
		})
	}
}

func bitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

// TestSeenNumbersRunsHoldNoPlaintext spills a list and reads every file
// the process holds open in the temporary directory (nameless, so through
// /proc/self/fd): none holds a number, neither as text nor as the
// little-endian integer a run stores. Close closes them all and unmaps
// the memory held off the Go heap.
func TestSeenNumbersRunsHoldNoPlaintext(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to find nameless files")
	}
	dir := t.TempDir()
	s := &SeenNumbers{InMemory: 1000, TempDir: dir}
	var list []string
	for i := range 5_500 {
		list = append(list, fmt.Sprintf("+1415%07d", 5_550_000+i))
	}
	for start := 0; start < len(list); start += 500 {
		if err := s.MarkRepeats(markBatch(list[start:start+500], func(string) bool { return true })); err != nil {
			t.Fatal(err)
		}
	}
	files := runFilesOpen(t, dir)
	if len(files) == 0 || s.spilled != 5000 {
		t.Fatalf("%d run files open, %d numbers spilled; want some, and 5000", len(files), s.spilled)
	}
	for _, content := range files {
		for _, n := range list {
			k, _ := e164Key(n)
			var le [8]byte
			binary.LittleEndian.PutUint64(le[:], k)
			if bytes.Contains(content, []byte(n[1:])) || bytes.Contains(content, le[:6]) {
				t.Fatalf("a run holds %s in plaintext", n)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := runFilesOpen(t, dir); len(left) != 0 {
		t.Errorf("%d run files still open after Close", len(left))
	}
	if s.mem != nil && len(s.mem.m.live) != 0 {
		t.Errorf("%d memory mappings left after Close", len(s.mem.m.live))
	}
}

// runFilesOpen returns the content of each file under dir this process
// holds open.
func runFilesOpen(t *testing.T, dir string) [][]byte {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var contents [][]byte
	for _, fd := range fds {
		p := filepath.Join("/proc/self/fd", fd.Name())
		target, err := os.Readlink(p)
		if err != nil || !strings.HasPrefix(target, dir+string(filepath.Separator)) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		contents = append(contents, b)
	}
	return contents
}

// TestSeenNumbersSpillFailure: a set that cannot spill says so, on that
// call and every later one, rather than forget numbers.
func TestSeenNumbersSpillFailure(t *testing.T) {
	s := &SeenNumbers{InMemory: 10, TempDir: filepath.Join(t.TempDir(), "missing")}
	defer s.Close()
	var list []string
	for i := range 11 {
		list = append(list, fmt.Sprintf("+1212555%04d", i))
	}
	valid := func(string) bool { return true }
	if err := s.MarkRepeats(markBatch(list[:10], valid)); err != nil {
		t.Fatalf("within the bound: %v", err)
	}
	if err := s.MarkRepeats(markBatch(list[10:], valid)); err == nil {
		t.Fatal("a spill into a missing directory did not fail")
	}
	if err := s.MarkRepeats(markBatch(list[:1], valid)); err == nil {
		t.Fatal("a set that failed to spill answers again")
	}
}
