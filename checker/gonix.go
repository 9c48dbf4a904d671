package checker

import (
	"fmt"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// gonix's own rules: names, deprecated syntax and simplifications.

// isGlobal reports whether an identifier refers to the builtin of its
// name (not a shadowing binding nor a with).
func (c *ctx) isGlobal(n parser.Node) bool {
	if n.Kind() != parser.NodeIdent {
		return false
	}
	_, global, _ := c.lookup(n)
	return global
}

// redundantIf is G401: if c then true else false.
func (c *ctx) redundantIf(n, cond, then, els parser.Node) {
	t, ok1 := isBoolLit(then)
	e, ok2 := isBoolLit(els)
	if !ok1 || !ok2 || t == e || !c.isGlobal(then) || !c.isGlobal(els) {
		return
	}
	repl := cond.Text()
	if t == "false" {
		switch cond.Kind() {
		case parser.NodeSelect, parser.NodeList, parser.NodeAttrSet, parser.NodeString:
			repl = "!" + repl
		default:
			repl = notExpr(cond)
		}
	}
	c.report(rRedundantIfBool, n.Start(), n.End(), "This `if` only turns its condition into a boolean",
		replace("Replace with `"+repl+"`", n.Start(), n.End(), repl))
}

// ident runs the rules about single variables: G301 (`or` as a name)
// and G305 (__name for builtins.name), and records with usage.
func (c *ctx) ident(n parser.Node) {
	if n.Name() == "__curPos" {
		c.report(rCurPos, n.Start(), n.End(), "`__curPos` is an undocumented internal of Nix (its value is the position {file, line, column})", nil)
		return
	}
	ref, global, ok := c.lookup(n)
	if !ok {
		ref, global, ok = c.fallbackRef(n)
	}
	if ok && ref.Def == nil && ref.With != nil {
		c.markWith(ref.With)
	}
	name := n.Name()
	if tk := c.t.Token(n.FirstTokenIndex()); tk.Kind() == parser.TokOr {
		c.report(rOrIdentifier, n.Start(), n.End(), "`or` used as a variable name (deprecated; it is a keyword)", nil)
		return
	}
	if len(name) > 2 && strings.HasPrefix(name, "__") && global {
		var fix *Fix
		if c.builtinsVisible(n.Start()) {
			repl := "builtins." + name[2:]
			fix = replace("Replace with `"+repl+"`", n.Start(), n.End(), repl)
		}
		c.report(rPreferBuiltins, n.Start(), n.End(),
			fmt.Sprintf("`%s` is the hidden alias of `builtins.%s`; use the latter", name, name[2:]), fix)
	}
}

// builtinsVisible reports whether `builtins` at off refers to the
// global.
func (c *ctx) builtinsVisible(off int) bool {
	for s := c.res.ScopeAt(off); s != nil; s = s.Parent {
		if s.Kind == scope.With || s.Kind == scope.Global {
			continue
		}
		if s.Lookup("builtins") != nil {
			return false
		}
	}
	return true
}

// markWith records that with scope w (and every with around it, which
// a lookup may fall through to) provides a name.
func (c *ctx) markWith(w *scope.Scope) {
	if c.usedWith == nil {
		c.usedWith = make(map[*scope.Scope]bool)
	}
	for s := w; s != nil; s = s.Parent {
		if s.Kind != scope.With {
			continue
		}
		if c.usedWith[s] {
			return
		}
		c.usedWith[s] = true
	}
}

// fallbackRef resolves a variable the resolver skipped (it leaves out
// bindings it rejected as duplicates) by looking it up in the scopes
// around it, and records the reference.
func (c *ctx) fallbackRef(n parser.Node) (ref scope.Ref, global, ok bool) {
	name := n.Name()
	if name == "__curPos" || name == "" {
		return scope.Ref{}, false, false
	}
	var with *scope.Scope
	for s := c.res.ScopeAt(n.Start()); s != nil; s = s.Parent {
		if s.Kind == scope.With {
			if with == nil {
				with = s
			}
			continue
		}
		if d := s.Lookup(name); d != nil {
			if c.extraRefs == nil {
				c.extraRefs = make(map[*scope.Def][]parser.Node)
			}
			c.extraRefs[d] = append(c.extraRefs[d], n)
			return scope.Ref{Def: d}, d.Kind == scope.DefGlobal, true
		}
	}
	if c.globals[name] {
		return scope.Ref{}, true, true
	}
	if with == nil {
		c.report(rUndefined, n.Start(), n.End(), fmt.Sprintf("undefined variable '%s'", name), nil)
	}
	return scope.Ref{With: with}, false, true
}

// refs returns every reference to d.
func (c *ctx) refs(d *scope.Def) []parser.Node {
	if extra := c.extraRefs[d]; len(extra) > 0 {
		return append(append([]parser.Node(nil), d.Refs...), extra...)
	}
	return d.Refs
}

// shortPath runs G303 (a path literal like a/b, which Nix's
// --lint-short-path-literals flags) and G306 (absolute and home paths).
func (c *ctx) shortPath(n parser.Node) {
	tk := c.t.Token(n.FirstTokenIndex())
	text := tk.Text()
	switch {
	case tk.Kind() == parser.TokHPath || tk.Kind() == parser.TokPath && strings.HasPrefix(text, "/"):
		c.report(rAbsolutePath, n.Start(), n.End(),
			fmt.Sprintf("Path literal '%s' is not portable; consider a string, relative path, or parameter", text), nil)
	case tk.Kind() == parser.TokPath && !strings.HasPrefix(text, "."):
		c.report(rShortPath, n.Start(), n.End(),
			fmt.Sprintf("Relative path literal '%s' should be prefixed with '.' for clarity: './%s'", text, text),
			replace("Prefix with `./`", tk.Start(), tk.Start(), "./"))
	}
}

// scopeLints runs the rules that need name resolution: undefined names,
// unused withs, useless recs, shadowing, infinite recursion.
func (c *ctx) scopeLints() {
	for _, n := range c.res.Undefined {
		c.undefinedLint(n)
	}
	for _, s := range c.res.Scopes {
		if s.Kind == scope.With {
			c.inheritWithRefs(s)
		}
		c.scopeLint(s, c.usedWith[s])
	}
}

// undefinedLint reports an undefined name (unless it is a builtin the
// resolver was not given).
func (c *ctx) undefinedLint(n parser.Node) {
	if c.globals[n.Name()] {
		return
	}
	c.report(rUndefined, n.Start(), n.End(), fmt.Sprintf("undefined variable '%s'", n.Name()), nil)
}

// scopeLint runs the rules of one scope; used tells whether a with
// provides some name.
func (c *ctx) scopeLint(s *scope.Scope, used bool) {
	switch s.Kind {
	case scope.With:
		if !used {
			c.unusedWith(s)
		}
	case scope.Rec:
		c.uselessRec(s)
	}
	if s.Kind == scope.Let || s.Kind == scope.Rec || s.Kind == scope.Lambda {
		for _, d := range s.Defs {
			c.checkDefName(d)
			if d.Kind == scope.DefAttr {
				c.selfReference(d)
			}
		}
	}
}

// inheritWithRefs marks withs used by `inherit x;` names that resolve to
// them (the walk sees only identifiers).
func (c *ctx) inheritWithRefs(s *scope.Scope) {
	if c.usedWith[s] {
		return
	}
	body := s.Node.Body()
	if !body.Valid() {
		return
	}
	var visit func(n parser.Node) bool
	visit = func(n parser.Node) bool {
		if n.Kind() == parser.NodeInherit && !n.ChildOf(parser.NodeInheritFrom).Valid() {
			for _, a := range n.Attrs() {
				if ref, _, ok := c.lookup(a); ok && ref.Def == nil && ref.With != nil {
					c.markWith(ref.With)
					if c.usedWith[s] {
						return true
					}
				}
			}
		}
		for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
			if visit(ch) {
				return true
			}
		}
		return false
	}
	visit(body)
}

