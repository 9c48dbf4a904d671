package formatter

import (
	"bytes"
)

// The layout is greedy: a group goes on the current line if it fits
// there (together with what must follow it before the next possible line
// break), else its priority children are tried expanded one at a time
// (last first), else the group is expanded: its spacings become line
// breaks and its children get the same choice.

// rest is the lookahead after the elements being laid out: a chain of
// element lists.
type rest struct {
	d    []elem
	next *rest
}

// cursor walks a list of elements followed by a rest chain. Groups are
// entered explicitly, so "the next element" means the next one in the list
// being walked, the way a list with a group's contents spliced in front is
// walked.
type cursor struct {
	m     *docMem
	cur   []elem    // the innermost list
	i     int       // position in cur
	up    [8][]elem // what is left of the lists around it (innermost last)
	extra [][]elem  // lists beyond len(up)
	n     int       // lists saved in up and extra
	r     *rest     // what follows them all
}

func (c *cursor) init(m *docMem, d []elem, r *rest) {
	c.m = m
	c.cur, c.i = d, 0
	c.n = 0
	c.r = r
}

// refill makes the rest of cur non-empty, leaving the lists that are
// done; it reports false at the end.
func (c *cursor) refill() bool {
	for c.i >= len(c.cur) {
		c.i = 0
		switch {
		case c.n > len(c.up):
			c.n--
			c.cur = c.extra[c.n-len(c.up)]
		case c.n > 0:
			c.n--
			c.cur = c.up[c.n]
		case c.r != nil:
			c.cur = c.r.d
			c.r = c.r.next
		default:
			c.cur = nil
			return false
		}
	}
	return true
}

func (c *cursor) next() *elem {
	if c.i < len(c.cur) {
		c.i++
		return &c.cur[c.i-1]
	}
	return c.nextSlow()
}

// nextSlow is next when the innermost list is done. (Kept apart, so that
// next is inlined.)
func (c *cursor) nextSlow() *elem {
	if !c.refill() {
		return nil
	}
	c.i++
	return &c.cur[c.i-1]
}

func (c *cursor) peek() *elem {
	if c.i < len(c.cur) {
		return &c.cur[c.i]
	}
	return c.peekSlow()
}

func (c *cursor) peekSlow() *elem {
	if !c.refill() {
		return nil
	}
	return &c.cur[c.i]
}

// enterList continues with d, then with what was left.
func (c *cursor) enterList(d []elem) {
	if len(d) == 0 {
		return
	}
	if c.i < len(c.cur) {
		rest := c.cur[c.i:]
		if c.n < len(c.up) {
			c.up[c.n] = rest
		} else {
			c.extra = append(c.extra[:c.n-len(c.up)], rest)
		}
		c.n++
	}
	c.cur, c.i = d, 0
}

// enter continues with the children of the group g.
func (c *cursor) enter(g *elem) {
	if g.n > 0 {
		c.enterList(c.m.kids(g))
	}
}

func (c *cursor) clone(dst *cursor) {
	dst.m = c.m
	dst.cur, dst.i = c.cur, c.i
	dst.up = c.up
	dst.n = c.n
	dst.r = c.r
	if c.n > len(c.up) {
		dst.extra = append([][]elem(nil), c.extra[:c.n-len(c.up)]...)
	} else {
		dst.extra = nil
	}
}

// nextSpacing merges the spacing e with the spacings directly after it.
func (c *cursor) nextSpacing(e *elem) elem {
	sp := *e
	for {
		p := c.peek()
		if p == nil || p.kind != eSpacing {
			return sp
		}
		sp = mergeSpacing(sp, *p)
		c.next()
	}
}

type indentLevel struct{ ci, nl int }

// restAlloc hands out rest nodes with a stack discipline: nodes made
// while laying out an element are released when it is done.
type restAlloc struct {
	chunks [][]rest
	n      int // nodes in use
}

const restChunk = 256

func (a *restAlloc) new(d []elem, next *rest) *rest {
	ci, i := a.n/restChunk, a.n%restChunk
	if ci == len(a.chunks) {
		a.chunks = append(a.chunks, make([]rest, restChunk))
	}
	r := &a.chunks[ci][i]
	r.d, r.next = d, next
	a.n++
	return r
}

