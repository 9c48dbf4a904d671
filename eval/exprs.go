package eval

import (
	"strings"

	"github.com/gonix/gonix/parser"
)

// Expr is a compiled expression.
type Expr interface {
	// Value lets a thunk hold the expression in the place of its value
	// until it is evaluated (see Thunk); Kind returns KindThunk.
	Value
	// eval evaluates the expression in env to weak head normal form.
	eval(st *State, env *Env) Value
	// getPos is the position Nix associates with the expression (NoPos
	// for literals and let).
	getPos() Pos
}

// Kind makes expressions Values (see Expr): a pending thunk holds its
// expression where its value goes.
func (*exprAssert) Kind() Kind        { return KindThunk }
func (*exprAttrs) Kind() Kind         { return KindThunk }
func (*exprCall) Kind() Kind          { return KindThunk }
func (*exprConcatLists) Kind() Kind   { return KindThunk }
func (*exprConcatStrings) Kind() Kind { return KindThunk }
func (*exprConst) Kind() Kind         { return KindThunk }
func (*exprCurPos) Kind() Kind        { return KindThunk }
func (*exprEq) Kind() Kind            { return KindThunk }
func (*exprError) Kind() Kind         { return KindThunk }
func (*exprHasAttr) Kind() Kind       { return KindThunk }
func (*exprIf) Kind() Kind            { return KindThunk }
func (*exprLambda) Kind() Kind        { return KindThunk }
func (*exprLet) Kind() Kind           { return KindThunk }
func (*exprList) Kind() Kind          { return KindThunk }
func (*exprLogic) Kind() Kind         { return KindThunk }
func (*exprNative) Kind() Kind        { return KindThunk }
func (*exprNot) Kind() Kind           { return KindThunk }
func (*exprSelect) Kind() Kind        { return KindThunk }
func (*exprUndefined) Kind() Kind     { return KindThunk }
func (*exprUpdate) Kind() Kind        { return KindThunk }
func (*exprVar) Kind() Kind           { return KindThunk }
func (*exprWith) Kind() Kind          { return KindThunk }
func (*exprWithVar) Kind() Kind       { return KindThunk }

// evalCtx evaluates e, adding the trace line ctx (at e's position) to
// any error.
func (st *State) evalCtx(e Expr, env *Env, ctx string) Value {
	ok := false
	defer func() {
		if !ok {
			st.addTrace(e.getPos(), ctx)
		}
	}()
	v := e.eval(st, env)
	ok = true
	return v
}

// mkThunk returns a value for e in env without evaluating it: constants
// and variables directly, anything else as a thunk (Nix's maybeThunk).
func (st *State) mkThunk(e Expr, env *Env) Value {
	switch x := e.(type) {
	case *exprConst:
		return x.v
	case *exprVar:
		en := env
		for i := x.up; i > 0; i-- {
			en = en.Up
		}
		if v := en.Vals[x.idx]; v != nil {
			if r, ok := v.(readyInt); ok {
				t := &Thunk{code: Int(r), env: readyEnv}
				en.Vals[x.idx] = t
				return t
			}
			return v
		}
	case *exprList:
		if len(x.elems) == 0 {
			return emptyList
		}
	case *exprArith:
		if v, ok := x.immediate(env, false); ok {
			return &Thunk{code: v, env: readyEnv}
		}
	case *exprConcatStrings:
		if n, ok := x.immediateAdd(env, false); ok {
			return &Thunk{code: Int(n), env: readyEnv}
		}
		if v, ok := x.immediateString(env); ok {
			return &Thunk{code: v, env: readyEnv}
		}
	}
	capture(env)
	return &Thunk{code: e, env: env}
}

var emptyList = &List{}

// exprConst is a literal.
type exprConst struct{ v Value }

func (e *exprConst) eval(st *State, env *Env) Value { return e.v }
func (e *exprConst) getPos() Pos                    { return NoPos }

// exprError raises an error when evaluated (for constructs that fail at
// compile time but must only fail when reached).
type exprError struct {
	msg string
	pos Pos
}

func (e *exprError) eval(st *State, env *Env) Value {
	st.Fail(e.pos, "%s", e.msg)
	return nil
}
func (e *exprError) getPos() Pos { return e.pos }

