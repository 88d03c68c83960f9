package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

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

// checkJSONKeys returns an error naming the first key that appears twice in
// one object, comparing keys as encoding/json does (Unicode case folding).
// Malformed JSON is left for the decoder to report.
func checkJSONKeys(data []byte) error {
	c := keyChecker{dec: json.NewDecoder(bytes.NewReader(data))}
	if err := c.value(); errors.Is(err, errDuplicateKey) {
		return err
	}
	return nil
}

// keyChecker walks one JSON value token by token. keys and indexes hold
// the path to the current value (index -1: the step is keys' entry), so
// that it is formatted only for an error.
type keyChecker struct {
	dec     *json.Decoder
	keys    []string
	indexes []int
	// nul makes a string value holding U+0000 end the walk with a
	// *nulError (see nul_text.go).
	nul bool
}

// maxKeyDepth stops the walk where encoding/json refuses a body anyway
// (10,000 levels); Decoder.Token itself has no such limit, and the walk
// recurses.
const maxKeyDepth = 10_000

func (c *keyChecker) value() error {
	if len(c.keys) > maxKeyDepth {
		return errTooDeep
	}
	tok, err := c.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]string{}
		for c.dec.More() {
			tok, err := c.dec.Token()
			if err != nil {
				return err
			}
			k, _ := tok.(string)
			f := foldKey(k)
			if first, dup := seen[f]; dup {
				return fmt.Errorf("%w %q in %s: keys that differ only in case are the same key (first sent as %q)", errDuplicateKey, k, c.path(), first)
			}
			seen[f] = k
			c.keys, c.indexes = append(c.keys, k), append(c.indexes, -1)
			err = c.value()
			c.keys, c.indexes = c.keys[:len(c.keys)-1], c.indexes[:len(c.indexes)-1]
			if err != nil {
				return err
			}
		}
	case json.Delim('['):
		c.keys, c.indexes = append(c.keys, ""), append(c.indexes, 0)
		for i := 0; c.dec.More(); i++ {
			c.indexes[len(c.indexes)-1] = i
			if err := c.value(); err != nil {
				return err
			}
		}
		c.keys, c.indexes = c.keys[:len(c.keys)-1], c.indexes[:len(c.indexes)-1]
	default:
		if s, ok := tok.(string); ok && c.nul && strings.ContainsRune(s, 0) {
			return &nulError{location: c.path()}
		}
		return nil
	}
	_, err = c.dec.Token() // the closing delimiter
	return err
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
