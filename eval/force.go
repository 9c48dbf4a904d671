package eval

import (
	"fmt"
	"runtime"
)

// Thunk is a delayed computation, updated in place with its value once
// forced. While it is being forced it is a black hole: forcing it again
// is infinite recursion. If forcing fails, the error is remembered and
// raised again by later forces.
type Thunk struct {
	expr Expr // nil once evaluated; blackhole while evaluating
	env  *Env
	val  Value
}

// NewThunk returns a thunk that applies fn to args when forced. The
// args slice is copied.
func NewThunk(fn Value, args ...Value) *Thunk {
	switch len(args) {
	case 1:
		t := &appThunk1{}
		t.app.fn, t.app.arg = fn, args[0]
		t.expr = &t.app
		return &t.Thunk
	case 2:
		t := &appThunk2{}
		t.app.fn, t.app.args[0], t.app.args[1] = fn, args[0], args[1]
		t.expr = &t.app
		return &t.Thunk
	}
	return &Thunk{expr: &exprApp{fn: fn, args: append([]Value(nil), args...)}}
}

// App applies one function to many arguments lazily, sharing the
// function between the thunks (as map and genList do).
type App struct{ fn Value }

// NewApp returns an App for fn.
func NewApp(fn Value) *App { return &App{fn: fn} }

// Thunk returns a thunk applying the App's function to arg.
func (a *App) Thunk(arg Value) *Thunk { return &Thunk{expr: a, val: arg} }

func (a *App) eval(st *State, env *Env) Value { panic("unreachable: App evaluated outside a thunk") }
func (a *App) getPos() Pos                    { return NoPos }

// appThunk1 is a thunk and its one-argument application in one
// allocation.
type appThunk1 struct {
	Thunk
	app exprApp1
}

type appThunk2 struct {
	Thunk
	app exprApp2
}

// exprApp1 is a pending application to one argument.
type exprApp1 struct{ fn, arg Value }

func (e *exprApp1) eval(st *State, env *Env) Value {
	args := [1]Value{e.arg}
	return st.callFunction(e.fn, args[:], NoPos)
}
func (e *exprApp1) getPos() Pos { return NoPos }

// exprApp2 is a pending application to two arguments.
type exprApp2 struct {
	fn   Value
	args [2]Value
}

func (e *exprApp2) eval(st *State, env *Env) Value {
	args := e.args
	return st.callFunction(e.fn, args[:], NoPos)
}
func (e *exprApp2) getPos() Pos { return NoPos }

// NewLazy returns a thunk computing f() when forced.
func NewLazy(f func(st *State) Value) *Thunk {
	return &Thunk{expr: &exprNative{fn: f}}
}

// Evaluated returns a thunk's value without forcing it, and whether it
// has been evaluated.
func (t *Thunk) Evaluated() (Value, bool) {
	if t.expr == nil {
		return t.val, true
	}
	return nil, false
}

// blackholeExpr marks a thunk under evaluation.
type blackholeExpr struct{}

func (blackholeExpr) eval(st *State, env *Env) Value { panic("unreachable: evaluating a black hole") }
func (blackholeExpr) getPos() Pos                    { return NoPos }

var theBlackhole Expr = blackholeExpr{}

// failedExpr marks a thunk whose evaluation failed.
type failedExpr struct{ err *Error }

func (f *failedExpr) eval(st *State, env *Env) Value { st.rethrow(f.err); return nil }
func (f *failedExpr) getPos() Pos                    { return NoPos }

// exprApp is a pending function application (the thunks builtins such as
// map and genList create).
type exprApp struct {
	fn   Value
	args []Value
}

func (e *exprApp) eval(st *State, env *Env) Value {
	return st.callFunction(e.fn, e.args, NoPos)
}
func (e *exprApp) getPos() Pos { return NoPos }

// maxGoDepth bounds nested thunk forcing and calls so that deep
// recursion is an evaluation error rather than a Go stack overflow.
const maxGoDepth = 60000

// force evaluates v to weak head normal form.
func (st *State) force(v Value, pos Pos) Value {
	if t, ok := v.(*Thunk); ok {
		if t.expr == nil {
			return t.val
		}
		return st.forceThunk(t, pos)
	}
	return v
}

