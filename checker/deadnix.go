package checker

import (
	"sort"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// The unused-code analysis reproduces deadnix: the bindings of lets and
// the arguments, pattern names and @-binds of functions that nothing
// uses. A binding used only by unused bindings is unused too. `rec`
// attributes are never reported (they are the set's attributes), and
// lambda arguments named `_x` are meant to be unused. A comment
// containing `deadnix: skip` on the line before a binding (at most one
// line break away) skips it, as in deadnix.

type dnKind uint8

const (
	dnLet     dnKind = iota // let binding or inherited name
	dnArg                   // x: ...
	dnFormal                // { x }: ...
	dnBind                  // x@{ ... }: ...
	numDnKind               // sentinel
)

var dnScopeName = [numDnKind]string{
	dnLet:    "let binding",
	dnArg:    "lambda argument",
	dnFormal: "lambda pattern",
	dnBind:   "lambda pattern",
}

// dnBinding is one candidate binding.
type dnBinding struct {
	kind dnKind
	name string
	// nameNode is the identifier that names the binding.
	nameNode parser.Node
	// decl is deadnix's "declaration node": the whole `a.b = v;` binding,
	// the inherited name, the formal, or the argument's identifier.
	decl parser.Node
	// scopeNode is the LetIn or Lambda node.
	scopeNode parser.Node
	// inherit is the Inherit node of an inherited name.
	inherit parser.Node
	def     *scope.Def
	mortal  bool
}

type dnResult struct {
	b      *dnBinding
	unused bool
}

// deadnix runs the unused-code analysis and reports G201-G205.
func (c *ctx) deadnix() {
	if !c.enabled(rUnusedLet) && !c.enabled(rUnusedArg) && !c.enabled(rUnusedFormal) &&
		!c.enabled(rUnusedPatternBind) && !c.enabled(rUsedUnderscore) {
		return
	}
	opts := c.opts.Deadnix
	var bindings []*dnBinding
	for _, n := range c.dnScopes {
		bindings = c.dnBindings(n, bindings)
	}
	if len(bindings) == 0 {
		return
	}
	// Filter what the settings skip.
	cands := bindings[:0]
	for _, b := range bindings {
		switch {
		case !b.mortal, b.def == nil:
			continue
		case opts.NoLambdaArg && b.kind == dnArg:
			continue
		case opts.NoUnderscore && strings.HasPrefix(b.name, "_"):
			continue
		case opts.NoLambdaPatternNames && b.kind == dnFormal:
			continue
		case hasPragmaSkip(c.t, b.decl):
			continue
		}
		cands = append(cands, b)
	}
	dead := make(map[int]bool)
	results := make(map[int]*dnResult)
	for {
		prev := len(results)
		for _, b := range cands {
			unused := c.dnUnused(b, dead)
			if unused || (opts.WarnUsedUnderscore && strings.HasPrefix(b.name, "_")) {
				dead[b.decl.ID()] = true
				results[b.decl.ID()] = &dnResult{b: b, unused: unused}
			}
		}
		if len(results) == prev {
			break
		}
	}
	if len(results) == 0 {
		return
	}
	list := make([]*dnResult, 0, len(results))
	for _, r := range results {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].b.nameNode.Start() < list[j].b.nameNode.Start() })

	// The bindings the fixes remove: those reported as unused.
	removed := make(map[int]bool)
	for _, r := range list {
		if r.unused && c.enabled(dnRule(r.b.kind)) && !c.suppressed(dnRule(r.b.kind), r.b.nameNode.Start()) {
			removed[r.b.decl.ID()] = true
		}
	}
	for _, r := range list {
		b := r.b
		n := b.nameNode
		if !r.unused {
			c.report(rUsedUnderscore, n.Start(), n.End(),
				"Used "+dnScopeName[b.kind]+": "+b.name+" (a name starting with `_` says it is unused)", nil)
			continue
		}
		c.report(dnRule(b.kind), n.Start(), n.End(), "Unused "+dnScopeName[b.kind]+": "+b.name, c.dnFix(b, removed))
	}
}

