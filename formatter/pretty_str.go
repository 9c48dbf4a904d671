package formatter

import "unicode/utf8"

// Parameters and strings.

func (p *printer) param(pr param) {
	b := &p.b
	switch x := pr.(type) {
	case *idParam:
		p.leaf(x.name)
	case *ctxParam:
		p.param(x.first)
		p.leaf(x.at)
		p.param(x.second)
	case *setParam:
		if len(x.attrs) == 0 {
			b.group(gRegular, func() {
				p.leaf(p.moveTrailingCommentUp(x.open))
				if x.open.line != x.close.line {
					b.hardline()
				} else {
					b.hardspace()
				}
				p.leaf(x.close)
			})
			return
		}
		sep := spHardline
		if canFlattenAttrs(x) {
			sep = spSpace
		}
		attrs := p.moveParamsComments(x.attrs)
		for i, a := range attrs {
			attrs[i] = p.moveParamAttrComment(a)
		}
		b.group(gRegular, func() {
			p.leaf(p.moveTrailingCommentUp(x.open))
			b.sp(sep)
			b.nested(func() {
				for i, a := range attrs {
					if i > 0 {
						b.sp(sep)
					}
					if i == len(attrs)-1 && a.ellipsis == nil && a.comma != nil && !a.comma.hasTrivia() {
						// The last comma only appears when expanded.
						c := *a
						c.comma = nil
						p.paramAttr(&c)
						b.trailing(",")
						continue
					}
					p.paramAttr(a)
				}
			})
			b.sp(sep)
			b.nested(func() { p.trivia(x.close.pre) })
			p.leafNoPre(x.close)
		})
	}
}

func (p *printer) paramAttr(a *paramAttr) {
	b := &p.b
	if a.ellipsis != nil {
		p.leaf(a.ellipsis)
		return
	}
	if a.q == nil {
		p.leaf(a.name)
		if a.comma != nil {
			p.leaf(a.comma)
		}
		return
	}
	b.group(gRegular, func() {
		p.leaf(a.name)
		b.hardspace()
		b.nested(func() {
			p.leaf(a.q)
			p.absorbRHS(a.def)
		})
		if a.comma != nil {
			p.leaf(a.comma)
		}
	})
}

func hasDirective(t trivia) bool {
	for _, x := range t {
		if x.kind == tvDirective {
			return true
		}
	}
	return false
}

// moveParamsComments moves comments written before a leading comma to the
// name after it, and gives the last attribute a comma.
func (p *printer) moveParamsComments(in []*paramAttr) []*paramAttr {
	ma := p.a
	out := ma.pattrPtrs.copy(in)
	for i, a := range out {
		out[i] = ma.pattrs.put(*a)
	}
	for i, a := range out {
		if a.ellipsis == nil && a.comma != nil && a.comma.trail == "" && i+1 < len(out) && !hasDirective(a.comma.pre) {
			nx := out[i+1]
			// (Nothing to move is nothing to change.)
			if moved := a.comma.pre; len(moved) > 0 {
				switch {
				case nx.ellipsis == nil:
					nx.name = ma.cloneLeaf(nx.name, func(x *ann) { x.pre = ma.concatTrivia(moved, x.pre) })
					a.comma = ma.cloneLeaf(a.comma, func(x *ann) { x.pre = nil })
				case i+2 == len(out):
					nx.ellipsis = ma.cloneLeaf(nx.ellipsis, func(x *ann) { x.pre = ma.concatTrivia(moved, x.pre) })
					a.comma = ma.cloneLeaf(a.comma, func(x *ann) { x.pre = nil })
				}
			}
		}
		if i == len(out)-1 && a.ellipsis == nil && a.comma == nil {
			a.comma = ma.leaves.put(leaf{ann: ann{line: a.name.line}, text: ","})
		}
	}
	return out
}

// moveParamAttrComment moves a comment after a name (or default) behind
// its comma.
func (p *printer) moveParamAttrComment(a *paramAttr) *paramAttr {
	if a.ellipsis != nil || a.comma == nil || a.comma.hasTrivia() {
		return a
	}
	ma := p.a
	if a.q == nil {
		if a.name.trail == "" {
			return a
		}
		c := ma.pattrs.put(*a)
		trail := a.name.trail
		c.name = ma.cloneLeaf(a.name, func(x *ann) { x.trail = "" })
		c.comma = ma.cloneLeaf(a.comma, func(x *ann) { x.trail = trail })
		return c
	}
	c := ma.pattrs.put(*a)
	var trail string
	c.def = ma.mapLast(a.def, func(x *ann) { trail, x.trail = x.trail, "" })
	c.comma = ma.cloneLeaf(a.comma, func(x *ann) { x.trail = trail })
	return c
}

