package scope

import (
	"sort"

	"github.com/gonix/gonix/parser"
)

// Incremental resolution. After parser.Reparse replaced one bracketed
// node of a tree, Update resolves again only the smallest expression
// around that node that the resolver visits on its own (its "root"), in
// the scope chain the previous result had there, and carries everything
// else over: scopes, definitions, references and undefined names outside
// the root keep their resolution, with their nodes renumbered for the new
// tree. The result is identical to Resolve on the new tree (tested).
//
// The carried-over lists (Scopes, Undefined, Def.Refs) are in the
// resolver's visiting order. The new entries are spliced in by source
// position, so the root is chosen such that, on the path from the file's
// expression down to it, everything the resolver visits before the
// root's branch lies before it in the source and everything it visits
// after lies after it (a `let` whose `inherit (e)` clause comes after the
// edited binding, for instance, makes the whole `let` the root).

// Change describes how Update derived a result from the previous one.
type Change struct {
	// Full reports that the tree was resolved from scratch; nothing was
	// carried over and the other fields are unset.
	Full bool
	// Old is the result Update started from.
	Old *Result
	// Reuse is the parser's mapping from the old tree to the new one.
	Reuse *parser.Reuse
	// Root is the node of the new tree whose subtree was resolved again.
	// Outside it nothing changed but node numbers, byte offsets and the
	// reference lists of the definitions visible at Root (see Chain).
	Root parser.Node
	// OldRoot is Root in the old tree. Its subtree holds the node IDs
	// [OldLo, OldRoot.ID()] there and [OldLo, Root.ID()] in the new tree.
	OldRoot parser.Node
	OldLo   int
	// Chain lists the scopes of the new result visible at Root, innermost
	// first, ending with the global scope.
	Chain []*Scope
}

// InOldRoot reports whether a node ID of the old tree lies in OldRoot's
// subtree.
func (c *Change) InOldRoot(id int) bool { return id >= c.OldLo && id <= c.OldRoot.ID() }

// InRoot reports whether a node ID of the new tree lies in Root's
// subtree.
func (c *Change) InRoot(id int) bool { return id >= c.OldLo && id <= c.Root.ID() }

// MapID maps the ID of an old node outside OldRoot's subtree (or of
// OldRoot itself) to the new tree.
func (c *Change) MapID(id int) (int, bool) {
	switch {
	case id < c.OldLo:
		return id, true
	case id >= c.OldRoot.ID():
		return id + c.Root.ID() - c.OldRoot.ID(), true
	}
	return 0, false
}

// MapOffset maps a byte offset of the old text outside OldRoot (its
// bounds included) to the new text.
func (c *Change) MapOffset(off int) (int, bool) {
	switch {
	case off <= c.OldRoot.Start():
		return off, true
	case off >= c.OldRoot.End():
		return off + c.Root.End() - c.OldRoot.End(), true
	}
	return 0, false
}

// Update returns the resolution of t, which parser.Reparse derived from
// old.Tree with the mapping ru, resolving again only what the edit can
// affect; opts must be the options old was resolved with. It falls back
// to Resolve (Change.Full) when the reparse was not incremental or the
// edit reaches the file's top expression. old is not modified.
func Update(old *Result, t *parser.Tree, ru *parser.Reuse, opts Options) (*Result, *Change) {
	full := func() (*Result, *Change) { return Resolve(t, opts), &Change{Full: true, Old: old, Reuse: ru} }
	if old == nil || old.Tree == nil || ru == nil || !ru.Incremental {
		return full()
	}
	ot := old.Tree
	dn := (ru.NewHi - ru.NewLo) - (ru.OldHi - ru.OldLo)
	if ru.OldHi < 0 || ru.OldHi >= ot.NumNodes() || ot.NumNodes()+dn != t.NumNodes() {
		return full()
	}
	e := ot.Expr()
	nv := &navigator{res: old, target: ot.NodeByID(ru.OldHi), anc: map[int]bool{}}
	for n := nv.target; n.Valid(); n = n.Parent() {
		nv.anc[n.ID()] = true
	}
	if !e.Valid() || !nv.contains(e) {
		return full()
	}
	nv.expr(e, old.Global)
	if nv.failed || !nv.best.Valid() || nv.best.ID() == e.ID() || nv.bestAt == nil {
		return full()
	}
	oldRoot := nv.best
	lo := oldRoot
	for c := lo.FirstChild(); c.Valid(); c = lo.FirstChild() {
		lo = c
	}
	u := &updater{
		old: old, ot: ot, nt: t,
		lo: lo.ID(), hi: oldRoot.ID(), dn: dn,
		offStart: oldRoot.Start(), offEnd: oldRoot.End(), delta: len(t.Src) - len(ot.Src),
	}
	res, root, chain := u.run(nv.best, nv.bestAt, opts)
	if u.bad {
		return full()
	}
	return res, &Change{Old: old, Reuse: ru, Root: root, OldRoot: oldRoot, OldLo: u.lo, Chain: chain}
}