func (c *ctx) unusedWith(s *scope.Scope) {
	n := s.Node
	kw := n.TokenOf(parser.TokWith)
	semi := n.TokenOf(parser.TokSemi)
	body := n.Body()
	if !kw.Valid() || !semi.Valid() || !body.Valid() {
		return
	}
	env := n.Env()
	c.report(rUnusedWith, kw.Start(), semi.End(),
		fmt.Sprintf("`with %s;` provides no name to its body (every name there is bound without it)", shorten(env.Text())),
		replace("Remove the `with`", kw.Start(), c.endWithBlanks(semi), ""))
}

// endWithBlanks returns the end of token tk and the whitespace after it
// (comments stay).
func (c *ctx) endWithBlanks(tk parser.Token) int {
	if i := tk.Index() + 1; i < c.t.NumTokens() && c.t.Token(i).Kind() == parser.TokWhitespace {
		return c.t.Token(i).End()
	}
	return tk.End()
}

// shorten abbreviates long source text for messages.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

func (c *ctx) uselessRec(s *scope.Scope) {
	for _, d := range s.Defs {
		if len(c.refs(d)) > 0 {
			return
		}
	}
	n := s.Node
	kw := n.TokenOf(parser.TokRec)
	brace := n.TokenOf(parser.TokLBrace)
	if !kw.Valid() || !brace.Valid() {
		return
	}
	c.report(rUselessRec, kw.Start(), kw.End(), "`rec` is useless: no attribute of this set refers to another",
		replace("Remove `rec`", kw.Start(), c.endWithBlanks(kw), ""))
}

