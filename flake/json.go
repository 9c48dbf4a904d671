package flake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSONKind is the type of a JSON value.
type JSONKind uint8

// JSON value kinds.
const (
	JSONNull JSONKind = iota
	JSONBoolKind
	JSONNumberKind
	JSONStringKind
	JSONArray
	JSONObject
)

// JSONValue is a JSON document that prints exactly like nlohmann::json,
// the library Nix uses: object keys in byte order, dump(2) indentation,
// the same string escapes. Lock files, registries and --json outputs go
// through it so they are byte-identical to Nix's.
type JSONValue struct {
	Kind   JSONKind
	Bool   bool
	Num    string // decimal text
	Str    string
	Arr    []*JSONValue
	Fields map[string]*JSONValue
	Keys   []string // insertion (or parse) order of Fields
}

// NewObject returns an empty JSON object.
func NewObject() *JSONValue { return &JSONValue{Kind: JSONObject, Fields: map[string]*JSONValue{}} }

// NewArray returns a JSON array.
func NewArray(elems ...*JSONValue) *JSONValue { return &JSONValue{Kind: JSONArray, Arr: elems} }

// JSONString makes a JSON string.
func JSONString(s string) *JSONValue { return &JSONValue{Kind: JSONStringKind, Str: s} }

// JSONUint makes a JSON number from an unsigned integer.
func JSONUint(n uint64) *JSONValue {
	return &JSONValue{Kind: JSONNumberKind, Num: strconv.FormatUint(n, 10)}
}

// JSONInt makes a JSON number from an integer.
func JSONInt(n int64) *JSONValue {
	return &JSONValue{Kind: JSONNumberKind, Num: strconv.FormatInt(n, 10)}
}

// JSONBool makes a JSON Boolean.
func JSONBool(b bool) *JSONValue { return &JSONValue{Kind: JSONBoolKind, Bool: b} }

// Set adds or replaces a field of an object.
func (j *JSONValue) Set(k string, v *JSONValue) *JSONValue {
	if _, ok := j.Fields[k]; !ok {
		j.Keys = append(j.Keys, k)
	}
	j.Fields[k] = v
	return j
}

// Get returns a field of an object (nil when absent or not an object).
func (j *JSONValue) Get(k string) *JSONValue {
	if j == nil || j.Kind != JSONObject {
		return nil
	}
	return j.Fields[k]
}

// Delete removes a field.
func (j *JSONValue) Delete(k string) {
	if _, ok := j.Fields[k]; !ok {
		return
	}
	delete(j.Fields, k)
	for i, x := range j.Keys {
		if x == k {
			j.Keys = append(j.Keys[:i], j.Keys[i+1:]...)
			break
		}
	}
}

// Update copies every field of o into j (nlohmann's update).
func (j *JSONValue) Update(o *JSONValue) {
	for _, k := range o.Keys {
		j.Set(k, o.Fields[k])
	}
}

// Equal compares two JSON values structurally.
func (j *JSONValue) Equal(o *JSONValue) bool {
	return j.Compact() == o.Compact()
}

// Pretty renders the value like nlohmann's dump(2).
func (j *JSONValue) Pretty() string {
	var b strings.Builder
	j.write(&b, 2, 0)
	return b.String()
}

// Compact renders the value like nlohmann's dump().
func (j *JSONValue) Compact() string {
	var b strings.Builder
	j.write(&b, -1, 0)
	return b.String()
}

func (j *JSONValue) sortedKeys() []string {
	keys := make([]string, 0, len(j.Fields))
	for k := range j.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (j *JSONValue) write(b *strings.Builder, indent, level int) {
	if j == nil {
		b.WriteString("null")
		return
	}
	nl := func(l int) {
		if indent >= 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	switch j.Kind {
	case JSONNull:
		b.WriteString("null")
	case JSONBoolKind:
		if j.Bool {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case JSONNumberKind:
		b.WriteString(j.Num)
	case JSONStringKind:
		writeJSONString(b, j.Str)
	case JSONArray:
		if len(j.Arr) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range j.Arr {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(level + 1)
			e.write(b, indent, level+1)
		}
		nl(level)
		b.WriteByte(']')
	case JSONObject:
		if len(j.Fields) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, k := range j.sortedKeys() {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(level + 1)
			writeJSONString(b, k)
			if indent >= 0 {
				b.WriteString(": ")
			} else {
				b.WriteByte(':')
			}
			j.Fields[k].write(b, indent, level+1)
		}
		nl(level)
		b.WriteByte('}')
	}
}

// writeJSONString escapes like nlohmann: \" \\ \b \f \n \r \t, other
// control characters as \u00xx (lower-case hex), everything else (valid
// UTF-8, '/', DEL) as is. Invalid UTF-8 is replaced by U+FFFD (nlohmann
// would throw).
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
		case c < utf8.RuneSelf:
			b.WriteByte(c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteString("\uFFFD")
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		i++
	}
	b.WriteByte('"')
}

// ParseJSON parses a JSON document, keeping numbers as text.
func ParseJSON(data []byte) (*JSONValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func parseJSONValue(dec *json.Decoder) (*JSONValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := parseJSONValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.Fields[k]; !dup {
					o.Set(k, v)
				} else {
					o.Fields[k] = v
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			a := NewArray()
			for dec.More() {
				v, err := parseJSONValue(dec)
				if err != nil {
					return nil, err
				}
				a.Arr = append(a.Arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	case string:
		return JSONString(t), nil
	case json.Number:
		return &JSONValue{Kind: JSONNumberKind, Num: t.String()}, nil
	case bool:
		return JSONBool(t), nil
	case nil:
		return &JSONValue{Kind: JSONNull}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}