// exprUndefined is a variable bound nowhere.
type exprUndefined struct {
	name string
	pos  Pos
}

func (e *exprUndefined) eval(st *State, env *Env) Value {
	st.raise(st.Errorf(ErrUndefinedVar, "undefined variable '%s'", parser.PrintIdentifier(e.name)).At(e.pos))
	return nil
}
func (e *exprUndefined) getPos() Pos { return e.pos }

// exprVar is a lexically bound variable: up environments out, slot idx.
type exprVar struct {
	up, idx int
	name    string
	pos     Pos
	global  bool // a slot of the global environment
}

func (e *exprVar) eval(st *State, env *Env) Value {
	for i := e.up; i > 0; i-- {
		env = env.Up
	}
	v := env.Vals[e.idx]
	switch t := v.(type) {
	case *Thunk:
		if t.env == nil {
			return t.code
		}
		return st.forceThunk(t, e.pos)
	case readyInt:
		i := Int(t)
		env.Vals[e.idx] = i
		return i
	}
	if v == nil {
		st.raise(&Error{Kind: ErrInfiniteRecursion, Msg: "infinite recursion encountered", Pos: e.pos})
	}
	return v
}
func (e *exprVar) getPos() Pos { return e.pos }

// withScope is one enclosing with of a dynamic variable.
type withScope struct {
	hops int
	pos  Pos
}

// exprWithVar is a variable looked up in the enclosing withs.
type exprWithVar struct {
	sym   Symbol
	name  string
	withs []withScope
	pos   Pos
}

func (e *exprWithVar) lookup(st *State, env *Env) Value {
	for _, w := range e.withs {
		en := env
		for i := w.hops; i > 0; i-- {
			en = en.Up
		}
		as := st.ForceAttrs(en.Vals[0], w.pos, "while evaluating the first subexpression of a with expression")
		if a := as.Get(e.sym); a != nil {
			return a.Value
		}
	}
	st.raise(st.Errorf(ErrUndefinedVar, "undefined variable '%s'", parser.PrintIdentifier(e.name)).At(e.pos))
	return nil
}

func (e *exprWithVar) eval(st *State, env *Env) Value {
	return st.force(e.lookup(st, env), e.pos)
}
func (e *exprWithVar) getPos() Pos { return e.pos }

// exprCurPos is __curPos.
type exprCurPos struct{ pos Pos }

func (e *exprCurPos) eval(st *State, env *Env) Value { return st.mkPos(e.pos) }
func (e *exprCurPos) getPos() Pos                    { return e.pos }

// mkPos returns { file, line, column } for a position, or null when the
// position is not in a file.
func (st *State) mkPos(p Pos) Value {
	l := st.pos.locate(p)
	if !l.Valid() || l.Path == "" {
		return Null{}
	}
	b := NewAttrsBuilder(3)
	b.Add(st.s.file, NewString(l.Path), NoPos)
	b.Add(st.s.line, Int(l.Line), NoPos)
	b.Add(st.s.column, Int(l.Col), NoPos)
	return b.Finish(NoPos)
}

// attrName is one element of an attribute path: a static symbol or a
// dynamic expression.
type attrName struct {
	sym  Symbol
	name string
	dyn  Expr
	node parser.Node
}

// getName evaluates an attribute name.
func (st *State) getName(a *attrName, env *Env) Symbol {
	if a.dyn == nil {
		return a.sym
	}
	v := a.dyn.eval(st, env)
	s := st.ForceStringNoCtx(v, a.dyn.getPos(), "while evaluating an attribute name")
	return st.syms.intern(s)
}

// showAttrPath renders an attribute path for messages; dynamic names are
// evaluated if possible, else shown as "${expr}".
func (st *State) showAttrPath(path []attrName, env *Env) string {
	var b strings.Builder
	for i := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		a := &path[i]
		if a.dyn == nil {
			b.WriteString(parser.PrintIdentifier(a.name))
			continue
		}
		if name, ok := st.tryGetName(a, env); ok {
			b.WriteString(parser.PrintIdentifier(name))
			continue
		}
		b.WriteString(`"${`)
		if a.node.Kind() == parser.NodeInterpol {
			b.WriteString(parser.Show(a.node.Inner()))
		} else {
			b.WriteString(parser.Show(a.node))
		}
		b.WriteString(`}"`)
	}
	return b.String()
}

