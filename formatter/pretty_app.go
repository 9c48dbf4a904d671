package formatter

// Function application, operators, right-hand sides and the predicates
// deciding what may be "absorbed" (kept on the line of what precedes it).

func isList(e expr) bool { _, ok := e.(*listTerm); return ok }

// prettyApp lays out `f a`. Each argument but the last is a priority
// group, so the last arguments expand first; preLine adds a line break
// the call may start with, hasPost one it may end with.
func (p *printer) prettyApp(indentFunction, preLine, hasPost bool, f, a expr) {
	b := &p.b
	// Comments before the function move out, so they do not force the
	// call to expand; language annotations stay.
	var comment trivia
	fw := f
	if fa := firstAnn(f); fa.trail != "" || len(fa.pre) > 0 {
		fw = p.a.mapFirst(f, func(x *ann) {
			p.a.moveTrailUp(x)
			var keep trivia
			for _, t := range x.pre {
				if t.kind == tvLangAnnotation {
					keep = append(keep, t)
				} else {
					comment = append(comment, t)
				}
			}
			x.pre = keep
		})
	}

	absorbInner := func(e expr) {
		if l, ok := e.(*listTerm); ok && len(l.items) <= 6 {
			simple := true
			for _, it := range l.items {
				if it.v != nil && !isSimple(it.v.(expr)) {
					simple = false
					break
				}
			}
			if simple {
				p.renderList(spSpace, l)
				return
			}
		}
		p.expr(e)
	}

	var absorbApp func(e expr)
	absorbApp = func(e expr) {
		ap, ok := e.(*application)
		if !ok {
			if indentFunction && len(comment) == 0 {
				b.nested(func() {
					b.group(gRegular, func() {
						b.line_()
						p.expr(e)
					})
				})
				return
			}
			p.expr(e)
			return
		}
		if _, isSel := ap.a.(*selection); isSel {
			b.group(gTransparent, func() { absorbApp(ap.f) })
			b.line()
			b.nested(func() { b.group(gRegular, func() { absorbInner(ap.a) }) })
			return
		}
		if ap2, ok := ap.f.(*application); ok && isList(ap2.a) && isList(ap.a) {
			b.group(gTransparent, func() {
				b.group(gTransparent, func() { absorbApp(ap2.f) })
				b.nested(func() {
					b.group(gRegular, func() {
						b.line()
						b.group(gRegular, func() { absorbInner(ap2.a) })
						b.line()
						b.group(gRegular, func() { absorbInner(ap.a) })
					})
				})
			})
			return
		}
		b.group(gTransparent, func() { absorbApp(ap.f) })
		b.line()
		b.nested(func() { b.group(gPriority, func() { absorbInner(ap.a) }) })
	}

	p.trivia(comment)
	if fa, ok := fw.(*application); ok && isList(fa.a) && isList(a) {
		b.group(gRegular, func() {
			if preLine {
				b.line()
			}
			b.group(gTransparent, func() { absorbApp(fa.f) })
			b.line()
			b.nested(func() { b.group(gRegular, func() { absorbInner(fa.a) }) })
			b.line()
			b.nested(func() { b.group(gRegular, func() { absorbInner(a) }) })
			if hasPost {
				b.line_()
			}
		})
	} else {
		renderF := func() {
			if preLine {
				b.line()
			}
			b.group(gTransparent, func() { absorbApp(fw) })
		}
		b.group(gRegular, func() {
			if isSimpleApp(f, a) {
				// Only a simple call may be put on one line as it is;
				// for that, the function part is printed aside first.
				renderedF := b.capture(renderF)
				if b.addCompact(renderedF, -1) {
					b.hardspace()
					p.absorbLast(a)
					return
				}
				b.add(renderedF)
			} else {
				renderF()
			}
			b.line()
			p.absorbLast(a)
			if hasPost {
				b.line_()
			}
		})
	}
	if hasPost && len(comment) > 0 {
		b.hardline()
	}
}

// absorbLast prints the last argument of a call.
func (p *printer) absorbLast(a expr) {
	b := &p.b
	if isTerm(a) && isAbsorbable(a) {
		g := b.begin()
		b.nest++
		p.prettyTerm(a)
		b.nest--
		b.end(gPriority, g)
		return
	}
	par, ok := a.(*paren)
	if !ok {
		g := b.begin()
		b.nest++
		p.expr(a)
		b.nest--
		b.end(gRegular, g)
		return
	}
	switch in := par.e.(type) {
	case *abstraction:
		// (x: { ... })
		if id, ok := in.param.(*idParam); ok && isTerm(in.body) && isAbsorbable(in.body) &&
			!par.open.hasTrivia() && !id.name.hasTrivia() && !in.colon.hasTrivia() {
			b.group(gPriority, func() {
				b.nested(func() {
					p.leaf(par.open)
					p.leaf(id.name)
					p.leaf(in.colon)
					b.hardspace()
					p.termWide(in.body)
					p.leaf(par.close)
				})
			})
			return
		}
	case *application:
		// (f { ... })
		if fn, ok := in.f.(*leaf); ok && fn.kind == tkIdent && isTerm(in.a) && isAbsorbable(in.a) &&
			!par.open.hasTrivia() && !fn.hasTrivia() && !par.close.hasTrivia() {
			b.group(gPriority, func() {
				b.nested(func() {
					p.leaf(par.open)
					b.text(fn.text)
					b.hardspace()
					p.termWide(in.a)
					p.leaf(par.close)
				})
			})
			return
		}
	}
	p.absorbParen(par)
}

