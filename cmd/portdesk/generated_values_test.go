package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// bodyGenerator makes request bodies from JSON schemas and breaks them.
type bodyGenerator struct {
	rnd     *rand.Rand
	schemas map[string]map[string]any
}

// jsonObject is an object whose keys keep their order and may repeat, which
// a map cannot express.
type jsonObject struct{ fields []jsonField }

type jsonField struct {
	key   string
	value any
}

// jsonArray is an array that mutations can change in place.
type jsonArray struct{ items []any }

// rawJSON is emitted as is: invalid UTF-8, broken escapes.
type rawJSON string

// extremeTimes are times no rule should accept or walk to, in the forms
// the review sent them.
var extremeTimes = []string{
	"9999-12-31T23:59:59Z", "9999-12-31T21:30:00-08:00", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z",
	"0000-01-01T00:00:00+23:59", "2500-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-02-30T10:00:00Z",
	"10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2099-12-31T23:59:59Z",
	"2100-01-01T00:00:00Z", "1999-12-31T23:59:59.999999999Z", "2026-06-01T10:00:00+24:00", "2026-06-01",
}

var extremeNumbers = []any{
	-1, 0, 1 << 53, json.Number("9223372036854775808"), json.Number("-9223372036854775809"), json.Number("1e308"),
	json.Number("-1e400"), 1.5, json.Number("-0"), json.Number("1E+2"),
}

func (g *bodyGenerator) resolve(s map[string]any) map[string]any {
	for i := 0; i < 10; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = g.schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	return s
}

// schemaType returns the schema's type, the first non-null one of a list.
func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if x != "null" {
				return fmt.Sprint(x)
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return ""
}

// valid makes a value the schema accepts, as far as a generator can tell
// (names hint at phone numbers and countries).
func (g *bodyGenerator) valid(s map[string]any, name string, depth int) any {
	s = g.resolve(s)
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[g.rnd.IntN(len(enum))]
	}
	switch schemaType(s) {
	case "object":
		o := &jsonObject{}
		props, _ := s["properties"].(map[string]any)
		required := map[string]bool{}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				required[fmt.Sprint(r)] = true
			}
		}
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			ps, _ := props[n].(map[string]any)
			if ro, _ := ps["readOnly"].(bool); ro {
				continue
			}
			if required[n] || depth < 4 && g.rnd.IntN(2) == 0 {
				o.fields = append(o.fields, jsonField{n, g.valid(ps, n, depth+1)})
			}
		}
		return o
	case "array":
		items, _ := s["items"].(map[string]any)
		a := &jsonArray{}
		for range 1 + g.rnd.IntN(3) {
			a.items = append(a.items, g.valid(items, name, depth+1))
		}
		return a
	case "integer":
		if m, ok := s["minimum"].(float64); ok {
			return int(m) + g.rnd.IntN(3)
		}
		return g.rnd.IntN(50)
	case "number":
		return 1.5
	case "boolean":
		return g.rnd.IntN(2) == 0
	case "string":
		return g.validString(s, name)
	}
	return "x"
}

func (g *bodyGenerator) validString(s map[string]any, name string) string {
	switch format, _ := s["format"].(string); {
	case format == "date-time":
		return time.Now().UTC().AddDate(0, 0, 20+g.rnd.IntN(300)).Truncate(time.Hour).Add(14 * time.Hour).Format(time.RFC3339)
	case format == "email":
		return "jane@example.com"
	case format == "uri" || name == "url":
		return "http://127.0.0.1:1/hook"
	case strings.Contains(name, "country"):
		return "US"
	case strings.Contains(name, "phone") || strings.Contains(name, "number") || strings.Contains(name, "btn"):
		return fmt.Sprintf("+1212555%04d", g.rnd.IntN(10000))
	case name == "advance":
		return fmt.Sprintf("%dh", g.rnd.IntN(100))
	}
	return "Acme " + strconv.Itoa(g.rnd.IntN(100))
}

// node is one place in a generated value that a mutation can change.
type node struct {
	get func() any
	set func(any)
}

// nodes lists every place in v, the root first.
func nodes(root *any) []node {
	out := []node{{get: func() any { return *root }, set: func(x any) { *root = x }}}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case *jsonObject:
			for i := range v.fields {
				out = append(out, node{get: func() any { return v.fields[i].value }, set: func(x any) { v.fields[i].value = x }})
				walk(v.fields[i].value)
			}
		case *jsonArray:
			for i := range v.items {
				out = append(out, node{get: func() any { return v.items[i] }, set: func(x any) { v.items[i] = x }})
				walk(v.items[i])
			}
		}
	}
	walk(*root)
	return out
}

// objects lists the objects in v.
func objects(v any) []*jsonObject {
	var out []*jsonObject
	switch v := v.(type) {
	case *jsonObject:
		out = append(out, v)
		for _, f := range v.fields {
			out = append(out, objects(f.value)...)
		}
	case *jsonArray:
		for _, x := range v.items {
			out = append(out, objects(x)...)
		}
	}
	return out
}

// caseVariant returns key in another case, so that encoding/json would
// match it to the same field: upper case, title case, or with the Kelvin
// sign or long s that fold to k and s.
func (g *bodyGenerator) caseVariant(key string) string {
	switch g.rnd.IntN(4) {
	case 0:
		return strings.ToUpper(key)
	case 1:
		if key != "" {
			return strings.ToUpper(key[:1]) + key[1:]
		}
	case 2:
		if strings.Contains(key, "k") {
			return strings.Replace(key, "k", "\u212a", 1)
		}
	case 3:
		if strings.Contains(key, "s") {
			return strings.Replace(key, "s", "\u017f", 1)
		}
	}
	return key // an exact duplicate
}

