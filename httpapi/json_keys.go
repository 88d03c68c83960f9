package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// jsonFormat is Huma's JSON format with one change: a body whose object
// repeats a key, also in another case ("url" and "URL"), is refused before
// anything reads it. Huma validates a map, in which such keys are distinct,
// and then decodes into the struct with encoding/json, which matches keys
// case-insensitively and keeps the last: validation and decoding would see
// different values, and a limit checked on one would not hold for the other.
var jsonFormat = huma.Format{
	Marshal: huma.DefaultJSONFormat.Marshal,
	Unmarshal: func(data []byte, v any) error {
		if err := checkJSONKeys(data); err != nil {
			return err
		}
		return json.Unmarshal(data, v)
	},
}

// errDuplicateKey marks a body refused by checkJSONKeys.
var errDuplicateKey = errors.New("duplicate key")

// errTooDeep ends the walk of a body nested deeper than maxKeyDepth.
var errTooDeep = errors.New("nested too deep")

// checkJSONKeys returns an error wrapping errDuplicateKey when data has a
// key twice in one object, comparing keys as encoding/json does (Unicode
// case folding). Malformed JSON is left for the decoder to report.
func checkJSONKeys(data []byte) error {
	c := keyChecker{lex: jsonLexer{data: data}}
	if err := c.value(); errors.Is(err, errDuplicateKey) {
		return err
	}
	return nil
}

// keyChecker walks one JSON value token by token. keys and indexes hold
// the path to the current value (index -1: the step is keys' entry), so
// that it is formatted only for an error.
type keyChecker struct {
	lex     jsonLexer
	keys    []string
	indexes []int
	// nul makes a string value holding U+0000 end the walk with a
	// *nulError (see nul_text.go).
	nul bool
}

// maxKeyDepth stops the walk where encoding/json refuses a body anyway
// (10,000 levels); the walk recurses.
const maxKeyDepth = 10_000

func (c *keyChecker) value() error {
	if len(c.keys) > maxKeyDepth {
		return errTooDeep
	}
	kind, raw, err := c.lex.next()
	if err != nil {
		return err
	}
	switch kind {
	case '{':
		var seen map[string]string
		if c.lex.peek() == '}' {
			_, _, err := c.lex.next()
			return err
		}
		for {
			kind, raw, err := c.lex.next()
			if err != nil {
				return err
			}
			if kind != '"' {
				return errMalformed
			}
			k, err := c.lex.text(raw)
			if err != nil {
				return err
			}
			if seen == nil {
				seen = map[string]string{}
			}
			f := foldKey(k)
			if first, dup := seen[f]; dup {
				return fmt.Errorf("%w %q in %s: keys that differ only in case are the same key (first sent as %q)", errDuplicateKey, k, c.path(), first)
			}
			seen[f] = k
			if kind, _, err := c.lex.next(); err != nil || kind != ':' {
				return errors.Join(errMalformed, err)
			}
			c.keys, c.indexes = append(c.keys, k), append(c.indexes, -1)
			err = c.value()
			c.keys, c.indexes = c.keys[:len(c.keys)-1], c.indexes[:len(c.indexes)-1]
			if err != nil {
				return err
			}
			switch kind, _, err := c.lex.next(); {
			case err != nil:
				return err
			case kind == '}':
				return nil
			case kind != ',':
				return errMalformed
			}
		}
	case '[':
		if c.lex.peek() == ']' {
			_, _, err := c.lex.next()
			return err
		}
		c.keys, c.indexes = append(c.keys, ""), append(c.indexes, 0)
		defer func() { c.keys, c.indexes = c.keys[:len(c.keys)-1], c.indexes[:len(c.indexes)-1] }()
		for i := 0; ; i++ {
			c.indexes[len(c.indexes)-1] = i
			if err := c.value(); err != nil {
				return err
			}
			switch kind, _, err := c.lex.next(); {
			case err != nil:
				return err
			case kind == ']':
				return nil
			case kind != ',':
				return errMalformed
			}
		}
	case '"':
		if c.nul && bytes.Contains(raw, []byte(`\u0000`)) {
			s, err := c.lex.text(raw)
			if err != nil {
				return err
			}
			if strings.ContainsRune(s, 0) {
				return &nulError{location: c.path()}
			}
		}
		return nil
	case 'v':
		return nil
	default:
		return errMalformed
	}
}

