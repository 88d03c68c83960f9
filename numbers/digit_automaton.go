package numbers

import (
	"fmt"
	"slices"
	"strconv"
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

// patternParser reads one digit pattern into n, Thompson style.
type patternParser struct {
	src string
	pos int
	n   *nfa
}

// fragment is a piece of automaton with one entry and one exit state.
type fragment struct{ in, out int32 }

// addPattern adds pattern to n so that matching all of a string ends in
// a state labelled bit; it reports patterns it cannot read.
func (n *nfa) addPattern(start int32, pattern string, bit uint16) error {
	p := &patternParser{src: pattern, n: n}
	f, err := p.alternation()
	if err != nil {
		return err
	}
	if p.pos != len(p.src) {
		return fmt.Errorf("pattern %q: unexpected %q at %d", pattern, p.src[p.pos], p.pos)
	}
	n.epsilon(start, f.in)
	n.final[f.out] |= bit
	return nil
}

func (p *patternParser) alternation() (fragment, error) {
	in, out := p.n.state(), p.n.state()
	for {
		f, err := p.concatenation()
		if err != nil {
			return fragment{}, err
		}
		p.n.epsilon(in, f.in)
		p.n.epsilon(f.out, out)
		if p.pos < len(p.src) && p.src[p.pos] == '|' {
			p.pos++
			continue
		}
		return fragment{in, out}, nil
	}
}

func (p *patternParser) concatenation() (fragment, error) {
	in := p.n.state()
	f := fragment{in, in}
	for p.pos < len(p.src) && p.src[p.pos] != '|' && p.src[p.pos] != ')' {
		start := p.pos
		atom, err := p.atom()
		if err != nil {
			return fragment{}, err
		}
		atom, err = p.repeats(atom, start)
		if err != nil {
			return fragment{}, err
		}
		p.n.epsilon(f.out, atom.in)
		f.out = atom.out
	}
	return f, nil
}

// atom reads a digit, \d, a class or a group.
func (p *patternParser) atom() (fragment, error) {
	c := p.src[p.pos]
	switch {
	case c >= '0' && c <= '9':
		p.pos++
		return p.edge(1 << (c - '0')), nil
	case c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == 'd':
		p.pos += 2
		return p.edge(allDigits), nil
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' && c != 'd':
		// A letter never matches a digit: descs without numbers have the
		// pattern "NA".
		p.pos++
		return p.edge(0), nil
	case c == '[':
		return p.class()
	case c == '(':
		p.pos++
		if len(p.src)-p.pos >= 2 && p.src[p.pos:p.pos+2] == "?:" {
			p.pos += 2
		}
		f, err := p.alternation()
		if err != nil {
			return fragment{}, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return fragment{}, fmt.Errorf("pattern %q: unclosed group", p.src)
		}
		p.pos++
		return f, nil
	}
	return fragment{}, fmt.Errorf("pattern %q: unsupported %q at %d", p.src, c, p.pos)
}

func (p *patternParser) edge(m digitMask) fragment {
	in, out := p.n.state(), p.n.state()
	p.n.mask[in], p.n.to[in] = m, out
	return fragment{in, out}
}

// class reads [..] made of digits, ranges of digits and \d.
func (p *patternParser) class() (fragment, error) {
	p.pos++ // [
	var m digitMask
	for p.pos < len(p.src) && p.src[p.pos] != ']' {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == 'd':
			m |= allDigits
			p.pos += 2
		case c >= '0' && c <= '9':
			lo, hi := c, c
			if p.pos+2 < len(p.src) && p.src[p.pos+1] == '-' && p.src[p.pos+2] >= '0' && p.src[p.pos+2] <= '9' {
				hi = p.src[p.pos+2]
				p.pos += 2
			}
			for d := lo; d <= hi; d++ {
				m |= 1 << (d - '0')
			}
			p.pos++
		default:
			return fragment{}, fmt.Errorf("pattern %q: unsupported %q in class", p.src, c)
		}
	}
	if p.pos >= len(p.src) || m == 0 {
		return fragment{}, fmt.Errorf("pattern %q: bad class", p.src)
	}
	p.pos++ // ]
	return p.edge(m), nil
}