func (st *State) forceThunk(t *Thunk, pos Pos) Value {
	e := t.expr
	switch x := e.(type) {
	case nil:
		return t.val
	case blackholeExpr:
		st.raise(&Error{Kind: ErrInfiniteRecursion, Msg: "infinite recursion encountered", Pos: pos, blackhole: t})
	case *failedExpr:
		st.rethrow(x.err)
	}
	env := t.env
	if st.maxSteps > 0 {
		st.step()
	}
	t.expr = theBlackhole
	st.goDepth++
	if st.goDepth > st.maxGoDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow (possible infinite recursion)", Pos: pos})
	}
	pending := t.val
	ok := false
	defer func() {
		if !ok {
			st.thunkFailed(t, e, env, pending)
		}
	}()
	var v Value
	// Pending applications are called at the position they are forced
	// from, as Nix does for its application values.
	switch app := e.(type) {
	case *App:
		// A shared application: the thunk holds its argument.
		t.val = nil
		args := [1]Value{pending}
		v = st.callFunction(app.fn, args[:], pos)
	case *exprApp1:
		args := [1]Value{app.arg}
		v = st.callFunction(app.fn, args[:], pos)
	case *exprApp2:
		args := app.args
		v = st.callFunction(app.fn, args[:], pos)
	default:
		v = e.eval(st, env)
	}
	ok = true
	st.goDepth--
	t.val = v
	t.expr = nil
	t.env = nil
	return v
}

// thunkFailed records a failure while forcing t (called while a panic
// unwinds).
func (st *State) thunkFailed(t *Thunk, e Expr, env *Env, pending Value) {
	err := st.pending
	if err == nil {
		// Not an evaluation error (an internal panic): make the thunk
		// evaluable again.
		t.expr, t.env, t.val = e, env, pending
		return
	}
	if err.Kind == ErrInfiniteRecursion && err.blackhole == t {
		err.Traces = append(err.Traces, Trace{Msg: "entering the infinite recursion", Always: true})
	}
	t.expr = &failedExpr{err: err}
	t.env = nil
}

// raise signals an evaluation error.
func (st *State) raise(e *Error) {
	if e.pt == nil {
		e.pt = st.pos
	}
	st.pending = e
	panic(e)
}

// Raise signals an evaluation error from a builtin. It does not return.
func (st *State) Raise(e *Error) { st.raise(e) }

// rethrow raises a copy of a remembered error.
func (st *State) rethrow(e *Error) {
	c := *e
	c.Traces = append([]Trace(nil), e.Traces...)
	st.raise(&c)
}

// Errorf builds an error of the given kind (raise it with Raise).
func (st *State) Errorf(kind ErrorKind, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Kind: kind, Msg: msg, pt: st.pos}
}

// At sets the error's position.
func (e *Error) At(p Pos) *Error {
	e.Pos = p
	return e
}

// WithTrace adds a trace line.
func (e *Error) WithTrace(p Pos, msg string) *Error {
	e.Traces = append(e.Traces, Trace{Pos: p, Msg: msg})
	return e
}

// Fail raises an error of kind ErrEval at pos.
func (st *State) Fail(pos Pos, format string, args ...any) {
	st.raise(st.Errorf(ErrEval, format, args...).At(pos))
}

// TypeError raises "expected X but found Y: V".
func (st *State) typeError(expected string, v Value, pos Pos) *Error {
	return st.Errorf(ErrType, "expected %s but found %s: %s", expected, ShowType(v), st.ErrorValue(v)).At(pos)
}

// addTraceOnPanic is deferred by frames that add a trace line when an
// evaluation error passes through them.
func (st *State) addTrace(pos Pos, msg string) {
	if e := st.pending; e != nil {
		e.Traces = append(e.Traces, Trace{Pos: pos, Msg: msg})
	}
}

// Force evaluates v to weak head normal form, reporting errors by
// panicking (for builtins; see Eval for the error-returning API).
func (st *State) Force(v Value, pos Pos) Value { return st.force(v, pos) }

// ForceCtx is Force adding the trace line ctx to any error.
func (st *State) ForceCtx(v Value, pos Pos, ctx string) Value {
	if t, ok := v.(*Thunk); ok {
		if t.expr == nil {
			return t.val
		}
		ok := false
		defer func() {
			if !ok {
				st.addTrace(pos, ctx)
			}
		}()
		r := st.forceThunk(t, pos)
		ok = true
		return r
	}
	return v
}

// ForceInt forces v and requires an integer; ctx is added to the trace
// of any error.
func (st *State) ForceInt(v Value, pos Pos, ctx string) int64 {
	v = st.ForceCtx(v, pos, ctx)
	if i, ok := v.(Int); ok {
		return int64(i)
	}
	st.raise(st.typeError("an integer", v, pos).WithTrace(pos, ctx))
	return 0
}

// ForceFloat forces v and requires a number (ints convert).
func (st *State) ForceFloat(v Value, pos Pos, ctx string) float64 {
	v = st.ForceCtx(v, pos, ctx)
	switch x := v.(type) {
	case Float:
		return float64(x)
	case Int:
		return float64(x)
	}
	st.raise(st.typeError("a float", v, pos).WithTrace(pos, ctx))
	return 0
}

// ForceBool forces v and requires a Boolean.
func (st *State) ForceBool(v Value, pos Pos, ctx string) bool {
	v = st.ForceCtx(v, pos, ctx)
	if b, ok := v.(Bool); ok {
		return bool(b)
	}
	st.raise(st.typeError("a Boolean", v, pos).WithTrace(pos, ctx))
	return false
}

