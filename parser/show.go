package parser

import (
	"path"
	"sort"
	"strconv"
	"strings"
)

// ShowOptions tells Show how to turn path literals into the absolute paths
// Nix prints.
type ShowOptions struct {
	// BaseDir is the directory relative paths are resolved against
	// (default "/").
	BaseDir string
	// Home is the home directory for ~/ paths.
	Home string
}

// Show prints an expression the way `nix-instantiate --parse` does:
// desugared (operators as calls of __sub, __lessThan, ...), fully
// parenthesised, attributes sorted. Relative paths resolve against "/".
func Show(n Node) string { return ShowWith(n, ShowOptions{}) }

// ShowWith is Show with explicit path options.
func ShowWith(n Node, opts ShowOptions) string {
	if opts.BaseDir == "" {
		opts.BaseDir = "/"
	}
	s := &shower{opts: opts}
	s.expr(n)
	return s.b.String()
}

type shower struct {
	b    strings.Builder
	opts ShowOptions
}

func (s *shower) str(x string) { s.b.WriteString(x) }

// PrintLiteralString appends s as a Nix string literal, escaping ", \,
// newlines, CR, tabs and "${", as Nix's printer does.
func PrintLiteralString(b *strings.Builder, s string) { PrintLiteralStringMax(b, s, len(s)) }

// PrintLiteralStringMax is PrintLiteralString for at most maxLen bytes
// of s: a longer string's literal closes after them and says how many
// bytes were left out ("«N bytes elided»"), as Nix's value printer does.
func PrintLiteralStringMax(b *strings.Builder, s string, maxLen int) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if i >= maxLen {
			b.WriteString("\" ")
			if n := len(s) - i; n == 1 {
				b.WriteString("«1 byte elided»")
			} else {
				b.WriteString("«" + strconv.Itoa(n) + " bytes elided»")
			}
			return
		}
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\n")
		case c == '\r':
			b.WriteString("\\r")
		case c == '\t':
			b.WriteString("\\t")
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			b.WriteString("\\$")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// QuoteString returns s as a Nix string literal.
func QuoteString(s string) string {
	var b strings.Builder
	PrintLiteralString(&b, s)
	return b.String()
}

var reservedKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true,
}

// IsReservedKeyword reports whether s must be quoted as an attribute name.
func IsReservedKeyword(s string) bool { return reservedKeywords[s] }

// PrintIdentifier returns s as Nix prints a symbol: bare when it is a
// valid identifier, quoted otherwise.
func PrintIdentifier(s string) string {
	if s == "" {
		return `""`
	}
	if reservedKeywords[s] {
		return `"` + s + `"`
	}
	if !isIDStart(s[0]) {
		return QuoteString(s)
	}
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return QuoteString(s)
		}
	}
	return s
}

// FormatFloat formats f like C++'s default ostream output (%g with six
// significant digits), as Nix prints floats.
func FormatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', 6, 64)
	switch s {
	case "+Inf":
		return "inf"
	case "-Inf":
		return "-inf"
	case "NaN":
		return "nan"
	}
	return s
}

// ResolvePath turns the literal text of a path's first segment into the
// absolute path Nix uses: relative paths against base, canonicalised, with
// a trailing slash kept.
func ResolvePath(lit, base, home string) string {
	if strings.HasPrefix(lit, "~") {
		return home + lit[1:]
	}
	var p string
	if strings.HasPrefix(lit, "/") {
		p = path.Clean(lit)
	} else {
		p = path.Clean(base + "/" + lit)
	}
	if len(lit) > 1 && strings.HasSuffix(lit, "/") && p != "/" {
		p += "/"
	}
	return p
}