// checkDefName runs G304 and G403 on a binding's name.
func (c *ctx) checkDefName(d *scope.Def) {
	if !d.Node.Valid() {
		return
	}
	switch d.Name {
	case "__sub", "__mul", "__div", "__lessThan":
		c.report(rShadowInternal, d.Node.Start(), d.Node.End(),
			fmt.Sprintf("Binding `%s` changes the meaning of the arithmetic and comparison operators in its scope", d.Name), nil)
	case "true", "false", "null", "builtins":
		if at := d.Attr(); at != nil && at.Kind != parser.AttrPlain {
			return // inherit keeps the meaning
		}
		c.report(rShadowedLiteral, d.Node.Start(), d.Node.End(),
			fmt.Sprintf("Binding `%s` hides the builtin of that name", d.Name), nil)
	}
}

// selfReference is G006: a let or rec attribute whose value is forced
// together with a reference to itself.
func (c *ctx) selfReference(d *scope.Def) {
	a := d.Attr()
	if a == nil || a.Kind != parser.AttrPlain || a.Nested != nil || !a.Value.Valid() {
		return
	}
	if ref, ok := c.strictSelfRef(a.Value, d, 0); ok {
		c.report(rSelfReference, ref.Start(), ref.End(),
			fmt.Sprintf("infinite recursion: evaluating '%s' needs the value of '%s' itself", d.Name, d.Name), nil)
	}
}

// strictSelfRef looks for a reference to d among the parts of n that
// evaluating n always forces.
func (c *ctx) strictSelfRef(n parser.Node, d *scope.Def, depth int) (parser.Node, bool) {
	if !n.Valid() || depth > 64 {
		return parser.Node{}, false
	}
	var parts []parser.Node
	switch n.Kind() {
	case parser.NodeIdent:
		if ref, ok := c.res.RefOf(n); ok && ref.Def == d {
			return n, true
		}
		return parser.Node{}, false
	case parser.NodeParen:
		parts = []parser.Node{n.Inner()}
	case parser.NodeSelect, parser.NodeHasAttr:
		parts = []parser.Node{n.Subject()}
	case parser.NodeApply:
		parts = []parser.Node{n.Func()}
	case parser.NodeUnary:
		parts = []parser.Node{n.Operand()}
	case parser.NodeBinary:
		switch n.Operator().Kind() {
		case parser.TokAnd, parser.TokOrOr, parser.TokImpl:
			parts = []parser.Node{n.Left()}
		case parser.TokPipeInto:
			parts = []parser.Node{n.Right()}
		case parser.TokPipeFrom:
			parts = []parser.Node{n.Left()}
		default:
			parts = []parser.Node{n.Left(), n.Right()}
		}
	case parser.NodeIf:
		parts = []parser.Node{n.Cond()}
	case parser.NodeAssert:
		parts = []parser.Node{n.Cond(), n.Body()}
	case parser.NodeWith, parser.NodeLetIn:
		parts = []parser.Node{n.Body()}
	case parser.NodeString, parser.NodeIndString, parser.NodePath:
		for _, p := range n.Parts() {
			if p.IsInterp {
				parts = append(parts, p.Interp)
			}
		}
	}
	for _, p := range parts {
		if r, ok := c.strictSelfRef(p, d, depth+1); ok {
			return r, true
		}
	}
	return parser.Node{}, false
}