// navigator follows the resolver's walk from the file's expression
// towards the replaced node, to find the root to resolve again and the
// scope the resolver is in when it reaches it.
type navigator struct {
	res    *Result
	target parser.Node
	// anc holds the IDs of target and its ancestors.
	anc    map[int]bool
	best   parser.Node
	bestAt *Scope
	failed bool
}

func (nv *navigator) contains(n parser.Node) bool { return n.Valid() && nv.anc[n.ID()] }

// expr follows resolver.expr into n, which contains the target, in scope
// cur.
func (nv *navigator) expr(n parser.Node, cur *Scope) {
	nv.best, nv.bestAt = n, cur
	if n.ID() == nv.target.ID() {
		return
	}
	switch n.Kind() {
	case parser.NodeIdent:
	case parser.NodeAttrSet, parser.NodeLetIn, parser.NodeLegacyLet:
		if !nv.plainSet(n, cur) {
			a, _ := parser.MergeBindings(n)
			nv.attrs(a, cur)
		}
	case parser.NodeLambda:
		s := nv.res.ScopeOf(n)
		if s == nil {
			nv.failed = true
			return
		}
		if pat := n.Pattern(); pat.Valid() {
			for _, f := range pat.Formals() {
				if d := f.Default(); nv.contains(d) {
					nv.expr(d, s)
					return
				}
			}
		}
		if b := n.Body(); nv.contains(b) {
			nv.expr(b, s)
		}
	case parser.NodeWith:
		if env := n.Env(); nv.contains(env) {
			nv.expr(env, cur)
			return
		}
		if b := n.Body(); nv.contains(b) {
			s := nv.res.ScopeOf(n)
			if s == nil {
				nv.failed = true
				return
			}
			nv.expr(b, s)
		}
	case parser.NodeSelect, parser.NodeHasAttr:
		if s := n.Subject(); nv.contains(s) {
			nv.expr(s, cur)
			return
		}
		if p := n.AttrPath(); p.Valid() {
			for _, a := range p.Attrs() {
				if a.Kind() != parser.NodeAttrName && nv.contains(a) {
					nv.expr(a, cur)
					return
				}
			}
		}
		if d := n.Default(); nv.contains(d) {
			nv.expr(d, cur)
		}
	default:
		for c := n.FirstChild(); c.Valid(); c = c.Next() {
			if nv.contains(c) {
				nv.expr(c, cur)
				return
			}
		}
	}
}

// plainSet follows the resolver into a set whose bindings all have a
// one-name path and a value that is not a set literal, and that has no
// `inherit (e)`: the resolver visits such a set in source order and
// nothing merges, so no merged view is needed. It reports false for
// other sets.
func (nv *navigator) plainSet(n parser.Node, cur *Scope) bool {
	var in parser.Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		switch c.Kind() {
		case parser.NodeBinding:
			p := c.AttrPath().FirstChild()
			if p.Kind() != parser.NodeAttrName || p.Next().Valid() || parser.Unparen(c.Value()).Kind() == parser.NodeAttrSet {
				return false
			}
		case parser.NodeInherit:
			if c.ChildOf(parser.NodeInheritFrom).Valid() {
				return false
			}
		}
		if nv.contains(c) {
			in = c
		}
	}
	if n.Kind() == parser.NodeLetIn || n.IsRec() || n.Kind() == parser.NodeLegacyLet {
		if cur = nv.res.ScopeOf(n); cur == nil {
			nv.failed = true
			return true
		}
	}
	switch {
	case in.Kind() == parser.NodeBinding:
		if v := in.Value(); nv.contains(v) {
			nv.expr(v, cur)
		}
	case n.Kind() == parser.NodeLetIn && in.Valid() && in.ID() == n.Body().ID():
		nv.expr(in, cur)
	}
	return true
}