type layouter struct {
	m             *docMem
	flat          []elem // stack of compacted copies (goPriorityGroup)
	tw, iw        int
	indentScratch []indentLevel
	rests         *restAlloc
	segs          []seg // stack of priority segments being tried
	cc            int   // column on the current line, indentation not included
	indents       []indentLevel
	suppress      bool // inside a disabled region: compute, but print nothing
	out           []byte
}

// flatWidth is the width of each spacing on a line that does not break;
// -1 for those that always break.
var flatWidth = [...]int{
	spSoftbreak: 0, spBreak: 0, spHardspace: 1, spSoftspace: 1, spSpace: 1,
	spHardline: -1, spEmptyline: -1, spNewlines: -1,
}

// spacingAt returns the spacing e merged with the spacings directly after
// it (usually there are none: the document is normalised).
func (c *cursor) spacingAt(e *elem) spacing {
	if p := c.peek(); p != nil && p.kind == eSpacing {
		return c.nextSpacing(e).sp
	}
	return e.sp
}

// fits tries to put the elements at c on one line within width w: it
// appends their text to l.out, and takes it back when they do not fit.
// ni is the indentation the next line would gain (it decides how a
// trailing comment is spaced). fits returns the text's width, the part of
// w it used (comments take none) and whether it holds a trailing comment
// (the only text ni changes).
func (l *layouter) fits(ni, w int, c *cursor) (width, used int, trailing, ok bool) {
	out := l.out
	start := len(out)
	w0 := w
	for w >= 0 {
		e := c.next()
		if e == nil {
			l.out = out
			return width, w0 - w, trailing, true
		}
		switch e.kind {
		case eText:
			if e.tann == taRegular {
				out = append(out, c.m.str(e)...)
				n := int(e.width)
				ni -= n
				w -= n
				width += n
				continue
			}
			switch e.tann {
			case taComment:
				out = append(out, c.m.str(e)...)
				width += int(e.width)
			case taTrailingComment:
				trailing = true
				if ni == 0 {
					out = append(out, ' ')
					width++
				}
				out = append(out, c.m.str(e)...)
				width += int(e.width)
			case taTrailing:
			default:
				w = -1
			}
		case eSpacing:
			k := flatWidth[c.spacingAt(e)]
			if k < 0 {
				w = -1
				break
			}
			out = append(out, ' ')
			out = out[:len(out)-1+k]
			ni -= k
			w -= k
			width += k
		case eGroup:
			c.enter(e)
		}
	}
	l.out = out[:start]
	return 0, 0, false, false
}

// fitsWidth is fits without producing text.
func fitsWidth(ni, w int, c *cursor) (int, bool) {
	width := 0
	for {
		if w < 0 {
			return 0, false
		}
		e := c.next()
		if e == nil {
			return width, true
		}
		switch e.kind {
		case eText:
			switch e.tann {
			case taRegular:
				ni -= int(e.width)
				w -= int(e.width)
				width += int(e.width)
			case taComment:
				width += int(e.width)
			case taTrailingComment:
				if ni == 0 {
					width++
				}
				width += int(e.width)
			case taTrailing:
			default:
				return 0, false
			}
		case eSpacing:
			k := flatWidth[c.spacingAt(e)]
			if k < 0 {
				return 0, false
			}
			ni -= k
			w -= k
			width += k
		case eGroup:
			c.enter(e)
		}
	}
}

// firstLineWidth is the width of what must be printed before the first
// possible line break.
func firstLineWidth(c *cursor) int {
	w := 0
	for {
		e := c.next()
		if e == nil {
			return w
		}
		switch e.kind {
		case eText:
			if e.tann != taComment && e.tann != taTrailingComment {
				w += int(e.width)
			}
		case eSpacing:
			if c.spacingAt(e) == spHardspace {
				w++
			} else {
				return w
			}
		case eGroup:
			c.enter(e)
		}
	}
}

