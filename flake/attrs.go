package flake

import (
	"fmt"
	"sort"
	"strconv"
)

// AttrKind is the type of an input attribute value.
type AttrKind uint8

// Input attribute value kinds (Nix's fetchers::Attr: string, uint64,
// Boolean).
const (
	KindString AttrKind = iota
	KindInt
	KindBool
)

// Attr is one input attribute value.
type Attr struct {
	Kind AttrKind
	S    string
	N    uint64
	B    bool
}

// Str, Int and Bool make attribute values.
func Str(s string) Attr { return Attr{Kind: KindString, S: s} }
func Int(n uint64) Attr { return Attr{Kind: KindInt, N: n} }
func Bool(b bool) Attr  { return Attr{Kind: KindBool, B: b} }
func (a Attr) String() string {
	switch a.Kind {
	case KindInt:
		return strconv.FormatUint(a.N, 10)
	case KindBool:
		if a.B {
			return "1"
		}
		return "0"
	}
	return a.S
}

// Attrs are the attributes of an input ("type", "url", "rev", ...).
// Iteration helpers return keys in byte order, as Nix's std::map does.
type Attrs map[string]Attr

// Clone copies the attributes.
func (a Attrs) Clone() Attrs {
	c := make(Attrs, len(a))
	for k, v := range a {
		c[k] = v
	}
	return c
}

// Keys returns the attribute names in order.
func (a Attrs) Keys() []string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Equal reports whether two attribute sets are identical.
func (a Attrs) Equal(b Attrs) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// GetStr returns a string attribute; ok is false when absent. A present
// attribute of another type is an error.
func (a Attrs) GetStr(name string) (string, bool, error) {
	v, ok := a[name]
	if !ok {
		return "", false, nil
	}
	if v.Kind != KindString {
		return "", false, fmt.Errorf("input attribute '%s' is not a string %s", name, a.JSON().Compact())
	}
	return v.S, true, nil
}

// MustStr returns a required string attribute.
func (a Attrs) MustStr(name string) (string, error) {
	s, ok, err := a.GetStr(name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("input attribute '%s' is missing", name)
	}
	return s, nil
}

// Str returns a string attribute or "" (also for other types).
func (a Attrs) Str(name string) string {
	if v, ok := a[name]; ok && v.Kind == KindString {
		return v.S
	}
	return ""
}

// GetInt returns an integer attribute.
func (a Attrs) GetInt(name string) (uint64, bool, error) {
	v, ok := a[name]
	if !ok {
		return 0, false, nil
	}
	if v.Kind != KindInt {
		return 0, false, fmt.Errorf("input attribute '%s' is not an integer", name)
	}
	return v.N, true, nil
}

// GetBool returns a Boolean attribute.
func (a Attrs) GetBool(name string) (bool, bool, error) {
	v, ok := a[name]
	if !ok {
		return false, false, nil
	}
	if v.Kind != KindBool {
		return false, false, fmt.Errorf("input attribute '%s' is not a Boolean", name)
	}
	return v.B, true, nil
}

// Bool returns a Boolean attribute or false.
func (a Attrs) Bool(name string) bool {
	v, ok := a[name]
	return ok && v.Kind == KindBool && v.B
}

// JSON converts the attributes to a JSON object.
func (a Attrs) JSON() *JSONValue {
	o := NewObject()
	for _, k := range a.Keys() {
		v := a[k]
		switch v.Kind {
		case KindInt:
			o.Set(k, JSONUint(v.N))
		case KindBool:
			o.Set(k, JSONBool(v.B))
		default:
			o.Set(k, JSONString(v.S))
		}
	}
	return o
}

// AttrsFromJSON converts a JSON object of strings, numbers and Booleans.
func AttrsFromJSON(j *JSONValue) (Attrs, error) {
	if j == nil || j.Kind != JSONObject {
		return nil, fmt.Errorf("expected a JSON object of input attributes")
	}
	a := Attrs{}
	for _, k := range j.Keys {
		v := j.Fields[k]
		switch v.Kind {
		case JSONNumberKind:
			n, err := strconv.ParseUint(v.Num, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("input attribute '%s': %s is not an unsigned integer", k, v.Num)
			}
			a[k] = Int(n)
		case JSONStringKind:
			a[k] = Str(v.Str)
		case JSONBoolKind:
			a[k] = Bool(v.Bool)
		default:
			return nil, fmt.Errorf("unsupported input attribute type in lock file")
		}
	}
	return a, nil
}

// Query renders the attributes as URL query parameters.
func (a Attrs) Query() map[string]string {
	q := make(map[string]string, len(a))
	for k, v := range a {
		q[k] = v.String()
	}
	return q
}