// ForceAttrs forces v and requires a set; ctx is added only when v is
// not a set (as Nix's forceAttrs does).
func (st *State) ForceAttrs(v Value, pos Pos, ctx string) *Attrs {
	v = st.force(v, pos)
	if a, ok := v.(*Attrs); ok {
		return a
	}
	st.raise(st.typeError("a set", v, NoPos).WithTrace(pos, ctx))
	return nil
}

// ForceList forces v and requires a list; ctx is added only when v is
// not a list.
func (st *State) ForceList(v Value, pos Pos, ctx string) []Value {
	v = st.force(v, pos)
	if l, ok := v.(*List); ok {
		return l.Elems
	}
	st.raise(st.typeError("a list", v, NoPos).WithTrace(pos, ctx))
	return nil
}

// ForceFunction forces v and requires a function or a functor set.
func (st *State) ForceFunction(v Value, pos Pos, ctx string) Value {
	v = st.ForceCtx(v, pos, ctx)
	if IsFunction(v) || st.isFunctor(v) {
		return v
	}
	st.raise(st.typeError("a function", v, pos).WithTrace(pos, ctx))
	return nil
}

// ForceString forces v and requires a string.
func (st *State) ForceString(v Value, pos Pos, ctx string) *String {
	v = st.ForceCtx(v, pos, ctx)
	if s, ok := v.(*String); ok {
		return s
	}
	st.raise(st.typeError("a string", v, pos).WithTrace(pos, ctx))
	return nil
}

// ForceStringNoCtx forces v and requires a string without context.
func (st *State) ForceStringNoCtx(v Value, pos Pos, ctx string) string {
	s := st.ForceString(v, pos, ctx)
	if s.HasContext() {
		st.raise(st.Errorf(ErrEval, "the string '%s' is not allowed to refer to a store path (such as '%s')",
			s.S, displayContextElem(s.Context()[0])).WithTrace(pos, ctx))
	}
	return s.S
}

// displayContextElem renders a context element as Nix's
// NixStringContextElem::display does.
func displayContextElem(e string) string {
	switch {
	case len(e) > 0 && e[0] == '=':
		return e[1:]
	case len(e) > 0 && e[0] == '!':
		rest := e[1:]
		for i := 0; i < len(rest); i++ {
			if rest[i] == '!' {
				return rest[i+1:] + "^" + rest[:i]
			}
		}
	}
	return e
}

func (st *State) isFunctor(v Value) bool {
	a, ok := v.(*Attrs)
	return ok && a.Get(st.s.functor) != nil
}

// enterCall increments the call depth, failing past max-call-depth.
func (st *State) enterCall(pos Pos) {
	st.callDepth++
	if st.callDepth > st.maxCallDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow; max-call-depth exceeded", Pos: pos})
	}
}

func (st *State) leaveCall() { st.callDepth-- }

// step counts an evaluation step when a step limit is set.
func (st *State) step() {
	st.steps++
	if st.steps > st.maxSteps {
		st.raise(&Error{Kind: ErrEval, Msg: "evaluation step limit exceeded"})
	}
}

// SetStepLimit bounds the number of evaluation steps (0 = unlimited);
// used by fuzzing to stop runaway evaluations.
func (st *State) SetStepLimit(n int64) { st.maxSteps, st.steps = n, 0 }

// internalError wraps a recovered Go panic.
func (st *State) internalError(r any) *Error {
	buf := make([]byte, 4096)
	buf = buf[:runtime.Stack(buf, false)]
	return &Error{Kind: ErrInternal, Msg: fmt.Sprintf("internal error in the evaluator: %v\n%s", r, buf), pt: st.pos}
}

// catch runs f, converting a raised evaluation error into a returned one
// and restoring the depth counters. It is the evaluator's API boundary.
func (st *State) catch(f func()) (err error) {
	callDepth, goDepth, nargs := st.callDepth, st.goDepth, len(st.argStack)
	defer func() {
		if r := recover(); r != nil {
			st.callDepth, st.goDepth = callDepth, goDepth
			st.argStack = st.argStack[:nargs]
			if e, ok := r.(*Error); ok {
				st.pending = nil
				err = e
				return
			}
			st.pending = nil
			err = st.internalError(r)
		}
	}()
	f()
	return nil
}

// TryCatch runs f; if it raises an evaluation error for which keep
// returns true, the error is returned instead of propagating. Other
// errors propagate. It is how builtins like tryEval catch errors.
func (st *State) TryCatch(f func(), keep func(*Error) bool) (caught *Error) {
	callDepth, goDepth, nargs := st.callDepth, st.goDepth, len(st.argStack)
	defer func() {
		if caught != nil {
			return
		}
		if r := recover(); r != nil {
			if e, ok := r.(*Error); ok && keep(e) {
				st.callDepth, st.goDepth = callDepth, goDepth
				st.argStack = st.argStack[:nargs]
				st.pending = nil
				caught = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}
