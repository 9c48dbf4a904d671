package formatter

// printer turns the syntax model into a document, following nixfmt's
// layout rules (RFC 166 style).
type printer struct {
	b builder
	a *modelAlloc // where copies of model values go

	operands []operand // stack of operator chains being printed
}

// ---- trivia and leaves ----

func (p *printer) trivium(t trivium) {
	b := &p.b
	switch t.kind {
	case tvEmptyLine:
		b.emptyline()
	case tvLineComment:
		b.textAnn2("#", t.text, taComment)
		b.hardline()
	case tvLangAnnotation:
		b.comment("/* " + t.text + " */")
		b.hardspace()
	case tvDirective:
		switch t.dir {
		case dirDisable:
			b.raw("", taDisableMarker)
		case dirDisabledToEOF:
			b.raw(t.text, taVerbatimEOF)
		case dirEnable:
			b.raw(t.text, taVerbatim)
			b.hardline()
		case dirLoneEnable:
			b.comment("/*nixfmt:enable*/")
			b.hardline()
		}
	case tvBlockComment:
		if t.doc {
			b.comment("/**")
		} else {
			b.comment("/*")
		}
		b.hardline()
		b.offset(2, func() {
			for _, l := range t.lines {
				if l == "" {
					b.emptyline()
				} else {
					b.comment(l)
					b.hardline()
				}
			}
		})
		b.comment("*/")
		b.hardline()
	}
}

func (p *printer) trivia(tr trivia) {
	if len(tr) == 0 {
		return
	}
	if len(tr) == 1 && tr[0].kind == tvLangAnnotation {
		p.trivium(tr[0])
		return
	}
	p.b.hardline()
	for _, t := range tr {
		p.trivium(t)
	}
}

func (p *printer) trailText(c string) {
	if c == "" {
		return
	}
	p.b.hardspace()
	p.b.textAnn2("# ", c, taTrailingComment)
	p.b.hardline()
}

func (p *printer) leaf(l *leaf) {
	p.trivia(l.pre)
	p.b.text(l.text)
	p.trailText(l.trail)
}

// leafNoTrail prints a leaf without its trailing comment.
func (p *printer) leafNoTrail(l *leaf) {
	p.trivia(l.pre)
	p.b.text(l.text)
}

// leafNoPre prints a leaf without its leading trivia.
func (p *printer) leafNoPre(l *leaf) {
	p.b.text(l.text)
	p.trailText(l.trail)
}

func lineComment(c string) trivium { return trivium{kind: tvLineComment, text: " " + c} }

// moveTrailingCommentUp makes a leaf's trailing comment a line comment
// before it.
func (p *printer) moveTrailingCommentUp(l *leaf) *leaf {
	if l.trail == "" {
		return l
	}
	c := p.a.leaves.put(*l)
	c.pre = p.a.concatTrivia(l.pre, trivia{lineComment(l.trail)})
	c.trail = ""
	return c
}

// moveTrailUp makes the trailing comment of a a line comment before it.
func (ma *modelAlloc) moveTrailUp(a *ann) {
	if a.trail != "" {
		a.pre = ma.concatTrivia(a.pre, trivia{lineComment(a.trail)})
		a.trail = ""
	}
}

// ---- items ----

func (p *printer) itemValue(v any) {
	switch v := v.(type) {
	case binder:
		p.binder(v)
	case expr:
		p.term(v)
	}
}

func (p *printer) item(it item) {
	if it.v == nil {
		p.trivia(it.comments)
		return
	}
	g := p.b.begin()
	p.itemValue(it.v)
	p.b.end(gRegular, g)
}

// renderItems prints items separated by sep. A language annotation ending
// a comment item stays on the line of the string after it.
func (p *printer) renderItems(sep spacing, items []item) {
	for i := 0; i < len(items); i++ {
		it := items[i]
		last := i == len(items)-1
		if it.v == nil && !last && items[i+1].v != nil {
			if n := len(it.comments); n > 0 && it.comments[n-1].kind == tvLangAnnotation {
				p.trivia(it.comments[:n-1])
				p.trivium(it.comments[n-1])
				p.b.hardspace()
				next := items[i+1].v
				p.b.group(gRegular, func() { p.itemValue(next) })
				i++
				if i < len(items)-1 {
					p.b.sp(sep)
				}
				continue
			}
		}
		p.item(it)
		if !last {
			p.b.sp(sep)
		}
	}
}

