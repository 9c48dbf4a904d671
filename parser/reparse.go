package parser

// Incremental reparsing. An edit inside a bracketed construct — an
// attribute set, list, parenthesised expression, string or indented
// string — cannot change how the text around that construct lexes or
// parses, so only the construct is parsed again and its subtree is
// spliced into copies of the old tree's arrays. Anything else (edits that
// touch brackets, trees with errors, lints) falls back to a full parse.

// Edit replaces the bytes [Start, End) of a text with Text.
type Edit struct {
	Start, End int
	Text       string
}

// Apply returns src with the edit applied.
func (e Edit) Apply(src string) string { return src[:e.Start] + e.Text + src[e.End:] }

// Reuse relates a reparsed tree to the tree it was derived from.
type Reuse struct {
	// Incremental reports whether the new tree was spliced; when false it
	// was parsed from scratch and nothing maps.
	Incremental bool
	// OldLo..OldHi are the IDs of the replaced subtree in the old tree
	// (OldHi is the replaced node itself); NewLo..NewHi the IDs of its
	// replacement in the new tree.
	OldLo, OldHi, NewLo, NewHi int
	// OldStart, OldEnd delimit the replaced node's bytes in the old text;
	// ByteDelta is the change in length.
	OldStart, OldEnd, ByteDelta int
}

// MapNode maps a node ID of the old tree to the ID of the same node in
// the new tree; ok is false for nodes inside the replaced subtree (and
// for everything after a full reparse).
func (r *Reuse) MapNode(id int) (newID int, ok bool) {
	switch {
	case !r.Incremental:
		return 0, false
	case id < r.OldLo:
		return id, true
	case id > r.OldHi:
		return id + (r.NewHi - r.NewLo) - (r.OldHi - r.OldLo), true
	}
	return 0, false
}

// MapOffset maps a byte offset of the old text outside the replaced node
// to the new text; ok is false inside it.
func (r *Reuse) MapOffset(off int) (int, bool) {
	switch {
	case !r.Incremental:
		return 0, false
	case off <= r.OldStart:
		return off, true
	case off >= r.OldEnd:
		return off + r.ByteDelta, true
	}
	return 0, false
}

// closers of the reparsable node kinds, and the token that opens them.
func reparseBrackets(n Node) (open, close Token, ok bool) {
	var first, last Token
	n.Tokens(func(t Token) bool {
		if t.Kind().IsTrivia() {
			return true
		}
		if !first.Valid() {
			first = t
		}
		last = t
		return true
	})
	if !first.Valid() || last.Index() != n.EndTokenIndex()-1 {
		return Token{}, Token{}, false
	}
	var wantOpen, wantClose Kind
	switch n.Kind() {
	case NodeAttrSet:
		wantOpen, wantClose = TokLBrace, TokRBrace
		if first.Kind() == TokRec {
			first = n.TokenOf(TokLBrace)
		}
	case NodeList:
		wantOpen, wantClose = TokLBrack, TokRBrack
	case NodeParen:
		wantOpen, wantClose = TokLParen, TokRParen
	case NodeString:
		wantOpen, wantClose = TokQuote, TokQuote
	case NodeIndString:
		wantOpen, wantClose = TokIndOpen, TokIndClose
	default:
		return Token{}, Token{}, false
	}
	if !first.Valid() || first.Kind() != wantOpen || last.Kind() != wantClose || first.Index() == last.Index() {
		return Token{}, Token{}, false
	}
	return first, last, true
}

// Reparse returns the tree of e applied to old's text, parsed with opts,
// reusing old where it can. old is not modified.
func Reparse(old *Tree, e Edit, opts Options) (*Tree, *Reuse) {
	if e.Start < 0 || e.End > len(old.Src) || e.Start > e.End {
		return ParseString(old.Src, opts), &Reuse{}
	}
	return ReparseText(old, e, e.Apply(old.Src), opts)
}