// tryGetName evaluates a dynamic name, reporting failure instead of
// raising (usable while another error unwinds).
func (st *State) tryGetName(a *attrName, env *Env) (name string, ok bool) {
	saved := st.pending
	defer func() { st.pending = saved }()
	err := st.TryCatch(func() {
		name = st.SymName(st.getName(a, env))
	}, func(*Error) bool { return true })
	return name, err == nil
}

// exprSelect is e.a.b.c [or def].
type exprSelect struct {
	e    Expr
	path []attrName
	def  Expr
	pos  Pos
}

func (e *exprSelect) getPos() Pos { return e.pos }

func (e *exprSelect) eval(st *State, env *Env) Value {
	v := st.evalCtx(e.e, env, "while selecting an attribute")
	var attrPos Pos
	resolved := 0
	ok := false
	defer func() {
		if !ok {
			if attrPos != NoPos && !st.IsInternalPos(attrPos) {
				st.addTrace(attrPos, "from the definition of '"+st.showAttrPath(e.path[:resolved], env)+"'")
			}
			st.addTrace(e.pos, "while evaluating the attribute '"+st.showAttrPath(e.path, env)+"'")
		}
	}()
	for i := range e.path {
		name := st.getName(&e.path[i], env)
		var a *Attr
		if e.def != nil {
			v = st.force(v, e.pos)
			as, isSet := v.(*Attrs)
			if isSet {
				a = as.Get(name)
			}
			if a == nil {
				r := e.def.eval(st, env)
				ok = true
				return r
			}
		} else {
			as := st.ForceAttrs(v, e.pos, "while selecting an attribute")
			if a = as.Get(name); a == nil {
				st.raise(st.missingAttr(name, as))
			}
		}
		v = a.Value
		attrPos = a.Pos
		resolved = i + 1
	}
	p := attrPos
	if p == NoPos {
		p = e.pos
	}
	v = st.force(v, p)
	ok = true
	return v
}

// missingAttr builds "attribute 'x' missing" with suggestions.
func (st *State) missingAttr(name Symbol, as *Attrs) *Error {
	err := st.Errorf(ErrEval, "attribute '%s' missing", parser.PrintIdentifier(st.SymName(name)))
	names := make([]string, 0, as.Len())
	for _, a := range as.attrs {
		names = append(names, st.SymName(a.Name))
	}
	err.Suggestions = bestMatches(names, st.SymName(name))
	return err
}

// exprHasAttr is e ? a.b.c.
type exprHasAttr struct {
	e    Expr
	path []attrName
}

func (e *exprHasAttr) getPos() Pos { return e.e.getPos() }

func (e *exprHasAttr) eval(st *State, env *Env) Value {
	v := st.evalCtx(e.e, env, "in the argument of '?'")
	for i := range e.path {
		v = st.force(v, e.getPos())
		as, ok := v.(*Attrs)
		if !ok {
			return Bool(false)
		}
		a := as.Get(st.getName(&e.path[i], env))
		if a == nil {
			return Bool(false)
		}
		v = a.Value
	}
	return Bool(true)
}

// exprList is [ e... ].
type exprList struct{ elems []Expr }

func (e *exprList) getPos() Pos {
	if len(e.elems) == 0 {
		return NoPos
	}
	return e.elems[0].getPos()
}

func (e *exprList) eval(st *State, env *Env) Value {
	if len(e.elems) == 0 {
		return emptyList
	}
	vs := make([]Value, len(e.elems))
	for i, x := range e.elems {
		vs[i] = st.mkThunk(x, env)
	}
	return &List{Elems: vs}
}

// attrWhere says which environment an attribute's value is evaluated in.
type attrWhere uint8

const (
	inRec   attrWhere = iota // the set's own environment (or the outer one for plain sets)
	inOuter                  // the enclosing environment (inherit x)
	inFrom                   // the inherit-from environment (inherit (e) x)
)

