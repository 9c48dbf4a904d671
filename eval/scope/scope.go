package scope

import (
	"sort"
	"sync/atomic"

	"github.com/gonix/gonix/parser"
)

// ScopeKind says what introduces a scope.
type ScopeKind uint8

const (
	// Global is the base scope of builtins.
	Global ScopeKind = iota
	// Let is `let ... in` (or a legacy `let { }`).
	Let
	// Rec is a `rec { }` attribute set.
	Rec
	// Lambda is a function's argument and formals.
	Lambda
	// With is `with e; body`: names resolve dynamically inside it.
	With
)

// DefKind says how a name is bound.
type DefKind uint8

const (
	// DefGlobal is a builtin of the base scope.
	DefGlobal DefKind = iota
	// DefAttr is an attribute of a let or rec set (its value is an
	// expression, an implicit nested set or an inherit).
	DefAttr
	// DefArg is a lambda's plain argument or its @-name.
	DefArg
	// DefFormal is a formal of a lambda's pattern.
	DefFormal
)

// Scope is a lexical scope.
type Scope struct {
	Kind ScopeKind
	// Node introduces the scope: a LetIn, LegacyLet, AttrSet, Lambda or
	// With node (zero for the global scope).
	Node   parser.Node
	Parent *Scope
	// Defs are the names bound here, sorted by name.
	Defs []*Def
	// Depth counts the scopes between this one and the global scope.
	Depth int
	// seq is the scope's index in Result.Scopes (-1 for the global
	// scope).
	seq int32
	// attrs is the merged view of a Let or Rec scope's bindings (see
	// Attrs): the resolver's own, or, in a scope Update copied, made on
	// first use, so that an edit need not copy every view of the file:
	// from the scope's node, or, for a set merged into an enclosing one,
	// from nested.
	attrs  atomic.Pointer[parser.Attrs]
	nested *mergeOrigin
}

// mergeOrigin says where the merged view of a nested set comes from: the
// view of node from, and the nested sets along path.
type mergeOrigin struct {
	from parser.Node
	path []mergeStep
}

// mergeStep is a step into a nested merged set: the Nested of
// Attrs[i], Dynamic[i] or Dropped[i].
type mergeStep struct {
	kind uint8 // stepAttr, stepDynamic or stepDropped
	i    int32
}

const (
	stepAttr uint8 = iota
	stepDynamic
	stepDropped
)

// Attrs returns the merged view of a Let or Rec scope's bindings (nil
// for other scopes). It is the view the scope was resolved from: for a
// rec set merged into an enclosing set (`x = rec { a = 1; }; x.b = 2;`),
// the nested view with both attributes.
func (s *Scope) Attrs() *parser.Attrs {
	if a := s.attrs.Load(); a != nil {
		return a
	}
	if s.Kind != Let && s.Kind != Rec || !s.Node.Valid() {
		return nil
	}
	from, path := s.Node, []mergeStep(nil)
	var a *parser.Attrs
	if s.nested != nil {
		from, path = s.nested.from, s.nested.path
		// Start from the view of the enclosing scope the merge started
		// at, if any, so that the nested views are the same objects.
		for p := s.Parent; p != nil; p = p.Parent {
			if (p.Kind == Let || p.Kind == Rec) && p.Node == from {
				a = p.Attrs()
				break
			}
		}
	}
	if a == nil {
		a, _ = parser.MergeBindings(from)
	}
	for _, st := range path {
		if a = stepInto(a, st); a == nil {
			return nil
		}
	}
	s.attrs.CompareAndSwap(nil, a)
	return s.attrs.Load()
}

// Lookup returns the definition of name in this scope only.
func (s *Scope) Lookup(name string) *Def {
	i := sort.Search(len(s.Defs), func(i int) bool { return s.Defs[i].Name >= name })
	if i < len(s.Defs) && s.Defs[i].Name == name {
		return s.Defs[i]
	}
	return nil
}

// Contains reports whether byte offset off lies in the part of the source
// where the scope's names are visible.
func (s *Scope) Contains(off int) bool {
	if !s.Node.Valid() {
		return true
	}
	return off >= s.Node.Start() && off <= s.Node.End()
}

// Def is one binding site.
type Def struct {
	Name  string
	Kind  DefKind
	Scope *Scope
	// Node names the binding: the AttrName (or String) node of a let/rec
	// attribute's first path element or inherit name, or the ParamName of
	// an argument or formal. Zero for globals.
	Node parser.Node
	// Formal is the Formal node for DefFormal.
	Formal parser.Node
	// Index is the position of the definition in its scope's Defs.
	Index int
	// Refs are the nodes that refer to this definition: Ident nodes and the
	// names of `inherit x;` clauses, in source order.
	Refs []parser.Node
}

// stepInto returns the nested view a step of a merge path goes into.
func stepInto(a *parser.Attrs, st mergeStep) *parser.Attrs {
	i := int(st.i)
	switch st.kind {
	case stepAttr:
		if i < len(a.Attrs) {
			return a.Attrs[i].Nested
		}
	case stepDynamic:
		if i < len(a.Dynamic) {
			return a.Dynamic[i].Nested
		}
	case stepDropped:
		if i < len(a.Dropped) {
			return a.Dropped[i].Nested
		}
	}
	return nil
}

