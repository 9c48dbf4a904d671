package parser

// Chunked storage of a tree's arrays. Tokens and nodes live in arrays of
// fixed-size chunks (the last may be shorter), and the token start
// offsets of a chunk are stored relative to a per-chunk base. A tree that
// Reparse derives from another shares every chunk the edit leaves alone:
// an edit that keeps the numbers of tokens and nodes copies only the
// chunks it rewrites, and moving the text after it is a change of bases.
// A tree parsed from scratch keeps its flat arrays, which the chunks are
// views of and which the accessors use when they are there.

const (
	tokShift  = 12
	tokChunk  = 1 << tokShift
	tokMask   = tokChunk - 1
	nodeShift = 10
	nodeChunk = 1 << nodeShift
	nodeMask  = nodeChunk - 1
)

// startChunk is a chunk of token start offsets: start i of the chunk is
// s[i] + base (modulo 2³², so bases may move offsets down as well as up).
type startChunk struct {
	s    []uint32
	base uint32
}

// treeBufs are the flat arrays of a tree parsed from scratch, which the
// accessors read directly (nil in derived trees).
type treeBufs struct {
	kinds  []Kind
	starts []uint32
	nodes  []node
	frames []frame // the parser's stack, kept for ParseSyntaxReusing
}

// oneChunk holds the chunk tables of a tree whose arrays fit in one
// chunk each, so that small trees need no memory for them.
type oneChunk struct {
	kinds  [1][]Kind
	starts [1]startChunk
	nodes  [1][]node
}

// kind returns the kind of token i.
func (t *Tree) kind(i int32) Kind {
	if t.buf.kinds != nil {
		return t.buf.kinds[i]
	}
	return t.kinds[i>>tokShift][i&tokMask]
}

// start returns the start offset of token i (i == ntok gives len(Src)).
func (t *Tree) start(i int32) uint32 {
	if t.buf.starts != nil {
		return t.buf.starts[i]
	}
	c := &t.starts[i>>tokShift]
	return c.s[i&tokMask] + c.base
}

// nd returns node i.
func (t *Tree) nd(i int32) *node {
	if t.buf.nodes != nil {
		return &t.buf.nodes[i]
	}
	return &t.nodes[i>>nodeShift][i&nodeMask]
}

// chunkViews cuts flat into chunks of 1<<shift elements without copying;
// one, when it has room, holds the table of a single chunk.
func chunkViews[T any](flat []T, shift uint, one [][]T) [][]T {
	size := 1 << shift
	n := (len(flat) + size - 1) >> shift
	var out [][]T
	if n <= cap(one) {
		out = one[:0]
	} else {
		out = make([][]T, 0, n)
	}
	for i := 0; i < len(flat); i += size {
		e := min(i+size, len(flat))
		out = append(out, flat[i:e:e])
	}
	return out
}

// chunkTables makes the chunk tables of a tree parsed from scratch, which
// reads its flat arrays and needs the tables only when a reparse derives
// a tree from it.
func (t *Tree) chunkTables() {
	t.tablesOnce.Do(func() {
		if t.kinds == nil && t.buf.kinds != nil {
			t.setTokens(t.buf.kinds, t.buf.starts)
			t.setNodes(t.buf.nodes)
		}
	})
}

// setTokens makes the flat token arrays the tree's tokens (starts has
// one entry more than kinds).
func (t *Tree) setTokens(kinds []Kind, starts []uint32) {
	t.ntok = int32(len(kinds))
	t.kinds = chunkViews(kinds, tokShift, t.one.kinds[:])
	views := chunkViews(starts, tokShift, nil)
	if len(views) <= 1 {
		t.starts = t.one.starts[:0]
	} else {
		t.starts = make([]startChunk, 0, len(views))
	}
	for _, v := range views {
		t.starts = append(t.starts, startChunk{s: v})
	}
}

// setNodes makes the flat node array the tree's nodes.
func (t *Tree) setNodes(nodes []node) {
	t.nnodes = int32(len(nodes))
	t.nodes = chunkViews(nodes, nodeShift, t.one.nodes[:])
	t.root = t.nnodes - 1
}

// cloneTable copies a chunk table (not the chunks), using one when the
// table has a single entry.
func cloneTable[T any](tab []T, one []T) []T {
	if len(tab) <= cap(one) {
		return append(one[:0], tab...)
	}
	return append(make([]T, 0, len(tab)), tab...)
}

// copyKinds copies the kinds of old's tokens [from, to) to dst.
func copyKinds(dst []Kind, old *Tree, from, to int32) {
	for from < to {
		c := old.kinds[from>>tokShift]
		n := copy(dst, c[from&tokMask:min(int32(len(c)), from&tokMask+to-from)])
		dst = dst[n:]
		from += int32(n)
	}
}

// copyStarts copies the start offsets of old's tokens [from, to), plus
// delta, to dst as absolute offsets.
func copyStarts(dst []uint32, old *Tree, from, to int32, delta uint32) {
	for from < to {
		c := &old.starts[from>>tokShift]
		src := c.s[from&tokMask : min(int32(len(c.s)), from&tokMask+to-from)]
		add := c.base + delta
		for i, v := range src {
			dst[i] = v + add
		}
		dst = dst[len(src):]
		from += int32(len(src))
	}
}

// copyNodes copies old's nodes [from, to) to dst.
func copyNodes(dst []node, old *Tree, from, to int32) {
	for from < to {
		c := old.nodes[from>>nodeShift]
		n := copy(dst, c[from&nodeMask:min(int32(len(c)), from&nodeMask+to-from)])
		dst = dst[n:]
		from += int32(n)
	}
}

