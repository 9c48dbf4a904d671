package formatter

// The first and last tokens of expressions: reading their annotations,
// and copies of expressions with the annotations of their first or last
// token changed (the layout rules move comments around). The copies are
// taken from the model's slabs.

func firstAnn(e expr) *ann {
	switch x := e.(type) {
	case *leaf:
		return &x.ann
	case *stringTerm:
		return &x.ann
	case *pathTerm:
		return &x.ann
	case *listTerm:
		return &x.open.ann
	case *setTerm:
		if x.krec != nil {
			return &x.krec.ann
		}
		return &x.open.ann
	case *selection:
		return firstAnn(x.term)
	case *paren:
		return &x.open.ann
	case *withExpr:
		return &x.kw.ann
	case *letExpr:
		return &x.kw.ann
	case *assertExpr:
		return &x.kw.ann
	case *ifExpr:
		return &x.ifKw.ann
	case *abstraction:
		return firstParamAnn(x.param)
	case *application:
		return firstAnn(x.f)
	case *operation:
		return firstAnn(x.l)
	case *memberCheck:
		return firstAnn(x.e)
	case *negation:
		return &x.op.ann
	case *inversion:
		return &x.op.ann
	}
	return &ann{}
}

func firstParamAnn(p param) *ann {
	switch x := p.(type) {
	case *idParam:
		return &x.name.ann
	case *setParam:
		return &x.open.ann
	case *ctxParam:
		return firstParamAnn(x.first)
	}
	return &ann{}
}

func firstLine(e expr) int { return firstAnn(e).line }

// cloneLeaf returns a copy of l with f applied to its annotations.
func (ma *modelAlloc) cloneLeaf(l *leaf, f func(*ann)) *leaf {
	c := ma.leaves.put(*l)
	f(&c.ann)
	return c
}

// concatTrivia returns a followed by b (one of them when the other is
// empty).
func (ma *modelAlloc) concatTrivia(a, b trivia) trivia {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	return ma.trivia.concat(a, b)
}

// mapFirst returns e with f applied to (a copy of) its first token.
func (ma *modelAlloc) mapFirst(e expr, f func(*ann)) expr {
	switch x := e.(type) {
	case *leaf:
		return ma.cloneLeaf(x, f)
	case *stringTerm:
		c := ma.strings.put(*x)
		f(&c.ann)
		return c
	case *pathTerm:
		c := ma.paths.put(*x)
		f(&c.ann)
		return c
	case *listTerm:
		c := ma.lists.put(*x)
		c.open = ma.cloneLeaf(x.open, f)
		return c
	case *setTerm:
		c := ma.sets.put(*x)
		if x.krec != nil {
			c.krec = ma.cloneLeaf(x.krec, f)
		} else {
			c.open = ma.cloneLeaf(x.open, f)
		}
		return c
	case *selection:
		c := ma.sels.put(*x)
		c.term = ma.mapFirst(x.term, f)
		return c
	case *paren:
		c := ma.parens.put(*x)
		c.open = ma.cloneLeaf(x.open, f)
		return c
	case *withExpr:
		c := ma.withs.put(*x)
		c.kw = ma.cloneLeaf(x.kw, f)
		return c
	case *letExpr:
		c := ma.lets.put(*x)
		c.kw = ma.cloneLeaf(x.kw, f)
		return c
	case *assertExpr:
		c := ma.asserts.put(*x)
		c.kw = ma.cloneLeaf(x.kw, f)
		return c
	case *ifExpr:
		c := ma.ifs.put(*x)
		c.ifKw = ma.cloneLeaf(x.ifKw, f)
		return c
	case *abstraction:
		c := ma.abss.put(*x)
		c.param = ma.mapFirstParam(x.param, f)
		return c
	case *application:
		c := ma.apps.put(*x)
		c.f = ma.mapFirst(x.f, f)
		return c
	case *operation:
		c := ma.ops.put(*x)
		c.l = ma.mapFirst(x.l, f)
		return c
	case *memberCheck:
		c := ma.members.put(*x)
		c.e = ma.mapFirst(x.e, f)
		return c
	case *negation:
		c := ma.negs.put(*x)
		c.op = ma.cloneLeaf(x.op, f)
		return c
	case *inversion:
		c := ma.invs.put(*x)
		c.op = ma.cloneLeaf(x.op, f)
		return c
	}
	return e
}