// ---- strings ----

func (p *printer) simpleString(lines [][]strPart) {
	b := &p.b
	b.group(gRegular, func() {
		b.text("\"")
		for i, ln := range lines {
			if i > 0 {
				b.text("\n")
			}
			p.strLine(ln)
		}
		b.text("\"")
	})
}

func (p *printer) indentedString(s *stringTerm) {
	b := &p.b
	b.group(gRegular, func() {
		b.text("''")
		if len(s.lines) >= 2 {
			b.line_()
		}
		b.nested(func() {
			for i, ln := range s.lines {
				if i > 0 {
					b.newline()
				}
				if s.cut {
					p.rawLine(s.cutInd, ln)
				} else {
					p.strLine(ln)
				}
			}
		})
		b.text("''")
	})
}

// rawLine prints a line of a string cut by a disabled region at its
// original column.
func (p *printer) rawLine(ind string, ln []strPart) {
	b := &p.b
	if len(ln) == 0 {
		return
	}
	if ln[0].interp == nil {
		t := ln[0].text
		i := 0
		for i < len(t) {
			r, n := utf8.DecodeRuneInString(t[i:])
			if !isSpace(r) {
				break
			}
			i += n
		}
		ws, content := t[:i], t[i:]
		b.raw(ind+ws, taRawText)
		rest := append([]strPart{{text: content}}, ln[1:]...)
		b.offset(textWidth(ws), func() { p.strLine(rest) })
		return
	}
	b.raw(ind, taRawText)
	p.strLine(ln)
}

// strLine prints one line of a string or a path.
func (p *printer) strLine(parts []strPart) {
	b := &p.b
	// A line that is only an interpolation (after indentation) lets the
	// interpolated code absorb.
	if len(parts) == 1 && parts[0].interp != nil && len(parts[0].interp.trivia) == 0 {
		parts = []strPart{{text: ""}, parts[0]}
	}
	if len(parts) == 2 && parts[0].interp == nil && isSpaces(parts[0].text) &&
		parts[1].interp != nil && len(parts[1].interp.trivia) == 0 {
		pre := parts[0].text
		e := parts[1].interp.e
		b.text(pre)
		b.offset(textWidth(pre), func() {
			b.group(gRegular, func() {
				b.text("${")
				b.nested(func() { p.absorbedInner(e) })
				b.text("}")
			})
		})
		return
	}
	if len(parts) == 1 && parts[0].interp != nil {
		w := parts[0].interp
		b.group(gRegular, func() {
			b.text("${")
			b.line_()
			b.nested(func() { p.whole(w) })
			b.line_()
			b.text("}")
		})
		return
	}
	if len(parts) > 0 && parts[0].interp == nil {
		t := parts[0].text
		b.text(t)
		ind := 0
		for _, r := range t {
			if !isSpace(r) {
				break
			}
			ind++
		}
		b.offset(ind, func() {
			for _, pt := range parts[1:] {
				p.strPart(pt)
			}
		})
		return
	}
	for _, pt := range parts {
		p.strPart(pt)
	}
}

func (p *printer) strPart(pt strPart) {
	b := &p.b
	if pt.interp == nil {
		b.text(pt.text)
		return
	}
	w := pt.interp
	if len(w.trivia) == 0 && isTerm(w.e) && isAbsorbable(w.e) {
		b.group(gRegular, func() {
			b.text("${")
			p.prettyTerm(w.e)
			b.text("}")
		})
		return
	}
	if len(w.trivia) == 0 && isSimple(w.e) {
		b.text("${")
		d := b.capture(func() { p.expr(w.e) })
		if !b.addCompact(d, -1) {
			b.add(d)
		}
		b.text("}")
		return
	}
	b.group(gRegular, func() {
		b.text("${")
		d := b.capture(func() { p.whole(w) })
		if !b.addCompact(d, 30) {
			b.line_()
			b.add(b.m.nestDoc(d))
			b.line_()
		}
		b.text("}")
	})
}