// firstLineFits reports whether the first line of what follows, with its
// groups compact where they fit, is at most target wide.
func firstLineFits(target, max int, c *cursor) bool {
	w := max
	for {
		if w < 0 {
			return false
		}
		e := c.next()
		if e == nil {
			return max-w <= target
		}
		switch e.kind {
		case eText:
			switch e.tann {
			case taRegular:
				w -= int(e.width)
			case taVerbatim, taVerbatimEOF:
				return max-w <= target
			}
		case eSpacing:
			if c.spacingAt(e) == spHardspace {
				w--
			} else {
				return max-w <= target
			}
		case eGroup:
			if c.m.minWidth(e) > w {
				c.enter(e)
				continue
			}
			var after cursor
			c.clone(&after)
			fl := firstLineWidth(&after)
			var inner cursor
			inner.init(c.m, c.m.kids(e), nil)
			if tw, ok := fitsWidth(0, w-fl, &inner); ok {
				w -= tw
			} else {
				c.enter(e)
			}
		}
	}
}

// nextIndent returns the nesting and offset of the first text.
func nextIndent(c *cursor) (int, int) {
	for {
		e := c.next()
		if e == nil {
			return 0, 0
		}
		switch e.kind {
		case eText:
			return int(e.nest), int(e.off)
		case eGroup:
			c.enter(e)
		}
	}
}

func (l *layouter) nextIndentOf(d []elem, r *rest) int {
	var c cursor
	c.init(l.m, d, r)
	nl, _ := nextIndent(&c)
	return nl
}

func (l *layouter) top() indentLevel { return l.indents[len(l.indents)-1] }

func (l *layouter) emit(s string) {
	if !l.suppress {
		l.out = append(l.out, s...)
	}
}

func (l *layouter) putNL(n int) {
	l.cc = 0
	if !l.suppress {
		for ; n > 0; n-- {
			l.out = append(l.out, '\n')
		}
	}
}

// putPrefix starts printing a text of width w at nesting nl and offset
// off: it updates the indentation state and the column, and prints the
// indentation when the text starts a line. Nesting deeper than the
// current line's adds one level of indentation only for the first text of
// a line. It reports whether the text itself is to be printed.
func (l *layouter) putPrefix(withIndent bool, nl, off, w int) bool {
	l.enterNest(nl)
	cc := l.cc
	l.cc = cc + w
	if !withIndent && l.cc < 1 {
		l.cc = 1
	}
	if l.suppress {
		return false
	}
	if cc == 0 && withIndent {
		l.indent(l.top().ci + off)
	}
	return true
}

// enterNest updates the indentation levels for a text at nesting nl.
func (l *layouter) enterNest(nl int) {
	for {
		top := l.top()
		if nl > top.nl {
			ci := top.ci
			if l.cc == 0 {
				ci += l.iw
			}
			l.indents = append(l.indents, indentLevel{ci: ci, nl: nl})
			return
		}
		if nl == top.nl {
			return
		}
		l.indents = l.indents[:len(l.indents)-1]
	}
}

// indent prints n spaces (none when n <= 0).
func (l *layouter) indent(n int) {
	if n > 0 {
		l.out = append(l.out, spaces(n)...)
	}
}

func (l *layouter) putText(withIndent bool, nl, off int, t []byte, w int) {
	if l.putPrefix(withIndent, nl, off, w) {
		l.out = append(l.out, t...)
	}
}

// put prints text without regard to indentation.
func (l *layouter) put(t string, w int) {
	l.cc += w
	l.emit(t)
}

func (l *layouter) goList(d []elem, r *rest) {
	for i := range d {
		l.goOne(&d[i], d[i+1:], r)
	}
}