// navItem is one step of resolver.attrs: an expression it resolves, a
// name it looks up (inherit x), or a scope it opens.
type navItem struct {
	n     parser.Node
	s     *Scope
	start int
	expr  bool
	push  bool
}

// attrs follows resolver.attrs into the item holding the target, if the
// items visited before it lie before it in the source and the others
// after it.
func (nv *navigator) attrs(a *parser.Attrs, cur *Scope) {
	var items []navItem
	if !nv.collect(a, cur, &items) {
		nv.failed = true
		return
	}
	k := -1
	for i, it := range items {
		if !it.push && nv.contains(it.n) {
			k = i
			break
		}
	}
	if k < 0 || !items[k].expr {
		return // the target is in a name, not an expression
	}
	at := items[k].start
	for i, it := range items {
		if i != k && (i < k) != (it.start < at) {
			return // visited out of source order: the set is the root
		}
	}
	nv.expr(items[k].n, items[k].s)
}

// collect lists the items of resolver.attrs(a) in its order.
func (nv *navigator) collect(a *parser.Attrs, cur *Scope, items *[]navItem) bool {
	outer := cur
	if a.Rec {
		s := nv.res.ScopeOf(a.Node)
		if s == nil {
			return false
		}
		*items = append(*items, navItem{n: a.Node, s: s, start: a.Node.Start(), push: true})
		cur = s
	}
	add := func(n parser.Node, s *Scope, expr bool) {
		if n.Valid() {
			*items = append(*items, navItem{n: n, s: s, start: n.Start(), expr: expr})
		}
	}
	value := func(v parser.Node, nested *parser.Attrs) bool {
		if nested != nil {
			return nv.collect(nested, cur, items)
		}
		add(v, cur, true)
		return true
	}
	for _, from := range a.InheritFrom {
		add(from, cur, true)
	}
	for _, at := range a.Attrs {
		switch at.Kind {
		case parser.AttrPlain:
			if !value(at.Value, at.Nested) {
				return false
			}
		case parser.AttrInherited:
			add(at.Value, outer, false)
		}
	}
	for _, d := range a.Dynamic {
		// A replaced string that is a name may turn static, which changes
		// the set itself.
		add(d.Name, cur, d.Name.ID() != nv.target.ID())
		if !value(d.Value, d.Nested) {
			return false
		}
	}
	for _, at := range a.Dropped {
		switch at.Kind {
		case parser.AttrPlain:
			if !value(at.Value, at.Nested) {
				return false
			}
		case parser.AttrInherited:
			add(at.Value, outer, false)
		}
	}
	if a.Node.Kind() == parser.NodeLetIn {
		add(a.Node.Body(), cur, true)
	}
	return true
}

// updater builds the new result: copies of everything outside the root,
// renumbered, and a fresh resolution of the root.
type updater struct {
	old    *Result
	ot, nt *parser.Tree
	// lo..hi are the IDs of the root's subtree in the old tree; dn is the
	// change in the number of nodes.
	lo, hi, dn int
	// offStart, offEnd are the root's bytes in the old text; delta the
	// change in length.
	offStart, offEnd, delta int
	// newSeq maps the seq of an old scope to the index of its copy in
	// the new Scopes before the root's scopes are inserted (-3 inside
	// the root); newOf to the copy.
	newSeq []int32
	newOf  []*Scope
	global *Scope
	// Slabs the copies are cut from (defPtrSlab backs the Defs slices).
	refSlab    []parser.Node
	defPtrSlab []*Def
	bad        bool
}

func (u *updater) inRoot(id int) bool { return id >= u.lo && id <= u.hi }

// node maps an old node outside the root's subtree (or the root) to the
// new tree.
func (u *updater) node(n parser.Node) parser.Node {
	if !n.Valid() {
		return n
	}
	id := n.ID()
	switch {
	case id < u.lo:
		return u.nt.NodeByID(id)
	case id >= u.hi:
		return u.nt.NodeByID(id + u.dn)
	}
	u.bad = true
	return parser.Node{}
}