func dnRule(k dnKind) ruleID {
	switch k {
	case dnArg:
		return rUnusedArg
	case dnFormal:
		return rUnusedFormal
	case dnBind:
		return rUnusedPatternBind
	}
	return rUnusedLet
}

// dnBindings appends the candidate bindings of a LetIn or Lambda node, in
// deadnix's order.
func (c *ctx) dnBindings(n parser.Node, out []*dnBinding) []*dnBinding {
	sc := c.res.ScopeOf(n)
	lookup := func(name string) *scope.Def {
		if sc == nil {
			return nil
		}
		return sc.Lookup(name)
	}
	switch n.Kind() {
	case parser.NodeLetIn:
		entries := n.Entries()
		for _, e := range entries {
			if e.Kind() != parser.NodeInherit {
				continue
			}
			for _, a := range e.Attrs() {
				if a.Kind() != parser.NodeAttrName {
					continue
				}
				out = append(out, &dnBinding{kind: dnLet, name: a.Name(), nameNode: a, decl: a, scopeNode: n,
					inherit: e, def: lookup(a.Name()), mortal: true})
			}
		}
		for _, e := range entries {
			if e.Kind() != parser.NodeBinding {
				continue
			}
			as := e.AttrPath().Attrs()
			if len(as) == 0 || as[0].Kind() != parser.NodeAttrName {
				continue
			}
			out = append(out, &dnBinding{kind: dnLet, name: as[0].Name(), nameNode: as[0], decl: e, scopeNode: n,
				def: lookup(as[0].Name()), mortal: true})
		}
	case parser.NodeLambda:
		param := n.Param()
		pat := n.Pattern()
		if !pat.Valid() {
			if param.Valid() {
				name := param.Name()
				out = append(out, &dnBinding{kind: dnArg, name: name, nameNode: param, decl: param, scopeNode: n,
					def: lookup(name), mortal: !strings.HasPrefix(name, "_")})
			}
			return out
		}
		if param.Valid() {
			out = append(out, &dnBinding{kind: dnBind, name: param.Name(), nameNode: param, decl: param, scopeNode: n,
				def: lookup(param.Name()), mortal: true})
		}
		for _, f := range pat.Formals() {
			p := f.Param()
			if !p.Valid() {
				continue
			}
			out = append(out, &dnBinding{kind: dnFormal, name: p.Name(), nameNode: p, decl: f, scopeNode: n,
				def: lookup(p.Name()), mortal: true})
		}
	}
	return out
}

// hasPragmaSkip looks back from decl's first token for a comment
// containing "deadnix: skip", up to the second line break.
func hasPragmaSkip(t *parser.Tree, decl parser.Node) bool {
	breaks := 0
	for i := decl.FirstTokenIndex() - 1; i >= 0; i-- {
		tk := t.Token(i)
		switch tk.Kind() {
		case parser.TokWhitespace:
			breaks += strings.Count(tk.Text(), "\n")
			if breaks > 1 {
				return false
			}
		case parser.TokComment:
			if strings.Contains(tk.Text(), "deadnix: skip") {
				return true
			}
		}
	}
	return false
}

// dnUnused reports whether every use of b lies in b's own declaration or
// in code already found dead.
func (c *ctx) dnUnused(b *dnBinding, dead map[int]bool) bool {
	for _, ref := range c.refs(b.def) {
		body := dnBodyOf(ref, b.scopeNode)
		if !body.Valid() {
			return false
		}
		id := body.ID()
		if id == b.decl.ID() || dead[id] {
			continue
		}
		if body.Kind() == parser.NodeInheritFrom && allNamesDead(body.Parent(), dead) {
			continue
		}
		return false
	}
	return true
}

// dnBodyOf returns the part of scope node sc that contains ref: for a let,
// a binding, the expression of an `inherit (e)`, or the body; for a
// function, a formal or the body.
func dnBodyOf(ref, sc parser.Node) parser.Node {
	scID := sc.ID()
	for n := ref; n.Valid(); {
		p := n.Parent()
		if !p.Valid() {
			break
		}
		if p.ID() == scID {
			return n
		}
		if k := p.Kind(); k == parser.NodeInherit || k == parser.NodePattern {
			if pp := p.Parent(); pp.Valid() && pp.ID() == scID {
				return n
			}
		}
		n = p
	}
	return parser.Node{}
}