func hasOnlyComments(items []item) bool {
	if len(items) == 0 {
		return false
	}
	for _, it := range items {
		if it.v != nil {
			return false
		}
	}
	return true
}

// ---- terms ----

// term prints a term; lists are grouped.
func (p *printer) term(t expr) {
	if _, ok := t.(*listTerm); ok {
		g := p.b.begin()
		p.prettyTerm(t)
		p.b.end(gRegular, g)
		return
	}
	p.prettyTerm(t)
}

// termWide prints a term, expanding a set with any bindings.
func (p *printer) termWide(t expr) {
	if s, ok := t.(*setTerm); ok {
		p.set(true, s)
		return
	}
	p.prettyTerm(t)
}

func (p *printer) prettyTerm(t expr) {
	b := &p.b
	switch t := t.(type) {
	case *leaf:
		p.leaf(t)
	case *stringTerm:
		p.trivia(t.pre)
		if t.indented {
			p.indentedString(t)
		} else {
			p.simpleString(t.lines)
		}
		p.trailText(t.trail)
	case *pathTerm:
		p.trivia(t.pre)
		p.strLine(t.parts)
		p.trailText(t.trail)
	case *selection:
		p.term(t.term)
		switch s := t.term.(type) {
		case *leaf:
			if s.kind == tkInt || s.kind == tkFloat {
				b.hardspace()
			}
		case *paren:
			b.softline_()
		default:
			b.line_()
		}
		for i := range t.sels {
			p.selector(&t.sels[i])
		}
		if t.orKw != nil {
			b.softline()
			b.nested(func() {
				p.leaf(t.orKw)
				b.hardspace()
				p.term(t.def)
			})
		}
	case *listTerm:
		if t.open.trail == "" && len(t.items) == 0 && len(t.close.pre) == 0 {
			p.leaf(t.open)
			if t.open.line != t.close.line {
				b.hardline()
			} else {
				b.hardspace()
			}
			p.leaf(t.close)
			return
		}
		p.renderList(spHardline, t)
	case *setTerm:
		p.set(false, t)
	case *paren:
		g := b.begin()
		p.leaf(p.moveTrailingCommentUp(t.open))
		b.nest++
		p.absorbedInner(t.e)
		p.trivia(t.close.pre)
		b.nest--
		p.leafNoPre(t.close)
		b.end(gRegular, g)
	}
}

// absorbedInner prints the inside of parentheses (or a lone
// interpolation): absorbable expressions start right away, others on a
// line of their own when they do not fit.
func (p *printer) absorbedInner(e expr) {
	b := &p.b
	switch {
	case isAbsorbableExpr(e):
		b.group(gRegular, func() { p.absorbExpr(false, e) })
	default:
		switch x := e.(type) {
		case *application:
			p.prettyApp(true, false, true, x.f, x.a)
		case *selection:
			if isAbsorbable(x.term) {
				b.line_()
			}
			p.groupExpr(e)
			b.line_()
		default:
			b.line_()
			p.groupExpr(e)
			b.line_()
		}
	}
}

func (p *printer) renderList(sep spacing, t *listTerm) {
	b := &p.b
	sur := spSpace
	switch {
	case t.open.line != t.close.line, hasOnlyComments(t.items):
		sur = spHardline
	case t.open.hasTrivia() && len(t.items) == 0:
		sur = spHardline
	case len(t.items) == 0:
		sur = spHardspace
	}
	p.leafNoTrail(t.open)
	b.sp(sur)
	b.nest++
	p.trailText(t.open.trail)
	p.renderItems(sep, t.items)
	b.nest--
	b.sp(sur)
	p.leaf(t.close)
}

func (p *printer) set(wide bool, s *setTerm) {
	b := &p.b
	if len(s.open.pre) == 0 && s.open.trail == "" && len(s.items) == 0 && len(s.close.pre) == 0 {
		if s.krec != nil {
			p.leaf(s.krec)
			b.hardspace()
		}
		p.leaf(s.open)
		if s.open.line != s.close.line {
			b.hardline()
		} else {
			b.hardspace()
		}
		p.leaf(s.close)
		return
	}
	sep := spSpace
	if wide && len(s.items) > 0 || s.open.line != s.close.line {
		sep = spHardline
	}
	if s.krec != nil {
		p.leaf(s.krec)
		b.hardspace()
	}
	p.leafNoTrail(s.open)
	b.sp(sep)
	b.nest++
	p.trailText(s.open.trail)
	p.renderItems(spHardline, s.items)
	b.nest--
	b.sp(sep)
	p.leaf(s.close)
}

