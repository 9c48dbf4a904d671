package lsp

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// This file is the server's static model of values: without evaluating,
// it follows variables to the expressions they are bound to, through
// let/rec bindings, inherits, attribute selection, `//`, function
// application and `import` of other files, to find the attribute sets and
// functions an expression denotes. Navigation, completion, hover and
// signature help all build on it.

// maxFollow bounds how many steps one question may take (cycles in
// the source, like `let a = a; in a`, end there too).
const maxFollow = 64

// sref is an expression node in an analysed file.
type sref struct {
	a *Analysis
	n parser.Node
}

func (r sref) valid() bool { return r.a != nil && r.n.Valid() }

// setRef is a merged attribute set in an analysed file.
type setRef struct {
	a     *Analysis
	attrs *parser.Attrs
}

// follower answers static questions for one request. It loads imported
// files through the server (open documents first, then the disk).
type follower struct {
	s     *Server
	st    *state
	steps int
}

func (s *Server) follower(st *state) *follower { return &follower{s: s, st: st} }

func (f *follower) tick() bool {
	f.steps++
	return f.steps <= maxFollow
}

// value follows an expression to the expression that produces its value.
func (f *follower) value(x sref) sref {
	for x.valid() && f.tick() {
		n := x.n
		switch n.Kind() {
		case parser.NodeParen:
			x = sref{x.a, parser.Unparen(n)}
			continue
		case parser.NodeLetIn, parser.NodeAssert, parser.NodeWith:
			x = sref{x.a, n.Body()}
			continue
		case parser.NodeIdent:
			v, ok := f.defValue(x.a, n)
			if !ok {
				return x
			}
			x = v
			continue
		case parser.NodeSelect:
			v, ok := f.selectValue(x)
			if !ok {
				return x
			}
			x = v
			continue
		case parser.NodeApply:
			if file, ok := f.importTarget(x); ok {
				x = file
				continue
			}
			fn := f.value(sref{x.a, n.Func()})
			if fn.n.Kind() == parser.NodeLambda {
				x = sref{fn.a, fn.n.Body()}
				continue
			}
			return x
		}
		return x
	}
	return x
}

// defValue follows a variable to the expression bound to it.
func (f *follower) defValue(a *Analysis, id parser.Node) (sref, bool) {
	ref, ok := a.Scope.RefOf(id)
	if !ok || ref.Def == nil {
		if ok && ref.With != nil {
			// A name from `with e;` is e.name when e is a known set.
			env := sref{a, ref.With.Node.Env()}
			if at, in, ok := f.lookup(f.sets(env), id.Name()); ok {
				return f.attrValue(in, at)
			}
		}
		return sref{}, false
	}
	return f.defExpr(a, ref.Def)
}

// defExpr returns the expression a definition binds.
func (f *follower) defExpr(a *Analysis, d *scope.Def) (sref, bool) {
	switch d.Kind {
	case scope.DefAttr:
		set, at := d.Scope.Attrs(), d.Attr()
		if set == nil || at == nil {
			return sref{}, false
		}
		return f.attrValue(setRef{a, set}, at)
	case scope.DefFormal:
		// The caller's value is unknown; the default is the best guess.
		if def := d.Formal.Default(); def.Valid() {
			return sref{a, def}, true
		}
	}
	return sref{}, false
}

// attrValue returns the expression of an attribute of a set. Attributes
// created implicitly by paths (`a.b = 1;` makes a) have no expression:
// then the result is the zero sref and true, and sets() of the attribute
// comes from attrSets.
func (f *follower) attrValue(in setRef, at *parser.Attr) (sref, bool) {
	switch at.Kind {
	case parser.AttrPlain:
		if at.Value.Valid() {
			return sref{in.a, at.Value}, true
		}
		return sref{}, at.Nested != nil
	case parser.AttrInherited:
		ref, ok := in.a.Scope.RefOf(at.Value)
		if !ok || ref.Def == nil {
			if ok && ref.With != nil {
				env := sref{in.a, ref.With.Node.Env()}
				if at2, in2, ok := f.lookup(f.sets(env), at.Name); ok && f.tick() {
					return f.attrValue(in2, at2)
				}
			}
			return sref{}, false
		}
		if !f.tick() {
			return sref{}, false
		}
		return f.defExpr(in.a, ref.Def)
	case parser.AttrInheritedFrom:
		if at.FromIndex < 0 || at.FromIndex >= len(in.attrs.InheritFrom) {
			return sref{}, false
		}
		from := sref{in.a, in.attrs.InheritFrom[at.FromIndex]}
		if at2, in2, ok := f.lookup(f.sets(from), at.Name); ok && f.tick() {
			return f.attrValue(in2, at2)
		}
	}
	return sref{}, false
}

