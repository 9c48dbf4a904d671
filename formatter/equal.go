package formatter

// Equality of syntax, ignoring everything formatting may change: trivia,
// line numbers, comment items, and whether the last formal has a comma.

func eqWhole(a, b *whole) bool { return eqExpr(a.e, b.e) }

func eqLeaf(a, b *leaf) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.text == b.text
}

func eqParts(a, b []strPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i].interp == nil) != (b[i].interp == nil) {
			return false
		}
		if a[i].interp == nil {
			if a[i].text != b[i].text {
				return false
			}
		} else if !eqExpr(a[i].interp.e, b[i].interp.e) {
			return false
		}
	}
	return true
}

func eqLines(a, b [][]strPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !eqParts(a[i], b[i]) {
			return false
		}
	}
	return true
}

func eqItems(a, b []item) bool {
	var xa, xb []any
	for _, it := range a {
		if it.v != nil {
			xa = append(xa, it.v)
		}
	}
	for _, it := range b {
		if it.v != nil {
			xb = append(xb, it.v)
		}
	}
	if len(xa) != len(xb) {
		return false
	}
	for i := range xa {
		switch va := xa[i].(type) {
		case expr:
			vb, ok := xb[i].(expr)
			if !ok || !eqExpr(va, vb) {
				return false
			}
		case binder:
			vb, ok := xb[i].(binder)
			if !ok || !eqBinder(va, vb) {
				return false
			}
		}
	}
	return true
}

func eqSimpleSel(a, b simpleSel) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case selID:
		return eqLeaf(a.id, b.id)
	case selInterp:
		return eqParts([]strPart{a.interp.part}, []strPart{b.interp.part})
	default:
		return eqLines(a.str.lines, b.str.lines)
	}
}

func eqSels(a, b []selector) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i].dot == nil) != (b[i].dot == nil) || !eqSimpleSel(a[i].sel, b[i].sel) {
			return false
		}
	}
	return true
}

func eqBinder(a, b binder) bool {
	switch x := a.(type) {
	case *inheritB:
		y, ok := b.(*inheritB)
		if !ok || (x.from == nil) != (y.from == nil) || x.from != nil && !eqExpr(x.from, y.from) || len(x.sels) != len(y.sels) {
			return false
		}
		for i := range x.sels {
			if !eqSimpleSel(x.sels[i], y.sels[i]) {
				return false
			}
		}
		return true
	case *assignment:
		y, ok := b.(*assignment)
		return ok && eqSels(x.sels, y.sels) && eqExpr(x.value, y.value)
	}
	return false
}

func eqParam(a, b param) bool {
	switch x := a.(type) {
	case *idParam:
		y, ok := b.(*idParam)
		return ok && eqLeaf(x.name, y.name)
	case *ctxParam:
		y, ok := b.(*ctxParam)
		return ok && eqParam(x.first, y.first) && eqParam(x.second, y.second)
	case *setParam:
		y, ok := b.(*setParam)
		if !ok || len(x.attrs) != len(y.attrs) {
			return false
		}
		for i := range x.attrs {
			p, q := x.attrs[i], y.attrs[i]
			if (p.ellipsis == nil) != (q.ellipsis == nil) {
				return false
			}
			if p.ellipsis != nil {
				continue
			}
			if !eqLeaf(p.name, q.name) || (p.def == nil) != (q.def == nil) || p.def != nil && !eqExpr(p.def, q.def) {
				return false
			}
			if i < len(x.attrs)-1 && (p.comma == nil) != (q.comma == nil) {
				return false
			}
		}
		return true
	}
	return false
}

func eqExpr(a, b expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case *leaf:
		y, ok := b.(*leaf)
		return ok && x.text == y.text
	case *stringTerm:
		y, ok := b.(*stringTerm)
		return ok && x.indented == y.indented && eqLines(x.lines, y.lines)
	case *pathTerm:
		y, ok := b.(*pathTerm)
		return ok && eqParts(x.parts, y.parts)
	case *listTerm:
		y, ok := b.(*listTerm)
		return ok && eqItems(x.items, y.items)
	case *setTerm:
		y, ok := b.(*setTerm)
		return ok && eqLeaf(x.krec, y.krec) && eqItems(x.items, y.items)
	case *selection:
		y, ok := b.(*selection)
		return ok && eqExpr(x.term, y.term) && eqSels(x.sels, y.sels) && eqExpr(x.def, y.def)
	case *paren:
		y, ok := b.(*paren)
		return ok && eqExpr(x.e, y.e)
	case *withExpr:
		y, ok := b.(*withExpr)
		return ok && eqExpr(x.env, y.env) && eqExpr(x.body, y.body)
	case *letExpr:
		y, ok := b.(*letExpr)
		return ok && eqItems(x.items, y.items) && eqExpr(x.body, y.body)
	case *assertExpr:
		y, ok := b.(*assertExpr)
		return ok && eqExpr(x.cond, y.cond) && eqExpr(x.body, y.body)
	case *ifExpr:
		y, ok := b.(*ifExpr)
		return ok && eqExpr(x.cond, y.cond) && eqExpr(x.then, y.then) && eqExpr(x.els, y.els)
	case *abstraction:
		y, ok := b.(*abstraction)
		return ok && eqParam(x.param, y.param) && eqExpr(x.body, y.body)
	case *application:
		y, ok := b.(*application)
		return ok && eqExpr(x.f, y.f) && eqExpr(x.a, y.a)
	case *operation:
		y, ok := b.(*operation)
		return ok && x.op.text == y.op.text && eqExpr(x.l, y.l) && eqExpr(x.r, y.r)
	case *memberCheck:
		y, ok := b.(*memberCheck)
		return ok && eqExpr(x.e, y.e) && eqSels(x.sels, y.sels)
	case *negation:
		y, ok := b.(*negation)
		return ok && eqExpr(x.e, y.e)
	case *inversion:
		y, ok := b.(*inversion)
		return ok && eqExpr(x.e, y.e)
	}
	return false
}
