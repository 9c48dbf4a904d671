package eval

// LambdaExpr is a compiled function.
type LambdaExpr struct {
	// Name is the attribute the function is bound to ("" if anonymous).
	Name string
	// Pos is the position of the function.
	Pos Pos
	// HasArg reports a plain argument or @-binding, named ArgName.
	HasArg  bool
	ArgName string
	ArgSlot int
	// HasFormals reports a set pattern { a, b ? d, ... }.
	HasFormals bool
	// Formals are sorted by name.
	Formals  []Formal
	Ellipsis bool
	Body     Expr
	NSlots   int
	st       *State
	// noCapture is set when the body never keeps its environment, so
	// calls may reuse one.
	noCapture bool
}

// Formal is one formal argument of a set pattern.
type Formal struct {
	Name    Symbol
	NameStr string
	Pos     Pos
	// Default is the default expression, or nil.
	Default Expr
	Slot    int
}

// displayName is the name used in "while calling" traces.
func (f *LambdaExpr) displayName() string {
	if f.Name == "" {
		return "anonymous lambda"
	}
	return "'" + f.Name + "'"
}

// exprLambda creates a closure.
type exprLambda struct{ fn *LambdaExpr }

func (e *exprLambda) getPos() Pos { return e.fn.Pos }

func (e *exprLambda) eval(st *State, env *Env) Value { return &Lambda{Fn: e.fn, Env: env} }

// exprCall is f a b ... (Nix groups the arguments of one application).
type exprCall struct {
	fn   Expr
	args []Expr
	pos  Pos
	// strict is the strict builtin the call names directly (see
	// PrimOp.Strict), or nil; set once the call is complete.
	strict *PrimOp
}

func (e *exprCall) getPos() Pos { return e.pos }

func (e *exprCall) eval(st *State, env *Env) Value {
	if p := e.strict; p != nil && len(e.args) == p.Arity {
		return st.callStrict(p, e.args, env, e.pos)
	}
	fn := e.fn.eval(st, env)
	if len(e.args) == 1 {
		arg := st.mkThunk(e.args[0], env)
		return st.callFunction(fn, []Value{arg}, e.pos)
	}
	args := make([]Value, len(e.args))
	for i, a := range e.args {
		args[i] = st.mkThunk(a, env)
	}
	return st.callFunction(fn, args, e.pos)
}

// callStrict calls a strict builtin, evaluating its arguments eagerly
// inside the builtin's trace frame (where Nix forces the thunks).
func (st *State) callStrict(p *PrimOp, argExprs []Expr, env *Env, pos Pos) Value {
	st.enterCall(pos)
	if st.maxSteps > 0 {
		st.step()
	}
	base := len(st.argStack)
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, "while calling the '"+p.Name+"' builtin")
		}
	}()
	for _, a := range argExprs {
		v := a.eval(st, env)
		st.argStack = append(st.argStack, v)
	}
	n := len(st.argStack)
	v := st.force(p.Fn(st, pos, st.argStack[base:n:n]), pos)
	ok = true
	clear(st.argStack[base:])
	st.argStack = st.argStack[:base]
	st.callDepth--
	return v
}

// CallFunction applies fn to args and returns the result in weak head
// normal form (raising errors by panicking; see Call for the
// error-returning API).
func (st *State) CallFunction(fn Value, args []Value, pos Pos) Value {
	return st.callFunction(fn, args, pos)
}

