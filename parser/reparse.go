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
	src := e.Apply(old.Src)
	full := func() (*Tree, *Reuse) { return ParseString(src, opts), &Reuse{} }
	if len(old.Errors) > 0 || len(old.Warnings) > 0 || opts.Lints != (Lints{}) {
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
	delta := len(e.Text) - (e.End - e.Start)
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
	ft := &Tree{Name: name, Src: frag, kinds: s.kinds, starts: append(s.starts, uint32(len(frag)))}
	p := &parser{t: ft, frames: make([]frame, 0, 16), nodes: make([]node, 0, len(s.kinds)+8), depth: depth}
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

	// Splice tokens.
	tf, te := target.FirstTokenIndex(), target.EndTokenIndex()
	k := len(s.kinds) - 1 // without the fragment's EOF
	dt := k - (te - tf)
	nt := &Tree{Name: name, Src: src}
	nt.kinds = make([]Kind, 0, len(old.kinds)+dt)
	nt.kinds = append(nt.kinds, old.kinds[:tf]...)
	nt.kinds = append(nt.kinds, s.kinds[:k]...)
	nt.kinds = append(nt.kinds, old.kinds[te:]...)
	nt.starts = make([]uint32, 0, len(old.starts)+dt)
	nt.starts = append(nt.starts, old.starts[:tf]...)
	for _, st := range s.starts[:k] {
		nt.starts = append(nt.starts, st+uint32(fragStart))
	}
	for _, st := range old.starts[te:] {
		nt.starts = append(nt.starts, uint32(int(st)+delta))
	}

	// Splice nodes. The subtree of target occupies a contiguous range of
	// indices ending at target (nodes are stored in post-order).
	hi := int32(target.ID())
	size := int32(subtreeSize(target))
	lo := hi - size + 1
	m := int32(len(p.nodes))
	dn := m - size
	newN := lo + m - 1
	shiftNode := func(i int32) int32 {
		switch {
		case i < 0 || i < lo:
			return i
		case i == hi:
			return newN
		case i > hi:
			return i + dn
		}
		return i // inside the old subtree: only referenced from within it
	}
	shiftTok := func(i uint32) uint32 {
		if int(i) >= te {
			return uint32(int(i) + dt)
		}
		return i
	}
	nodes := make([]node, 0, len(old.nodes)+int(dn))
	for _, nd := range old.nodes[:lo] {
		nd.parent = shiftNode(nd.parent)
		nd.nextSibling = shiftNode(nd.nextSibling)
		nd.firstChild = shiftNode(nd.firstChild)
		nodes = append(nodes, nd)
	}
	oldTop := old.nodes[hi]
	for i, nd := range p.nodes {
		nd.first += uint32(tf)
		nd.end += uint32(tf)
		if int32(i) == newTop {
			nd.parent = shiftNode(oldTop.parent)
			nd.nextSibling = shiftNode(oldTop.nextSibling)
		} else {
			nd.parent += lo
			if nd.nextSibling >= 0 {
				nd.nextSibling += lo
			}
		}
		if nd.firstChild >= 0 {
			nd.firstChild += lo
		}
		nodes = append(nodes, nd)
	}
	for _, nd := range old.nodes[hi+1:] {
		nd.parent = shiftNode(nd.parent)
		nd.nextSibling = shiftNode(nd.nextSibling)
		nd.firstChild = shiftNode(nd.firstChild)
		nd.first = shiftTok(nd.first)
		nd.end = shiftTok(nd.end)
		nodes = append(nodes, nd)
	}
	nt.nodes = nodes
	nt.root = int32(len(nodes) - 1)

	// Static checks: everything inside the new subtree, and the enclosing
	// constructs themselves (a set's keys may be strings that changed).
	c := &staticChecker{t: nt}
	newNode := Node{nt, newN}
	c.walk(newNode)
	for a := newNode.Parent(); a.Valid(); a = a.Parent() {
		c.checkNode(a)
	}
	if len(c.errs) > 0 {
		return full()
	}
	return nt, &Reuse{
		Incremental: true,
		OldLo:       int(lo), OldHi: int(hi), NewLo: int(lo), NewHi: int(newN),
		OldStart: target.Start(), OldEnd: target.End(), ByteDelta: delta,
	}
}

func subtreeSize(n Node) int {
	size := 1
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		size += subtreeSize(c)
	}
	return size
}