type attrDef struct {
	sym   Symbol
	name  string
	pos   Pos
	e     Expr
	slot  int
	where attrWhere
}

type dynDef struct {
	name  Expr
	value Expr
	pos   Pos
}

// exprAttrs is { ... } or rec { ... }.
type exprAttrs struct {
	rec          bool
	hasOverrides bool
	attrs        []attrDef
	order        []int // attrs indices sorted by symbol
	dyn          []dynDef
	from         []Expr
	fromPos      []Pos
	nslots       int
	nfrom        int
	pos          Pos
}

func (e *exprAttrs) getPos() Pos { return e.pos }

func (st *State) inheritEnv(from []Expr, up *Env, evalIn *Env) *Env {
	if len(from) == 0 {
		return nil
	}
	fe := newEnv(up, len(from))
	for i, f := range from {
		fe.Vals[i] = st.mkThunk(f, evalIn)
	}
	return fe
}

func (e *exprAttrs) eval(st *State, env *Env) Value {
	dynEnv := env
	set, attrs := allocAttrs(len(e.attrs), len(e.dyn), e.pos)
	if e.rec {
		env2 := st.acquireEnv(env, e.nslots)
		dynEnv = env2
		fromEnv := st.inheritEnv(e.from, env2, env2)
		for k, i := range e.order {
			d := &e.attrs[i]
			var v Value
			switch d.where {
			case inOuter:
				v = st.mkThunk(d.e, env)
			case inFrom:
				v = st.mkThunk(d.e, fromEnv)
			default:
				if e.hasOverrides {
					capture(env2)
					v = &Thunk{code: d.e, env: env2}
				} else {
					v = st.mkThunk(d.e, env2)
				}
			}
			env2.Vals[d.slot] = v
			attrs[k] = Attr{Name: d.sym, Pos: d.pos, Value: v}
		}
		if e.hasOverrides {
			attrs = st.applyOverrides(e, attrs, env2)
		}
	} else {
		fromEnv := st.inheritEnv(e.from, env, env)
		for k, i := range e.order {
			d := &e.attrs[i]
			var v Value
			if d.where == inFrom {
				v = st.mkThunk(d.e, fromEnv)
			} else {
				v = st.mkThunk(d.e, env)
			}
			attrs[k] = Attr{Name: d.sym, Pos: d.pos, Value: v}
		}
	}
	set.attrs = attrs
	if len(e.dyn) == 0 {
		if e.rec {
			st.releaseEnv(dynEnv)
		}
		return set
	}
	for _, d := range e.dyn {
		nv := st.force(d.name.eval(st, dynEnv), d.pos)
		if _, isNull := nv.(Null); isNull {
			continue
		}
		name := st.ForceStringNoCtx(nv, d.pos, "while evaluating the name of a dynamic attribute")
		sym := st.syms.intern(name)
		if prev := set.Get(sym); prev != nil {
			st.raise(st.Errorf(ErrEval, "dynamic attribute '%s' already defined at %s",
				parser.PrintIdentifier(name), st.Locate(prev.Pos).String()).At(d.pos))
		}
		if l, ok := d.value.(*exprLambda); ok && l.fn.Name == "" {
			l.fn.Name = name
		}
		set = insertAttr(set, Attr{Name: sym, Pos: d.pos, Value: st.mkThunk(d.value, dynEnv)})
	}
	if e.rec {
		st.releaseEnv(dynEnv)
	}
	return set
}

// insertAttr returns a with one more attribute (the name must be new).
func insertAttr(a *Attrs, at Attr) *Attrs {
	as := a.attrs
	i := 0
	for i < len(as) && as[i].Name < at.Name {
		i++
	}
	as = append(as, Attr{})
	copy(as[i+1:], as[i:])
	as[i] = at
	return &Attrs{attrs: as, Pos: a.Pos}
}

