package formatter

import (
	"bytes"
	"strings"
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

type cframe struct {
	d []elem
	i int
}

// cursor walks a list of elements followed by a rest chain. Groups are
// entered explicitly, so "the next element" means the next one in the list
// being walked, the way a list with a group's contents spliced in front is
// walked.
type cursor struct {
	fr    [8]cframe
	extra []cframe // frames beyond len(fr)
	n     int
	r     *rest
}

func (c *cursor) init(d []elem, r *rest) {
	c.n = 0
	c.r = r
	if len(d) > 0 {
		c.push(d)
	}
}

func (c *cursor) top() *cframe {
	if c.n <= len(c.fr) {
		return &c.fr[c.n-1]
	}
	return &c.extra[c.n-1-len(c.fr)]
}

func (c *cursor) push(d []elem) {
	if c.n < len(c.fr) {
		c.fr[c.n] = cframe{d: d}
	} else {
		c.extra = append(c.extra[:c.n-len(c.fr)], cframe{d: d})
	}
	c.n++
}

func (c *cursor) normalize() bool {
	for {
		if c.n > 0 {
			top := c.top()
			if top.i < len(top.d) {
				return true
			}
			c.n--
			continue
		}
		if c.r == nil {
			return false
		}
		if len(c.r.d) > 0 {
			c.push(c.r.d)
		}
		c.r = c.r.next
	}
}

func (c *cursor) next() *elem {
	if !c.normalize() {
		return nil
	}
	top := c.top()
	e := &top.d[top.i]
	top.i++
	return e
}

func (c *cursor) peek() *elem {
	if !c.normalize() {
		return nil
	}
	top := c.top()
	return &top.d[top.i]
}

func (c *cursor) enter(kids []elem) {
	if len(kids) > 0 {
		c.push(kids)
	}
}

func (c *cursor) clone(dst *cursor) {
	dst.fr = c.fr
	dst.n = c.n
	dst.r = c.r
	if c.n > len(c.fr) {
		dst.extra = append([]cframe(nil), c.extra[:c.n-len(c.fr)]...)
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
	*r = rest{d: d, next: next}
	a.n++
	return r
}

type layouter struct {
	tw, iw        int
	indentScratch []indentLevel
	rests         *restAlloc
	segs          []seg // stack of priority segments being tried
	cc            int   // column on the current line, indentation not included
	indents       []indentLevel
	suppress      bool // inside a disabled region: compute, but print nothing
	out           []byte
	scratch       []byte
}

// fits tries to put the elements at c on one line within width w. ni is
// the indentation the next line would gain (it decides how a trailing
// comment is spaced). On success the line's text is left in l.scratch and
// its width returned.
func (l *layouter) fits(ni, w int, c *cursor) (int, bool) {
	l.scratch = l.scratch[:0]
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
				l.scratch = append(l.scratch, e.text...)
				ni -= int(e.width)
				w -= int(e.width)
				width += int(e.width)
			case taComment:
				l.scratch = append(l.scratch, e.text...)
				width += int(e.width)
			case taTrailingComment:
				if ni == 0 {
					l.scratch = append(l.scratch, ' ')
					width++
				}
				l.scratch = append(l.scratch, e.text...)
				width += int(e.width)
			case taTrailing:
			default:
				return 0, false
			}
		case eSpacing:
			switch sp := c.nextSpacing(e); sp.sp {
			case spSoftbreak, spBreak:
			case spSoftspace, spSpace, spHardspace:
				l.scratch = append(l.scratch, ' ')
				ni--
				w--
				width++
			default:
				return 0, false
			}
		case eGroup:
			c.enter(e.kids)
		}
	}
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
			switch sp := c.nextSpacing(e); sp.sp {
			case spSoftbreak, spBreak:
			case spSoftspace, spSpace, spHardspace:
				ni--
				w--
				width++
			default:
				return 0, false
			}
		case eGroup:
			c.enter(e.kids)
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
			if sp := c.nextSpacing(e); sp.sp == spHardspace {
				w++
			} else {
				return w
			}
		case eGroup:
			c.enter(e.kids)
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
			if sp := c.nextSpacing(e); sp.sp == spHardspace {
				w--
			} else {
				return max-w <= target
			}
		case eGroup:
			var after cursor
			c.clone(&after)
			fl := firstLineWidth(&after)
			var inner cursor
			inner.init(e.kids, nil)
			if tw, ok := fitsWidth(0, w-fl, &inner); ok {
				w -= tw
			} else {
				c.enter(e.kids)
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
			c.enter(e.kids)
		}
	}
}

