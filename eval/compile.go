package eval

import (
	"sort"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// globalEnv is the outermost environment code is compiled against: the
// builtins, possibly extended (REPL bindings, scopedImport).
type globalEnv struct {
	names []string // sorted
	slot  map[string]int
	env   *Env
}

// baseGlobals returns the State's builtins environment.
func (st *State) baseGlobals() *globalEnv {
	return &globalEnv{names: st.globalNames, slot: st.globalSlot, env: st.baseEnv}
}

// extendGlobals returns the base environment with extra bindings that
// shadow builtins of the same name.
func (st *State) extendGlobals(extra map[string]Value) *globalEnv {
	if len(extra) == 0 {
		return st.baseGlobals()
	}
	names := make([]string, 0, len(st.globalNames)+len(extra))
	names = append(names, st.globalNames...)
	for n := range extra {
		if _, ok := st.globalSlot[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	g := &globalEnv{names: names, slot: make(map[string]int, len(names)), env: &Env{Vals: make([]Value, len(names))}}
	for i, n := range names {
		g.slot[n] = i
		if v, ok := extra[n]; ok {
			g.env.Vals[i] = v
		} else {
			g.env.Vals[i] = st.baseEnv.Vals[st.globalSlot[n]]
		}
	}
	return g
}

// compiler turns a syntax tree into an executable expression.
type compiler struct {
	st      *State
	src     *Source
	tree    *parser.Tree
	res     *scope.Result
	baseDir string
	globals *globalEnv
	cur     *scope.Scope
}

// compileTree compiles a parsed tree (without errors). It also returns
// the variables bound nowhere.
func (st *State) compileTree(src *Source, t *parser.Tree, baseDir string, g *globalEnv) (Expr, []parser.Node) {
	if g == nil {
		g = st.baseGlobals()
	}
	res := scope.Resolve(t, scope.Options{Globals: g.names})
	c := &compiler{st: st, src: src, tree: t, res: res, baseDir: baseDir, globals: g, cur: res.Global}
	e := t.Expr()
	if !e.Valid() {
		return &exprConst{v: Null{}}, res.Undefined
	}
	return c.expr(e), res.Undefined
}

func (c *compiler) pos(off int) Pos { return c.src.at(off) }

func (c *compiler) sym(s string) Symbol { return c.st.syms.intern(s) }

// depth is the runtime depth of the current scope (number of
// environments between it and the global one).
func (c *compiler) depth() int { return c.cur.Depth }

// varFor compiles a reference to a resolved definition.
func (c *compiler) varFor(name string, ref scope.Ref, pos Pos) Expr {
	if ref.Def != nil {
		d := ref.Def
		if d.Kind == scope.DefGlobal {
			slot, ok := c.globals.slot[name]
			if !ok {
				return &exprUndefined{name: name, pos: pos}
			}
			return &exprVar{up: c.depth(), idx: slot, name: name, pos: pos, global: true}
		}
		return &exprVar{up: c.depth() - d.Scope.Depth, idx: d.Index, name: name, pos: pos}
	}
	if ref.With != nil {
		var withs []withScope
		for s := ref.With; s != nil; s = s.Parent {
			if s.Kind == scope.With {
				withs = append(withs, withScope{hops: c.depth() - s.Depth, pos: c.pos(s.Node.Start())})
			}
		}
		return &exprWithVar{sym: c.sym(name), name: name, withs: withs, pos: pos}
	}
	return &exprUndefined{name: name, pos: pos}
}

// call builds a function application.
func (c *compiler) call(fn Expr, args []Expr, pos Pos) *exprCall {
	return &exprCall{fn: fn, args: args, pos: pos, strict: c.strictPrimOp(fn)}
}

// arith gives a complete call of an arithmetic builtin of the base
// environment its fast path (see exprArith).
func (c *compiler) arith(call *exprCall) Expr {
	if p := call.strict; p != nil && p.Arity == 2 && len(call.args) == 2 {
		if op, ok := arithOps[p.Name]; ok {
			return &exprArith{exprCall: *call, op: op}
		}
	}
	return call
}

// strictPrimOp returns the builtin a call's function names when that is
// a strict builtin of the unmodified base environment.
func (c *compiler) strictPrimOp(fn Expr) *PrimOp {
	v, ok := fn.(*exprVar)
	if !ok || !v.global || c.globals.env != c.st.baseEnv {
		return nil
	}
	p, ok := c.st.baseEnv.Vals[v.idx].(*PrimOp)
	if !ok || !p.Strict {
		return nil
	}
	return p
}

// lookupName resolves a name the parser introduces itself (__sub,
// __findFile, ...) from the current scope, as Nix's static binding does.
func (c *compiler) lookupName(name string, pos Pos) Expr {
	var with *scope.Scope
	for s := c.cur; s != nil; s = s.Parent {
		if s.Kind == scope.With {
			if with == nil {
				with = s
			}
			continue
		}
		if d := s.Lookup(name); d != nil {
			return c.varFor(name, scope.Ref{Def: d}, pos)
		}
	}
	return c.varFor(name, scope.Ref{With: with}, pos)
}

func (c *compiler) enter(n parser.Node) *scope.Scope {
	s := c.res.ScopeOf(n)
	if s == nil {
		// Should not happen; keep compiling in the current scope.
		return c.cur
	}
	saved := c.cur
	c.cur = s
	return saved
}

func (c *compiler) expr(n parser.Node) Expr {
	switch n.Kind() {
	case parser.NodeParen:
		return c.expr(n.Inner())
	case parser.NodeIdent:
		name := n.Name()
		if name == "__curPos" {
			return &exprCurPos{pos: c.pos(n.Start())}
		}
		ref, _ := c.res.RefOf(n)
		return c.varFor(name, ref, c.pos(n.Start()))
	case parser.NodeInt:
		v, err := n.IntValue()
		if err != nil {
			return &exprError{msg: "invalid integer '" + n.Text() + "'", pos: c.pos(n.Start())}
		}
		return &exprConst{v: Int(v)}
	case parser.NodeFloat:
		v, _ := n.FloatValue()
		return &exprConst{v: Float(v)}
	case parser.NodeURI:
		return &exprConst{v: NewString(n.Text())}
	case parser.NodeString, parser.NodeIndString:
		return c.stringExpr(n)
	case parser.NodePath:
		return c.pathExpr(n)
	case parser.NodeSearchPath:
		pos := c.pos(n.Start())
		return c.call(c.lookupName("__findFile", NoPos),
			[]Expr{c.lookupName("__nixPath", NoPos), &exprConst{v: NewString(n.SearchPathName())}}, pos)
	case parser.NodeList:
		elems := n.Elems()
		l := &exprList{elems: make([]Expr, len(elems))}
		for i, e := range elems {
			l.elems[i] = c.expr(e)
		}
		return l
	case parser.NodeAttrSet:
		attrs, _ := parser.MergeBindings(n)
		return c.attrSet(attrs, c.pos(n.Start()))
	case parser.NodeLetIn:
		return c.let(n)
	case parser.NodeLegacyLet:
		attrs, _ := parser.MergeBindings(n)
		pos := c.pos(n.Start())
		set := c.attrSet(attrs, pos)
		return &exprSelect{e: set, path: []attrName{{sym: c.st.s.body, name: "body"}}, pos: pos}
	case parser.NodeLambda:
		return &exprLambda{fn: c.lambda(n, "")}
	case parser.NodeAssert:
		shown := parser.ShowWith(n.Cond(), parser.ShowOptions{BaseDir: c.baseDir, Home: c.st.opts.Home})
		return &exprAssert{cond: c.expr(n.Cond()), body: c.expr(n.Body()), pos: c.pos(n.Start()), shown: shown}
	case parser.NodeWith:
		env := c.expr(n.Env())
		saved := c.enter(n)
		body := c.expr(n.Body())
		c.cur = saved
		return &exprWith{attrs: env, body: body, pos: c.pos(n.Start())}
	case parser.NodeIf:
		return &exprIf{cond: c.expr(n.Cond()), then: c.expr(n.Then()), els: c.expr(n.Else()), pos: c.pos(n.Start())}
	case parser.NodeApply:
		fn := c.expr(n.Func())
		arg := c.expr(n.Arg())
		if call, ok := fn.(*exprCall); ok {
			call.args = append(call.args, arg)
			return call
		}
		return c.call(fn, []Expr{arg}, c.pos(n.Start()))
	case parser.NodeSelect:
		e := &exprSelect{e: c.expr(n.Subject()), path: c.attrPath(n.AttrPath()), pos: c.pos(n.Start())}
		if d := n.Default(); d.Valid() {
			e.def = c.expr(d)
		}
		return e
	case parser.NodeHasAttr:
		return &exprHasAttr{e: c.expr(n.Subject()), path: c.attrPath(n.AttrPath())}
	case parser.NodeUnary:
		op := n.Operator()
		operand := c.expr(n.Operand())
		if op.Kind() == parser.TokNot {
			return &exprNot{e: operand}
		}
		pos := c.pos(n.Start())
		return c.arith(c.call(c.lookupName("__sub", NoPos), []Expr{&exprConst{v: Int(0)}, operand}, pos))
	case parser.NodeBinary:
		return c.binary(n)
	}
	return &exprError{msg: "cannot evaluate a " + n.Kind().String() + " node", pos: c.pos(n.Start())}
}

func (c *compiler) binary(n parser.Node) Expr {
	op := n.Operator()
	opPos := c.pos(op.Start())
	l, r := n.Left(), n.Right()
	call := func(name string, a, b Expr) Expr {
		return c.arith(c.call(c.lookupName(name, NoPos), []Expr{a, b}, opPos))
	}
	switch op.Kind() {
	case parser.TokPipeInto, parser.TokPipeFrom:
		fnNode, argNode := r, l
		if op.Kind() == parser.TokPipeFrom {
			fnNode, argNode = l, r
		}
		fn := c.expr(fnNode)
		arg := c.expr(argNode)
		if ce, ok := fn.(*exprCall); ok {
			ce.args = append(ce.args, arg)
			return ce
		}
		return c.call(fn, []Expr{arg}, opPos)
	}
	a, b := c.expr(l), c.expr(r)
	switch op.Kind() {
	case parser.TokPlus:
		return c.concat(&exprConcatStrings{pos: opPos, parts: []strPart{{pos: c.pos(l.Start()), e: a}, {pos: c.pos(r.Start()), e: b}}})
	case parser.TokMinus:
		return call("__sub", a, b)
	case parser.TokStar:
		return call("__mul", a, b)
	case parser.TokSlash:
		return call("__div", a, b)
	case parser.TokLess:
		return call("__lessThan", a, b)
	case parser.TokGreater:
		return call("__lessThan", b, a)
	case parser.TokLeq:
		return &exprNot{e: call("__lessThan", b, a)}
	case parser.TokGeq:
		return &exprNot{e: call("__lessThan", a, b)}
	case parser.TokEq:
		return &exprEq{pos: opPos, e1: a, e2: b}
	case parser.TokNeq:
		return &exprEq{pos: opPos, e1: a, e2: b, neg: true}
	case parser.TokAnd:
		return &exprLogic{op: logicAnd, pos: opPos, e1: a, e2: b}
	case parser.TokOrOr:
		return &exprLogic{op: logicOr, pos: opPos, e1: a, e2: b}
	case parser.TokImpl:
		return &exprLogic{op: logicImpl, pos: opPos, e1: a, e2: b}
	case parser.TokUpdate:
		return &exprUpdate{pos: opPos, e1: a, e2: b}
	case parser.TokConcat:
		return &exprConcatLists{pos: opPos, e1: a, e2: b}
	}
	return &exprError{msg: "unknown operator " + op.Text(), pos: opPos}
}

// stringExpr compiles a string or indented string.
func (c *compiler) stringExpr(n parser.Node) Expr {
	parts := n.Parts()
	if len(parts) == 0 {
		return &exprConst{v: NewString("")}
	}
	if len(parts) == 1 && !parts[0].IsInterp {
		return &exprConst{v: NewString(parts[0].Lit)}
	}
	ps := make([]strPart, 0, len(parts))
	for _, p := range parts {
		if p.IsInterp {
			ps = append(ps, strPart{pos: c.pos(p.Pos), e: c.expr(p.Interp)})
		} else {
			ps = append(ps, strPart{pos: c.pos(p.Pos), e: &exprConst{v: NewString(p.Lit)}})
		}
	}
	pos := c.pos(parts[0].Pos)
	if n.Kind() == parser.NodeIndString {
		pos = c.pos(n.Start())
	}
	return c.concat(&exprConcatStrings{pos: pos, forceString: true, parts: ps})
}

// concat marks the parts of a string concatenation that call the base
// environment's toString with one argument (see strPart.toStringArg).
func (c *compiler) concat(e *exprConcatStrings) *exprConcatStrings {
	for i := range e.parts {
		call, ok := e.parts[i].e.(*exprCall)
		if !ok || len(call.args) != 1 {
			continue
		}
		v, ok := call.fn.(*exprVar)
		if !ok || !v.global || c.globals.env != c.st.baseEnv {
			continue
		}
		if p, ok := c.st.baseEnv.Vals[v.idx].(*PrimOp); ok && p.Name == "toString" && p.Arity == 1 {
			e.parts[i].toStringArg = call.args[0]
		}
	}
	return e
}

// pathExpr compiles a path literal, possibly with interpolations.
func (c *compiler) pathExpr(n parser.Node) Expr {
	parts := n.Parts()
	if len(parts) == 0 {
		return &exprConst{v: Path(c.baseDir)}
	}
	first := parts[0].Lit
	p := parser.ResolvePath(first, c.baseDir, c.st.opts.Home)
	if strings.HasPrefix(first, "~") {
		p = c.st.opts.Home + first[1:]
		if len(parts) == 1 {
			p = canonPath(p)
		}
	}
	if len(parts) == 1 {
		return &exprConst{v: Path(p)}
	}
	ps := []strPart{{pos: c.pos(parts[0].Pos), e: &exprConst{v: Path(p)}}}
	for _, part := range parts[1:] {
		if part.IsInterp {
			ps = append(ps, strPart{pos: c.pos(part.Pos), e: c.expr(part.Interp)})
		} else {
			ps = append(ps, strPart{pos: c.pos(part.Pos), e: &exprConst{v: NewString(part.Lit)}})
		}
	}
	return &exprConcatStrings{pos: c.pos(n.Start()), parts: ps}
}

// attrPath compiles the names of a select or has-attr path.
func (c *compiler) attrPath(p parser.Node) []attrName {
	if !p.Valid() {
		return nil
	}
	var out []attrName
	for _, a := range p.Attrs() {
		if name, ok := parser.StaticAttrName(a); ok {
			out = append(out, attrName{sym: c.sym(name), name: name})
			continue
		}
		out = append(out, c.dynName(a))
	}
	return out
}

// dynName compiles a dynamic attribute name (a String with
// interpolations or ${e}).
func (c *compiler) dynName(a parser.Node) attrName {
	var e Expr
	if a.Kind() == parser.NodeInterpol {
		e = c.expr(a.Inner())
	} else {
		e = c.expr(a)
	}
	return attrName{dyn: e, node: a}
}

// lambda compiles a function; name is the attribute it is bound to.
func (c *compiler) lambda(n parser.Node, name string) *LambdaExpr {
	saved := c.enter(n)
	s := c.cur
	f := &LambdaExpr{Name: name, Pos: c.pos(n.Start()), NSlots: len(s.Defs), st: c.st}
	if p := n.Param(); p.Valid() {
		f.HasArg = true
		f.ArgName = p.Name()
		if d := s.Lookup(f.ArgName); d != nil {
			f.ArgSlot = d.Index
		}
	}
	if pat := n.Pattern(); pat.Valid() {
		f.HasFormals = true
		f.Ellipsis = pat.HasEllipsis()
		for _, fm := range pat.Formals() {
			pn := fm.Param()
			if !pn.Valid() {
				continue
			}
			fname := pn.Name()
			formal := Formal{Name: c.sym(fname), NameStr: fname, Pos: c.pos(pn.Start())}
			if d := s.Lookup(fname); d != nil {
				formal.Slot = d.Index
			}
			if def := fm.Default(); def.Valid() {
				formal.Default = c.expr(def)
			}
			f.Formals = append(f.Formals, formal)
		}
		sort.SliceStable(f.Formals, func(i, j int) bool { return f.Formals[i].NameStr < f.Formals[j].NameStr })
	}
	body := parser.Unparen(n.Body())
	if body.Kind() == parser.NodeLambda && name != "" {
		f.Body = &exprLambda{fn: c.lambda(body, name)}
	} else {
		f.Body = c.expr(n.Body())
	}
	c.cur = saved
	return f
}

// valueExpr compiles the value of a static attribute called name.
func (c *compiler) valueExpr(name string, v parser.Node, nested *parser.Attrs) Expr {
	if nested != nil {
		pos := c.pos(nested.Pos)
		if nested.Node.Valid() {
			pos = c.pos(nested.Node.Start())
		}
		return c.attrSet(nested, pos)
	}
	if u := parser.Unparen(v); u.Kind() == parser.NodeLambda {
		return &exprLambda{fn: c.lambda(u, name)}
	}
	return c.expr(v)
}

// attrSet compiles a merged attribute set (rec or not).
func (c *compiler) attrSet(a *parser.Attrs, pos Pos) Expr {
	e := &exprAttrs{pos: pos, rec: a.Rec}
	outer := c.cur
	if a.Rec && a.Node.Valid() {
		saved := c.enter(a.Node)
		defer func() { c.cur = saved }()
	}
	e.nslots = 0
	if a.Rec {
		e.nslots = len(c.cur.Defs)
	}
	e.nfrom = len(a.InheritFrom)
	// inherit (from) expressions: evaluated in the set's scope.
	for _, f := range a.InheritFrom {
		e.from = append(e.from, c.expr(f))
	}
	for _, at := range a.Attrs {
		d := attrDef{sym: c.sym(at.Name), pos: c.pos(at.Pos), name: at.Name}
		if a.Rec {
			if def := c.cur.Lookup(at.Name); def != nil {
				d.slot = def.Index
			}
		}
		switch at.Kind {
		case parser.AttrPlain:
			d.e = c.valueExpr(at.Name, at.Value, at.Nested)
			d.where = inRec
		case parser.AttrInherited:
			saved := c.cur
			c.cur = outer
			ref, _ := c.res.RefOf(at.Value)
			d.e = c.varFor(at.Name, ref, c.pos(at.Value.Start()))
			c.cur = saved
			d.where = inOuter
		case parser.AttrInheritedFrom:
			d.e = &exprSelect{
				e:    &exprVar{up: 0, idx: at.FromIndex, pos: c.pos(a.InheritFrom[at.FromIndex].Start())},
				path: []attrName{{sym: d.sym, name: at.Name}},
				pos:  c.pos(at.Value.Start()),
			}
			d.where = inFrom
		}
		e.attrs = append(e.attrs, d)
	}
	for _, dy := range a.Dynamic {
		n := c.dynName(dy.Name)
		var v Expr
		if dy.Nested != nil {
			v = c.attrSet(dy.Nested, c.pos(dy.Nested.Pos))
		} else {
			v = c.expr(dy.Value)
		}
		e.dyn = append(e.dyn, dynDef{name: n.dyn, value: v, pos: c.pos(dy.Pos)})
	}
	// Sort static attributes by symbol so the set needs no sorting at
	// run time.
	e.order = make([]int, len(e.attrs))
	for i := range e.order {
		e.order[i] = i
	}
	sort.Slice(e.order, func(i, j int) bool { return e.attrs[e.order[i]].sym < e.attrs[e.order[j]].sym })
	if a.Rec {
		for _, d := range e.attrs {
			if d.name == "__overrides" {
				e.hasOverrides = true
			}
		}
	}
	return e
}

// let compiles let ... in.
func (c *compiler) let(n parser.Node) Expr {
	a, _ := parser.MergeBindings(n)
	outer := c.cur
	saved := c.enter(n)
	e := &exprLet{nslots: len(c.cur.Defs), nfrom: len(a.InheritFrom)}
	for _, f := range a.InheritFrom {
		e.from = append(e.from, c.expr(f))
	}
	for _, at := range a.Attrs {
		d := attrDef{sym: c.sym(at.Name), pos: c.pos(at.Pos), name: at.Name}
		if def := c.cur.Lookup(at.Name); def != nil {
			d.slot = def.Index
		}
		switch at.Kind {
		case parser.AttrPlain:
			d.e = c.valueExpr(at.Name, at.Value, at.Nested)
			d.where = inRec
		case parser.AttrInherited:
			sv := c.cur
			c.cur = outer
			ref, _ := c.res.RefOf(at.Value)
			d.e = c.varFor(at.Name, ref, c.pos(at.Value.Start()))
			c.cur = sv
			d.where = inOuter
		case parser.AttrInheritedFrom:
			d.e = &exprSelect{
				e:    &exprVar{up: 0, idx: at.FromIndex, pos: c.pos(a.InheritFrom[at.FromIndex].Start())},
				path: []attrName{{sym: d.sym, name: at.Name}},
				pos:  c.pos(at.Value.Start()),
			}
			d.where = inFrom
		}
		e.attrs = append(e.attrs, d)
	}
	e.body = c.expr(n.Body())
	c.cur = saved
	return e
}

// canonPath cleans an absolute path like Nix's CanonPath.
func canonPath(p string) string {
	if p == "" {
		return "/"
	}
	return cleanPath(p)
}
