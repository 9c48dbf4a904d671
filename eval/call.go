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
	// escapes counts consecutive calls whose environment was captured
	// (see frameEnv).
	escapes uint8
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

func (e *exprLambda) eval(st *State, env *Env) Value {
	capture(env)
	return &Lambda{Fn: e.fn, Env: env}
}

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
		if lam, ok := fn.(*Lambda); ok && !lam.Fn.HasFormals {
			if arg, ok := readyArg(e.args[0], env); ok {
				return st.callReady(lam, arg, e.pos)
			}
		}
		arg := st.mkThunk(e.args[0], env)
		return st.callFunction(fn, []Value{arg}, e.pos)
	}
	// Arguments that land in the plain parameters of a chain of curried
	// functions (x: y: ...) may be passed early, as readyInts.
	var chain *LambdaExpr
	if lam, ok := fn.(*Lambda); ok {
		chain = lam.Fn
	}
	args := make([]Value, len(e.args))
	for i, a := range e.args {
		if chain == nil || chain.HasFormals {
			chain = nil
			args[i] = st.mkThunk(a, env)
			continue
		}
		if v, ok := readyArg(a, env); ok {
			args[i] = v
		} else {
			args[i] = st.mkThunk(a, env)
		}
		if inner, ok := chain.Body.(*exprLambda); ok {
			chain = inner.fn
		} else {
			chain = nil
		}
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

// readyInt is an integer argument that a call computed early (as
// mkThunk computes values early) and passed straight to a function's
// parameter slot instead of allocating a ready thunk for it. It only
// ever sits in environment slots: forcing the variable turns it into
// the Int (as forcing a ready thunk would), and a lazy reference to the
// variable (mkThunk) turns it into the ready thunk it stands for, so
// that Nix's laziness stays observable exactly as before.
type readyInt int64

// Kind implements Value: a readyInt is not evaluated yet.
func (readyInt) Kind() Kind { return KindThunk }

// readyArg returns a readyInt for an argument expression whose integer
// value mkThunk would compute early, or false.
func readyArg(e Expr, env *Env) (Value, bool) {
	switch x := e.(type) {
	case *exprArith:
		if x.op == opLess {
			return nil, false
		}
		if v, ok := x.immediate(env, false); ok {
			if i, ok := v.(Int); ok {
				return readyInt(i), true
			}
		}
	case *exprConcatStrings:
		if n, ok := x.immediateAdd(env, false); ok {
			return readyInt(n), true
		}
	}
	return nil, false
}

// callReady calls f, a function with a plain parameter, on arg as
// callFunction does.
func (st *State) callReady(f *Lambda, arg Value, pos Pos) Value {
	st.enterCall(pos)
	if st.maxSteps > 0 {
		st.step()
	}
	st.goDepth++
	if st.goDepth > st.maxGoDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow (possible infinite recursion)", Pos: pos})
	}
	v := st.callLambda(f.Fn, f.Env, arg, pos)
	st.goDepth--
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
			if len(args) > 1 && !st.opts.ShowTrace {
				var n int
				fn, n = st.callCurried(f, args, pos)
				args = args[n:]
				break
			}
			fn = st.callLambda(f.Fn, f.Env, args[0], pos)
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

// callCurried applies a curried function (x: y: ... body) to several
// arguments at once, binding them without materialising the
// intermediate closures. It returns the result and how many arguments
// it consumed (at least one).
func (st *State) callCurried(f *Lambda, args []Value, pos Pos) (Value, int) {
	lam, env := f.Fn, f.Env
	var envs [8]*Env
	var lams [8]*LambdaExpr
	k := 0
	for k < len(args)-1 && k < len(envs) && !lam.HasFormals {
		inner, ok := lam.Body.(*exprLambda)
		if !ok {
			break
		}
		e := st.frameEnv(lam, env)
		e.Vals[lam.ArgSlot] = args[k]
		envs[k], lams[k] = e, lam
		k++
		lam, env = inner.fn, e
	}
	v := st.callLambda(lam, env, args[k], pos)
	for i := k - 1; i >= 0; i-- {
		st.endFrame(lams[i], envs[i])
	}
	return v, k + 1
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

// callLambda binds arg to the parameters of the function lam closed
// over env and evaluates the body.
func (st *State) callLambda(lam *LambdaExpr, closure *Env, arg Value, pos Pos) Value {
	env := st.frameEnv(lam, closure)
	if lam.HasFormals {
		st.bindFormals(lam, env, arg, pos)
	} else {
		env.Vals[lam.ArgSlot] = arg
	}
	var v Value
	if st.opts.ShowTrace {
		v = st.evalBodyTraced(lam, env, pos)
	} else {
		v = lam.Body.eval(st, env)
	}
	st.endFrame(lam, env)
	return v
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
