package formatter

// The syntax model of a file is made of many small values. They are taken
// from chunks that a workspace keeps from one file to the next, so that
// converting a file allocates almost nothing and the garbage collector has
// little to do.

// slabChunk is the number of values in one chunk of a slab.
const slabChunk = 256

// slab hands out values of T, and short slices of them, from reusable
// chunks. Values handed out stay valid until reset.
type slab[T any] struct {
	chunks [][]T
	cur    int // chunk being filled
	used   int // values used in chunks[cur]
}

func (s *slab[T]) reset() { s.cur, s.used = 0, 0 }

// size returns the number of values the slab holds.
func (s *slab[T]) size() int { return len(s.chunks) * slabChunk }

// room makes sure the current chunk has n free values (n <= slabChunk).
func (s *slab[T]) room(n int) {
	for s.cur < len(s.chunks) && slabChunk-s.used < n {
		s.cur++
		s.used = 0
	}
	if s.cur == len(s.chunks) {
		s.chunks = append(s.chunks, make([]T, slabChunk))
		s.used = 0
	}
}

// put returns a pointer to a copy of v.
func (s *slab[T]) put(v T) *T {
	if s.cur >= len(s.chunks) || s.used == slabChunk {
		s.room(1)
	}
	p := &s.chunks[s.cur][s.used]
	s.used++
	*p = v
	return p
}

// zero returns a pointer to a new zero value. (Filling in the fields of
// the result is cheaper than put with a composite literal, which is built
// aside and copied.)
func (s *slab[T]) zero() *T {
	if s.cur >= len(s.chunks) || s.used == slabChunk {
		s.room(1)
	}
	p := &s.chunks[s.cur][s.used]
	s.used++
	var z T
	*p = z
	return p
}

// copy returns a copy of src (nil when src is empty). The copy's capacity
// is its length, so appending to it never writes into the slab.
func (s *slab[T]) copy(src []T) []T {
	n := len(src)
	if n == 0 {
		return nil
	}
	if n > slabChunk/4 {
		return append([]T(nil), src...)
	}
	if s.cur >= len(s.chunks) || slabChunk-s.used < n {
		s.room(n)
	}
	out := s.chunks[s.cur][s.used : s.used+n : s.used+n]
	s.used += n
	copy(out, src)
	return out
}

// newLeaf returns a leaf to fill in (its old contents are left).
func (a *modelAlloc) newLeaf() *leaf {
	s := &a.leaves
	if s.cur >= len(s.chunks) || s.used == slabChunk {
		s.room(1)
	}
	p := &s.chunks[s.cur][s.used]
	s.used++
	return p
}

// concat returns a followed by b, in one new slice.
func (s *slab[T]) concat(a, b []T) []T {
	n := len(a) + len(b)
	if n == 0 {
		return nil
	}
	if n > slabChunk/4 {
		return append(append(make([]T, 0, n), a...), b...)
	}
	if s.cur >= len(s.chunks) || slabChunk-s.used < n {
		s.room(n)
	}
	out := s.chunks[s.cur][s.used : s.used+n : s.used+n]
	s.used += n
	copy(out[copy(out, a):], b)
	return out
}

// modelAlloc holds the slabs of the syntax model.
type modelAlloc struct {
	leaves   slab[leaf]
	strings  slab[stringTerm]
	paths    slab[pathTerm]
	lists    slab[listTerm]
	sets     slab[setTerm]
	sels     slab[selection]
	parens   slab[paren]
	withs    slab[withExpr]
	lets     slab[letExpr]
	asserts  slab[assertExpr]
	ifs      slab[ifExpr]
	abss     slab[abstraction]
	apps     slab[application]
	ops      slab[operation]
	members  slab[memberCheck]
	negs     slab[negation]
	invs     slab[inversion]
	interps  slab[interpSel]
	wholes   slab[whole]
	idPars   slab[idParam]
	setPars  slab[setParam]
	ctxPars  slab[ctxParam]
	pattrs   slab[paramAttr]
	assigns  slab[assignment]
	inherits slab[inheritB]

	items     slab[item]
	selectors slab[selector]
	simples   slab[simpleSel]
	parts     slab[strPart]
	lines     slab[[]strPart]
	trivia    slab[trivium]
	pattrPtrs slab[*paramAttr]
}

func (a *modelAlloc) reset() {
	a.leaves.reset()
	a.strings.reset()
	a.paths.reset()
	a.lists.reset()
	a.sets.reset()
	a.sels.reset()
	a.parens.reset()
	a.withs.reset()
	a.lets.reset()
	a.asserts.reset()
	a.ifs.reset()
	a.abss.reset()
	a.apps.reset()
	a.ops.reset()
	a.members.reset()
	a.negs.reset()
	a.invs.reset()
	a.interps.reset()
	a.wholes.reset()
	a.idPars.reset()
	a.setPars.reset()
	a.ctxPars.reset()
	a.pattrs.reset()
	a.assigns.reset()
	a.inherits.reset()
	a.items.reset()
	a.selectors.reset()
	a.simples.reset()
	a.parts.reset()
	a.lines.reset()
	a.trivia.reset()
	a.pattrPtrs.reset()
}

// size returns the number of leaves held, a measure of the memory kept.
func (a *modelAlloc) size() int { return a.leaves.size() }
