package formatter

// Normalising the document while it is built.
//
// fixup (predoc.go) reads a document from left to right, one element and
// the element after it at a time, and pushes what it takes out of groups
// back in front of the rest of its input. That is a machine which can be
// fed one element at a time: it only has to wait while the element it
// holds might still merge with the next one (a spacing, or a text). The
// builder runs one such machine per open group, so that a group's elements
// are normalised by the time the group is closed, and the document never
// has to be copied and walked again.
//
// Two things need care to give exactly fixup's result:
//
//   - fixup moves a hard space before a group into the group before
//     normalising it. The builder knows at the time a group is opened
//     whether a hard space is waiting, and feeds it to the new group first.
//   - fixup normalises the contents of every group it meets, even those
//     it met before (the groups it pushes back in front of its input) and
//     those of documents captured raw. Such groups get the same treatment
//     here, from fixup itself; only the groups closed by the builder are
//     taken as they are.

// level is the state of the machine of one open group (or of the whole
// document): its output so far is buf[mark:]. The element the machine
// holds back, when there is one, is the last of these, at lock or after:
// it may still merge with the next element fed. (What is before lock is
// settled.)
type level struct {
	mark, lock int
	w          int32 // width of the regular texts fed so far (see minWidth)
}

// start prepares the builder to normalise a document.
func (b *builder) start() {
	b.lv = append(b.lv[:0], level{mark: len(b.buf), lock: len(b.buf)})
}

// finish ends the document and returns it, normalised.
func (b *builder) finish() span {
	l := &b.lv[0]
	d := b.m.store(b.buf[l.mark:])
	b.buf = b.buf[:l.mark]
	b.lv = b.lv[:0]
	return d
}

// open starts a group.
func (b *builder) open() {
	p := &b.lv[len(b.lv)-1]
	n := len(b.buf)
	if n > p.lock && b.buf[n-1].kind == eSpacing && b.buf[n-1].sp == spHardspace {
		// fixup would move the hard space into the group: it becomes
		// the group's first element, still held back.
		p.lock = n - 1
		n--
	}
	b.lv = append(b.lv, level{mark: n, lock: n})
}

// close ends the innermost open group.
func (b *builder) close(a groupAnn) {
	top := len(b.lv) - 1
	mark, w := b.lv[top].mark, b.lv[top].w
	b.lv = b.lv[:top]
	inner := b.m.store(b.buf[mark:])
	b.buf = b.buf[:mark]
	b.feedGroup(a, inner, true, w)
}

// feed passes one element to the machine of the innermost open group.
func (b *builder) feed(e elem) {
	if e.kind == eGroup {
		b.feedGroup(e.gann, b.m.kidSpan(&e), false, int32(b.m.minWidth(&e)))
		return
	}
	l := &b.lv[len(b.lv)-1]
	if e.kind == eText && e.tann == taRegular {
		l.w += e.width
	}
	if n := len(b.buf); n > l.lock {
		switch x := &b.buf[n-1]; {
		case x.kind == eSpacing && e.kind == eSpacing:
			*x = mergeSpacing(*x, e)
			return
		case x.kind == eText && e.kind == eText && e.tann == x.tann:
			b.m.mergeText(x, &e)
			return
		}
	}
	b.buf = append(b.buf, e)
}

// mergeText appends the text y to the text x.
func (m *docMem) mergeText(x, y *elem) { m.extendText(x, int(y.a), int(y.n), y.width) }

// extendText appends to the text x the n bytes at st, w characters wide.
func (m *docMem) extendText(x *elem, st, n int, w int32) {
	if int(x.a+x.n) != st {
		if int(x.a+x.n) != len(m.text) {
			a := len(m.text)
			m.text = append(m.text, m.str(x)...)
			x.a = uint32(a)
		}
		m.text = append(m.text, m.text[st:st+n]...)
	}
	x.n += uint32(n)
	x.width += w
}

// feedSpan feeds the elements of d.
func (b *builder) feedSpan(d span) {
	for i := uint32(0); i < d.n; i++ {
		b.feed(b.m.els[d.a+i])
	}
}

// feedGroup passes a group to the machine of the innermost open group.
// kids are its elements, already normalised when fixed is set; w is the
// width of their regular texts. (Normalising moves only spacings,
// comments and other texts out of a group: the group that is left has
// the same regular texts.)
func (b *builder) feedGroup(a groupAnn, kids span, fixed bool, w int32) {
	m := b.m
	l := &b.lv[len(b.lv)-1]
	l.w += w
	if n := len(b.buf); n > l.lock {
		// The element held back is looked at where it is.
		x := &b.buf[n-1]
		switch {
		case x.kind == eSpacing && x.sp == spHardspace:
			// Only groups that were not built here can meet a waiting
			// hard space (see open). It goes into the group.
			k := uint32(len(m.els))
			m.els = append(m.els, *x)
			m.els = append(m.els, m.slice(kids)...)
			b.buf = b.buf[:n-1]
			l.lock = n - 1
			kids, fixed = span{k, kids.n + 1}, false
		case x.kind == eSpacing:
			if !fixed {
				kids = b.fx.fixup(kids)
			}
			pre, body, post := splitFixed(m, kids, a)
			if body.n == 0 {
				// x is still held back: the elements may merge with it.
				b.feedSpan(pre)
				b.feedSpan(post)
				return
			}
			switch ps := m.slice(pre); {
			case pre.n == 0:
			case ps[0].kind != eSpacing && isNormal(ps):
				b.buf = append(b.buf, ps...)
			default:
				k := uint32(len(m.els))
				m.els = append(m.els, *x)
				m.els = append(m.els, ps...)
				b.buf = b.buf[:n-1]
				head := b.fx.fixup(span{k, pre.n + 1})
				b.buf = append(b.buf, m.slice(head)...)
			}
			b.pushGroup(a, body, w)
			l.lock = len(b.buf)
			b.feedSpan(post)
			return
		default:
			l.lock = n // settled where it is
		}
	}
	if !fixed {
		kids = b.fx.fixup(kids)
	}
	pre, body, post := splitFixed(m, kids, a)
	if body.n == 0 {
		b.feedSpan(pre)
		b.feedSpan(post)
		return
	}
	if pre.n > 0 {
		if ps := m.slice(pre); isNormal(ps) {
			b.buf = append(b.buf, ps...)
		} else {
			b.buf = append(b.buf, m.slice(b.fx.fixup(pre))...)
		}
	}
	b.pushGroup(a, body, w)
	l.lock = len(b.buf)
	b.feedSpan(post)
}

// pushGroup appends a group of kind a with the elements body, whose
// regular texts are w wide (written in place, see pushText).
func (b *builder) pushGroup(a groupAnn, body span, w int32) {
	b.buf = append(b.buf, elem{})
	g := &b.buf[len(b.buf)-1]
	g.kind, g.gann, g.width, g.a, g.n = eGroup, a, w+1, body.a, body.n
}

// isNormal reports whether fixup would leave es as it is: no groups, and
// no spacings or texts of the same kind next to each other.
func isNormal(es []elem) bool {
	for i := range es {
		e := &es[i]
		if e.kind == eGroup {
			return false
		}
		if i > 0 {
			if p := &es[i-1]; p.kind == e.kind && (e.kind == eSpacing || p.tann == e.tann) {
				return false
			}
		}
	}
	return true
}