func (u *updater) offset(off int) int {
	switch {
	case off <= u.offStart:
		return off
	case off >= u.offEnd:
		return off + u.delta
	}
	u.bad = true
	return off
}

// scopeOf returns the copy of an old scope.
func (u *updater) scopeOf(s *Scope) *Scope {
	if s == nil {
		return nil
	}
	if s.seq < 0 {
		return u.global
	}
	return u.newOf[s.seq]
}

// copyScope copies a scope outside the root (its parent already copied)
// into ns, with its definitions in defs.
func (u *updater) copyScope(s, ns *Scope, defs []Def) {
	*ns = Scope{Kind: s.Kind, Node: u.node(s.Node), Depth: s.Depth, Parent: u.scopeOf(s.Parent)}
	if s.nested != nil {
		ns.nested = &mergeOrigin{from: u.node(s.nested.from), path: s.nested.path}
	}
	ns.Defs = u.defPtrSlab[:len(s.Defs):len(s.Defs)]
	u.defPtrSlab = u.defPtrSlab[len(s.Defs):]
	for i, d := range s.Defs {
		nd := &defs[i]
		*nd = Def{Name: d.Name, Kind: d.Kind, Scope: ns, Node: u.node(d.Node), Formal: u.node(d.Formal), Index: d.Index}
		if len(d.Refs) > 0 {
			start := len(u.refSlab)
			for _, r := range d.Refs {
				if !u.inRoot(r.ID()) {
					u.refSlab = append(u.refSlab, u.node(r))
				}
			}
			if end := len(u.refSlab); end > start {
				nd.Refs = u.refSlab[start:end:end]
			}
		}
		ns.Defs[i] = nd
	}
}