// errMalformed ends a walk on JSON the decoder will refuse.
var errMalformed = errors.New("malformed JSON")

// jsonLexer splits JSON into tokens without decoding them: the walk reads
// a 100,000-number body in a few milliseconds, where encoding/json's
// Decoder.Token takes tens (it builds a value and an error per token).
// It recognises structure only; encoding/json still decodes and validates
// every body the walk lets through.
type jsonLexer struct {
	data []byte
	pos  int
}

// peek returns the next token's first byte, 0 at the end.
func (l *jsonLexer) peek() byte {
	l.skipSpace()
	if l.pos == len(l.data) {
		return 0
	}
	return l.data[l.pos]
}

func (l *jsonLexer) skipSpace() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// next returns the next token: its kind ('{', '}', '[', ']', ':', ',',
// '"' for a string, 'v' for a number or literal) and, for a string or
// scalar, its bytes.
func (l *jsonLexer) next() (byte, []byte, error) {
	b := l.peek()
	start := l.pos
	switch b {
	case 0:
		return 0, nil, errMalformed
	case '{', '}', '[', ']', ':', ',':
		l.pos++
		return b, nil, nil
	case '"':
		for l.pos++; l.pos < len(l.data); l.pos++ {
			switch c := l.data[l.pos]; {
			case c == '\\':
				if !l.escape() {
					return 0, nil, errMalformed
				}
			case c == '"':
				l.pos++
				return '"', l.data[start:l.pos], nil
			case c < 0x20:
				return 0, nil, errMalformed
			}
		}
		return 0, nil, errMalformed
	}
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r', ',', ':', '{', '}', '[', ']', '"':
			return l.scalar(start)
		}
		l.pos++
	}
	return l.scalar(start)
}

// escape checks the escape at l.pos (a backslash) and leaves l.pos on its
// last byte.
func (l *jsonLexer) escape() bool {
	if l.pos+1 >= len(l.data) {
		return false
	}
	l.pos++
	switch l.data[l.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if l.pos+4 >= len(l.data) {
			return false
		}
		for _, c := range l.data[l.pos+1 : l.pos+5] {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		l.pos += 4
		return true
	}
	return false
}

// scalar returns the number or literal from start to l.pos, if it is one.
func (l *jsonLexer) scalar(start int) (byte, []byte, error) {
	raw := l.data[start:l.pos]
	switch string(raw) {
	case "true", "false", "null":
		return 'v', raw, nil
	}
	if !isJSONNumber(raw) {
		return 0, nil, errMalformed
	}
	return 'v', raw, nil
}

// isJSONNumber reports whether b is a number as JSON writes one:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(b []byte) bool {
	digits := func(i int) int {
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(b)
}

// text decodes a string token; encoding/json decodes the ones with
// escapes or bytes that are not UTF-8 (it reads those as U+FFFD).
func (l *jsonLexer) text(raw []byte) (string, error) {
	if !bytes.ContainsRune(raw, '\\') && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errMalformed
	}
	return s, nil
}

// path formats the location of the current value, as Huma writes
// locations: body.a.b[2].c.
func (c *keyChecker) path() string {
	var b strings.Builder
	b.WriteString("body")
	for i, k := range c.keys {
		if c.indexes[i] >= 0 {
			fmt.Fprintf(&b, "[%d]", c.indexes[i])
		} else {
			b.WriteString("." + k)
		}
	}
	return b.String()
}

// foldKey maps a key to one representative of its case-folding class: two
// keys fold equal exactly when bytes.EqualFold (encoding/json's matching)
// holds for them.
func foldKey(k string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, k)
}