// absorbParen prints parentheses whose content may expand between them.
func (p *printer) absorbParen(par *paren) {
	b := &p.b
	g := b.begin()
	b.nest++
	p.leafNoTrail(par.open)
	b.line_()
	inner := b.begin()
	b.nest++
	e := par.e
	if c := par.open.trail; c != "" {
		e = p.a.mapFirst(e, func(a *ann) { a.pre = p.a.concatTrivia(trivia{lineComment(c)}, a.pre) })
	}
	p.expr(e)
	p.trivia(par.close.pre)
	b.nest--
	b.end(gRegular, inner)
	b.line_()
	p.leafNoPre(par.close)
	b.nest--
	b.end(gPriority, g)
}

// absorbExpr prints an expression that may stay on the line before it.
func (p *printer) absorbExpr(wide bool, e expr) {
	if isTerm(e) && isAbsorbable(e) {
		if wide {
			p.termWide(e)
		} else {
			p.prettyTerm(e)
		}
		return
	}
	if w, ok := e.(*withExpr); ok && isTerm(w.body) && isAbsorbable(w.body) {
		p.with(true, w)
		return
	}
	p.expr(e)
}

func isUpdateConcatPlus(op *leaf) bool {
	return op.text == "//" || op.text == "++" || op.text == "+"
}

// absorbRHS prints the value of a binding or a parameter default.
func (p *printer) absorbRHS(e expr) {
	b := &p.b
	if x, ok := e.(*operation); ok && isTerm(x.l) && isAbsorbable(x.l) && !firstAnn(x.l).hasPreTrivia() &&
		isUpdateConcatPlus(x.op) {
		b.hardspace()
		p.prettyOp(true, x)
		return
	}
	b.nest++
	p.absorbRHSNested(e)
	b.nest--
}

// absorbRHSNested is absorbRHS one level deeper, the other cases.
func (p *printer) absorbRHSNested(e expr) {
	b := &p.b
	if s, ok := e.(*setTerm); ok && len(s.items) == 1 {
		if _, ok := s.items[0].v.(*inheritB); ok {
			b.hardspace()
			g := b.begin()
			p.absorbExpr(false, e)
			b.end(gRegular, g)
			return
		}
	}
	if isAbsorbableExpr(e) {
		b.hardspace()
		g := b.begin()
		p.absorbExpr(true, e)
		b.end(gRegular, g)
		return
	}
	switch x := e.(type) {
	case *paren:
		b.hardspace()
		p.absorbParen(x)
		return
	case *stringTerm, *pathTerm:
		b.hardspace()
		p.groupExpr(e)
		return
	case *leaf, *listTerm, *setTerm, *selection, *withExpr:
		g := b.begin()
		b.line()
		p.expr(e)
		b.end(gRegular, g)
		return
	case *application:
		p.prettyApp(false, true, false, x.f, x.a)
		return
	case *operation:
		if !x.op.hasTrivia() && isTerm(x.r) && isAbsorbable(x.r) && isUpdateConcatPlus(x.op) {
			g := b.begin()
			b.line()
			p.expr(x.l)
			b.line()
			t := b.begin()
			b.text(x.op.text)
			b.hardspace()
			pg := b.begin()
			p.termWide(x.r)
			b.end(gPriority, pg)
			b.end(gTransparent, t)
			b.end(gRegular, g)
			return
		}
	}
	b.line()
	p.groupExpr(e)
}

// operand is an operand of a chain of operators, with the operator before
// it (nil for the first).
type operand struct {
	op *leaf
	e  expr
}

// flattenOp pushes the operands of a chain of the operator op onto
// p.operands.
func (p *printer) flattenOp(op string, before *leaf, x expr) {
	if o, ok := x.(*operation); ok && o.op.text == op {
		p.flattenOp(op, before, o.l)
		p.flattenOp(op, o.op, o.r)
		return
	}
	p.operands = append(p.operands, operand{before, x})
}