func nextIndentOf(d []elem, r *rest) int {
	var c cursor
	c.init(d, r)
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
	for {
		top := l.top()
		if nl > top.nl {
			ci := top.ci
			if l.cc == 0 {
				ci += l.iw
			}
			l.indents = append(l.indents, indentLevel{ci: ci, nl: nl})
			break
		}
		if nl < top.nl {
			l.indents = l.indents[:len(l.indents)-1]
			continue
		}
		break
	}
	cc := l.cc
	l.cc = cc + w
	if !withIndent && l.cc < 1 {
		l.cc = 1
	}
	if l.suppress {
		return false
	}
	if cc == 0 && withIndent {
		for n := l.top().ci + off; n > 0; n-- {
			l.out = append(l.out, ' ')
		}
	}
	return true
}

func (l *layouter) putText(withIndent bool, nl, off int, t string, w int) {
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
			if l.cc == 2 && nextIndentOf(xs, r) > l.top().nl {
				// Keep the comment from sticking to the next line's
				// first element when reformatted.
				l.put(" "+x.text, 1+int(x.width))
				return
			}
			l.putText(true, int(x.nest), int(x.off), x.text, int(x.width))
		case taDisableMarker:
			l.suppress = true
		case taRawText:
			l.putText(false, int(x.nest), int(x.off), x.text, int(x.width))
		case taVerbatim, taVerbatimEOF:
			atStart := l.cc == 0
			was := l.suppress
			last := x.text[strings.LastIndexByte(x.text, '\n')+1:]
			l.cc = textWidth(last)
			l.suppress = false
			if !atStart && !was {
				l.out = append(l.out, '\n')
			}
			l.out = append(l.out, x.text...)
		default:
			l.putText(true, int(x.nest), int(x.off), x.text, int(x.width))
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
			l.putNL(int(x.n))
		case spSoftbreak:
			var c cursor
			c.init(xs, r)
			if !firstLineFits(l.tw-l.cc, l.tw, &c) {
				l.putNL(1)
			}
		case spSoftspace:
			var c cursor
			c.init(xs, r)
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
		if l.goGroup(x.kids, nil, rr) {
			return
		}
		if x.gann != gTransparent && hasPriority(x.kids) {
			smark := len(l.segs)
			l.segs = prioritySegments(x.kids, l.segs)
			segs := l.segs[smark:len(l.segs):len(l.segs)]
			for i := len(segs) - 1; i >= 0; i-- {
				if segs[i].prio && l.goPriorityGroup(segs, i, rr) {
					l.segs = l.segs[:smark]
					return
				}
			}
			l.segs = l.segs[:smark]
		}
		l.goList(x.kids, rr)
	}
}

// goGroup prints a group's elements (head followed by the chain tail) on
// the current line if they fit, and reports whether they did; otherwise
// nothing changes. r is what follows the group.
func (l *layouter) goGroup(head []elem, tail *rest, r *rest) bool {
	var c cursor
	c.init(head, tail)
	first := c.peek()
	if first == nil {
		return true
	}
	var fl cursor
	fl.init(nil, r)
	restWidth := firstLineWidth(&fl)
	var nx cursor
	nx.init(nil, r)
	nextNL, _ := nextIndent(&nx)
	if l.cc == 0 {
		// At the start of a line, leading spacing is dropped.
		var ni cursor
		ni.init(head, tail)
		nl, off := nextIndent(&ni)
		switch {
		case first.kind == eSpacing:
			c.next()
		case first.kind == eGroup && len(first.kids) > 0 && first.kids[0].kind == eSpacing:
			c.next()
			c.enter(first.kids[1:])
		}
		lineNL := l.top().nl
		if nl > lineNL {
			lineNL += l.iw
		}
		grow := 0
		if nextNL > lineNL {
			grow = l.iw
		}
		w, ok := l.fits(grow, l.tw-restWidth, &c)
		if !ok {
			return false
		}
		if l.putPrefix(true, nl, off, w) {
			l.out = append(l.out, l.scratch...)
		}
		return true
	}
	grow := 0
	if nextNL > l.top().nl {
		grow = l.iw
	}
	w, ok := l.fits(grow-l.cc, l.tw-l.cc-restWidth, &c)
	if !ok {
		return false
	}
	if !l.suppress {
		l.out = append(l.out, l.scratch...)
	}
	l.cc += w
	return true
}

