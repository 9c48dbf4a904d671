package formatter

import "unicode/utf8"

// The layout works on a document: a sequence of texts, spacings and
// groups. A group is printed on one line when it fits, else its spacings
// become line breaks (and its inner groups get the same choice). Texts
// carry their nesting depth, which decides indentation after a line break.
//
// Documents hold no pointers: elements live in one array (docMem.els), a
// group refers to its children by their position there, and a text to its
// bytes in docMem.text. Building and normalising a document is then plain
// copying that the garbage collector never has to look at, and the memory
// is reused from one file to the next.

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

// elem is a text, a spacing or a group. For a text, [a, a+n) are its bytes
// in docMem.text; for a group, [a, a+n) are its children in docMem.els.
type elem struct {
	kind  elemKind
	tann  textAnn
	gann  groupAnn
	sp    spacing
	nest  int32
	off   int32
	width int32 // text width in characters; line breaks of spNewlines
	a, n  uint32
}

// span is a run of elements in docMem.els.
type span struct{ a, n uint32 }

// docMem is the memory of a document. Elements are only ever appended,
// and never changed once they are in els, so a slice of els taken earlier
// stays valid for reading after more elements have been added.
type docMem struct {
	els  []elem
	text []byte
}

func (m *docMem) reset() {
	m.els = m.els[:0]
	m.text = m.text[:0]
}

// size returns the number of elements the memory holds (for pooling).
func (m *docMem) size() int { return cap(m.els) }

func (m *docMem) slice(s span) []elem { return m.els[s.a : s.a+s.n : s.a+s.n] }

func (m *docMem) kids(g *elem) []elem { return m.els[g.a : g.a+g.n : g.a+g.n] }

func (m *docMem) kidSpan(g *elem) span { return span{g.a, g.n} }

func (m *docMem) str(t *elem) []byte { return m.text[t.a : t.a+t.n] }

// store appends es to the memory and returns where they are.
func (m *docMem) store(es []elem) span {
	a := len(m.els)
	m.els = append(m.els, es...)
	return span{uint32(a), uint32(len(es))}
}

// addText stores s and returns a text element for it.
func (m *docMem) addText(s string, a textAnn, nest, off int32) elem {
	st := len(m.text)
	m.text = append(m.text, s...)
	return elem{kind: eText, tann: a, nest: nest, off: off, width: int32(textWidth(s)), a: uint32(st), n: uint32(len(s))}
}

// isASCII reports whether s has only ASCII characters, eight bytes at a
// time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load64(s, i)&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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