// prettyOp lays out a chain of the same operator, one operand per line
// when it does not fit.
func (p *printer) prettyOp(forceFirstWide bool, e *operation) {
	b := &p.b
	mark := len(p.operands)
	p.flattenOp(e.op.text, nil, e)
	parts := p.operands[mark:]
	defer func() { p.operands = p.operands[:mark] }()
	sep := spSpace
	if (e.op.text == "|>" || e.op.text == "<|") && len(parts) >= 4 {
		sep = spHardline
	}
	b.group(gRegular, func() {
		for _, pt := range parts {
			if pt.op == nil {
				if forceFirstWide && isTerm(pt.e) && isAbsorbable(pt.e) {
					p.termWide(pt.e)
				} else {
					p.expr(pt.e)
				}
				continue
			}
			b.sp(sep)
			p.leaf(p.moveTrailingCommentUp(pt.op))
			x := pt.e
			b.nested(func() {
				switch y := x.(type) {
				case *operation:
					b.group(gRegular, func() {
						b.line()
						p.expr(x)
					})
				case *application:
					b.group(gRegular, func() {
						b.hardspace()
						p.prettyApp(false, true, false, y.f, y.a)
					})
				default:
					b.hardspace()
					if isTerm(x) && isAbsorbable(x) {
						p.term(x)
					} else {
						p.expr(x)
					}
				}
			})
		}
	})
}

// ---- predicates ----

func canFlattenAttrs(s *setParam) bool {
	if s.open.line != s.close.line || s.close.hasTrivia() {
		return false
	}
	for _, a := range s.attrs {
		if a.ellipsis != nil {
			if a.ellipsis.hasTrivia() {
				return false
			}
		} else if a.name.hasTrivia() || a.comma != nil && a.comma.hasTrivia() {
			return false
		}
	}
	plain := func(a *paramAttr) bool { return a.ellipsis == nil && a.q == nil }
	ell := func(a *paramAttr) bool { return a.ellipsis != nil }
	at := s.attrs
	switch len(at) {
	case 0:
		return true
	case 1:
		return ell(at[0]) || plain(at[0])
	case 2:
		return plain(at[0]) && (ell(at[1]) || plain(at[1]))
	case 3:
		return plain(at[0]) && plain(at[1]) && ell(at[2])
	}
	return false
}

func isAbsorbableExpr(e expr) bool {
	switch x := e.(type) {
	case *leaf, *stringTerm, *pathTerm, *listTerm, *setTerm, *selection, *paren:
		return isAbsorbable(e)
	case *withExpr:
		return isTerm(x.body) && isAbsorbable(x.body)
	case *abstraction:
		switch pr := x.param.(type) {
		case *idParam:
			if isTerm(x.body) {
				return isAbsorbable(x.body)
			}
			if _, ok := x.body.(*abstraction); ok {
				return isAbsorbableExpr(x.body)
			}
		case *setParam:
			if canFlattenAttrs(pr) && !pr.open.hasPreTrivia() && pr.open.trail == "" &&
				x.colon.line == firstLine(x.body) {
				return isAbsorbableExpr(x.body)
			}
		}
	}
	return false
}

// isAbsorbable reports whether a term may start on the line of what
// precedes it and expand below: non-empty sets and lists, multi-line
// indented strings.
func isAbsorbable(e expr) bool {
	switch t := e.(type) {
	case *stringTerm:
		return t.indented && len(t.lines) >= 2
	case *setTerm:
		return len(t.items) > 0 || t.open.line != t.close.line || t.open.hasTrivia()
	case *listTerm:
		return len(t.items) > 0 || t.open.line != t.close.line || t.open.hasTrivia()
	case *paren:
		if t.open.hasTrivia() || !isTerm(t.e) {
			return false
		}
		for _, tv := range firstAnn(t.e).pre {
			if tv.kind != tvLangAnnotation {
				return false
			}
		}
		return isAbsorbable(t.e)
	}
	return false
}

// isSimple reports whether an expression is short and plain enough to
// keep on one line regardless of width.
func isSimple(e expr) bool {
	switch x := e.(type) {
	case *stringTerm:
		return !x.hasTrivia()
	case *pathTerm:
		return !x.hasTrivia()
	case *leaf:
		return !x.hasTrivia() && (x.kind == tkIdent || x.kind == tkInt || x.kind == tkFloat || x.kind == tkEnvPath)
	case *selection:
		if x.orKw != nil || !isSimple(x.term) {
			return false
		}
		for _, s := range x.sels {
			if s.sel.kind != selID {
				return false
			}
		}
		return true
	case *paren:
		return !x.open.hasTrivia() && !x.close.hasTrivia() && isSimple(x.e)
	case *application:
		return isSimpleApp(x.f, x.a)
	}
	return false
}

// isSimpleApp is isSimple for the application `f a`.
func isSimpleApp(f, a expr) bool {
	if fa, ok := f.(*application); ok {
		if _, ok := fa.f.(*application); ok {
			return false
		}
	}
	return isSimple(f) && isSimple(a)
}
