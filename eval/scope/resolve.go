package scope

import (
	"sort"

	"github.com/gonix/gonix/parser"
)

// Options configures resolution.
type Options struct {
	// Globals are the names of the base scope; nil means DefaultGlobals().
	Globals []string
	// Extra are further names bound in an outer scope (for example the
	// bindings of a REPL session, or scopedImport's attributes when known).
	Extra []string
}

// Resolve resolves every name in t.
func Resolve(t *parser.Tree, opts Options) *Result {
	globals := opts.Globals
	if globals == nil {
		globals = DefaultGlobals()
	}
	res := &Result{Tree: t}
	g := &Scope{Kind: Global, seq: -1}
	names := append(append([]string(nil), globals...), opts.Extra...)
	for _, n := range names {
		g.Defs = append(g.Defs, &Def{Name: n, Kind: DefGlobal, Scope: g})
	}
	g.sortDefs()
	res.Global = g
	r := &resolver{res: res, cur: g}
	if e := t.Expr(); e.Valid() {
		r.expr(e)
	}
	res.index()
	return res
}

// index sorts the reference table and builds the scope table.
func (r *Result) index() {
	sortRefs(r.refs)
	r.scopeIDs = make([]scopeEntry, 0, len(r.Scopes))
	for i, s := range r.Scopes {
		if s.Node.Valid() {
			r.scopeIDs = append(r.scopeIDs, scopeEntry{int32(s.Node.ID()), int32(i)})
		}
	}
	sortScopeIDs(r.scopeIDs)
}

// sortRefs sorts references by node ID. The resolver meets them in
// source order but for merged sets, so most tables are sorted already.
func sortRefs(refs []refEntry) {
	for i := 1; i < len(refs); i++ {
		if refs[i].id < refs[i-1].id {
			sort.Slice(refs, func(i, j int) bool { return refs[i].id < refs[j].id })
			return
		}
	}
}

func sortScopeIDs(ids []scopeEntry) {
	sort.Slice(ids, func(i, j int) bool { return ids[i].id < ids[j].id })
}

func (s *Scope) sortDefs() {
	sort.SliceStable(s.Defs, func(i, j int) bool { return s.Defs[i].Name < s.Defs[j].Name })
	// Keep the first definition of a name (later duplicates are errors the
	// parser already reported).
	out := s.Defs[:0]
	for i, d := range s.Defs {
		if i > 0 && d.Name == s.Defs[i-1].Name {
			continue
		}
		out = append(out, d)
	}
	s.Defs = out
	for i, d := range s.Defs {
		d.Index = i
	}
}

type resolver struct {
	res *Result
	cur *Scope
	// mergeFrom is the node whose merged view attrs is walking, and
	// mergePath the nested sets it went into (recorded in the scopes it
	// opens, see Scope.Attrs).
	mergeFrom parser.Node
	mergePath []mergeStep
}

func (r *resolver) push(kind ScopeKind, n parser.Node) *Scope {
	s := &Scope{Kind: kind, Node: n, Parent: r.cur, Depth: r.cur.Depth + 1}
	s.seq = int32(len(r.res.Scopes))
	r.res.Scopes = append(r.res.Scopes, s)
	return s
}

// ref resolves a reference to name by node n from the current scope.
func (r *resolver) ref(n parser.Node, name string) {
	r.refFrom(r.cur, n, name)
}

func (r *resolver) refFrom(s *Scope, n parser.Node, name string) {
	var with *Scope
	for sc := s; sc != nil; sc = sc.Parent {
		if sc.Kind == With {
			if with == nil {
				with = sc
			}
			continue
		}
		if d := sc.Lookup(name); d != nil {
			d.Refs = append(d.Refs, n)
			r.res.refs = append(r.res.refs, refEntry{id: int32(n.ID()), scope: d.Scope.seq, def: int32(d.Index)})
			return
		}
	}
	e := refEntry{id: int32(n.ID()), scope: noScope, def: -1}
	if with != nil {
		e.scope = with.seq
	}
	r.res.refs = append(r.res.refs, e)
	if with == nil {
		r.res.Undefined = append(r.res.Undefined, n)
	}
}

func (r *resolver) children(n parser.Node) {
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		r.expr(c)
	}
}

func (r *resolver) expr(n parser.Node) {
	if !n.Valid() {
		return // a part missing from a tree with syntax errors
	}
	switch n.Kind() {
	case parser.NodeIdent:
		if name := n.Name(); name != "__curPos" {
			r.ref(n, name)
		}
	case parser.NodeAttrSet, parser.NodeLetIn, parser.NodeLegacyLet:
		attrs, _ := parser.MergeBindings(n)
		from, path := r.mergeFrom, r.mergePath
		r.mergeFrom, r.mergePath = n, nil
		r.attrs(attrs)
		r.mergeFrom, r.mergePath = from, path
	case parser.NodeLambda:
		r.lambda(n)
	case parser.NodeWith:
		r.expr(n.Env())
		saved := r.cur
		r.cur = r.push(With, n)
		r.expr(n.Body())
		r.cur = saved
	case parser.NodeSelect, parser.NodeHasAttr:
		r.expr(n.Subject())
		r.attrPath(n.AttrPath())
		if d := n.Default(); d.Valid() {
			r.expr(d)
		}
	default:
		r.children(n)
	}
}

