package lsp

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gonix/gonix/parser"
)

// builtinDoc documents one builtin.
type builtinDoc struct {
	Name   string
	Params string // space-separated parameter names
	Type   string // a Haskell-style type
	Global bool   // also bound without builtins.
	Gate   string // experimental feature or setting it needs
	Doc    string
}

// builtinsByName indexes builtinDocs.
type builtinIndex map[string]*builtinDoc

func newBuiltinIndex() builtinIndex {
	idx := make(builtinIndex, len(builtinDocs))
	for i := range builtinDocs {
		idx[builtinDocs[i].Name] = &builtinDocs[i]
	}
	return idx
}

// builtinFor returns the builtin a global name denotes (map, __head).
func (idx builtinIndex) forGlobal(name string) *builtinDoc {
	if b := idx[name]; b != nil && (b.Global || name == "builtins") {
		return b
	}
	if strings.HasPrefix(name, "__") {
		return idx[name[2:]]
	}
	return nil
}

// signature renders "name p1 p2 :: type".
func (b *builtinDoc) signature(prefix string) string {
	var sb strings.Builder
	sb.WriteString(prefix)
	sb.WriteString(b.Name)
	if b.Params != "" {
		sb.WriteString(" ")
		sb.WriteString(b.Params)
	}
	sb.WriteString(" :: ")
	sb.WriteString(b.Type)
	return sb.String()
}

func (b *builtinDoc) markdown(prefix string) string {
	var sb strings.Builder
	sb.WriteString("```nix\n")
	sb.WriteString(b.signature(prefix))
	sb.WriteString("\n```\n\n")
	sb.WriteString(b.Doc)
	if b.Gate != "" {
		sb.WriteString("\n\n*Needs:* `" + b.Gate + "`")
	}
	return sb.String()
}

var keywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true, "or": true,
}

// isIdent reports whether s can be written as a Nix identifier.
func isIdent(s string) bool {
	if s == "" || keywords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '\'' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// quoteNix renders s as a Nix string literal.
func quoteNix(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteString(`\$`)
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// lambdaSignature renders a function's parameters: "x: y: { a, b ? …, ... }:".
func lambdaSignature(n parser.Node) string {
	var parts []string
	for i := 0; i < 8 && n.Kind() == parser.NodeLambda; i++ {
		parts = append(parts, paramText(n))
		n = parser.Unparen(n.Body())
	}
	return strings.Join(parts, " ")
}

// paramText renders one lambda's parameter: "x:" or "{ a, b ? 1 }:" or
// "args@{ a, ... }:".
func paramText(n parser.Node) string {
	var b strings.Builder
	pat := n.Pattern()
	param := n.Param()
	if !pat.Valid() {
		return param.Name() + ":"
	}
	if param.Valid() && param.Start() < pat.Start() {
		b.WriteString(param.Name() + "@")
	}
	b.WriteString(patternText(pat))
	if param.Valid() && param.Start() > pat.Start() {
		b.WriteString("@" + param.Name())
	}
	b.WriteString(":")
	return b.String()
}

func patternText(pat parser.Node) string {
	var fs []string
	for _, f := range pat.Formals() {
		s := f.Param().Name()
		if d := f.Default(); d.Valid() {
			s += " ? " + oneLine(d.Text(), 20)
		}
		fs = append(fs, s)
	}
	if pat.HasEllipsis() {
		fs = append(fs, "...")
	}
	if len(fs) == 0 {
		return "{ }"
	}
	return "{ " + strings.Join(fs, ", ") + " }"
}

func itoa(i int) string { return strconv.Itoa(i) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