// applyOverrides implements rec { __overrides = { ... }; }.
func (st *State) applyOverrides(e *exprAttrs, attrs []Attr, env2 *Env) []Attr {
	var ov Value
	for _, a := range attrs {
		if a.Name == st.s.overrides {
			ov = a.Value
		}
	}
	set := st.ForceAttrs(ov, NoPos, "while evaluating the `__overrides` attribute")
	out := append([]Attr(nil), attrs...)
	for _, o := range set.attrs {
		found := false
		for i := range out {
			if out[i].Name == o.Name {
				out[i] = o
				for _, d := range e.attrs {
					if d.sym == o.Name && d.where == inRec {
						env2.Vals[d.slot] = o.Value
					}
				}
				found = true
				break
			}
		}
		if !found {
			out = append(out, o)
		}
	}
	b := &AttrsBuilder{attrs: out}
	return b.Finish(e.pos).attrs
}

// exprLet is let ... in body.
type exprLet struct {
	attrs  []attrDef
	from   []Expr
	nslots int
	nfrom  int
	body   Expr
}

func (e *exprLet) getPos() Pos { return NoPos }

func (e *exprLet) eval(st *State, env *Env) Value {
	env2 := st.acquireEnv(env, e.nslots)
	fromEnv := st.inheritEnv(e.from, env2, env2)
	for i := range e.attrs {
		d := &e.attrs[i]
		switch d.where {
		case inOuter:
			env2.Vals[d.slot] = st.mkThunk(d.e, env)
		case inFrom:
			env2.Vals[d.slot] = st.mkThunk(d.e, fromEnv)
		default:
			env2.Vals[d.slot] = st.mkThunk(d.e, env2)
		}
	}
	v := e.body.eval(st, env2)
	st.releaseEnv(env2)
	return v
}

// exprWith is with attrs; body.
type exprWith struct {
	attrs Expr
	body  Expr
	pos   Pos
}

func (e *exprWith) getPos() Pos { return e.pos }

func (e *exprWith) eval(st *State, env *Env) Value {
	env2 := st.acquireEnv(env, 1)
	env2.Vals[0] = st.mkThunk(e.attrs, env)
	v := e.body.eval(st, env2)
	st.releaseEnv(env2)
	return v
}

// evalBool evaluates e to a Boolean, adding ctx to any error.
func (st *State) evalBool(e Expr, env *Env, ctx string) bool {
	pos := e.getPos()
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, ctx)
		}
	}()
	v := e.eval(st, env)
	b, isBool := v.(Bool)
	if !isBool {
		st.raise(st.typeError("a Boolean", v, pos))
	}
	ok = true
	return bool(b)
}

// evalAttrs evaluates e to a set, adding ctx to any error.
func (st *State) evalAttrs(e Expr, env *Env, ctx string) *Attrs {
	pos := e.getPos()
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, ctx)
		}
	}()
	v := e.eval(st, env)
	a, isSet := v.(*Attrs)
	if !isSet {
		st.raise(st.typeError("a set", v, NoPos))
	}
	ok = true
	return a
}

// exprIf is if c then a else b.
type exprIf struct {
	cond, then, els Expr
	pos             Pos
}

func (e *exprIf) getPos() Pos { return e.pos }

func (e *exprIf) eval(st *State, env *Env) Value {
	if st.evalBool(e.cond, env, "while evaluating a branch condition") {
		return e.then.eval(st, env)
	}
	return e.els.eval(st, env)
}

// exprAssert is assert c; body.
type exprAssert struct {
	cond, body Expr
	pos        Pos
	shown      string // the condition as Nix shows it
}

func (e *exprAssert) getPos() Pos { return e.pos }

func (e *exprAssert) eval(st *State, env *Env) Value {
	if !st.evalBool(e.cond, env, "in the condition of the assert statement") {
		shown := e.shown
		if eq, ok := e.cond.(*exprEq); ok && !eq.neg {
			func() {
				ok := false
				defer func() {
					if !ok {
						if p := st.pending; p != nil && (p.Kind == ErrAssertion || p.Kind == ErrThrown) {
							p.Traces = append(p.Traces, Trace{Pos: e.pos, Msg: "while evaluating the condition of the assertion '" + shown + "'"})
						}
					}
				}()
				v1 := eq.e1.eval(st, env)
				v2 := eq.e2.eval(st, env)
				st.assertEqValues(v1, v2, eq.pos, "in an equality assertion")
				ok = true
			}()
		}
		st.raise(st.Errorf(ErrAssertion, "assertion '%s' failed", shown).At(e.pos))
	}
	return e.body.eval(st, env)
}