// ReparseText is Reparse for a caller that already holds the new text
// (src must equal e applied to old.Src); the tree then shares it.
func ReparseText(old *Tree, e Edit, src string, opts Options) (*Tree, *Reuse) {
	full := func() (*Tree, *Reuse) { return ParseString(src, opts), &Reuse{} }
	if e.Start < 0 || e.End > len(old.Src) || e.Start > e.End ||
		len(src) != len(old.Src)+len(e.Text)-(e.End-e.Start) {
		return full()
	}
	if len(old.Warnings) > 0 || opts.Lints != (Lints{}) {
		return full()
	}
	name := opts.Name
	if name == "" {
		name = "«stdin»"
	}
	if name != old.Name {
		return full()
	}
	// The smallest reparsable node whose brackets enclose the edit.
	n := old.NodeAt(e.Start)
	depth := 0
	var target Node
	for ; n.Valid(); n = n.Parent() {
		if target.Valid() {
			depth++
			continue
		}
		open, cl, ok := reparseBrackets(n)
		if ok && open.End() <= e.Start && e.End <= cl.Start() {
			target = n
		}
	}
	if !target.Valid() || depth+8 > MaxDepth {
		return full()
	}
	// Errors of the old tree survive when they come from the grammar and
	// lie outside the target: the parser treats the target as one unit,
	// so nothing outside depends on what is inside.
	var keptErrs []Error
	for _, er := range old.Errors {
		// The outer parser may report an error at the target's first
		// token (it was unexpected there); everything after it is the
		// target's own.
		inside := er.Start > target.Start() && er.Start < target.End() && er.End <= target.End()
		if er.Static || (!inside && er.End > target.Start() && er.Start < target.End()) {
			return full()
		}
		if !inside {
			keptErrs = append(keptErrs, er)
		}
	}
	delta := len(src) - len(old.Src)
	fragStart := target.Start()
	frag := src[fragStart : target.End()+delta]

	// Lex and parse the fragment on its own.
	s := &scanner{src: frag, kinds: make([]Kind, 0, len(frag)/4+16), starts: make([]uint32, 0, len(frag)/4+16)}
	s.scan()
	if len(s.errs) > 0 || len(s.stack) != 1 {
		return full()
	}
	for _, k := range s.kinds {
		if (k == TokPipeFrom || k == TokPipeInto) && !opts.PipeOperators && !opts.SyntaxOnly {
			return full()
		}
	}
	fkinds, fstarts := s.kinds, append(s.starts, uint32(len(frag)))
	ft := &Tree{Name: name, Src: frag, ntok: int32(len(fkinds)), buf: treeBufs{kinds: fkinds, starts: fstarts}}
	p := &parser{t: ft, kinds: fkinds, starts: fstarts, frames: make([]frame, 0, 16), nodes: make([]node, 0, len(s.kinds)+8), depth: depth}
	p.start(NodeRoot)
	p.skipTrivia()
	if p.tok != 0 {
		return full()
	}
	p.parseSimple()
	if len(p.errs) > 0 || !p.at(TokEOF) || p.tok != len(s.kinds)-1 || len(p.nodes) == 0 {
		return full()
	}
	root := p.frames[0]
	newTop := int32(len(p.nodes) - 1)
	if root.firstChild != newTop || root.lastChild != newTop || p.nodes[newTop].kind != target.Kind() ||
		p.nodes[newTop].first != 0 || int(p.nodes[newTop].end) != len(s.kinds)-1 {
		return full()
	}

	old.chunkTables()
	nt := &Tree{Name: name, Src: src}
	tf, te := int32(target.FirstTokenIndex()), int32(target.EndTokenIndex())
	k := int32(len(s.kinds) - 1) // without the fragment's EOF
	dt := k - (te - tf)
	nt.spliceTokens(old, fkinds[:k], fstarts[:k], uint32(fragStart), tf, te, uint32(delta))

	// Splice nodes. The subtree of target occupies a contiguous range of
	// indices ending at target (nodes are stored in post-order).
	hi := int32(target.ID())
	size := int32(subtreeSize(target))
	lo := hi - size + 1
	m := int32(len(p.nodes))
	dn := m - size
	newN := lo + m - 1
	oldTop := *old.nd(hi)
	oldTop.parent = shiftIndex(oldTop.parent, lo, hi, newN, dn)
	oldTop.nextSibling = shiftIndex(oldTop.nextSibling, lo, hi, newN, dn)
	sub := p.nodes
	for i := range sub {
		nd := &sub[i]
		nd.first += uint32(tf)
		nd.end += uint32(tf)
		if int32(i) == newTop {
			nd.parent = oldTop.parent
			nd.nextSibling = oldTop.nextSibling
		} else {
			nd.parent += lo
			if nd.nextSibling >= 0 {
				nd.nextSibling += lo
			}
		}
		if nd.firstChild >= 0 {
			nd.firstChild += lo
		}
	}
	nt.spliceNodes(old, sub, lo, hi, te, dt)

	// Static checks: everything inside the new subtree, and the enclosing
	// sets whose keys or merged literals the edit may have changed.
	c := &staticChecker{t: nt}
	newNode := Node{nt, newN}
	c.walk(newNode)
	for _, a := range affectedOwners(newNode) {
		c.checkNode(a)
	}
	if len(c.errs) > 0 {
		return full()
	}
	for _, er := range keptErrs {
		if er.Start >= target.End() {
			er.Start += delta
			er.End += delta
			er.Detect += delta
		}
		nt.Errors = append(nt.Errors, er)
	}
	return nt, &Reuse{
		Incremental: true,
		OldLo:       int(lo), OldHi: int(hi), NewLo: int(lo), NewHi: int(newN),
		OldStart: target.Start(), OldEnd: target.End(), ByteDelta: delta,
	}
}