func (l *layouter) goOne(x *elem, xs []elem, r *rest) {
	switch x.kind {
	case eText:
		switch x.tann {
		case taTrailingComment:
			if l.cc == 2 && l.nextIndentOf(xs, r) > l.top().nl {
				// Keep the comment from sticking to the next line's
				// first element when reformatted.
				l.cc += 1 + int(x.width)
				if !l.suppress {
					l.out = append(l.out, ' ')
					l.out = append(l.out, l.m.str(x)...)
				}
				return
			}
			l.putText(true, int(x.nest), int(x.off), l.m.str(x), int(x.width))
		case taDisableMarker:
			l.suppress = true
		case taRawText:
			l.putText(false, int(x.nest), int(x.off), l.m.str(x), int(x.width))
		case taVerbatim, taVerbatimEOF:
			atStart := l.cc == 0
			was := l.suppress
			text := l.m.str(x)
			last := text[bytes.LastIndexByte(text, '\n')+1:]
			l.cc = textWidth(string(last))
			l.suppress = false
			if !atStart && !was {
				l.out = append(l.out, '\n')
			}
			l.out = append(l.out, text...)
		default:
			l.putText(true, int(x.nest), int(x.off), l.m.str(x), int(x.width))
		}
	case eSpacing:
		if l.cc == 0 {
			return
		}
		switch x.sp {
		case spBreak, spSpace, spHardline:
			l.putNL(1)
		case spHardspace:
			l.put(" ", 1)
		case spEmptyline:
			l.putNL(2)
		case spNewlines:
			l.putNL(int(x.width))
		case spSoftbreak:
			var c cursor
			c.init(l.m, xs, r)
			if !firstLineFits(l.tw-l.cc, l.tw, &c) {
				l.putNL(1)
			}
		case spSoftspace:
			var c cursor
			c.init(l.m, xs, r)
			if firstLineFits(l.tw-l.cc-1, l.tw, &c) {
				l.put(" ", 1)
			} else {
				l.putNL(1)
			}
		}
	case eGroup:
		mark := l.rests.n
		defer func() { l.rests.n = mark }()
		rr := l.rests.new(xs, r)
		kids := l.m.kids(x)
		// A group whose texts alone are wider than the room left cannot
		// fit; it is not measured.
		if !l.tooWide(l.m.minWidth(x)) && l.goGroup(kids, nil, rr) {
			return
		}
		if x.gann != gTransparent && l.m.hasPriority(kids) {
			smark := len(l.segs)
			l.segs = l.m.prioritySegments(kids, l.segs)
			segs := l.segs[smark:len(l.segs):len(l.segs)]
			for i := len(segs) - 1; i >= 0; i-- {
				if segs[i].prio && l.goPriorityGroup(segs, i, rr) {
					l.segs = l.segs[:smark]
					return
				}
			}
			l.segs = l.segs[:smark]
		}
		l.goList(kids, rr)
	}
}

// goGroup prints a group's elements (head followed by the chain tail) on
// the current line if they fit, and reports whether they did; otherwise
// nothing changes. r is what follows the group.
func (l *layouter) goGroup(head []elem, tail *rest, r *rest) bool {
	var c cursor
	if !l.groupCursor(&c, head, tail) {
		return true
	}
	start := len(l.out)
	atStart := l.cc == 0
	nl, off := 0, 0
	if atStart {
		// The indentation goes first; the text is appended after it.
		var ni cursor
		ni.init(l.m, head, tail)
		nl, off = nextIndent(&ni)
		l.indent(l.indentFor(nl) + off)
	}
	textStart := len(l.out)
	// The elements are measured against the whole room left on the line
	// first: most groups that do not fit fail there, before what follows
	// them is looked at. The indentation the next line would gain only
	// matters for trailing comments; it is found when there are some.
	room := l.tw - l.cc
	w, used, trailing, ok := l.fits(0, room, &c)
	if ok {
		var fl cursor
		fl.init(l.m, nil, r)
		ok = used <= room-firstLineWidth(&fl)
	}
	if !ok {
		l.out = l.out[:start]
		return false
	}
	if trailing {
		var nx cursor
		nx.init(l.m, nil, r)
		nextNL, _ := nextIndent(&nx)
		lineNL := l.top().nl
		if atStart && nl > lineNL {
			lineNL += l.iw
		}
		grow := 0
		if nextNL > lineNL {
			grow = l.iw
		}
		l.out = l.out[:textStart]
		l.groupCursor(&c, head, tail)
		w, _, _, _ = l.fits(grow-l.cc, room, &c)
	}
	if atStart {
		l.enterNest(nl)
	}
	l.cc += w
	if l.suppress {
		l.out = l.out[:start]
	}
	return true
}

// indentFor returns the indentation a text at nesting nl would get at the
// start of a line (see putPrefix), without changing anything.
func (l *layouter) indentFor(nl int) int {
	k := len(l.indents) - 1
	for nl < l.indents[k].nl {
		k--
	}
	if nl > l.indents[k].nl {
		return l.indents[k].ci + l.iw
	}
	return l.indents[k].ci
}