func (s *shower) expr(n Node) {
	n = Unparen(n)
	switch n.Kind() {
	case NodeIdent:
		name := n.Name()
		if name == "__curPos" {
			s.str(name)
		} else {
			s.str(PrintIdentifier(name))
		}
	case NodeInt:
		if v, err := n.IntValue(); err == nil {
			s.str(strconv.FormatInt(v, 10))
		} else {
			s.str(n.Text())
		}
	case NodeFloat:
		v, _ := n.FloatValue()
		s.str(FormatFloat(v))
	case NodeURI:
		PrintLiteralString(&s.b, n.Text())
	case NodeString, NodeIndString:
		s.stringParts(n.Parts())
	case NodePath:
		parts := n.PathParts()
		if len(parts) == 1 {
			s.str(ResolvePath(parts[0].Lit, s.opts.BaseDir, s.opts.Home))
			return
		}
		s.str("(")
		for i, p := range parts {
			if i > 0 {
				s.str(" + ")
			}
			switch {
			case i == 0:
				s.str(ResolvePath(p.Lit, s.opts.BaseDir, s.opts.Home))
			case p.IsInterp:
				s.expr(p.Interp)
			default:
				PrintLiteralString(&s.b, p.Lit)
			}
		}
		s.str(")")
	case NodeSearchPath, NodeApply:
		s.call(n)
	case NodeBinary:
		switch n.Operator().Kind() {
		case TokMinus, TokStar, TokSlash, TokLess, TokGreater, TokPipeInto, TokPipeFrom:
			s.call(n)
		case TokPlus:
			s.str("(")
			s.expr(n.Left())
			s.str(" + ")
			s.expr(n.Right())
			s.str(")")
		case TokLeq:
			s.str("(! (__lessThan ")
			s.expr(n.Right())
			s.str(" ")
			s.expr(n.Left())
			s.str("))")
		case TokGeq:
			s.str("(! (__lessThan ")
			s.expr(n.Left())
			s.str(" ")
			s.expr(n.Right())
			s.str("))")
		default:
			s.str("(")
			s.expr(n.Left())
			s.str(" " + n.Operator().Text() + " ")
			s.expr(n.Right())
			s.str(")")
		}
	case NodeUnary:
		if n.Operator().Kind() == TokMinus {
			s.call(n)
			return
		}
		s.str("(! ")
		s.expr(n.Operand())
		s.str(")")
	case NodeList:
		s.str("[ ")
		for _, e := range n.Elems() {
			s.str("(")
			s.expr(e)
			s.str(") ")
		}
		s.str("]")
	case NodeAttrSet:
		attrs, _ := MergeBindings(n)
		s.attrs(attrs)
	case NodeLegacyLet:
		attrs, _ := MergeBindings(n)
		s.str("(")
		s.attrs(attrs)
		s.str(").body")
	case NodeLetIn:
		attrs, _ := MergeBindings(n)
		s.str("(let ")
		s.bindings(attrs)
		s.str("in ")
		s.expr(n.Body())
		s.str(")")
	case NodeWith:
		s.str("(with ")
		s.expr(n.Env())
		s.str("; ")
		s.expr(n.Body())
		s.str(")")
	case NodeAssert:
		s.str("assert ")
		s.expr(n.Cond())
		s.str("; ")
		s.expr(n.Body())
	case NodeIf:
		s.str("(if ")
		s.expr(n.Cond())
		s.str(" then ")
		s.expr(n.Then())
		s.str(" else ")
		s.expr(n.Else())
		s.str(")")
	case NodeLambda:
		s.lambda(n)
	case NodeSelect:
		s.str("(")
		s.expr(n.Subject())
		s.str(").")
		s.attrPath(n.AttrPath())
		if d := n.Default(); d.Valid() {
			s.str(" or (")
			s.expr(d)
			s.str(")")
		}
	case NodeHasAttr:
		s.str("((")
		s.expr(n.Subject())
		s.str(") ? ")
		s.attrPath(n.AttrPath())
		s.str(")")
	default:
		s.str("«error»")
	}
}

func (s *shower) stringParts(parts []StrPart) {
	if len(parts) == 0 {
		s.str(`""`)
		return
	}
	if len(parts) == 1 && !parts[0].IsInterp {
		PrintLiteralString(&s.b, parts[0].Lit)
		return
	}
	s.str("(")
	for i, p := range parts {
		if i > 0 {
			s.str(" + ")
		}
		if p.IsInterp {
			s.expr(p.Interp)
		} else {
			PrintLiteralString(&s.b, p.Lit)
		}
	}
	s.str(")")
}

// callParts flattens nested calls the way Nix's parser does (makeCall
// appends arguments to an existing call).
func (s *shower) callParts(n Node) (fn func(), args []func()) {
	n = Unparen(n)
	show := func(x Node) func() { return func() { s.expr(x) } }
	lit := func(x string) func() { return func() { s.str(x) } }
	switch n.Kind() {
	case NodeApply:
		fn, args = s.calleeParts(n.Func())
		return fn, append(args, show(n.Arg()))
	case NodeSearchPath:
		return lit("__findFile"), []func(){lit("__nixPath"), func() { PrintLiteralString(&s.b, n.SearchPathName()) }}
	case NodeUnary:
		return lit("__sub"), []func(){lit("0"), show(n.Operand())}
	case NodeBinary:
		l, r := n.Left(), n.Right()
		switch n.Operator().Kind() {
		case TokMinus:
			return lit("__sub"), []func(){show(l), show(r)}
		case TokStar:
			return lit("__mul"), []func(){show(l), show(r)}
		case TokSlash:
			return lit("__div"), []func(){show(l), show(r)}
		case TokLess:
			return lit("__lessThan"), []func(){show(l), show(r)}
		case TokGreater:
			return lit("__lessThan"), []func(){show(r), show(l)}
		case TokPipeInto:
			fn, args = s.calleeParts(r)
			return fn, append(args, show(l))
		case TokPipeFrom:
			fn, args = s.calleeParts(l)
			return fn, append(args, show(r))
		}
	}
	return show(n), nil
}

