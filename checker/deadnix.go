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
func (c *ctx) deadnix() { c.deadnixIn(c.dnScopes) }

// deadnixIn runs the analysis on the bindings of some let and lambda
// nodes (the bindings of one node only ever keep each other alive).
func (c *ctx) deadnixIn(scopes []parser.Node) {
	if !c.enabled(rUnusedLet) && !c.enabled(rUnusedArg) && !c.enabled(rUnusedFormal) &&
		!c.enabled(rUnusedPatternBind) && !c.enabled(rUsedUnderscore) {
		return
	}
	opts := c.opts.Deadnix
	var bindings []*dnBinding
	for _, n := range scopes {
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
		case c.pragmaSkip(b.decl):
			continue
		}
		cands = append(cands, b)
	}
	dead, unusedSet := c.dnFixpoint(cands, opts.WarnUsedUnderscore)
	if len(dead) == 0 {
		return
	}
	results := make(map[int]*dnResult, len(dead))
	for _, b := range cands {
		if dead[b.decl.ID()] {
			results[b.decl.ID()] = &dnResult{b: b, unused: unusedSet[b]}
		}
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

// pragmaSkip reports whether a comment containing "deadnix: skip" comes
// before decl's first token with at most one line break in between (the
// nearest such comment decides, as deadnix's backward search does).
func (c *ctx) pragmaSkip(decl parser.Node) bool {
	if c.pragmaBreaks == nil {
		c.pragmaBreaks = pragmaBreaks(c.t)
	}
	b := c.pragmaBreaks[decl.FirstTokenIndex()]
	return b >= 0 && b <= 1
}

// pragmaBreaks returns, for each token, the number of line breaks since the
// last "deadnix: skip" comment before it, or -1 when there is none.
func pragmaBreaks(t *parser.Tree) []int32 {
	out := make([]int32, t.NumTokens())
	if !strings.Contains(t.Src, "deadnix: skip") {
		for i := range out {
			out[i] = -1
		}
		return out
	}
	breaks := int32(-1)
	for i := 0; i < t.NumTokens(); i++ {
		out[i] = breaks
		tk := t.Token(i)
		switch tk.Kind() {
		case parser.TokComment:
			if strings.Contains(tk.Text(), "deadnix: skip") {
				breaks = 0
			}
		case parser.TokWhitespace:
			if breaks >= 0 {
				breaks += int32(strings.Count(tk.Text(), "\n"))
			}
		}
	}
	return out
}

// dnFixpoint finds the dead bindings among cands: those whose every use
// lies in their own declaration or in dead code (and, with
// warnUnderscore, every binding named _x). It works through a worklist, so
// chains of bindings cost linear time; the result is the fixpoint deadnix
// reaches by rescanning. unused tells which dead bindings are unused (the
// others are used `_x` bindings).
func (c *ctx) dnFixpoint(cands []*dnBinding, warnUnderscore bool) (dead map[int]bool, unused map[*dnBinding]bool) {
	dead = make(map[int]bool)
	unused = make(map[*dnBinding]bool)
	live := make(map[*dnBinding]int, len(cands))
	// waiting lists, per body node that may die, the bindings with a use
	// there.
	waiting := make(map[int][]*dnBinding)
	var queue []*dnBinding
	for _, b := range cands {
		n := 0
		for _, ref := range c.refs(b.def) {
			body := dnBodyOf(ref, b.scopeNode)
			if !body.Valid() {
				n++ // a use the analysis cannot place: keep the binding
				continue
			}
			if body.ID() == b.decl.ID() {
				continue
			}
			if body.Kind() == parser.NodeInheritFrom && len(body.Parent().Attrs()) == 0 {
				continue // `inherit (e);` binds nothing: dead from the start
			}
			switch body.Kind() {
			case parser.NodeBinding, parser.NodeFormal, parser.NodeInheritFrom:
				waiting[body.ID()] = append(waiting[body.ID()], b)
			}
			n++
		}
		live[b] = n
		if n == 0 {
			unused[b] = true
		}
		if n == 0 || warnUnderscore && strings.HasPrefix(b.name, "_") {
			dead[b.decl.ID()] = true
			queue = append(queue, b)
		}
	}
	kill := func(id int) {
		for _, w := range waiting[id] {
			live[w]--
			if live[w] == 0 {
				unused[w] = true
				if !dead[w.decl.ID()] {
					dead[w.decl.ID()] = true
					queue = append(queue, w)
				}
			}
		}
		delete(waiting, id)
	}
	for len(queue) > 0 {
		b := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		kill(b.decl.ID())
		if b.inherit.Valid() && allNamesDead(b.inherit, dead) {
			if from := b.inherit.ChildOf(parser.NodeInheritFrom); from.Valid() {
				kill(from.ID())
			}
		}
	}
	return dead, unused
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
	// Whether the fixes empty the let, and where its body starts (-1 when
	// they do not): once per let, as lets can have many bindings.
	bodyStart, ok := c.letEmptiedCache[let.ID()]
	if !ok {
		bodyStart = -1
		if letEmptied(let, removed) {
			if body := let.Body(); body.Valid() {
				bodyStart = body.Start()
			}
		}
		if c.letEmptiedCache == nil {
			c.letEmptiedCache = make(map[int]int)
		}
		c.letEmptiedCache[let.ID()] = bodyStart
	}
	if bodyStart >= 0 {
		return replace("Remove the unused let", let.Start(), bodyStart, "")
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