// spliceTokens gives nt old's tokens with [tf, te) replaced by the
// fragment's (kinds, and starts relative to fragStart), and the tokens
// after them moved by delta bytes.
func (nt *Tree) spliceTokens(old *Tree, kinds []Kind, starts []uint32, fragStart uint32, tf, te int32, delta uint32) {
	k := int32(len(kinds))
	dt := k - (te - tf)
	nt.ntok = old.ntok + dt
	if dt == 0 {
		// The same number of tokens: copy the chunks the fragment
		// touches, and move the later ones by their bases.
		nt.kinds = cloneTable(old.kinds, nt.one.kinds[:])
		for c := tf >> tokShift; c <= (te-1)>>tokShift; c++ {
			nt.kinds[c] = append([]Kind(nil), old.kinds[c]...)
		}
		for i, kd := range kinds {
			j := tf + int32(i)
			nt.kinds[j>>tokShift][j&tokMask] = kd
		}
		nt.starts = cloneTable(old.starts, nt.one.starts[:])
		last := te >> tokShift
		for c := tf >> tokShift; c <= last; c++ {
			oc := old.starts[c]
			s := make([]uint32, len(oc.s))
			for i := range s {
				j := c<<tokShift + int32(i)
				abs := oc.s[i] + oc.base
				switch {
				case j >= te:
					abs += delta
				case j >= tf:
					abs = fragStart + starts[j-tf]
				}
				s[i] = abs - oc.base
			}
			nt.starts[c] = startChunk{s: s, base: oc.base}
		}
		if delta != 0 {
			for c := last + 1; c < int32(len(nt.starts)); c++ {
				nt.starts[c].base += delta
			}
		}
		return
	}
	// A different number of tokens: the chunks before the fragment's are
	// shared, the rest is copied into new flat arrays.
	c0 := tf >> tokShift
	base := c0 << tokShift
	fk := make([]Kind, nt.ntok-base)
	copyKinds(fk, old, base, tf)
	copy(fk[tf-base:], kinds)
	copyKinds(fk[tf-base+k:], old, te, old.ntok)
	fs := make([]uint32, nt.ntok+1-base)
	copyStarts(fs, old, base, tf, 0)
	for i, v := range starts {
		fs[tf-base+int32(i)] = v + fragStart
	}
	copyStarts(fs[tf-base+k:], old, te, old.ntok+1, delta)
	nk := chunkViews(fk, tokShift, nil)
	ns := chunkViews(fs, tokShift, nil)
	if int(c0)+len(nk) <= 1 {
		nt.kinds = append(nt.one.kinds[:0], nk...)
	} else {
		nt.kinds = append(append(make([][]Kind, 0, int(c0)+len(nk)), old.kinds[:c0]...), nk...)
	}
	if int(c0)+len(ns) <= 1 {
		nt.starts = nt.one.starts[:0]
	} else {
		nt.starts = make([]startChunk, 0, int(c0)+len(ns))
	}
	nt.starts = append(nt.starts, old.starts[:c0]...)
	for _, v := range ns {
		nt.starts = append(nt.starts, startChunk{s: v})
	}
}

// spliceNodes gives nt old's nodes with the subtree [lo, hi] replaced by
// sub (already numbered for nt, its top last); the nodes after it are
// renumbered by len(sub)-(hi-lo+1), and their tokens after old token te
// by dt.
func (nt *Tree) spliceNodes(old *Tree, sub []node, lo, hi, te, dt int32) {
	m := int32(len(sub))
	dn := m - (hi - lo + 1)
	newN := lo + m - 1
	nt.nnodes = old.nnodes + dn
	nt.root = nt.nnodes - 1
	if dn == 0 && dt == 0 {
		// Nothing outside the subtree changes.
		nt.nodes = cloneTable(old.nodes, nt.one.nodes[:])
		for c := lo >> nodeShift; c <= hi>>nodeShift; c++ {
			nt.nodes[c] = append([]node(nil), old.nodes[c]...)
		}
		for i, n := range sub {
			j := lo + int32(i)
			nt.nodes[j>>nodeShift][j&nodeMask] = n
		}
		return
	}
	// Nodes before lo keep their tokens; only links to nodes at or after
	// the subtree's top change, when nodes are added or removed. The
	// chunk holding lo and every later one are copied into new flat
	// arrays.
	cl := lo >> nodeShift
	var tab [][]node
	if nt.nnodes <= nodeChunk {
		tab = nt.one.nodes[:0]
	} else {
		tab = make([][]node, 0, (nt.nnodes+nodeMask)>>nodeShift)
	}
	for c := int32(0); c < cl; c++ {
		ch := old.nodes[c]
		if dn != 0 && linksAtOrAfter(ch, lo) {
			ch = append([]node(nil), ch...)
			shiftNodes(ch, lo, hi, newN, dn, te, dt)
		}
		tab = append(tab, ch)
	}
	base := cl << nodeShift
	flat := make([]node, nt.nnodes-base)
	copyNodes(flat, old, base, lo)
	shiftNodes(flat[:lo-base], lo, hi, newN, dn, te, dt)
	copy(flat[lo-base:], sub)
	tail := flat[newN+1-base:]
	copyNodes(tail, old, hi+1, old.nnodes)
	shiftNodes(tail, lo, hi, newN, dn, te, dt)
	nt.nodes = append(tab, chunkViews(flat, nodeShift, nil)...)
}

// linksAtOrAfter reports whether a node of ns links to node lo or a later
// one.
func linksAtOrAfter(ns []node, lo int32) bool {
	for i := range ns {
		if ns[i].parent >= lo || ns[i].nextSibling >= lo || ns[i].firstChild >= lo {
			return true
		}
	}
	return false
}