// isCall reports whether Nix represents n as an ExprCall.
func isCall(n Node) bool {
	n = Unparen(n)
	switch n.Kind() {
	case NodeApply, NodeSearchPath:
		return true
	case NodeUnary:
		return n.Operator().Kind() == TokMinus
	case NodeBinary:
		switch n.Operator().Kind() {
		case TokMinus, TokStar, TokSlash, TokLess, TokGreater, TokPipeInto, TokPipeFrom:
			return true
		}
	}
	return false
}

func (s *shower) calleeParts(f Node) (func(), []func()) {
	if isCall(f) {
		return s.callParts(f)
	}
	return func() { s.expr(f) }, nil
}

func (s *shower) call(n Node) {
	fn, args := s.callParts(n)
	s.str("(")
	fn()
	for _, a := range args {
		s.str(" ")
		a()
	}
	s.str(")")
}

func (s *shower) attrPath(p Node) {
	for i, a := range p.Attrs() {
		if i > 0 {
			s.str(".")
		}
		if name, ok := StaticAttrName(a); ok {
			s.str(PrintIdentifier(name))
			continue
		}
		s.str("\"${")
		if a.Kind() == NodeInterpol {
			s.expr(a.Inner())
		} else {
			s.expr(a)
		}
		s.str("}\"")
	}
}

func (s *shower) attrs(a *Attrs) {
	if a.Rec {
		s.str("rec ")
	}
	s.str("{ ")
	s.bindings(a)
	s.str("}")
}

func (s *shower) bindings(a *Attrs) {
	sorted := append([]*Attr(nil), a.Attrs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var inherits []string
	from := map[int][]string{}
	var fromKeys []int
	for _, at := range sorted {
		switch at.Kind {
		case AttrInherited:
			inherits = append(inherits, at.Name)
		case AttrInheritedFrom:
			if _, ok := from[at.FromIndex]; !ok {
				fromKeys = append(fromKeys, at.FromIndex)
			}
			from[at.FromIndex] = append(from[at.FromIndex], at.Name)
		}
	}
	if len(inherits) > 0 {
		s.str("inherit")
		for _, name := range inherits {
			s.str(" " + PrintIdentifier(name))
		}
		s.str("; ")
	}
	sort.Ints(fromKeys)
	for _, k := range fromKeys {
		s.str("inherit (")
		s.expr(a.InheritFrom[k])
		s.str(")")
		for _, name := range from[k] {
			s.str(" " + PrintIdentifier(name))
		}
		s.str("; ")
	}
	for _, at := range sorted {
		if at.Kind != AttrPlain {
			continue
		}
		s.str(PrintIdentifier(at.Name) + " = ")
		s.value(at.Value, at.Nested)
		s.str("; ")
	}
	for _, d := range a.Dynamic {
		s.str("\"${")
		if d.Name.Kind() == NodeInterpol {
			s.expr(d.Name.Inner())
		} else {
			s.expr(d.Name)
		}
		s.str("}\" = ")
		s.value(d.Value, d.Nested)
		s.str("; ")
	}
}

func (s *shower) value(v Node, nested *Attrs) {
	if nested != nil {
		s.attrs(nested)
		return
	}
	s.expr(v)
}

func (s *shower) lambda(n Node) {
	s.str("(")
	arg := n.Param()
	if pat := n.Pattern(); pat.Valid() {
		s.str("{ ")
		formals := pat.Formals()
		sort.SliceStable(formals, func(i, j int) bool { return formals[i].Param().Name() < formals[j].Param().Name() })
		for i, f := range formals {
			if i > 0 {
				s.str(", ")
			}
			s.str(PrintIdentifier(f.Param().Name()))
			if d := f.Default(); d.Valid() {
				s.str(" ? ")
				s.expr(d)
			}
		}
		if pat.HasEllipsis() {
			if len(formals) > 0 {
				s.str(", ")
			}
			s.str("...")
		}
		s.str(" }")
		if arg.Valid() {
			s.str(" @ ")
		}
	}
	if arg.Valid() {
		s.str(PrintIdentifier(arg.Name()))
	}
	s.str(": ")
	s.expr(n.Body())
	s.str(")")
}