// attrSets returns the sets an attribute's value denotes.
func (f *follower) attrSets(in setRef, at *parser.Attr) []setRef {
	if at.Nested != nil {
		return []setRef{{in.a, at.Nested}}
	}
	v, ok := f.attrValue(in, at)
	if !ok || !v.valid() {
		return nil
	}
	return f.sets(v)
}

// selectValue follows e.a.b to the expression of the selected attribute.
func (f *follower) selectValue(x sref) (sref, bool) {
	names := x.n.AttrPath().Attrs()
	sets := f.sets(sref{x.a, x.n.Subject()})
	for i, nameNode := range names {
		name, ok := parser.StaticAttrName(nameNode)
		if !ok {
			return sref{}, false
		}
		at, in, ok := f.lookup(sets, name)
		if !ok {
			return sref{}, false
		}
		if i == len(names)-1 {
			v, ok := f.attrValue(in, at)
			return v, ok && v.valid()
		}
		sets = f.attrSets(in, at)
	}
	return sref{}, false
}

// sets returns the attribute sets an expression denotes, the ones that
// win first (for `a // b`, b's before a's).
func (f *follower) sets(x sref) []setRef {
	if !f.tick() {
		return nil
	}
	x = f.value(x)
	if !x.valid() {
		return nil
	}
	n := x.n
	switch n.Kind() {
	case parser.NodeAttrSet, parser.NodeLegacyLet:
		attrs, _ := parser.MergeBindings(n)
		if n.Kind() == parser.NodeLegacyLet {
			// let { body = …; } is its body attribute.
			if at := attrs.Lookup("body"); at != nil {
				return f.attrSets(setRef{x.a, attrs}, at)
			}
			return nil
		}
		return []setRef{{x.a, attrs}}
	case parser.NodeBinary:
		if n.Operator().Kind() == parser.TokUpdate {
			right := f.sets(sref{x.a, n.Right()})
			return append(right, f.sets(sref{x.a, n.Left()})...)
		}
	case parser.NodeSelect:
		// An attribute created only by paths has no expression.
		names := n.AttrPath().Attrs()
		sets := f.sets(sref{x.a, n.Subject()})
		for _, nameNode := range names {
			name, ok := parser.StaticAttrName(nameNode)
			if !ok {
				return nil
			}
			at, in, ok := f.lookup(sets, name)
			if !ok {
				return nil
			}
			sets = f.attrSets(in, at)
		}
		return sets
	case parser.NodeIdent:
		// A let binding made only of paths (let a.b = 1; in a).
		if ref, ok := x.a.Scope.RefOf(n); ok && ref.Def != nil {
			if at := ref.Def.Attr(); at != nil && at.Nested != nil {
				return []setRef{{x.a, at.Nested}}
			}
		}
	}
	return nil
}

// lookup finds name in the first set that has it.
func (f *follower) lookup(sets []setRef, name string) (*parser.Attr, setRef, bool) {
	for _, s := range sets {
		if at := s.attrs.Lookup(name); at != nil {
			return at, s, true
		}
	}
	return nil, setRef{}, false
}

// lambda follows an expression to a function literal.
func (f *follower) lambda(x sref) sref {
	v := f.value(x)
	if v.n.Kind() == parser.NodeLambda {
		return v
	}
	return sref{}
}

