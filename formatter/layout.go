package formatter

import (
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
	buf   [6]cframe
	stack []cframe
	r     *rest
}

func (c *cursor) init(d []elem, r *rest) {
	c.stack = c.buf[:0]
	if len(d) > 0 {
		c.stack = append(c.stack, cframe{d: d})
	}
	c.r = r
}

func (c *cursor) normalize() bool {
	for {
		if n := len(c.stack); n > 0 {
			top := &c.stack[n-1]
			if top.i < len(top.d) {
				return true
			}
			c.stack = c.stack[:n-1]
			continue
		}
		if c.r == nil {
			return false
		}
		if len(c.r.d) > 0 {
			c.stack = append(c.stack, cframe{d: c.r.d})
		}
		c.r = c.r.next
	}
}

func (c *cursor) next() *elem {
	if !c.normalize() {
		return nil
	}
	top := &c.stack[len(c.stack)-1]
	e := &top.d[top.i]
	top.i++
	return e
}

func (c *cursor) peek() *elem {
	if !c.normalize() {
		return nil
	}
	top := &c.stack[len(c.stack)-1]
	return &top.d[top.i]
}

func (c *cursor) enter(kids []elem) {
	if len(kids) > 0 {
		c.stack = append(c.stack, cframe{d: kids})
	}
}

func (c *cursor) clone(dst *cursor) {
	dst.stack = append(dst.buf[:0], c.stack...)
	dst.r = c.r
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

type layouter struct {
	tw, iw   int
	cc       int // column on the current line, indentation not included
	indents  []indentLevel
	suppress bool // inside a disabled region: compute, but print nothing
	out      []byte
	scratch  []byte
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

// putText prints a text at nesting nl and offset off, indenting it when it
// starts a line. Nesting deeper than the current line's adds one level of
// indentation only for the first text of a line.
func (l *layouter) putText(withIndent bool, nl, off int, t string, w int) {
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
	if withIndent {
		l.cc = cc + w
	} else {
		l.cc = cc + w
		if l.cc < 1 {
			l.cc = 1
		}
	}
	if l.suppress {
		return
	}
	if cc == 0 && withIndent {
		for n := l.top().ci + off; n > 0; n-- {
			l.out = append(l.out, ' ')
		}
	}
	l.out = append(l.out, t...)
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
		rr := &rest{d: xs, next: r}
		if l.goGroup(x.kids, rr) {
			return
		}
		if x.gann != gTransparent {
			pgs := priorityGroups(x.kids)
			for i := len(pgs) - 1; i >= 0; i-- {
				if l.goPriorityGroup(pgs[i], rr) {
					return
				}
			}
		}
		l.goList(x.kids, rr)
	}
}

// goGroup prints grp on the current line if it fits, and reports whether
// it did; otherwise nothing changes.
func (l *layouter) goGroup(grp []elem, r *rest) bool {
	if len(grp) == 0 {
		return true
	}
	var fl cursor
	fl.init(nil, r)
	restWidth := firstLineWidth(&fl)
	grow := func(lineNL int) int {
		if nextIndentOf(nil, r) > lineNL {
			return l.iw
		}
		return 0
	}
	var c cursor
	if l.cc == 0 {
		// At the start of a line, leading spacing is dropped.
		switch {
		case grp[0].kind == eSpacing:
			c.init(grp[1:], nil)
		case grp[0].kind == eGroup && len(grp[0].kids) > 0 && grp[0].kids[0].kind == eSpacing:
			c.init(grp[1:], nil)
			c.enter(grp[0].kids[1:])
		default:
			c.init(grp, nil)
		}
		nl, off := func() (int, int) { var n cursor; n.init(grp, nil); return nextIndent(&n) }()
		lineNL := l.top().nl
		if nl > lineNL {
			lineNL += l.iw
		}
		w, ok := l.fits(grow(lineNL), l.tw-restWidth, &c)
		if !ok {
			return false
		}
		l.putText(true, nl, off, string(l.scratch), w)
		return true
	}
	c.init(grp, nil)
	w, ok := l.fits(grow(l.top().nl)-l.cc, l.tw-l.cc-restWidth, &c)
	if !ok {
		return false
	}
	if !l.suppress {
		l.out = append(l.out, l.scratch...)
	}
	l.cc += w
	return true
}

type prioSplit struct{ pre, prio, post []elem }

// priorityGroups lists, for each priority group among d's elements (looking
// through transparent groups), what comes before it, it, and what comes
// after.
func priorityGroups(d []elem) []prioSplit {
	type seg struct {
		prio bool
		d    []elem
	}
	var segs []seg
	hasPrio := false
	var walk func(d []elem)
	walk = func(d []elem) {
		for i := range d {
			e := &d[i]
			if e.kind == eGroup && e.gann == gPriority {
				segs = append(segs, seg{true, e.kids})
				hasPrio = true
				continue
			}
			if e.kind == eGroup && e.gann == gTransparent {
				walk(e.kids)
				continue
			}
			if n := len(segs); n > 0 && !segs[n-1].prio {
				segs[n-1].d = append(segs[n-1].d, *e)
			} else {
				segs = append(segs, seg{false, []elem{*e}})
			}
		}
	}
	walk(d)
	if !hasPrio {
		return nil
	}
	var out []prioSplit
	for i, s := range segs {
		if !s.prio {
			continue
		}
		var pre, post []elem
		for _, p := range segs[:i] {
			pre = append(pre, p.d...)
		}
		for _, p := range segs[i+1:] {
			post = append(post, p.d...)
		}
		out = append(out, prioSplit{pre: pre, prio: s.d, post: post})
	}
	return out
}

// goPriorityGroup tries to print pre compact, the priority group expanded
// and post compact.
func (l *layouter) goPriorityGroup(p prioSplit, r *rest) bool {
	savedCC, savedSup, savedLen := l.cc, l.suppress, len(l.out)
	savedIndents := append([]indentLevel(nil), l.indents...)
	restore := func() {
		l.cc, l.suppress = savedCC, savedSup
		l.out = l.out[:savedLen]
		l.indents = append(l.indents[:0], savedIndents...)
	}
	if !l.goGroup(p.pre, &rest{d: p.prio, next: &rest{d: p.post, next: r}}) {
		restore()
		return false
	}
	l.goList(p.prio, &rest{d: unexpandShallow(p.post), next: r})
	if !l.goGroup(p.post, r) {
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
func layoutDoc(d []elem, width, indent int) []byte {
	l := &layouter{tw: width, iw: indent, indents: []indentLevel{{0, 0}}}
	l.out = make([]byte, 0, 4096)
	top := []elem{{kind: eGroup, gann: gRegular, kids: d}}
	l.goList(top, nil)
	out := l.out
	if endsWithEOFRegion(d) {
		s := strings.TrimLeftFunc(string(out), isSpace)
		return []byte(s)
	}
	s := trimSpace(string(out))
	return append([]byte(s), '\n')
}