func (m *docMem) isComment(e *elem) bool {
	switch e.kind {
	case eText:
		return e.tann == taComment || e.tann == taTrailingComment
	case eGroup:
		kids := m.kids(e)
		for i := range kids {
			if !m.isComment(&kids[i]) && !isHardSpacing(&kids[i]) {
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
	s, w := mergeSp(a.sp, a.width, b.sp, b.width)
	return elem{kind: eSpacing, sp: s, width: w}
}

// mergeSp combines the spacings as and bs (whose widths count the line
// breaks of spNewlines).
func mergeSp(as spacing, aw int32, bs spacing, bw int32) (spacing, int32) {
	xs, xw, ys, yw := as, aw, bs, bw
	if xs > ys || xs == spNewlines && ys == spNewlines && xw > yw {
		xs, xw, ys, yw = ys, yw, xs, xw
	}
	switch {
	case xs == spBreak && ys == spSoftspace, xs == spBreak && ys == spHardspace:
		return spSpace, 0
	case xs == spSoftbreak && ys == spHardspace:
		return spSoftspace, 0
	case xs == spNewlines && ys == spNewlines:
		return spNewlines, xw + yw
	case xs == spEmptyline && ys == spNewlines:
		return spNewlines, yw + 2
	case xs == spHardspace && ys == spNewlines:
		return ys, yw
	case ys == spNewlines:
		return spNewlines, yw + 1
	}
	return ys, yw
}

func spElem(s spacing) elem { return elem{kind: eSpacing, sp: s} }

// builder accumulates a document. Nesting and offsets apply to the texts
// added while they are in effect. Elements of open groups live on a
// scratch stack; a finished group's elements move to the document memory.
//
// Unless it is in raw mode, the builder normalises the document as it goes
// (see stream.go): what it accumulates is then exactly what fixup would
// make of the document built in raw mode.
type builder struct {
	buf      []elem
	m        *docMem
	fx       *fixer
	nest     int32
	off      int32
	rawDepth int     // > 0: elements are kept as they come (capture, directives)
	lv       []level // open groups being normalised; lv[0] is the document
	tmp      []elem
	ascii    bool // all texts are ASCII (they come from an ASCII source): widths are lengths
}

// width returns the width of the text s.
func (b *builder) width(s string) int32 {
	if b.ascii {
		return int32(len(s))
	}
	return int32(textWidth(s))
}

func (b *builder) textAnn(s string, a textAnn) {
	if s == "" {
		return
	}
	st := len(b.m.text)
	b.m.text = append(b.m.text, s...)
	b.pushText(st, len(s), b.width(s), a)
}

// textAnn2 adds the text s1+s2.
func (b *builder) textAnn2(s1, s2 string, a textAnn) {
	if s1 == "" && s2 == "" {
		return
	}
	st := len(b.m.text)
	b.m.text = append(append(b.m.text, s1...), s2...)
	b.pushText(st, len(s1)+len(s2), b.width(s1)+b.width(s2), a)
}

// pushText adds the text of kind a whose n bytes were just stored at st in
// the document's text, w characters wide: kept as it comes in raw mode,
// else fed to the normaliser (see feed). The element is written in place
// (one built aside and copied costs more).
func (b *builder) pushText(st, n int, w int32, a textAnn) {
	if b.rawDepth == 0 {
		l := &b.lv[len(b.lv)-1]
		if a == taRegular {
			l.w += w
		}
		if k := len(b.buf); k > l.lock {
			if x := &b.buf[k-1]; x.kind == eText && x.tann == a {
				b.m.extendText(x, st, n, w)
				return
			}
		}
	}
	b.buf = append(b.buf, elem{})
	x := &b.buf[len(b.buf)-1]
	x.kind, x.tann, x.nest, x.off = eText, a, b.nest, b.off
	x.width, x.a, x.n = w, uint32(st), uint32(n)
}

// pushSpacing adds a spacing, as pushText a text (w counts the line
// breaks of spNewlines).
func (b *builder) pushSpacing(s spacing, w int32) {
	if b.rawDepth == 0 {
		l := &b.lv[len(b.lv)-1]
		if k := len(b.buf); k > l.lock {
			if x := &b.buf[k-1]; x.kind == eSpacing {
				x.sp, x.width = mergeSp(x.sp, x.width, s, w)
				return
			}
		}
	}
	b.buf = append(b.buf, elem{})
	x := &b.buf[len(b.buf)-1]
	x.kind, x.sp, x.width = eSpacing, s, w
}

func (b *builder) text(s string)            { b.textAnn(s, taRegular) }
func (b *builder) comment(s string)         { b.textAnn(s, taComment) }
func (b *builder) trailingComment(s string) { b.textAnn(s, taTrailingComment) }
func (b *builder) trailing(s string)        { b.textAnn(s, taTrailing) }

// raw adds a text that is kept even when empty.
func (b *builder) raw(s string, a textAnn) {
	st := len(b.m.text)
	b.m.text = append(b.m.text, s...)
	b.pushText(st, len(s), b.width(s), a)
}

func (b *builder) sp(s spacing) { b.pushSpacing(s, 0) }

func (b *builder) softline_() { b.sp(spSoftbreak) }
func (b *builder) line_()     { b.sp(spBreak) }
func (b *builder) softline()  { b.sp(spSoftspace) }
func (b *builder) line()      { b.sp(spSpace) }
func (b *builder) hardspace() { b.sp(spHardspace) }
func (b *builder) hardline()  { b.sp(spHardline) }
func (b *builder) emptyline() { b.sp(spEmptyline) }
func (b *builder) newline()   { b.pushSpacing(spNewlines, 1) }

// add adds the elements of a captured document.
func (b *builder) add(d span) {
	if b.rawDepth > 0 {
		b.buf = append(b.buf, b.m.slice(d)...)
		return
	}
	for _, e := range b.m.slice(d) {
		b.feed(e)
	}
}

// group adds a group holding what f adds.
func (b *builder) group(a groupAnn, f func()) {
	mark := b.begin()
	f()
	b.end(a, mark)
}

// begin starts a group that end(a, mark), with what begin returned, ends:
// group(a, f) without a function (the hottest rules are written so).
func (b *builder) begin() int {
	if b.rawDepth > 0 {
		return len(b.buf)
	}
	b.open()
	return 0
}

// end ends the group begin started.
func (b *builder) end(a groupAnn, mark int) {
	if b.rawDepth > 0 {
		kids := b.m.store(b.buf[mark:])
		b.buf = append(b.buf[:mark], elem{kind: eGroup, gann: a, a: kids.a, n: kids.n})
		return
	}
	b.close(a)
}

// capture returns what f adds, without adding it. The captured elements
// are raw: they are normalised where they are added.
func (b *builder) capture(f func()) span {
	b.rawDepth++
	mark := len(b.buf)
	f()
	d := b.m.store(b.buf[mark:])
	b.buf = b.buf[:mark]
	b.rawDepth--
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
func (m *docMem) nestDoc(d span) span {
	out := uint32(len(m.els))
	m.els = append(m.els, m.slice(d)...)
	for i := uint32(0); i < d.n; i++ {
		e := m.els[out+i]
		switch e.kind {
		case eText:
			e.nest++
		case eGroup:
			k := m.nestDoc(m.kidSpan(&e))
			e.a = k.a
		}
		m.els[out+i] = e
	}
	return span{out, d.n}
}

// addCompact adds d forced onto one line: soft spacings become spaces or
// nothing, groups are flattened. It adds nothing and fails on hard line
// breaks, disabled regions and raw text, and when the result is wider
// than limit (limit < 0: no limit).
func (b *builder) addCompact(d span, limit int) bool {
	b.tmp = b.tmp[:0]
	if !b.unexpandInto(b.m.slice(d), &limit) {
		return false
	}
	if b.rawDepth > 0 {
		b.buf = append(b.buf, b.tmp...)
		return true
	}
	for _, e := range b.tmp {
		b.feed(e)
	}
	return true
}

// unexpandInto appends the compact form of d to b.tmp.
func (b *builder) unexpandInto(d []elem, limit *int) bool {
	noLimit := *limit < 0
	for i := range d {
		e := &d[i]
		switch e.kind {
		case eText:
			switch e.tann {
			case taDisableMarker, taVerbatim, taVerbatimEOF, taRawText:
				return false
			}
			b.tmp = append(b.tmp, *e)
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
				b.tmp = append(b.tmp, spElem(spHardspace))
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
			if !b.unexpandInto(b.m.kids(e), limit) {
				return false
			}
		}
	}
	return true
}

// fixup normalises a document: adjacent spacings and texts of the same
// kind are merged, hard spacings and comments at the edges of groups move
// out of them (so a comment's line break does not expand its group),
// empty groups vanish and a group holding only a group of the same kind
// is dissolved.

// fixer keeps scratch stacks shared by the nested runs of fixup: a run
// uses the parts above the marks it starts with.
type fixer struct {
	m     *docMem
	out   []elem
	front []elem // elements to process before the rest of the input (last is next)
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

func (f *fixer) fixup(d span) span {
	m := f.m
	outMark := len(f.out)
	st := fxIn{f: f, in: m.slice(d), mark: len(f.front)}
	for {
		x, ok := st.next()
		if !ok {
			break
		}
		y := st.peek()
		switch {
		case x.kind == eSpacing && y != nil && y.kind == eSpacing:
			mg := mergeSpacing(x, *y)
			st.next()
			f.front = append(f.front, mg)
		case x.kind == eText && y != nil && y.kind == eText && y.tann == x.tann:
			// Adjacent texts are usually adjacent in memory too; then
			// they need no copying.
			for y != nil && y.kind == eText && y.tann == x.tann {
				if x.a+x.n != y.a {
					if int(x.a+x.n) != len(m.text) {
						a := len(m.text)
						m.text = append(m.text, m.str(&x)...)
						x.a = uint32(a)
					}
					m.text = append(m.text, m.str(y)...)
				}
				x.n += y.n
				x.width += y.width
				st.next()
				y = st.peek()
			}
			f.front = append(f.front, x)
		case x.kind == eSpacing && x.sp == spHardspace && y != nil && y.kind == eGroup:
			g, _ := st.next()
			a := len(m.els)
			m.els = append(m.els, x)
			m.els = append(m.els, m.kids(&g)...)
			g.a, g.n = uint32(a), g.n+1
			f.front = append(f.front, g)
		case x.kind == eSpacing && y != nil && y.kind == eGroup:
			g, _ := st.next()
			pre, body, post := f.splitGroup(g)
			if body.n == 0 {
				st.unshift(m.slice(post))
				st.unshift(m.slice(pre))
				f.front = append(f.front, x)
				continue
			}
			a := len(m.els)
			m.els = append(m.els, x)
			m.els = append(m.els, m.slice(pre)...)
			head := f.fixup(span{uint32(a), pre.n + 1})
			f.out = append(f.out, m.slice(head)...)
			f.out = append(f.out, elem{kind: eGroup, gann: g.gann, a: body.a, n: body.n})
			st.unshift(m.slice(post))
		case x.kind == eGroup:
			pre, body, post := f.splitGroup(x)
			if body.n == 0 {
				st.unshift(m.slice(post))
				st.unshift(m.slice(pre))
				continue
			}
			fixed := f.fixup(pre)
			f.out = append(f.out, m.slice(fixed)...)
			f.out = append(f.out, elem{kind: eGroup, gann: x.gann, a: body.a, n: body.n})
			st.unshift(m.slice(post))
		default:
			f.out = append(f.out, x)
		}
	}
	res := m.store(f.out[outMark:])
	f.out = f.out[:outMark]
	return res
}

// splitGroup fixes a group's contents and splits off the hard spacings and
// comments at its start and the hard spacings at its end.
func (f *fixer) splitGroup(g elem) (pre, body, post span) {
	return splitFixed(f.m, f.fixup(f.m.kidSpan(&g)), g.gann)
}

// splitFixed splits the fixed contents of a group of kind gann.
func splitFixed(m *docMem, inner span, gann groupAnn) (pre, body, post span) {
	es := m.slice(inner)
	k := 0
	for k < len(es) && (isHardSpacing(&es[k]) || m.isComment(&es[k]) || isVerbatimElem(&es[k])) {
		k++
	}
	j := len(es)
	for j > k && isHardSpacing(&es[j-1]) {
		j--
	}
	pre = span{inner.a, uint32(k)}
	body = span{inner.a + uint32(k), uint32(j - k)}
	post = span{inner.a + uint32(j), uint32(len(es) - j)}
	if body.n == 1 {
		if b := &es[k]; b.kind == eGroup && b.gann == gann {
			body = m.kidSpan(b)
		}
	}
	return pre, body, post
}