func (p *printer) selector(s *selector) {
	if s.dot != nil {
		p.leaf(s.dot)
	}
	p.simpleSel(s.sel)
}

func (p *printer) simpleSel(s simpleSel) {
	switch s.kind {
	case selID:
		p.leaf(s.id)
	case selInterp:
		p.trivia(s.interp.pre)
		p.strPart(s.interp.part)
		p.trailText(s.interp.trail)
	case selString:
		p.trivia(s.str.pre)
		p.simpleString(s.str.lines)
		p.trailText(s.str.trail)
	}
}

// ---- binders ----

func (p *printer) binder(v binder) {
	b := &p.b
	switch x := v.(type) {
	case *inheritB:
		sep, nosep := spSpace, spBreak
		if x.kw.line != x.semi.line || len(x.sels) >= 4 {
			sep, nosep = spHardline, spHardline
		}
		b.group(gRegular, func() {
			p.leaf(x.kw)
			if x.from == nil {
				b.sp(sep)
				b.nested(func() {
					for i, s := range x.sels {
						if i > 0 {
							b.sp(sep)
						}
						p.simpleSel(s)
					}
					b.sp(nosep)
					p.leaf(x.semi)
				})
				return
			}
			b.nested(func() {
				b.group(gRegular, func() {
					b.line()
					p.term(x.from)
				})
				b.sp(sep)
				for i, s := range x.sels {
					if i > 0 {
						b.sp(sep)
					}
					p.simpleSel(s)
				}
				b.sp(nosep)
				p.leaf(x.semi)
			})
		})
	case *assignment:
		g := b.begin()
		for i := range x.sels {
			p.selector(&x.sels[i])
		}
		b.nest++
		b.hardspace()
		p.leaf(x.eq)
		simple := len(x.sels) <= 4
		for _, s := range x.sels {
			if s.sel.kind != selID {
				simple = false
			}
		}
		if simple {
			p.absorbRHS(x.value)
		} else {
			b.line_()
			pg := b.begin()
			p.absorbRHS(x.value)
			b.end(gPriority, pg)
		}
		b.nest--
		p.leaf(x.semi)
		b.end(gRegular, g)
	}
}

// ---- expressions ----

func (p *printer) groupExpr(e expr) {
	g := p.b.begin()
	p.expr(e)
	p.b.end(gRegular, g)
}

func (p *printer) expr(e expr) {
	b := &p.b
	switch x := e.(type) {
	case *leaf, *stringTerm, *pathTerm, *listTerm, *setTerm, *selection, *paren:
		p.term(e)
	case *withExpr:
		p.with(false, x)
	case *letExpr:
		body := x.body
		extra := x.in.pre
		if x.in.trail != "" {
			extra = p.a.concatTrivia(extra, trivia{lineComment(x.in.trail)})
		}
		if len(extra) > 0 {
			body = p.a.mapFirst(body, func(a *ann) { a.pre = p.a.concatTrivia(extra, a.pre) })
		}
		b.group(gRegular, func() {
			p.leaf(x.kw)
			b.hardline()
			b.nested(func() { p.renderItems(spHardline, x.items) })
		})
		b.hardline()
		b.group(gRegular, func() {
			b.text("in")
			b.hardline()
			p.expr(body)
		})
	case *assertExpr:
		f, a := p.insertIntoApp(x.kw, x.cond)
		b.group(gRegular, func() {
			p.prettyApp(false, false, false, f, a)
			p.leaf(x.semi)
			b.hardline()
			p.expr(x.body)
		})
	case *ifExpr:
		first := x
		if x.ifKw.trail != "" {
			first = p.a.mapFirst(x, p.a.moveTrailUp).(*ifExpr)
		}
		b.group(gRegular, func() { p.prettyIf(spSpace, first) })
	case *abstraction:
		p.abstraction(x)
	case *application:
		p.prettyApp(false, false, false, x.f, x.a)
	case *operation:
		switch x.op.text {
		case "<", ">", "<=", ">=", "==", "!=":
			p.expr(x.l)
			b.softline()
			p.leaf(x.op)
			b.hardspace()
			p.expr(x.r)
		default:
			p.prettyOp(false, x)
		}
	case *memberCheck:
		p.expr(x.e)
		b.softline()
		p.leaf(x.q)
		b.hardspace()
		for i := range x.sels {
			p.selector(&x.sels[i])
		}
	case *negation:
		p.leaf(x.op)
		p.expr(x.e)
	case *inversion:
		p.leaf(x.op)
		p.expr(x.e)
	}
}