// allNamesDead reports whether every name of an inherit is dead.
func allNamesDead(inherit parser.Node, dead map[int]bool) bool {
	for _, a := range inherit.Attrs() {
		if !dead[a.ID()] {
			return false
		}
	}
	return true
}

// dnFix builds deadnix's edit for an unused binding: remove a let binding
// or inherited name (and the whole `let ... in` or `inherit` once nothing
// is left), remove a pattern name with its comma, remove an @-bind, or
// rename an argument to _x. removed holds the declarations every fix
// together removes.
func (c *ctx) dnFix(b *dnBinding, removed map[int]bool) *Fix {
	switch b.kind {
	case dnArg:
		return replace("Rename to `_"+b.name+"`", b.nameNode.Start(), b.nameNode.End(), "_"+b.name)
	case dnBind:
		return c.dnBindFix(b)
	case dnFormal:
		return c.dnFormalFix(b)
	}
	let := b.scopeNode
	if letEmptied(let, removed) {
		body := let.Body()
		if !body.Valid() {
			return nil
		}
		return replace("Remove the unused let", let.Start(), body.Start(), "")
	}
	if b.inherit.Valid() {
		if allNamesDead(b.inherit, removed) {
			return replace("Remove the unused inherit", prevWSStart(b.inherit), b.inherit.End(), "")
		}
		return replace("Remove `"+b.name+"`", prevWSStart(b.decl), b.decl.End(), "")
	}
	return replace("Remove the unused binding", prevWSStart(b.decl), b.decl.End(), "")
}

// letEmptied reports whether removing the declarations in removed leaves
// a let without bindings.
func letEmptied(let parser.Node, removed map[int]bool) bool {
	for _, e := range let.Entries() {
		if e.Kind() == parser.NodeInherit {
			if !allNamesDead(e, removed) {
				return false
			}
		} else if !removed[e.ID()] {
			return false
		}
	}
	return true
}

// dnBindFix removes `name @` before or `@ name` after a pattern.
func (c *ctx) dnBindFix(b *dnBinding) *Fix {
	lam := b.scopeNode
	at := lam.TokenOf(parser.TokAt)
	if !at.Valid() {
		return nil
	}
	t := c.t
	start, end := b.nameNode.Start(), b.nameNode.End()
	if b.nameNode.Start() < at.Start() {
		// name @ { ... }: remove up to the @ and the blanks after it.
		end = at.End()
		if nx := at.Index() + 1; nx < t.NumTokens() && t.Token(nx).Kind() == parser.TokWhitespace {
			end = t.Token(nx).End()
		}
	} else {
		// { ... } @ name: remove from the blanks before the @.
		start = at.Start()
		if pv := at.Index() - 1; pv >= 0 && t.Token(pv).Kind() == parser.TokWhitespace {
			start = t.Token(pv).Start()
		}
	}
	return replace("Remove `"+b.name+"@`", start, end, "")
}

// dnFormalFix removes a pattern name with the comma after it (or before
// it when it is the last one).
func (c *ctx) dnFormalFix(b *dnBinding) *Fix {
	f := b.decl
	pat := f.Parent()
	t := c.t
	start, end := f.Start(), f.End()
	for i := f.EndTokenIndex(); i < pat.EndTokenIndex(); i++ {
		tk := t.Token(i)
		if tk.Kind() == parser.TokComma {
			end = tk.End()
			break
		}
		if tk.Kind() == parser.TokRBrace {
			j := f.FirstTokenIndex() - 1
			for j > pat.FirstTokenIndex() && t.Token(j).Kind() == parser.TokWhitespace {
				j--
			}
			if j >= pat.FirstTokenIndex() && t.Token(j).Kind() == parser.TokComma {
				start = t.Token(j).Start()
			}
			break
		}
		if tk.Kind() != parser.TokWhitespace {
			break
		}
	}
	if ws := prevWSStart(f); ws < start {
		start = ws
	}
	return replace("Remove `"+b.name+"`", start, end, "")
}