// shiftIndex maps a node index of the old tree into the new one.
func shiftIndex(i, lo, hi, newN, dn int32) int32 {
	switch {
	case i < lo:
		return i
	case i == hi:
		return newN
	case i > hi:
		return i + dn
	}
	return i
}

// shiftNodes rewrites the node and token indices of nodes outside the
// replaced subtree.
func shiftNodes(ns []node, lo, hi, newN, dn, te, dt int32) {
	ute := uint32(te)
	for i := range ns {
		nd := &ns[i]
		if nd.parent >= lo {
			nd.parent = shiftIndex(nd.parent, lo, hi, newN, dn)
		}
		if nd.nextSibling >= lo {
			nd.nextSibling = shiftIndex(nd.nextSibling, lo, hi, newN, dn)
		}
		if nd.firstChild >= lo {
			nd.firstChild = shiftIndex(nd.firstChild, lo, hi, newN, dn)
		}
		if dt != 0 {
			if nd.first >= ute {
				nd.first = uint32(int32(nd.first) + dt)
			}
			if nd.end >= ute {
				nd.end = uint32(int32(nd.end) + dt)
			}
		}
	}
}

// affectedOwners returns the constructs above n whose static checks the
// edit can change: the owner of an attribute name n is part of, and the
// sets a set literal n is merged into (through bindings whose value it
// is), transitively.
func affectedOwners(n Node) []Node {
	var out []Node
	cur := n
	for p := cur.Parent(); p.Valid(); p = cur.Parent() {
		switch p.Kind() {
		case NodeParen, NodeInterpol, NodeString:
			cur = p
			continue
		case NodeAttrPath, NodeInherit:
			// n is (inside) an attribute name: the owning set, and what
			// it merges into.
			owner := p
			if owner.Kind() == NodeAttrPath {
				owner = owner.Parent() // Binding, Select or HasAttr
			}
			if owner.Kind() == NodeBinding || owner.Kind() == NodeInherit {
				if owner.Kind() == NodeInherit {
					out = append(out, owner)
				}
				cur = owner.Parent()
				out = append(out, cur)
				continue
			}
			return out
		case NodeBinding:
			if cur.Kind() == NodeAttrSet && Unparen(p.Value()).ID() == cur.ID() {
				cur = p.Parent()
				out = append(out, cur)
				continue
			}
			return out
		}
		return out
	}
	return out
}

func subtreeSize(n Node) int {
	size := 1
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		size += subtreeSize(c)
	}
	return size
}