// insertIntoApp puts the assert keyword in front of an application chain,
// so that `assert f x;` is laid out like a call.
func (p *printer) insertIntoApp(kw *leaf, e expr) (expr, expr) {
	if ap, ok := e.(*application); ok {
		f, a := p.insertIntoApp(kw, ap.f)
		return p.a.apps.put(application{f: f, a: a}), ap.a
	}
	return kw, e
}

func (p *printer) prettyIf(sep spacing, e expr) {
	b := &p.b
	x, ok := e.(*ifExpr)
	if !ok {
		b.line()
		b.nested(func() { p.groupExpr(e) })
		return
	}
	b.group(gRegular, func() {
		p.leaf(x.ifKw)
		b.line()
		b.nested(func() { p.expr(x.cond) })
		b.line()
		p.leaf(x.thenKw)
	})
	b.sp(sep)
	b.nested(func() { p.groupExpr(x.then) })
	b.sp(sep)
	p.leaf(p.moveTrailingCommentUp(x.elseKw))
	b.hardspace()
	p.prettyIf(spHardline, x.els)
}

func (p *printer) abstraction(x *abstraction) {
	b := &p.b
	switch pr := x.param.(type) {
	case *idParam:
		b.group(gRegular, func() {
			b.line_()
			p.leaf(pr.name)
			p.leaf(x.colon)
			p.absorbAbs(1, x.body)
		})
		return
	case *setParam:
		sameLine := x.colon.line == firstLine(x.body)
		if canFlattenAttrs(pr) && sameLine && isAbsorbableExpr(x.body) {
			p.param(pr)
			p.leaf(x.colon)
			b.hardspace()
			b.group(gPriority, func() { p.expr(x.body) })
			return
		}
		if !sameLine {
			p.param(pr)
			p.leaf(x.colon)
			b.hardline()
			p.expr(x.body)
			return
		}
	}
	p.param(x.param)
	p.leaf(x.colon)
	b.line()
	if isTerm(x.body) && isAbsorbable(x.body) {
		b.group(gRegular, func() { p.termWide(x.body) })
		return
	}
	p.expr(x.body)
}

func (p *printer) absorbAbs(depth int, e expr) {
	b := &p.b
	if a, ok := e.(*abstraction); ok {
		if id, ok := a.param.(*idParam); ok {
			b.hardspace()
			p.leaf(id.name)
			p.leaf(a.colon)
			p.absorbAbs(depth+1, a.body)
			return
		}
	}
	if isAbsorbableExpr(e) {
		b.hardspace()
		b.group(gPriority, func() { p.absorbExpr(false, e) })
		return
	}
	if depth <= 2 {
		b.line()
	} else {
		b.hardline()
	}
	p.expr(e)
}

func (p *printer) with(absorb bool, w *withExpr) {
	b := &p.b
	if absorb && isTerm(w.body) {
		b.group(gRegular, func() {
			b.line_()
			p.leaf(w.kw)
			b.hardspace()
			b.nested(func() { p.groupExpr(w.env) })
			p.leaf(w.semi)
			b.hardspace()
			b.group(gPriority, func() { p.termWide(w.body) })
		})
		return
	}
	b.group(gRegular, func() {
		p.leaf(w.kw)
		b.hardspace()
		b.nested(func() { p.groupExpr(w.env) })
		p.leaf(w.semi)
	})
	b.line()
	p.expr(w.body)
}

func (p *printer) whole(w *whole) {
	p.b.group(gRegular, func() {
		p.expr(w.e)
		p.trivia(w.trivia)
	})
}
