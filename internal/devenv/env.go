package devenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// VarKind is the shape of a shell variable.
type VarKind int

const (
	// String is a plain variable ("var", or "exported" when Exported).
	String VarKind = iota
	// Array is an indexed array.
	Array
	// Associative is an associative array.
	Associative
)

// Var is one shell variable of a build environment.
type Var struct {
	Kind VarKind
	// Exported is set for exported strings.
	Exported bool
	// Value is a String's value.
	Value string
	// Elems are an Array's elements.
	Elems []string
	// Assoc is an Associative array's contents.
	Assoc map[string]string
}

// TypeName is the variable's type as the JSON names it: "var",
// "exported", "array" or "associative".
func (v Var) TypeName() string {
	switch v.Kind {
	case Array:
		return "array"
	case Associative:
		return "associative"
	}
	if v.Exported {
		return "exported"
	}
	return "var"
}

// StructuredAttrs are the files of a derivation with __structuredAttrs.
type StructuredAttrs struct {
	// JSON is the text of .attrs.json, Shell that of .attrs.sh.
	JSON, Shell string
}

// Env is the build environment of a derivation: its shell variables and
// functions after the setup script ran.
type Env struct {
	Vars      map[string]Var
	Functions map[string]string
	// Structured is set for derivations with __structuredAttrs.
	Structured *StructuredAttrs
}

// VarNames returns the variable names in byte order.
func (e *Env) VarNames() []string { return sortedKeys(e.Vars) }

// FunctionNames returns the function names in byte order.
func (e *Env) FunctionNames() []string { return sortedKeys(e.Functions) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// String returns a string variable's value ("" when unset or not a
// string).
func (e *Env) String(name string) (string, bool) {
	v, ok := e.Vars[name]
	if !ok || v.Kind != String {
		return "", false
	}
	return v.Value, true
}

// ParseJSON reads an environment in the JSON form of `nix
// print-dev-env --json` (what the get-env script writes). Variables of
// other types ("unknown") are left out, as Nix does.
func ParseJSON(data []byte) (*Env, error) {
	var raw struct {
		Variables map[string]struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"variables"`
		BashFunctions   map[string]string `json:"bashFunctions"`
		StructuredAttrs *struct {
			JSON  *string `json:".attrs.json"`
			Shell *string `json:".attrs.sh"`
		} `json:"structuredAttrs"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading the build environment: %w", err)
	}
	if raw.Variables == nil {
		return nil, fmt.Errorf("reading the build environment: no \"variables\" object")
	}
	e := &Env{Vars: map[string]Var{}, Functions: map[string]string{}}
	for name, v := range raw.Variables {
		var err error
		switch v.Type {
		case "var", "exported":
			var s string
			err = json.Unmarshal(v.Value, &s)
			e.Vars[name] = Var{Kind: String, Exported: v.Type == "exported", Value: s}
		case "array":
			var elems []string
			err = json.Unmarshal(v.Value, &elems)
			if elems == nil {
				elems = []string{}
			}
			e.Vars[name] = Var{Kind: Array, Elems: elems}
		case "associative":
			var m map[string]string
			err = json.Unmarshal(v.Value, &m)
			if m == nil {
				m = map[string]string{}
			}
			e.Vars[name] = Var{Kind: Associative, Assoc: m}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the build environment: variable '%s' of type %s: %w", name, v.Type, err)
		}
	}
	for name, body := range raw.BashFunctions {
		e.Functions[name] = body
	}
	if sa := raw.StructuredAttrs; sa != nil {
		if sa.JSON == nil || sa.Shell == nil {
			return nil, fmt.Errorf("reading the build environment: \"structuredAttrs\" needs \".attrs.json\" and \".attrs.sh\"")
		}
		e.Structured = &StructuredAttrs{JSON: *sa.JSON, Shell: *sa.Shell}
	}
	return e, nil
}
