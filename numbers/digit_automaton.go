package numbers

import (
	"fmt"
	"slices"
)

// The patterns libphonenumber ships for national numbers and leading
// digits are regular expressions over ASCII digits only: digits, \d,
// classes such as [2-9] or [01469], groups ((?:…) and (…)), alternation,
// ?, *, + and bounded repeats {n}, {n,m}, {n,}. digitAutomaton compiles
// several of them at once into one deterministic automaton over 0-9 whose
// states carry the set of patterns that match the digits read so far, so
// that one pass over a national number answers every full-match question
// (^(?:pattern)$) libphonenumber asks about it. A pattern using anything
// else fails to compile, and its region is left to the library.

// digitAutomaton is a DFA over the digits 0-9. State 0 is dead, state 1
// is the start; next[s*10+d] is the state after reading digit d in state s
// and label[s] the bit set of patterns that match exactly what was read.
type digitAutomaton struct {
	next  []int32
	label []uint16
}

// run returns the label of the state reached by reading s, 0 when s holds
// anything but ASCII digits or no pattern can match any more.
func (a *digitAutomaton) run(s string) uint16 {
	st := int32(1)
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0
		}
		st = a.next[int(st)*10+int(d)]
		if st == 0 {
			return 0
		}
	}
	return a.label[st]
}

// digitMask is a set of digits, bit d for digit d.
type digitMask uint16

const allDigits digitMask = 1<<10 - 1

// nfa is a Thompson automaton: every state has epsilon edges and at most
// one digit edge.
type nfa struct {
	eps   [][]int32
	mask  []digitMask // digits of the digit edge; 0 for none
	to    []int32     // target of the digit edge
	final []uint16    // pattern bits of accepting states
}

func (n *nfa) state() int32 {
	n.eps = append(n.eps, nil)
	n.mask = append(n.mask, 0)
	n.to = append(n.to, 0)
	n.final = append(n.final, 0)
	return int32(len(n.eps) - 1)
}

func (n *nfa) epsilon(from, to int32) { n.eps[from] = append(n.eps[from], to) }

// maxAutomatonStates bounds the subset construction; a region whose
// patterns would need more is left to the library.
const maxAutomatonStates = 1 << 16

// compileDigitPatterns builds the automaton of patterns[i], labelled
// 1<<i; an empty string is the empty pattern (matching only ""), as
// libphonenumber reads it, and skip[i] leaves pattern i out.
func compileDigitPatterns(patterns []string, skip []bool) (*digitAutomaton, error) {
	n := &nfa{}
	start := n.state()
	for i, pat := range patterns {
		if skip[i] {
			continue
		}
		if err := n.addPattern(start, pat, 1<<i); err != nil {
			return nil, err
		}
	}
	return determinize(n, start)
}

// determinize runs the subset construction.
func determinize(n *nfa, start int32) (*digitAutomaton, error) {
	seen := make([]uint32, len(n.eps)) // generation marks for closures
	gen := uint32(0)
	var stack []int32
	closure := func(set []int32) []int32 {
		gen++
		out := make([]int32, 0, len(set)*2)
		stack = append(stack[:0], set...)
		for _, s := range set {
			seen[s] = gen
		}
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			out = append(out, s)
			for _, t := range n.eps[s] {
				if seen[t] != gen {
					seen[t] = gen
					stack = append(stack, t)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	key := func(set []int32) string {
		b := make([]byte, 0, len(set)*3)
		for _, s := range set {
			b = append(b, byte(s), byte(s>>8), byte(s>>16))
		}
		return string(b)
	}
	a := &digitAutomaton{next: make([]int32, 20), label: make([]uint16, 2)}
	sets := [][]int32{nil, closure([]int32{start})}
	index := map[string]int32{key(nil): 0, key(sets[1]): 1}
	for _, s := range sets[1] {
		a.label[1] |= n.final[s]
	}
	targets := make([]int32, 0, 64)
	for cur := 1; cur < len(sets); cur++ {
		for d := range 10 {
			targets = targets[:0]
			gen++
			for _, s := range sets[cur] {
				if n.mask[s]&(1<<d) != 0 && seen[n.to[s]] != gen {
					seen[n.to[s]] = gen
					targets = append(targets, n.to[s])
				}
			}
			if len(targets) == 0 {
				continue
			}
			set := closure(targets)
			k := key(set)
			id, ok := index[k]
			if !ok {
				if len(sets) >= maxAutomatonStates {
					return nil, fmt.Errorf("automaton over %d states", maxAutomatonStates)
				}
				id = int32(len(sets))
				index[k] = id
				sets = append(sets, set)
				var label uint16
				for _, s := range set {
					label |= n.final[s]
				}
				a.label = append(a.label, label)
				a.next = append(a.next, make([]int32, 10)...)
			}
			a.next[cur*10+d] = id
		}
		sets[cur] = nil // no longer needed
	}
	return a, nil
}