// groupCursor sets c to walk head and tail the way goGroup measures them:
// at the start of a line, without leading spacing. It reports false when
// there is nothing to walk.
func (l *layouter) groupCursor(c *cursor, head []elem, tail *rest) bool {
	c.init(l.m, head, tail)
	first := c.peek()
	if first == nil {
		return false
	}
	if l.cc == 0 {
		switch {
		case first.kind == eSpacing:
			c.next()
		case first.kind == eGroup && first.n > 0 && l.m.els[first.a].kind == eSpacing:
			c.next()
			c.enterList(l.m.els[first.a+1 : first.a+first.n])
		}
	}
	return true
}

// minWidth returns the width of the regular texts inside the group g, the
// least room g takes on one line. It is computed once and kept in g's
// width field (plus one; zero means not computed yet), which groups do not
// otherwise use.
func (m *docMem) minWidth(g *elem) int {
	if g.width > 0 {
		return int(g.width - 1)
	}
	w := 0
	kids := m.kids(g)
	for i := range kids {
		switch k := &kids[i]; k.kind {
		case eText:
			if k.tann == taRegular {
				w += int(k.width)
			}
		case eGroup:
			w += m.minWidth(k)
		}
	}
	if w > 1<<30 {
		w = 1 << 30
	}
	g.width = int32(w + 1)
	return w
}

type seg struct {
	prio bool
	d    []elem
}

// prioritySegments splits d into runs of ordinary elements and priority
// groups, looking through transparent groups.
func (m *docMem) prioritySegments(d []elem, segs []seg) []seg {
	start := 0
	for i := range d {
		e := &d[i]
		if e.kind != eGroup || e.gann == gRegular {
			continue
		}
		if i > start {
			segs = append(segs, seg{false, d[start:i]})
		}
		if e.gann == gPriority {
			segs = append(segs, seg{true, m.kids(e)})
		} else {
			segs = m.prioritySegments(m.kids(e), segs)
		}
		start = i + 1
	}
	if start < len(d) {
		segs = append(segs, seg{false, d[start:]})
	}
	return segs
}

func (m *docMem) hasPriority(d []elem) bool {
	for i := range d {
		if d[i].kind == eGroup && (d[i].gann == gPriority || d[i].gann == gTransparent && m.hasPriority(m.kids(&d[i]))) {
			return true
		}
	}
	return false
}

// chainOf links the segments' element lists, ending in end.
func (l *layouter) chainOf(segs []seg, end *rest) *rest {
	for i := len(segs) - 1; i >= 0; i-- {
		end = l.rests.new(segs[i].d, end)
	}
	return end
}

// goPriorityGroup tries to print what precedes the priority group segs[i]
// compact, the priority group expanded, and what follows it compact.
func (l *layouter) goPriorityGroup(segs []seg, i int, r *rest) bool {
	savedCC, savedSup, savedLen := l.cc, l.suppress, len(l.out)
	mark := len(l.indentScratch)
	l.indentScratch = append(l.indentScratch, l.indents...)
	savedIndents := l.indentScratch[mark:]
	defer func() { l.indentScratch = l.indentScratch[:mark] }()
	restore := func() {
		l.cc, l.suppress = savedCC, savedSup
		l.out = l.out[:savedLen]
		l.indents = append(l.indents[:0], savedIndents...)
	}
	prio := segs[i].d
	post := segs[i+1:]
	if l.tooWide(l.segsWidth(segs[:i])) {
		return false
	}
	rmark := l.rests.n
	defer func() { l.rests.n = rmark }()
	if !l.goGroup(nil, l.chainOf(segs[:i], nil), l.rests.new(prio, l.chainOf(post, r))) {
		restore()
		return false
	}
	fmark := len(l.flat)
	for _, p := range post {
		l.flat = unexpandShallow(l.flat, p.d)
	}
	flat := l.flat[fmark:len(l.flat):len(l.flat)]
	l.goList(prio, l.rests.new(flat, r))
	l.flat = l.flat[:fmark]
	if l.tooWide(l.segsWidth(post)) || !l.goGroup(nil, l.chainOf(post, nil), r) {
		restore()
		return false
	}
	return true
}