func (u *updater) run(oldRoot parser.Node, at *Scope, opts Options) (*Result, parser.Node, []*Scope) {
	old := u.old
	res := &Result{Tree: u.nt}

	// Copy the scopes outside the root, cut from slabs.
	kept, ndefs, nrefs := 0, len(old.Global.Defs), 0
	for _, d := range old.Global.Defs {
		nrefs += len(d.Refs)
	}
	for _, s := range old.Scopes {
		if u.inRoot(s.Node.ID()) {
			continue
		}
		kept++
		ndefs += len(s.Defs)
		for _, d := range s.Defs {
			nrefs += len(d.Refs)
		}
	}
	scopeSlab := make([]Scope, kept+1)
	defSlab := make([]Def, ndefs)
	u.defPtrSlab = make([]*Def, ndefs)
	u.refSlab = make([]parser.Node, 0, nrefs)
	u.newSeq = make([]int32, len(old.Scopes))
	u.newOf = make([]*Scope, len(old.Scopes))
	u.global = &scopeSlab[kept]
	u.copyScope(old.Global, u.global, defSlab)
	u.global.seq = -1
	defSlab = defSlab[len(old.Global.Defs):]
	res.Global = u.global
	res.Scopes = make([]*Scope, 0, len(old.Scopes)+4)
	for i, s := range old.Scopes {
		if u.inRoot(s.Node.ID()) {
			u.newSeq[i] = -3
			continue
		}
		ns := &scopeSlab[len(res.Scopes)]
		u.copyScope(s, ns, defSlab)
		defSlab = defSlab[len(s.Defs):]
		ns.seq = int32(len(res.Scopes))
		u.newSeq[i] = ns.seq
		u.newOf[i] = ns
		res.Scopes = append(res.Scopes, ns)
	}
	mapSeq := func(seq int32) int32 {
		if seq < 0 {
			return seq
		}
		return u.newSeq[seq]
	}
	res.refs = make([]refEntry, 0, len(old.refs)+16)
	for _, e := range old.refs {
		id := int(e.id)
		if u.inRoot(id) {
			continue
		}
		if id >= u.hi {
			e.id += int32(u.dn)
		}
		e.scope = mapSeq(e.scope)
		res.refs = append(res.refs, e)
	}
	res.scopeIDs = make([]scopeEntry, 0, len(old.scopeIDs)+4)
	for _, e := range old.scopeIDs {
		id := int(e.id)
		if u.inRoot(id) {
			continue
		}
		if id >= u.hi {
			e.id += int32(u.dn)
		}
		e.seq = mapSeq(e.seq)
		res.scopeIDs = append(res.scopeIDs, e)
	}
	res.Undefined = make([]parser.Node, 0, len(old.Undefined)+4)
	for _, n := range old.Undefined {
		if !u.inRoot(n.ID()) {
			res.Undefined = append(res.Undefined, u.node(n))
		}
	}
	cur := u.scopeOf(at)
	root := u.node(oldRoot)
	if u.bad || cur == nil || !root.Valid() || root.Kind() != oldRoot.Kind() {
		u.bad = true
		return nil, parser.Node{}, nil
	}

	// Resolve the root, then move what the resolver appended to where
	// the root lies in the source.
	var chain []*Scope
	type mark struct {
		d *Def
		n int
	}
	var marks []mark
	for s := cur; s != nil; s = s.Parent {
		chain = append(chain, s)
		for _, d := range s.Defs {
			marks = append(marks, mark{d, len(d.Refs)})
		}
	}
	nScopes, nUndef, nRefs := len(res.Scopes), len(res.Undefined), len(res.refs)
	r := &resolver{res: res, cur: cur}
	r.expr(root)
	start := root.Start()
	before := func(n parser.Node) bool { return n.Start() < start }
	for _, m := range marks {
		if len(m.d.Refs) > m.n {
			pos := sort.Search(m.n, func(i int) bool { return !before(m.d.Refs[i]) })
			moveTail(m.d.Refs, m.n, pos)
		}
	}
	if len(res.Undefined) > nUndef {
		pos := sort.Search(nUndef, func(i int) bool { return !before(res.Undefined[i]) })
		moveTail(res.Undefined, nUndef, pos)
	}
	if added := int32(len(res.Scopes) - nScopes); added > 0 {
		rootID := root.ID()
		pos := int32(sort.Search(nScopes, func(i int) bool {
			s := res.Scopes[i]
			k := scopeKey(s)
			return k > start || k == start && s.Node.ID() < rootID
		}))
		moveTail(res.Scopes, nScopes, int(pos))
		n := int32(nScopes)
		move := func(seq int32) int32 {
			switch {
			case seq < pos:
				return seq
			case seq < n:
				return seq + added
			}
			return seq - n + pos
		}
		for i := range res.refs {
			res.refs[i].scope = move(res.refs[i].scope)
		}
		for i := range res.scopeIDs {
			res.scopeIDs[i].seq = move(res.scopeIDs[i].seq)
		}
		for i, s := range res.Scopes[pos:] {
			s.seq = pos + int32(i)
		}
		newIDs := make([]scopeEntry, added)
		for i, s := range res.Scopes[pos : pos+added] {
			newIDs[i] = scopeEntry{int32(s.Node.ID()), s.seq}
		}
		sortScopeIDs(newIDs)
		at := sort.Search(len(res.scopeIDs), func(i int) bool { return int(res.scopeIDs[i].id) >= u.lo })
		res.scopeIDs = append(res.scopeIDs, newIDs...)
		moveTail(res.scopeIDs, len(res.scopeIDs)-len(newIDs), at)
	}
	if len(res.refs) > nRefs {
		sortRefs(res.refs[nRefs:])
		at := sort.Search(nRefs, func(i int) bool { return int(res.refs[i].id) >= u.lo })
		moveTail(res.refs, nRefs, at)
	}
	return res, root, chain
}

// scopeKey is where the resolver opens a scope, as a source position:
// the start of its node, but for a with the start of its body (its
// environment is resolved outside it, before it opens).
func scopeKey(s *Scope) int {
	if s.Kind == With {
		if b := s.Node.Body(); b.Valid() {
			return b.Start()
		}
	}
	return s.Node.Start()
}

// moveTail moves s[k:] to position pos (pos <= k), shifting s[pos:k]
// after it.
func moveTail[T any](s []T, k, pos int) {
	if pos >= k {
		return
	}
	tail := append([]T(nil), s[k:]...)
	copy(s[pos+len(tail):], s[pos:k])
	copy(s[pos:], tail)
}