func (st *State) callFunction(fn Value, args []Value, pos Pos) Value {
	st.enterCall(pos)
	if st.maxSteps > 0 {
		st.step()
	}
	st.goDepth++
	if st.goDepth > st.maxGoDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow (possible infinite recursion)", Pos: pos})
	}
	fn = st.force(fn, pos)
	for len(args) > 0 {
		switch f := fn.(type) {
		case *Lambda:
			// A curried function applied to several arguments at once:
			// bind them without materialising the intermediate closures.
			for len(args) > 1 && !f.Fn.HasFormals && !st.opts.ShowTrace {
				inner, ok := f.Fn.Body.(*exprLambda)
				if !ok {
					break
				}
				env := newEnv(f.Env, f.Fn.NSlots)
				env.Vals[f.Fn.ArgSlot] = args[0]
				args = args[1:]
				f = &Lambda{Fn: inner.fn, Env: env}
			}
			fn = st.callLambda(f, args[0], pos)
			args = args[1:]
		case *PrimOp:
			if len(args) < f.Arity {
				fn = &PrimOpApp{Op: f, Args: append([]Value(nil), args...)}
				args = nil
				break
			}
			fn = st.callPrimOp(f, args[:f.Arity], pos)
			args = args[f.Arity:]
		case *PrimOpApp:
			need := f.Op.Arity - len(f.Args)
			all := make([]Value, 0, len(f.Args)+len(args))
			all = append(all, f.Args...)
			if len(args) < need {
				fn = &PrimOpApp{Op: f.Op, Args: append(all, args...)}
				args = nil
				break
			}
			all = append(all, args[:need]...)
			fn = st.callPrimOp(f.Op, all, pos)
			args = args[need:]
		case *Attrs:
			functor := f.Get(st.s.functor)
			if functor == nil {
				st.notCallable(fn, pos)
			}
			fn = st.callFunctor(functor, f, args[0], pos)
			args = args[1:]
		default:
			st.notCallable(fn, pos)
		}
	}
	st.goDepth--
	st.callDepth--
	return fn
}

func (st *State) notCallable(fn Value, pos Pos) {
	st.raise(st.Errorf(ErrType, "attempt to call something which is not a function but %s: %s", ShowType(fn), st.ErrorValue(fn)).At(pos))
}

func (st *State) callFunctor(functor *Attr, self *Attrs, arg Value, pos Pos) Value {
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, "while calling a functor (an attribute set with a '__functor' attribute)")
		}
	}()
	v := st.callFunction(functor.Value, []Value{self, arg}, functor.Pos)
	ok = true
	return v
}

// callPrimOp calls a builtin. The arguments are copied to the State's
// argument stack so that callers' argument slices never escape: a
// builtin must not keep its args slice after it returns.
func (st *State) callPrimOp(p *PrimOp, args []Value, pos Pos) Value {
	base := len(st.argStack)
	st.argStack = append(st.argStack, args...)
	a := st.argStack[base:len(st.argStack):len(st.argStack)]
	var v Value
	if p.NoTrace {
		v = st.force(p.Fn(st, pos, a), pos)
	} else {
		v = st.callPrimOpTraced(p, a, pos)
	}
	clear(st.argStack[base:])
	st.argStack = st.argStack[:base]
	return v
}

func (st *State) callPrimOpTraced(p *PrimOp, args []Value, pos Pos) Value {
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, "while calling the '"+p.Name+"' builtin")
		}
	}()
	v := st.force(p.Fn(st, pos, args), pos)
	ok = true
	return v
}

// callLambda binds arg to f's parameters and evaluates the body.
func (st *State) callLambda(f *Lambda, arg Value, pos Pos) Value {
	lam := f.Fn
	if lam.noCapture && !lam.HasFormals && lam.NSlots == 1 {
		// Nothing the body creates can keep its environment, so one
		// environment per State serves every such call.
		var env *Env
		if n := len(st.envPool); n > 0 {
			env = st.envPool[n-1]
			st.envPool = st.envPool[:n-1]
			env.Up = f.Env
		} else {
			env = newEnv(f.Env, 1)
		}
		env.Vals[0] = arg
		var v Value
		if st.opts.ShowTrace {
			v = st.evalBodyTraced(lam, env, pos)
		} else {
			v = lam.Body.eval(st, env)
		}
		env.Vals[0], env.Up = nil, nil
		st.envPool = append(st.envPool, env)
		return v
	}
	env := newEnv(f.Env, lam.NSlots)
	if lam.HasFormals {
		st.bindFormals(lam, env, arg, pos)
	} else {
		env.Vals[lam.ArgSlot] = arg
	}
	if st.opts.ShowTrace {
		return st.evalBodyTraced(lam, env, pos)
	}
	return lam.Body.eval(st, env)
}