type seg struct {
	prio bool
	d    []elem
}

// prioritySegments splits d into runs of ordinary elements and priority
// groups, looking through transparent groups.
func prioritySegments(d []elem, segs []seg) []seg {
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
			segs = append(segs, seg{true, e.kids})
		} else {
			segs = prioritySegments(e.kids, segs)
		}
		start = i + 1
	}
	if start < len(d) {
		segs = append(segs, seg{false, d[start:]})
	}
	return segs
}

func hasPriority(d []elem) bool {
	for i := range d {
		if d[i].kind == eGroup && (d[i].gann == gPriority || d[i].gann == gTransparent && hasPriority(d[i].kids)) {
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
	rmark := l.rests.n
	defer func() { l.rests.n = rmark }()
	if !l.goGroup(nil, l.chainOf(segs[:i], nil), l.rests.new(prio, l.chainOf(post, r))) {
		restore()
		return false
	}
	var flat []elem
	for _, p := range post {
		flat = unexpandShallow(flat, p.d)
	}
	l.goList(prio, l.rests.new(flat, r))
	if !l.goGroup(nil, l.chainOf(post, nil), r) {
		restore()
		return false
	}
	return true
}

// removeDisabled turns disable markers that no region text follows into
// plain comments.
func removeDisabled(d []elem) []elem {
	left := countVerbatims(d)
	if !hasMarker(d) {
		return d
	}
	var walk func(d []elem) []elem
	walk = func(d []elem) []elem {
		out := make([]elem, 0, len(d))
		for _, e := range d {
			switch {
			case e.kind == eText && e.tann == taDisableMarker:
				if left > 0 {
					out = append(out, e)
				} else {
					out = append(out, elem{kind: eText, tann: taComment, nest: e.nest, off: e.off, text: "/*nixfmt:disable*/", width: 18}, spElem(spHardline))
				}
			case isVerbatimElem(&e):
				left--
				out = append(out, e)
			case e.kind == eGroup:
				e.kids = walk(e.kids)
				out = append(out, e)
			default:
				out = append(out, e)
			}
		}
		return out
	}
	return walk(d)
}

func countVerbatims(d []elem) int {
	n := 0
	for i := range d {
		if isVerbatimElem(&d[i]) {
			n++
		} else if d[i].kind == eGroup {
			n += countVerbatims(d[i].kids)
		}
	}
	return n
}

func hasMarker(d []elem) bool {
	for i := range d {
		if d[i].kind == eText && d[i].tann == taDisableMarker || d[i].kind == eGroup && hasMarker(d[i].kids) {
			return true
		}
	}
	return false
}

func endsWithEOFRegion(d []elem) bool {
	for i := len(d) - 1; i >= 0; i-- {
		switch e := &d[i]; e.kind {
		case eSpacing:
			continue
		case eText:
			return e.tann == taVerbatimEOF
		case eGroup:
			return endsWithEOFRegion(e.kids)
		}
	}
	return false
}

// layoutDoc renders a fixed-up document.
func layoutDoc(d []elem, width, indent, sizeHint int, ws *workspace) []byte {
	l := &layouter{tw: width, iw: indent, indents: append(ws.indents[:0], indentLevel{0, 0}),
		scratch: ws.scratch[:0], rests: &ws.rests}
	l.out = make([]byte, 0, sizeHint+sizeHint/4+64)
	top := []elem{{kind: eGroup, gann: gRegular, kids: d}}
	l.goList(top, nil)
	ws.indents, ws.scratch = l.indents[:0], l.scratch[:0]
	out := l.out
	if endsWithEOFRegion(d) {
		return bytes.TrimLeftFunc(out, isSpace)
	}
	out = bytes.TrimFunc(out, isSpace)
	return append(out, '\n')
}