// Attr returns the merged attribute of a DefAttr definition (nil for
// the other kinds).
func (d *Def) Attr() *parser.Attr {
	if d.Kind != DefAttr || d.Scope == nil {
		return nil
	}
	a := d.Scope.Attrs()
	if a == nil {
		return nil
	}
	return a.Lookup(d.Name)
}

// Ref is what a variable reference resolves to.
type Ref struct {
	// Def is the lexical binding, or nil.
	Def *Def
	// With is the innermost enclosing `with` scope when the name has no
	// lexical binding (nil otherwise).
	With *Scope
}

// Undefined reports whether the reference has neither a lexical binding
// nor an enclosing with.
func (r Ref) Undefined() bool { return r.Def == nil && r.With == nil }

// Result is the resolution of a whole tree.
type Result struct {
	Tree   *parser.Tree
	Global *Scope
	// Scopes lists every scope but the global one, in pre-order.
	Scopes []*Scope
	// Undefined lists references without binding or with, in source order.
	Undefined []parser.Node
	// refs are the resolved references, sorted by node ID; scopeIDs the
	// nodes that introduce scopes, sorted by node ID. Both hold no
	// pointers, so that Update copies them cheaply and the collector
	// does not scan them.
	refs     []refEntry
	scopeIDs []scopeEntry
}

// refEntry is one resolved reference.
type refEntry struct {
	id int32 // the Ident or inherited name
	// scope is the seq of the definition's scope, or of the with the
	// name resolves to (noScope: undefined).
	scope int32
	// def indexes the scope's Defs; -1 when the name has no lexical
	// binding.
	def int32
}

// noScope is refEntry.scope of an undefined name.
const noScope = -2

type scopeEntry struct{ id, seq int32 }

// scopeAt returns the scope with the given seq.
func (r *Result) scopeAt(seq int32) *Scope {
	switch {
	case seq == -1:
		return r.Global
	case seq < 0:
		return nil
	}
	return r.Scopes[seq]
}

// RefOf returns the resolution of an Ident node or an inherit name.
func (r *Result) RefOf(n parser.Node) (Ref, bool) {
	id := int32(n.ID())
	lo, hi := 0, len(r.refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.refs[m].id < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(r.refs) || r.refs[lo].id != id {
		return Ref{}, false
	}
	e := r.refs[lo]
	s := r.scopeAt(e.scope)
	if e.def >= 0 {
		return Ref{Def: s.Defs[e.def]}, true
	}
	return Ref{With: s}, true
}

// ScopeOf returns the scope a LetIn, LegacyLet, rec AttrSet, Lambda or
// With node introduces.
func (r *Result) ScopeOf(n parser.Node) *Scope {
	id := int32(n.ID())
	i := sort.Search(len(r.scopeIDs), func(i int) bool { return r.scopeIDs[i].id >= id })
	if i == len(r.scopeIDs) || r.scopeIDs[i].id != id {
		return nil
	}
	return r.Scopes[r.scopeIDs[i].seq]
}

// ScopeAt returns the innermost scope visible at byte offset off (of
// those that contain it and are equally deep, the first). The scopes that
// contain off are introduced by the nodes around it, so only those are
// looked at.
func (r *Result) ScopeAt(off int) *Scope {
	best := r.Global
	consider := func(n parser.Node) {
		for ; n.Valid(); n = n.Parent() {
			switch n.Kind() {
			case parser.NodeLetIn, parser.NodeLegacyLet, parser.NodeAttrSet, parser.NodeLambda, parser.NodeWith:
			default:
				continue
			}
			s := r.ScopeOf(n)
			if s == nil || !s.Contains(off) || !s.visibleAt(off) {
				continue
			}
			if s.Depth > best.Depth || s.Depth == best.Depth && best != r.Global && s.seq < best.seq {
				best = s
			}
		}
	}
	if r.Tree == nil {
		return best
	}
	consider(r.Tree.NodeAt(off))
	if off > 0 {
		consider(r.Tree.NodeAt(off - 1))
	}
	return best
}

// scopeAtSlow is ScopeAt by a look at every scope (for tests).
func (r *Result) scopeAtSlow(off int) *Scope {
	best := r.Global
	for _, s := range r.Scopes {
		if s.Contains(off) && s.Depth > best.Depth && s.visibleAt(off) {
			best = s
		}
	}
	return best
}

// visibleAt refines Contains: a with's names are not visible in its own
// environment expression, nor a lambda's in its pattern's names.
func (s *Scope) visibleAt(off int) bool {
	if s.Kind == With {
		if env := s.Node.Env(); env.Valid() && off >= env.Start() && off <= env.End() {
			return false
		}
	}
	return true
}

// Visible returns the names visible in scope s (innermost first), one per
// name, and whether any with scope encloses s.
func (s *Scope) Visible() (defs []*Def, withs []*Scope) {
	seen := map[string]bool{}
	for sc := s; sc != nil; sc = sc.Parent {
		if sc.Kind == With {
			withs = append(withs, sc)
			continue
		}
		for _, d := range sc.Defs {
			if !seen[d.Name] {
				seen[d.Name] = true
				defs = append(defs, d)
			}
		}
	}
	return defs, withs
}