func (ma *modelAlloc) mapFirstParam(pr param, f func(*ann)) param {
	switch x := pr.(type) {
	case *idParam:
		return ma.idPars.put(idParam{name: ma.cloneLeaf(x.name, f)})
	case *setParam:
		c := ma.setPars.put(*x)
		c.open = ma.cloneLeaf(x.open, f)
		return c
	case *ctxParam:
		c := ma.ctxPars.put(*x)
		c.first = ma.mapFirstParam(x.first, f)
		return c
	}
	return pr
}

func (ma *modelAlloc) mapLastSel(s simpleSel, f func(*ann)) simpleSel {
	switch s.kind {
	case selID:
		s.id = ma.cloneLeaf(s.id, f)
	case selInterp:
		c := ma.interps.put(*s.interp)
		f(&c.ann)
		s.interp = c
	case selString:
		c := ma.strings.put(*s.str)
		f(&c.ann)
		s.str = c
	}
	return s
}

// mapLast returns e with f applied to (a copy of) its last token.
func (ma *modelAlloc) mapLast(e expr, f func(*ann)) expr {
	switch x := e.(type) {
	case *leaf, *stringTerm, *pathTerm:
		return ma.mapFirst(e, f)
	case *listTerm:
		c := ma.lists.put(*x)
		c.close = ma.cloneLeaf(x.close, f)
		return c
	case *setTerm:
		c := ma.sets.put(*x)
		c.close = ma.cloneLeaf(x.close, f)
		return c
	case *selection:
		c := ma.sels.put(*x)
		switch {
		case x.def != nil:
			c.def = ma.mapLast(x.def, f)
		case len(x.sels) > 0:
			c.sels = ma.selectors.copy(x.sels)
			c.sels[len(c.sels)-1].sel = ma.mapLastSel(c.sels[len(c.sels)-1].sel, f)
		default:
			c.term = ma.mapLast(x.term, f)
		}
		return c
	case *paren:
		c := ma.parens.put(*x)
		c.close = ma.cloneLeaf(x.close, f)
		return c
	case *withExpr:
		c := ma.withs.put(*x)
		c.body = ma.mapLast(x.body, f)
		return c
	case *letExpr:
		c := ma.lets.put(*x)
		c.body = ma.mapLast(x.body, f)
		return c
	case *assertExpr:
		c := ma.asserts.put(*x)
		c.body = ma.mapLast(x.body, f)
		return c
	case *ifExpr:
		c := ma.ifs.put(*x)
		c.els = ma.mapLast(x.els, f)
		return c
	case *abstraction:
		c := ma.abss.put(*x)
		c.body = ma.mapLast(x.body, f)
		return c
	case *application:
		c := ma.apps.put(*x)
		c.a = ma.mapLast(x.a, f)
		return c
	case *operation:
		c := ma.ops.put(*x)
		c.r = ma.mapLast(x.r, f)
		return c
	case *memberCheck:
		c := ma.members.put(*x)
		if len(x.sels) == 0 {
			c.q = ma.cloneLeaf(x.q, f)
		} else {
			c.sels = ma.selectors.copy(x.sels)
			c.sels[len(c.sels)-1].sel = ma.mapLastSel(c.sels[len(c.sels)-1].sel, f)
		}
		return c
	case *negation:
		c := ma.negs.put(*x)
		c.e = ma.mapLast(x.e, f)
		return c
	case *inversion:
		c := ma.invs.put(*x)
		c.e = ma.mapLast(x.e, f)
		return c
	}
	return e
}
