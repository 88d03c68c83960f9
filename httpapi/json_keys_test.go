package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// tokenWalk is the oracle for checkJSONKeys and nulLocation: the same walk
// over encoding/json's Decoder.Token, which decodes and validates every
// token itself (it was the implementation before the lexer).
func tokenWalk(data []byte, nul bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var keys []string
	var indexes []int
	path := func() string {
		var b strings.Builder
		b.WriteString("body")
		for i, k := range keys {
			if indexes[i] >= 0 {
				fmt.Fprintf(&b, "[%d]", indexes[i])
			} else {
				b.WriteString("." + k)
			}
		}
		return b.String()
	}
	var value func() error
	value = func() error {
		if len(keys) > maxKeyDepth {
			return errTooDeep
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]string{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := tok.(string)
				f := foldKey(k)
				if first, dup := seen[f]; dup {
					return fmt.Errorf("%w %q in %s: keys that differ only in case are the same key (first sent as %q)", errDuplicateKey, k, path(), first)
				}
				seen[f] = k
				keys, indexes = append(keys, k), append(indexes, -1)
				err = value()
				keys, indexes = keys[:len(keys)-1], indexes[:len(indexes)-1]
				if err != nil {
					return err
				}
			}
		case json.Delim('['):
			keys, indexes = append(keys, ""), append(indexes, 0)
			for i := 0; dec.More(); i++ {
				indexes[len(indexes)-1] = i
				if err := value(); err != nil {
					return err
				}
			}
			keys, indexes = keys[:len(keys)-1], indexes[:len(indexes)-1]
		default:
			if s, ok := tok.(string); ok && nul && strings.ContainsRune(s, 0) {
				return &nulError{location: path()}
			}
			return nil
		}
		_, err = dec.Token()
		return err
	}
	return value()
}

// agree compares the lexer's walk with the oracle's on one body: the same
// duplicate-key answer and message, the same U+0000 location.
func agree(t testing.TB, data []byte) {
	t.Helper()
	got, want := checkJSONKeys(data), tokenWalk(data, false)
	if !errors.Is(want, errDuplicateKey) {
		want = nil
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("checkJSONKeys(%q) = %v, oracle %v", data, got, want)
	}
	loc, found := nulLocation(data)
	var nul *nulError
	oracleFound := errors.As(tokenWalk(data, true), &nul)
	if found != oracleFound || (found && loc != nul.location) {
		t.Fatalf("nulLocation(%q) = %q %v, oracle %v %v", data, loc, found, nul, oracleFound)
	}
}

func TestJSONKeysCases(t *testing.T) {
	for _, body := range []string{
		`{"url":"a","URL":"b"}`,
		`{"a":{"b":[1,{"c":1,"C":2}]}}`,
		`{"kelvin":1,"\u212aelvin":2}`,
		`{"ab":1,"a\u0062":2}`,
		"{\"a\xff\":1,\"a\xfe\":2}",
		`{"a":"x\u0000y"}`,
		`{"a":["ok","\\u0000 is not U+0000","x\u0000"]}`,
		`{"a":[],"b":{},"c":[[],[{}]],"A":1}`,
		`{"a":1,}`, `{"a" 1}`, `[1,2`, `{"a":tru,"A":1}`, `"open`, ``, `   `, `{"x":"\u00"}`,
		"{\"a\":\"tab\there\",\"A\":1}",
		`{"phone_numbers":["+12125550100","+12125550101"],"Phone_Numbers":[]}`,
	} {
		agree(t, []byte(body))
	}
	if err := checkJSONKeys([]byte(`{"url":"a","URL":"b"}`)); !errors.Is(err, errDuplicateKey) {
		t.Fatalf("url/URL: %v, want a duplicate key", err)
	}
	if loc, ok := nulLocation([]byte(`{"a":[1,{"b":"\u0000"}]}`)); !ok || loc != "body.a[1].b" {
		t.Fatalf("nul location %q %v", loc, ok)
	}
}

// TestJSONKeysGenerated compares the lexer with the oracle on generated
// bodies: nested objects and arrays with keys drawn from a few spellings
// that fold together or not, escaped or raw, with and without U+0000, and
// the same bodies cut short or with a byte changed.
func TestJSONKeysGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 15))
	keys := []string{`"a"`, `"A"`, `"b"`, `"\u0061"`, `"\u212a"`, `"k"`, `"K"`, `"ok"`, `"a b"`, `"\"q\""`, `"é"`, `"É"`}
	scalars := []string{`1`, `-2.5e3`, `true`, `false`, `null`, `"s"`, `"\u0000"`, `"\\u0000"`, `"x\ny"`, `""`, `"\ud800"`}
	var gen func(b *strings.Builder, depth int)
	gen = func(b *strings.Builder, depth int) {
		switch r := rng.IntN(10); {
		case depth > 4 || r < 4:
			b.WriteString(scalars[rng.IntN(len(scalars))])
		case r < 7:
			b.WriteString("{")
			for i := range rng.IntN(4) {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(keys[rng.IntN(len(keys))])
				b.WriteString(" : ")
				gen(b, depth+1)
			}
			b.WriteString("}")
		default:
			b.WriteString("[")
			for i := range rng.IntN(4) {
				if i > 0 {
					b.WriteString(", ")
				}
				gen(b, depth+1)
			}
			b.WriteString("]")
		}
	}
	for range 20_000 {
		var b strings.Builder
		gen(&b, 0)
		body := []byte(b.String())
		agree(t, body)
		if len(body) > 1 {
			agree(t, body[:rng.IntN(len(body))])
			changed := bytes.Clone(body)
			changed[rng.IntN(len(changed))] = "{}[]:,\" \\x0"[rng.IntN(11)]
			agree(t, changed)
		}
	}
}

func FuzzJSONKeys(f *testing.F) {
	for _, s := range []string{`{"url":"a","URL":"b"}`, `{"a":["\u0000"]}`, `[{"k":1},{"K":2,"\u212a":3}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		agree(t, data)
	})
}

// BenchmarkJSONKeys walks a 100,000-number port request body with the
// lexer beside the oracle's Decoder.Token walk.
func BenchmarkJSONKeys(b *testing.B) {
	nums := make([]string, 100_000)
	for i := range nums {
		nums[i] = fmt.Sprintf("+1212%07d", i)
	}
	body, _ := json.Marshal(map[string]any{"instance_id": "inst_1", "phone_numbers": nums})
	var lexer, token float64
	for b.Loop() {
		lexer += walkSeconds(func() { _ = checkJSONKeys(body) })
		token += walkSeconds(func() { _ = tokenWalk(body, false) })
	}
	b.ReportMetric(lexer*1000/float64(b.N), "lexer-ms")
	b.ReportMetric(token*1000/float64(b.N), "token-ms")
	b.ReportMetric(token/lexer, "x-token")
}

func walkSeconds(f func()) float64 {
	start := time.Now()
	f()
	return time.Since(start).Seconds()
}