// extremeValue returns a value of another kind or size than any field wants.
func (g *bodyGenerator) extremeValue() (any, string) {
	switch g.rnd.IntN(9) {
	case 0, 1:
		return extremeTimes[g.rnd.IntN(len(extremeTimes))], "extreme time"
	case 2:
		return extremeNumbers[g.rnd.IntN(len(extremeNumbers))], "extreme number"
	case 3:
		return strings.Repeat("x", []int{65, 201, 2001, 10001, 100_001}[g.rnd.IntN(5)]), "long string"
	case 4:
		return []any{nil, true, "", map[string]any{}, []any{}, "\u0000", "\u202etxt.exe"}[g.rnd.IntN(7)], "odd value"
	case 5:
		return rawJSON(`"\xff\xfe bad utf-8"`), "invalid utf-8"
	case 6:
		return &jsonObject{fields: []jsonField{{"a", 1}}}, "object"
	case 7:
		a := &jsonArray{}
		for range 2000 {
			a.items = append(a.items, "+12125550100")
		}
		return a, "long list"
	}
	return []any{"+12125550100", 1, nil}, "mixed list"
}

// mutate breaks v in one way and says how.
func (g *bodyGenerator) mutate(root *any) string {
	all := nodes(root)
	objs := objects(*root)
	switch g.rnd.IntN(6) {
	case 2:
		if len(objs) > 0 {
			o := objs[g.rnd.IntN(len(objs))]
			if len(o.fields) > 0 {
				i := g.rnd.IntN(len(o.fields))
				key := o.fields[i].key
				o.fields = append(o.fields[:i], o.fields[i+1:]...)
				return "without " + key
			}
		}
	case 3:
		if len(objs) > 0 {
			o := objs[g.rnd.IntN(len(objs))]
			o.fields = append(o.fields, jsonField{"colour", "red"})
			return "unknown key"
		}
	}
	n := all[g.rnd.IntN(len(all))]
	v, desc := g.extremeValue()
	n.set(v)
	return desc
}

// duplicateKey starts the description of a body that sends a key twice.
const duplicateKey = "case-variant duplicate"

// badBody returns a broken body for the schema, its content type, a
// description, and whether the body still sends a key twice as written.
func (g *bodyGenerator) badBody(schema map[string]any) ([]byte, string, string, bool) {
	var v any = g.valid(schema, "", 0)
	var descs []string
	for range g.rnd.IntN(3) {
		descs = append(descs, g.mutate(&v))
	}
	dup := false
	if objs := objects(v); len(objs) > 0 && (len(descs) == 0 || g.rnd.IntN(2) == 0) {
		// Last, so that no other mutation takes the key away again.
		o := objs[g.rnd.IntN(len(objs))]
		if len(o.fields) > 0 {
			f := o.fields[g.rnd.IntN(len(o.fields))]
			x, desc := g.extremeValue()
			o.fields = append(o.fields, jsonField{g.caseVariant(f.key), x})
			descs, dup = append(descs, duplicateKey+" of "+f.key+" ("+desc+")"), true
		}
	}
	if len(descs) == 0 {
		descs = append(descs, g.mutate(&v))
	}
	var buf bytes.Buffer
	writeJSON(&buf, v)
	body, ctype := buf.Bytes(), "application/json"
	switch g.rnd.IntN(20) {
	case 0:
		dup = false
		body = body[:g.rnd.IntN(len(body)+1)]
		descs = append(descs, "truncated")
	case 1:
		dup = false
		if len(body) > 0 {
			body[g.rnd.IntN(len(body))] = byte(g.rnd.IntN(256))
			descs = append(descs, "a byte changed")
		}
	case 2:
		dup = false
		depth := []int{100, 10_001, 200_000}[g.rnd.IntN(3)]
		body = []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		descs = append(descs, fmt.Sprintf("nested %d deep", depth))
	case 3:
		dup = false
		body = []byte([]string{"", "null", "[]", "0", `""`, "{}", "{} {}", " "}[g.rnd.IntN(8)])
		descs = append(descs, fmt.Sprintf("body %q", body))
	case 4:
		ctype = []string{"text/plain", "application/json; charset=utf-16", "application/xml", "application/cbor", ""}[g.rnd.IntN(5)]
		descs = append(descs, "content type "+ctype)
	}
	return body, ctype, strings.Join(descs, ", "), dup
}

// badQuery returns a query string with extreme values.
func (g *bodyGenerator) badQuery(params map[string]map[string]any) (string, string) {
	q := url.Values{}
	var descs []string
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if g.rnd.IntN(3) == 0 {
			continue
		}
		var v any = g.valid(params[n], n, 0)
		if g.rnd.IntN(2) == 0 {
			var desc string
			v, desc = g.extremeValue()
			descs = append(descs, n+": "+desc)
		}
		switch v := v.(type) {
		case string:
			q.Set(n, v)
		case rawJSON:
			q.Set(n, "\xff\xfe")
		case *jsonObject, *jsonArray, []any, map[string]any:
			q.Set(n, "[1,2]")
		default:
			q.Set(n, fmt.Sprint(v))
		}
	}
	return q.Encode(), strings.Join(descs, ", ")
}

// writeJSON writes v, keeping the keys of objects in order and repeated.
func writeJSON(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case *jsonObject:
		buf.WriteByte('{')
		for i, f := range v.fields {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(f.key)
			buf.Write(k)
			buf.WriteByte(':')
			writeJSON(buf, f.value)
		}
		buf.WriteByte('}')
	case *jsonArray:
		buf.WriteByte('[')
		for i, x := range v.items {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(buf, x)
		}
		buf.WriteByte(']')
	case rawJSON:
		buf.WriteString(string(v))
	default:
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte("null")
		}
		buf.Write(b)
	}
}