// exprNot is !e.
type exprNot struct{ e Expr }

func (e *exprNot) getPos() Pos { return e.e.getPos() }

func (e *exprNot) eval(st *State, env *Env) Value {
	return Bool(!st.evalBool(e.e, env, "in the argument of '!'"))
}

// exprEq is == (or != when neg).
type exprEq struct {
	e1, e2 Expr
	pos    Pos
	neg    bool
}

func (e *exprEq) getPos() Pos { return e.pos }

func (e *exprEq) eval(st *State, env *Env) Value {
	if a, ok := immediateInt(e.e1, env, true); ok {
		if b, ok := immediateInt(e.e2, env, true); ok {
			return Bool((a == b) != e.neg)
		}
	}
	if e.neg {
		v1 := st.evalCtx(e.e1, env, "in the left operand of '!='")
		v2 := st.evalCtx(e.e2, env, "in the right operand of '!='")
		return Bool(!st.eqValues(v1, v2, e.pos, "while testing two values for inequality"))
	}
	v1 := st.evalCtx(e.e1, env, "in the left operand of '=='")
	v2 := st.evalCtx(e.e2, env, "in the right operand of '=='")
	return Bool(st.eqValues(v1, v2, e.pos, "while testing two values for equality"))
}

type logicOp uint8

const (
	logicAnd logicOp = iota
	logicOr
	logicImpl
)

// exprLogic is &&, || or ->.
type exprLogic struct {
	op     logicOp
	e1, e2 Expr
	pos    Pos
}

func (e *exprLogic) getPos() Pos { return e.pos }

func (e *exprLogic) eval(st *State, env *Env) Value {
	switch e.op {
	case logicAnd:
		return Bool(st.evalBool(e.e1, env, "in the left operand of '&&'") && st.evalBool(e.e2, env, "in the right operand of '&&'"))
	case logicOr:
		return Bool(st.evalBool(e.e1, env, "in the left operand of '||'") || st.evalBool(e.e2, env, "in the right operand of '||'"))
	}
	return Bool(!st.evalBool(e.e1, env, "in the left operand of '->'") || st.evalBool(e.e2, env, "in the right operand of '->'"))
}

// exprUpdate is e1 // e2.
type exprUpdate struct {
	e1, e2 Expr
	pos    Pos
}

func (e *exprUpdate) getPos() Pos { return e.pos }

func (e *exprUpdate) eval(st *State, env *Env) Value {
	// Nix evaluates a chain of // right to left, rightmost first.
	var queue []*Attrs
	st.collectUpdate(e, env, &queue)
	res := queue[len(queue)-1]
	for i := len(queue) - 2; i >= 0; i-- {
		res = updateAttrs(res, queue[i])
	}
	return res
}

func (st *State) collectUpdate(e *exprUpdate, env *Env, q *[]*Attrs) {
	if r, ok := e.e2.(*exprUpdate); ok {
		st.collectUpdate(r, env, q)
	} else {
		*q = append(*q, st.evalAttrs(e.e2, env, "in the right operand of '//'"))
	}
	if l, ok := e.e1.(*exprUpdate); ok {
		st.collectUpdate(l, env, q)
	} else {
		*q = append(*q, st.evalAttrs(e.e1, env, "in the left operand of '//'"))
	}
}

// exprConcatLists is e1 ++ e2.
type exprConcatLists struct {
	e1, e2 Expr
	pos    Pos
}

func (e *exprConcatLists) getPos() Pos { return e.pos }

func (e *exprConcatLists) eval(st *State, env *Env) Value {
	v1 := st.evalCtx(e.e1, env, "in the left operand of '++'")
	v2 := st.evalCtx(e.e2, env, "in the right operand of '++'")
	const ctx = "while evaluating one of the elements to concatenate"
	l1 := st.ForceList(v1, e.pos, ctx)
	l2 := st.ForceList(v2, e.pos, ctx)
	if len(l1) == 0 {
		return v2
	}
	if len(l2) == 0 {
		return v1
	}
	out := make([]Value, len(l1)+len(l2))
	copy(out, l1)
	copy(out[len(l1):], l2)
	return &List{Elems: out}
}