// attrPath resolves the names used inside dynamic attribute names.
func (r *resolver) attrPath(p parser.Node) {
	if !p.Valid() {
		return
	}
	for _, a := range p.Attrs() {
		if a.Kind() != parser.NodeAttrName {
			r.expr(a)
		}
	}
}

// defNode finds the node that names an attribute defined at offset pos.
func (r *resolver) defNode(pos int) parser.Node {
	n := r.res.Tree.NodeAt(pos)
	for n.Valid() {
		switch n.Kind() {
		case parser.NodeAttrName, parser.NodeString, parser.NodeInterpol:
			if n.Start() == pos {
				return n
			}
		case parser.NodeAttrPath:
			if as := n.Attrs(); len(as) > 0 {
				return as[0]
			}
		}
		n = n.Parent()
	}
	return parser.Node{}
}

// entryName finds, among the bindings and inherits of a set (in source
// order), the name starting at pos: the first element of a binding's
// path or a name of an inherit. It is defNode without a search from the
// root, for the attributes a set defines itself.
func entryName(entries []parser.Node, pos int) parser.Node {
	i := sort.Search(len(entries), func(i int) bool { return entries[i].End() > pos })
	if i == len(entries) || entries[i].Start() > pos {
		return parser.Node{}
	}
	e := entries[i]
	if e.Kind() == parser.NodeBinding {
		if n := e.AttrPath().FirstChild(); n.Valid() && n.Start() == pos {
			switch n.Kind() {
			case parser.NodeAttrName, parser.NodeString:
				return n
			}
		}
		return parser.Node{}
	}
	for _, n := range e.Attrs() {
		if n.Start() == pos {
			return n
		}
	}
	return parser.Node{}
}

// attrs walks a merged attribute set; for rec sets and lets it opens the
// scope of their names.
func (r *resolver) attrs(a *parser.Attrs) {
	saved := r.cur
	outer := r.cur
	if a.Rec {
		kind := Rec
		if k := a.Node.Kind(); k == parser.NodeLetIn || k == parser.NodeLegacyLet {
			kind = Let
		}
		s := r.push(kind, a.Node)
		s.attrs.Store(a)
		if len(r.mergePath) > 0 {
			s.nested = &mergeOrigin{from: r.mergeFrom, path: append([]mergeStep(nil), r.mergePath...)}
		}
		entries := a.Node.Entries()
		for _, at := range a.Attrs {
			n := entryName(entries, at.Pos)
			if !n.Valid() {
				n = r.defNode(at.Pos)
			}
			s.Defs = append(s.Defs, &Def{Name: at.Name, Kind: DefAttr, Scope: s, Node: n})
		}
		s.sortDefs()
		r.cur = s
	}
	for _, from := range a.InheritFrom {
		r.expr(from)
	}
	for i, at := range a.Attrs {
		switch at.Kind {
		case parser.AttrPlain:
			r.nestedValue(at.Value, at.Nested, mergeStep{stepAttr, int32(i)})
		case parser.AttrInherited:
			r.refFrom(outer, at.Value, at.Name)
		}
	}
	for i, d := range a.Dynamic {
		r.expr(d.Name)
		r.nestedValue(d.Value, d.Nested, mergeStep{stepDynamic, int32(i)})
	}
	// Definitions rejected as duplicates still use names.
	for i, at := range a.Dropped {
		switch at.Kind {
		case parser.AttrPlain:
			r.nestedValue(at.Value, at.Nested, mergeStep{stepDropped, int32(i)})
		case parser.AttrInherited:
			r.refFrom(outer, at.Value, at.Name)
		}
	}
	if a.Node.Kind() == parser.NodeLetIn {
		r.expr(a.Node.Body())
	}
	r.cur = saved
}

// nestedValue is value for the attribute of the merged view that step
// names.
func (r *resolver) nestedValue(v parser.Node, nested *parser.Attrs, step mergeStep) {
	if nested == nil {
		r.expr(v)
		return
	}
	r.mergePath = append(r.mergePath, step)
	r.attrs(nested)
	r.mergePath = r.mergePath[:len(r.mergePath)-1]
}

func (r *resolver) lambda(n parser.Node) {
	saved := r.cur
	s := r.push(Lambda, n)
	if p := n.Param(); p.Valid() {
		s.Defs = append(s.Defs, &Def{Name: p.Name(), Kind: DefArg, Scope: s, Node: p})
	}
	pat := n.Pattern()
	var formals []parser.Node
	if pat.Valid() {
		formals = pat.Formals()
		for _, f := range formals {
			if pn := f.Param(); pn.Valid() {
				s.Defs = append(s.Defs, &Def{Name: pn.Name(), Kind: DefFormal, Scope: s, Node: pn, Formal: f})
			}
		}
	}
	s.sortDefs()
	r.cur = s
	for _, f := range formals {
		if d := f.Default(); d.Valid() {
			r.expr(d)
		}
	}
	r.expr(n.Body())
	r.cur = saved
}
