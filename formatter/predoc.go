package formatter

import "unicode/utf8"

// The layout works on a document: a sequence of texts, spacings and
// groups. A group is printed on one line when it fits, else its spacings
// become line breaks (and its inner groups get the same choice). Texts
// carry their nesting depth, which decides indentation after a line break.

// spacing kinds, ordered: merging two spacings keeps the larger in most
// cases.
type spacing uint8

const (
	spSoftbreak spacing = iota // line break or nothing, only when needed
	spBreak                    // line break or nothing
	spHardspace                // always a space
	spSoftspace                // line break or space, only when needed
	spSpace                    // line break or space
	spHardline                 // always a line break
	spEmptyline                // always two line breaks
	spNewlines                 // n line breaks
)

// textAnn classifies texts.
type textAnn uint8

const (
	taRegular         textAnn = iota
	taComment                 // does not count towards the width
	taTrailingComment         // a # comment ending a line
	taTrailing                // printed only when its group is expanded
	taDisableMarker           // starts a disabled region
	taVerbatim                // raw text of a disabled region
	taVerbatimEOF             // raw text of a region reaching the end of file
	taRawText                 // printed without indentation
)

// groupAnn classifies groups.
type groupAnn uint8

const (
	gRegular     groupAnn = iota
	gPriority             // expanded first when the parent does not fit
	gTransparent          // its priority children belong to its parent
)

type elemKind uint8

const (
	eText elemKind = iota
	eSpacing
	eGroup
)

type elem struct {
	kind  elemKind
	tann  textAnn
	gann  groupAnn
	sp    spacing
	n     int32 // newlines count for spNewlines
	nest  int32
	off   int32
	width int32 // text width in characters
	text  string
	kids  []elem
}

func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

func isSoftSpacing(e *elem) bool {
	return e.kind == eSpacing && e.sp <= spSpace && e.sp != spHardspace
}

func isHardSpacing(e *elem) bool {
	return e.kind == eSpacing && (e.sp == spHardspace || e.sp >= spHardline)
}