// repeats applies the quantifiers following the atom that began at start.
// Bounded repeats copy the atom, so the atom's source is parsed again for
// each copy.
func (p *patternParser) repeats(f fragment, start int) (fragment, error) {
	for p.pos < len(p.src) {
		end := p.pos
		var lo, hi int // hi < 0: unbounded
		switch p.src[p.pos] {
		case '?':
			lo, hi = 0, 1
			p.pos++
		case '*':
			lo, hi = 0, -1
			p.pos++
		case '+':
			lo, hi = 1, -1
			p.pos++
		case '{':
			var err error
			if lo, hi, err = p.bounds(); err != nil {
				return fragment{}, err
			}
		default:
			return f, nil
		}
		if p.pos < len(p.src) && (p.src[p.pos] == '?' || p.src[p.pos] == '+') {
			// Lazy or possessive quantifiers: not in the metadata.
			return fragment{}, fmt.Errorf("pattern %q: unsupported quantifier at %d", p.src, p.pos)
		}
		copyAtom := func() (fragment, error) {
			q := &patternParser{src: p.src[:end], pos: start, n: p.n}
			return q.repeatedAtom()
		}
		var err error
		if f, err = p.repeat(f, lo, hi, copyAtom); err != nil {
			return fragment{}, err
		}
	}
	return f, nil
}

// repeatedAtom re-reads an atom and the quantifiers up to the end of src.
func (p *patternParser) repeatedAtom() (fragment, error) {
	start := p.pos
	f, err := p.atom()
	if err != nil {
		return fragment{}, err
	}
	return p.repeats(f, start)
}

// maxRepeat bounds {n,m}; the metadata's largest is far below.
const maxRepeat = 32

func (p *patternParser) bounds() (lo, hi int, err error) {
	closeAt := p.pos
	for closeAt < len(p.src) && p.src[closeAt] != '}' {
		closeAt++
	}
	if closeAt == len(p.src) {
		return 0, 0, fmt.Errorf("pattern %q: unclosed repeat", p.src)
	}
	body := p.src[p.pos+1 : closeAt]
	p.pos = closeAt + 1
	loText, hiText, ranged := body, body, false
	for i := range len(body) {
		if body[i] == ',' {
			loText, hiText, ranged = body[:i], body[i+1:], true
			break
		}
	}
	if lo, err = strconv.Atoi(loText); err != nil {
		return 0, 0, fmt.Errorf("pattern %q: bad repeat {%s}", p.src, body)
	}
	switch {
	case !ranged:
		hi = lo
	case hiText == "":
		hi = -1
	default:
		if hi, err = strconv.Atoi(hiText); err != nil || hi < lo {
			return 0, 0, fmt.Errorf("pattern %q: bad repeat {%s}", p.src, body)
		}
	}
	if lo > maxRepeat || hi > maxRepeat {
		return 0, 0, fmt.Errorf("pattern %q: repeat {%s} too large", p.src, body)
	}
	return lo, hi, nil
}

// repeat builds f{lo,hi} from f and fresh copies of it.
func (p *patternParser) repeat(f fragment, lo, hi int, fresh func() (fragment, error)) (fragment, error) {
	n := p.n
	in := n.state()
	out := in
	first := true
	next := func() (fragment, error) {
		if first {
			first = false
			return f, nil
		}
		return fresh()
	}
	for range lo {
		c, err := next()
		if err != nil {
			return fragment{}, err
		}
		n.epsilon(out, c.in)
		out = c.out
	}
	if hi < 0 {
		c, err := next()
		if err != nil {
			return fragment{}, err
		}
		loop := n.state()
		n.epsilon(out, loop)
		n.epsilon(loop, c.in)
		n.epsilon(c.out, loop)
		return fragment{in, loop}, nil
	}
	end := n.state()
	n.epsilon(out, end)
	for range hi - lo {
		c, err := next()
		if err != nil {
			return fragment{}, err
		}
		n.epsilon(out, c.in)
		n.epsilon(c.out, end)
		out = c.out
	}
	return fragment{in, end}, nil
}

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