// importTarget recognises `import PATH` and `callPackage PATH …` and
// returns the imported file's expression (for callPackage, the
// function's body).
func (f *follower) importTarget(x sref) (sref, bool) {
	n := x.n
	fn := parser.Unparen(n.Func())
	arg := parser.Unparen(n.Arg())
	isImport := false
	switch fn.Kind() {
	case parser.NodeIdent:
		if fn.Name() == "import" {
			ref, ok := x.a.Scope.RefOf(fn)
			isImport = ok && ref.Def != nil && ref.Def.Kind == scope.DefGlobal
		}
	case parser.NodeApply:
		// callPackage ./x.nix { } — the inner apply is callPackage PATH.
		head := parser.Unparen(fn.Func())
		if isCallPackage(head) {
			if p, ok := f.pathOf(x.a, parser.Unparen(fn.Arg())); ok {
				if fa := f.s.loadFile(f.st, p); fa != nil {
					if e := fa.Tree.Expr(); e.Kind() == parser.NodeLambda {
						return sref{fa, e.Body()}, true
					}
					return sref{fa, fa.Tree.Expr()}, true
				}
			}
		}
	}
	if !isImport {
		return sref{}, false
	}
	p, ok := f.pathOf(x.a, arg)
	if !ok {
		return sref{}, false
	}
	fa := f.s.loadFile(f.st, p)
	if fa == nil {
		return sref{}, false
	}
	return sref{fa, fa.Tree.Expr()}, true
}

func isCallPackage(n parser.Node) bool {
	switch n.Kind() {
	case parser.NodeIdent:
		return n.Name() == "callPackage"
	case parser.NodeSelect:
		as := n.AttrPath().Attrs()
		return len(as) > 0 && as[len(as)-1].Name() == "callPackage"
	}
	return false
}

// pathOf resolves a path literal (or search path) to a file, following a
// directory to its default.nix.
func (f *follower) pathOf(a *Analysis, n parser.Node) (string, bool) {
	var p string
	switch n.Kind() {
	case parser.NodePath:
		parts := n.PathParts()
		if len(parts) != 1 || parts[0].IsInterp {
			return "", false
		}
		p = resolvePathLiteral(a, parts[0].Lit, f.s.opts.Getenv)
	case parser.NodeSearchPath:
		p = f.s.searchPath(f.st, n.SearchPathName())
	case parser.NodeString:
		s, ok := parser.StaticString(n)
		if !ok || !filepath.IsAbs(s) {
			return "", false
		}
		p = s
	default:
		return "", false
	}
	if p == "" {
		return "", false
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "default.nix")
	}
	return p, true
}

// resolvePathLiteral makes a path literal absolute: relative to the
// file's directory, ~ to the home directory.
func resolvePathLiteral(a *Analysis, lit string, getenv func(string) string) string {
	switch {
	case strings.HasPrefix(lit, "~/"):
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		return filepath.Join(home, lit[2:])
	case filepath.IsAbs(lit):
		return filepath.Clean(lit)
	}
	if a.Doc.Path == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(a.Doc.Path), lit)
}

// searchPath resolves <name/rest> through the configured NIX_PATH entries
// and the environment's NIX_PATH.
func (s *Server) searchPath(st *state, name string) string {
	entries := append([]string(nil), st.cfg.NixPath...)
	if env := s.opts.Getenv("NIX_PATH"); env != "" {
		entries = append(entries, strings.Split(env, ":")...)
	}
	for _, e := range entries {
		prefix, dir, hasPrefix := strings.Cut(e, "=")
		if !hasPrefix {
			dir, prefix = e, ""
		}
		var rest string
		switch {
		case prefix == "":
			rest = name
		case name == prefix:
			rest = ""
		case strings.HasPrefix(name, prefix+"/"):
			rest = name[len(prefix)+1:]
		default:
			continue
		}
		if strings.Contains(dir, "://") {
			continue // a tarball URL: nothing local to show
		}
		p := filepath.Join(dir, rest)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// attrNameNode finds the node naming attribute at (defined at at.Pos) in
// a file: the name inside an attribute path or inherit.
func attrNameNode(a *Analysis, at *parser.Attr) parser.Node {
	n := a.Tree.NodeAt(at.Pos)
	for ; n.Valid(); n = n.Parent() {
		switch n.Kind() {
		case parser.NodeAttrPath, parser.NodeInherit:
			for _, c := range n.Attrs() {
				if name, ok := parser.StaticAttrName(c); ok && name == at.Name && c.Start() >= at.Pos {
					return c
				}
			}
			return parser.Node{}
		case parser.NodeAttrName:
			if n.Name() == at.Name {
				return n
			}
		}
	}
	return parser.Node{}
}