func isCommentElem(e *elem) bool {
	switch e.kind {
	case eText:
		return e.tann == taComment || e.tann == taTrailingComment
	case eGroup:
		for i := range e.kids {
			if !isCommentElem(&e.kids[i]) && !isHardSpacing(&e.kids[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func isVerbatimElem(e *elem) bool {
	return e.kind == eText && (e.tann == taVerbatim || e.tann == taVerbatimEOF)
}

// mergeSpacing combines two adjacent spacings.
func mergeSpacing(a, b elem) elem {
	x, y := a, b
	if x.sp > y.sp || x.sp == spNewlines && y.sp == spNewlines && x.n > y.n {
		x, y = y, x
	}
	switch {
	case x.sp == spBreak && y.sp == spSoftspace, x.sp == spBreak && y.sp == spHardspace:
		return spElem(spSpace)
	case x.sp == spSoftbreak && y.sp == spHardspace:
		return spElem(spSoftspace)
	case x.sp == spNewlines && y.sp == spNewlines:
		return nlElem(x.n + y.n)
	case x.sp == spEmptyline && y.sp == spNewlines:
		return nlElem(y.n + 2)
	case x.sp == spHardspace && y.sp == spNewlines:
		return y
	case y.sp == spNewlines:
		return nlElem(y.n + 1)
	}
	return y
}

func spElem(s spacing) elem    { return elem{kind: eSpacing, sp: s} }
func nlElem(n int32) elem      { return elem{kind: eSpacing, sp: spNewlines, n: n} }
func spacingEq(a, b elem) bool { return a.sp == b.sp && (a.sp != spNewlines || a.n == b.n) }

// arena hands out element slices from large chunks, so that a document's
// many small groups cost few allocations. Its chunks are reused by the
// next document (see workspace).
type arena struct {
	chunks [][]elem
	cur    int // chunk being filled
	used   int // elements used in chunks[cur]
}

const arenaChunk = 1 << 13

func (a *arena) reset() { a.cur, a.used = 0, 0 }

// size returns the number of elements the arena holds.
func (a *arena) size() int {
	n := 0
	for _, c := range a.chunks {
		n += len(c)
	}
	return n
}

// copyOf returns a copy of src with its own storage (cap == len).
func (a *arena) copyOf(src []elem) []elem {
	n := len(src)
	if n == 0 {
		return nil
	}
	for a.cur < len(a.chunks) {
		if c := a.chunks[a.cur]; len(c)-a.used >= n {
			out := c[a.used : a.used+n : a.used+n]
			a.used += n
			copy(out, src)
			return out
		}
		a.cur++
		a.used = 0
	}
	a.chunks = append(a.chunks, make([]elem, max(arenaChunk, n)))
	out := a.chunks[a.cur][:n:n]
	a.used = n
	copy(out, src)
	return out
}

// alloc returns n elements of storage (cap == n), contents unspecified.
func (a *arena) alloc(n int) []elem {
	for a.cur < len(a.chunks) {
		if c := a.chunks[a.cur]; len(c)-a.used >= n {
			out := c[a.used : a.used+n : a.used+n]
			a.used += n
			return out
		}
		a.cur++
		a.used = 0
	}
	a.chunks = append(a.chunks, make([]elem, max(arenaChunk, n)))
	a.used = n
	return a.chunks[a.cur][:n:n]
}

// builder accumulates a document. Nesting and offsets apply to the texts
// added while they are in effect. Elements of open groups live on a
// scratch stack; a finished group's elements move to the arena.
type builder struct {
	buf  []elem
	ar   *arena
	nest int32
	off  int32
}

func (b *builder) textAnn(s string, a textAnn) {
	if s == "" {
		return
	}
	b.buf = append(b.buf, elem{kind: eText, tann: a, nest: b.nest, off: b.off, width: int32(textWidth(s)), text: s})
}

func (b *builder) text(s string)            { b.textAnn(s, taRegular) }
func (b *builder) comment(s string)         { b.textAnn(s, taComment) }
func (b *builder) trailingComment(s string) { b.textAnn(s, taTrailingComment) }
func (b *builder) trailing(s string)        { b.textAnn(s, taTrailing) }

// raw adds a text that is kept even when empty.
func (b *builder) raw(s string, a textAnn) {
	b.buf = append(b.buf, elem{kind: eText, tann: a, nest: b.nest, off: b.off, width: int32(textWidth(s)), text: s})
}

func (b *builder) sp(s spacing) { b.buf = append(b.buf, spElem(s)) }

func (b *builder) softline_()   { b.sp(spSoftbreak) }
func (b *builder) line_()       { b.sp(spBreak) }
func (b *builder) softline()    { b.sp(spSoftspace) }
func (b *builder) line()        { b.sp(spSpace) }
func (b *builder) hardspace()   { b.sp(spHardspace) }
func (b *builder) hardline()    { b.sp(spHardline) }
func (b *builder) emptyline()   { b.sp(spEmptyline) }
func (b *builder) newline()     { b.buf = append(b.buf, nlElem(1)) }
func (b *builder) add(d []elem) { b.buf = append(b.buf, d...) }

// group adds a group holding what f adds.
func (b *builder) group(a groupAnn, f func()) {
	mark := len(b.buf)
	f()
	kids := b.ar.copyOf(b.buf[mark:])
	b.buf = append(b.buf[:mark], elem{kind: eGroup, gann: a, kids: kids})
}

// capture returns what f adds, without adding it.
func (b *builder) capture(f func()) []elem {
	mark := len(b.buf)
	f()
	d := b.ar.copyOf(b.buf[mark:])
	b.buf = b.buf[:mark]
	return d
}

// nested runs f one nesting level deeper.
func (b *builder) nested(f func()) {
	b.nest++
	f()
	b.nest--
}

// offset runs f with texts shifted right by n columns.
func (b *builder) offset(n int, f func()) {
	b.off += int32(n)
	f()
	b.off -= int32(n)
}

// nestDoc returns d one nesting level deeper.
func nestDoc(d []elem) []elem {
	out := make([]elem, len(d))
	for i, e := range d {
		switch e.kind {
		case eText:
			e.nest++
		case eGroup:
			e.kids = nestDoc(e.kids)
		}
		out[i] = e
	}
	return out
}

// addCompact adds d forced onto one line: soft spacings become spaces or
// nothing, groups are flattened. It adds nothing and fails on hard line
// breaks, disabled regions and raw text, and when the result is wider
// than limit (limit < 0: no limit).
func (b *builder) addCompact(d []elem, limit int) bool {
	mark := len(b.buf)
	if unexpandInto(&b.buf, d, &limit) {
		return true
	}
	b.buf = b.buf[:mark]
	return false
}

func unexpandInto(out *[]elem, d []elem, limit *int) bool {
	noLimit := *limit < 0
	for i := range d {
		e := &d[i]
		switch e.kind {
		case eText:
			switch e.tann {
			case taDisableMarker, taVerbatim, taVerbatimEOF, taRawText:
				return false
			}
			*out = append(*out, *e)
			if !noLimit {
				*limit -= int(e.width)
				if *limit < 0 {
					return false
				}
			}
		case eSpacing:
			switch e.sp {
			case spBreak, spSoftbreak:
			case spHardspace, spSpace, spSoftspace:
				*out = append(*out, spElem(spHardspace))
				if !noLimit {
					*limit--
					if *limit < 0 {
						return false
					}
				}
			default:
				return false
			}
		case eGroup:
			if !unexpandInto(out, e.kids, limit) {
				return false
			}
		}
	}
	return true
}

// unexpandShallow appends d to out, with soft spacings made compact (no
// recursion into groups).
func unexpandShallow(out, d []elem) []elem {
	for _, e := range d {
		if e.kind == eSpacing {
			switch e.sp {
			case spSpace, spSoftspace:
				out = append(out, spElem(spHardspace))
				continue
			case spBreak, spSoftbreak:
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// fixup normalises a document: adjacent spacings and texts of the same
// kind are merged, hard spacings and comments at the edges of groups move
// out of them (so a comment's line break does not expand its group),
// empty groups vanish and a group holding only a group of the same kind
// is dissolved.

// fixer keeps scratch stacks shared by the nested runs of fixup: a run
// uses the parts above the marks it starts with.
type fixer struct {
	ar    *arena
	out   []elem
	front []elem // elements to process before the rest of the input (last is next)
	text  []byte
}

// fxIn is the input of one fixup run: elements pushed back in front
// (f.front above mark, last is next), then in[i:].
type fxIn struct {
	f    *fixer
	in   []elem
	i    int
	mark int
}

func (s *fxIn) next() (elem, bool) {
	if n := len(s.f.front); n > s.mark {
		e := s.f.front[n-1]
		s.f.front = s.f.front[:n-1]
		return e, true
	}
	if s.i < len(s.in) {
		s.i++
		return s.in[s.i-1], true
	}
	return elem{}, false
}

func (s *fxIn) peek() *elem {
	if n := len(s.f.front); n > s.mark {
		return &s.f.front[n-1]
	}
	if s.i < len(s.in) {
		return &s.in[s.i]
	}
	return nil
}

// unshift puts es (in order) in front of the remaining input.
func (s *fxIn) unshift(es []elem) {
	for j := len(es) - 1; j >= 0; j-- {
		s.f.front = append(s.f.front, es[j])
	}
}

func (f *fixer) fixup(in []elem) []elem {
	outMark := len(f.out)
	st := fxIn{f: f, in: in, mark: len(f.front)}
	for {
		x, ok := st.next()
		if !ok {
			break
		}
		y := st.peek()
		switch {
		case x.kind == eSpacing && y != nil && y.kind == eSpacing:
			m := mergeSpacing(x, *y)
			st.next()
			f.front = append(f.front, m)
		case x.kind == eText && y != nil && y.kind == eText && y.tann == x.tann:
			f.text = append(f.text[:0], x.text...)
			for y != nil && y.kind == eText && y.tann == x.tann {
				f.text = append(f.text, y.text...)
				x.width += y.width
				st.next()
				y = st.peek()
			}
			x.text = string(f.text)
			f.front = append(f.front, x)
		case x.kind == eSpacing && x.sp == spHardspace && y != nil && y.kind == eGroup:
			g, _ := st.next()
			kids := f.ar.alloc(len(g.kids) + 1)
			kids[0] = x
			copy(kids[1:], g.kids)
			g.kids = kids
			f.front = append(f.front, g)
		case x.kind == eSpacing && y != nil && y.kind == eGroup:
			g, _ := st.next()
			pre, body, post := f.splitGroup(g)
			if len(body) == 0 {
				st.unshift(post)
				st.unshift(pre)
				f.front = append(f.front, x)
				continue
			}
			head := f.ar.alloc(1 + len(pre))
			head[0] = x
			copy(head[1:], pre)
			f.out = append(f.out, f.fixup(head)...)
			f.out = append(f.out, elem{kind: eGroup, gann: g.gann, kids: body})
			st.unshift(post)
		case x.kind == eGroup:
			pre, body, post := f.splitGroup(x)
			if len(body) == 0 {
				st.unshift(post)
				st.unshift(pre)
				continue
			}
			f.out = append(f.out, f.fixup(pre)...)
			f.out = append(f.out, elem{kind: eGroup, gann: x.gann, kids: body})
			st.unshift(post)
		default:
			f.out = append(f.out, x)
		}
	}
	res := f.ar.copyOf(f.out[outMark:])
	f.out = f.out[:outMark]
	return res
}

// splitGroup fixes a group's contents and splits off the hard spacings and
// comments at its start and the hard spacings at its end.
func (f *fixer) splitGroup(g elem) (pre, body, post []elem) {
	inner := f.fixup(g.kids)
	k := 0
	for k < len(inner) && (isHardSpacing(&inner[k]) || isCommentElem(&inner[k]) || isVerbatimElem(&inner[k])) {
		k++
	}
	pre = inner[:k:k]
	rest := inner[k:]
	j := len(rest)
	for j > 0 && isHardSpacing(&rest[j-1]) {
		j--
	}
	body, post = rest[:j:j], rest[j:]
	if len(body) == 1 && body[0].kind == eGroup && body[0].gann == g.gann {
		body = body[0].kids
	}
	return pre, body, post
}