// capturesEnv reports whether evaluating e may keep a reference to its
// environment (in a thunk, closure or nested environment) beyond the
// evaluation itself.
func capturesEnv(e Expr) bool {
	trivial := func(x Expr) bool {
		switch x.(type) {
		case *exprConst, *exprVar:
			return true
		}
		return false
	}
	switch x := e.(type) {
	case *exprConst, *exprVar, *exprWithVar, *exprCurPos, *exprUndefined, *exprError:
		return false
	case *exprSelect:
		if capturesEnv(x.e) || x.def != nil && capturesEnv(x.def) {
			return true
		}
		for _, a := range x.path {
			if a.dyn != nil && capturesEnv(a.dyn) {
				return true
			}
		}
		return false
	case *exprHasAttr:
		if capturesEnv(x.e) {
			return true
		}
		for _, a := range x.path {
			if a.dyn != nil && capturesEnv(a.dyn) {
				return true
			}
		}
		return false
	case *exprCall:
		if x.strict != nil && len(x.args) == x.strict.Arity {
			for _, a := range x.args {
				if capturesEnv(a) {
					return true
				}
			}
			return false
		}
		if capturesEnv(x.fn) {
			return true
		}
		for _, a := range x.args {
			if !trivial(a) {
				return true
			}
		}
		return false
	case *exprIf:
		return capturesEnv(x.cond) || capturesEnv(x.then) || capturesEnv(x.els)
	case *exprAssert:
		return capturesEnv(x.cond) || capturesEnv(x.body)
	case *exprNot:
		return capturesEnv(x.e)
	case *exprEq:
		return capturesEnv(x.e1) || capturesEnv(x.e2)
	case *exprLogic:
		return capturesEnv(x.e1) || capturesEnv(x.e2)
	case *exprUpdate:
		return capturesEnv(x.e1) || capturesEnv(x.e2)
	case *exprConcatLists:
		return capturesEnv(x.e1) || capturesEnv(x.e2)
	case *exprConcatStrings:
		for _, p := range x.parts {
			if capturesEnv(p.e) {
				return true
			}
		}
		return false
	case *exprList:
		for _, el := range x.elems {
			if !trivial(el) {
				return true
			}
		}
		return false
	}
	// Lambdas, sets, let, with and anything unknown may capture.
	return true
}

func (st *State) evalBodyTraced(lam *LambdaExpr, env *Env, pos Pos) Value {
	ok := false
	defer func() {
		if !ok {
			st.addTrace(lam.Pos, "while calling "+lam.displayName())
			if pos != NoPos {
				st.addTrace(pos, "from call site")
			}
		}
	}()
	v := lam.Body.eval(st, env)
	ok = true
	return v
}

func (st *State) bindFormals(lam *LambdaExpr, env *Env, arg Value, pos Pos) {
	as := st.forceFormalArg(lam, arg, pos)
	if lam.HasArg {
		env.Vals[lam.ArgSlot] = arg
	}
	used := 0
	for i := range lam.Formals {
		fm := &lam.Formals[i]
		a := as.Get(fm.Name)
		if a == nil {
			if fm.Default == nil {
				name := lam.Name
				if name == "" {
					name = "anonymous lambda"
				}
				st.raise(st.Errorf(ErrType, "function '%s' called without required argument '%s'", name, fm.NameStr).
					At(lam.Pos).WithTrace(pos, "from call site"))
			}
			env.Vals[fm.Slot] = st.mkThunk(fm.Default, env)
			continue
		}
		used++
		env.Vals[fm.Slot] = a.Value
	}
	if !lam.Ellipsis && used != as.Len() {
		var names []string
		for _, fm := range lam.Formals {
			names = append(names, fm.NameStr)
		}
		for _, a := range as.attrs {
			if !lam.hasFormal(a.Name) {
				name := lam.Name
				if name == "" {
					name = "anonymous lambda"
				}
				err := st.Errorf(ErrType, "function '%s' called with unexpected argument '%s'", name, st.SymName(a.Name)).
					At(lam.Pos).WithTrace(pos, "from call site")
				err.Suggestions = bestMatches(names, st.SymName(a.Name))
				st.raise(err)
			}
		}
	}
}

func (f *LambdaExpr) hasFormal(s Symbol) bool {
	for i := range f.Formals {
		if f.Formals[i].Name == s {
			return true
		}
	}
	return false
}

func (st *State) forceFormalArg(lam *LambdaExpr, arg Value, pos Pos) *Attrs {
	if a, ok := arg.(*Attrs); ok {
		return a
	}
	ok := false
	defer func() {
		if !ok && pos != NoPos {
			st.addTrace(pos, "from call site")
		}
	}()
	as := st.ForceAttrs(arg, lam.Pos, "while evaluating the value passed for the lambda argument")
	ok = true
	return as
}
