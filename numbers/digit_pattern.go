package numbers

import (
	"fmt"
	"strconv"
)

// The grammar read (all the metadata's national-number and leading-digits
// patterns use):
//
//	alternation   = concatenation { "|" concatenation }
//	concatenation = { atom { quantifier } }
//	atom          = digit | `\d` | "[" { digit | digit "-" digit | `\d` } "]"
//	              | "(" [ "?:" ] alternation ")" | letter
//	quantifier    = "?" | "*" | "+" | "{" n "}" | "{" n "," [ m ] "}"
//
// A letter matches no digit (descs without numbers have the pattern
// "NA"); anything else is an error.

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