// tooWide reports whether elements whose regular texts are w wide cannot
// fit on the current line (goGroup would fail). Elements without such
// texts may still print nothing and fit anywhere.
func (l *layouter) tooWide(w int) bool { return w > 0 && w > l.tw-l.cc }

// segsWidth is the width of the regular texts in segs.
func (l *layouter) segsWidth(segs []seg) int {
	w := 0
	for _, sg := range segs {
		for i := range sg.d {
			switch e := &sg.d[i]; e.kind {
			case eText:
				if e.tann == taRegular {
					w += int(e.width)
				}
			case eGroup:
				w += l.m.minWidth(e)
			}
		}
	}
	return w
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

// removeDisabled turns disable markers that no region text follows into
// plain comments.
func (m *docMem) removeDisabled(d span) span {
	left := m.countVerbatims(m.slice(d))
	if !m.hasMarker(m.slice(d)) {
		return d
	}
	var walk func(d span) span
	walk = func(d span) span {
		var out []elem
		for i := uint32(0); i < d.n; i++ {
			e := m.els[d.a+i]
			switch {
			case e.kind == eText && e.tann == taDisableMarker:
				if left > 0 {
					out = append(out, e)
				} else {
					c := m.addText("/*nixfmt:disable*/", taComment, e.nest, e.off)
					out = append(out, c, spElem(spHardline))
				}
			case isVerbatimElem(&e):
				left--
				out = append(out, e)
			case e.kind == eGroup:
				k := walk(m.kidSpan(&e))
				e.a, e.n = k.a, k.n
				out = append(out, e)
			default:
				out = append(out, e)
			}
		}
		return m.store(out)
	}
	return walk(d)
}

func (m *docMem) countVerbatims(d []elem) int {
	n := 0
	for i := range d {
		if isVerbatimElem(&d[i]) {
			n++
		} else if d[i].kind == eGroup {
			n += m.countVerbatims(m.kids(&d[i]))
		}
	}
	return n
}

func (m *docMem) hasMarker(d []elem) bool {
	for i := range d {
		if d[i].kind == eText && d[i].tann == taDisableMarker || d[i].kind == eGroup && m.hasMarker(m.kids(&d[i])) {
			return true
		}
	}
	return false
}

func (m *docMem) endsWithEOFRegion(d []elem) bool {
	for i := len(d) - 1; i >= 0; i-- {
		switch e := &d[i]; e.kind {
		case eSpacing:
			continue
		case eText:
			return e.tann == taVerbatimEOF
		case eGroup:
			return m.endsWithEOFRegion(m.kids(e))
		}
	}
	return false
}

// layoutDoc renders a fixed-up document.
func layoutDoc(m *docMem, d span, width, indent, sizeHint int, ws *workspace) []byte {
	// The layouter lives on the stack (its fields change often); its
	// stacks are kept in the workspace.
	k := &ws.lay
	l := layouter{m: m, tw: width, iw: indent, indents: append(k.indents[:0], indentLevel{0, 0}),
		rests: &ws.rests, flat: k.flat[:0], segs: k.segs[:0],
		indentScratch: k.indentScratch[:0]}
	if want := sizeHint + sizeHint/4 + 64; cap(k.out) < want {
		k.out = make([]byte, 0, want)
	}
	l.out = k.out[:0]
	top := []elem{{kind: eGroup, gann: gRegular, a: d.a, n: d.n}}
	l.goList(top, nil)
	k.indents, k.flat, k.segs, k.indentScratch = l.indents[:0], l.flat[:0], l.segs[:0], l.indentScratch[:0]
	k.out = l.out[:0]
	// The result gets memory of its own, of just its size.
	if m.endsWithEOFRegion(m.slice(d)) {
		return append([]byte(nil), bytes.TrimLeftFunc(l.out, isSpace)...)
	}
	trimmed := bytes.TrimFunc(l.out, isSpace)
	// (make followed by copy gets memory that is not cleared first.)
	out := make([]byte, len(trimmed)+1)
	copy(out, trimmed)
	out[len(trimmed)] = '\n'
	return out
}
