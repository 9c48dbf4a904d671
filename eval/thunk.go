package eval

import "unsafe"

// Thunk is a delayed computation, updated in place with its value once
// forced. While it is being forced it is a black hole: forcing it again
// is infinite recursion. If forcing fails, the error is remembered and
// raised again by later forces.
//
// A thunk is two words and an interface: code holds the value once the
// thunk is evaluated (env is then nil); before that it holds the pending
// computation, which is evaluated in env (noEnv when it needs none).
// Pending computations are compiled expressions, applications (appCell,
// listApp, ...), a black hole or a remembered failure.
type Thunk struct {
	code Value
	env  *Env
}

// noEnv is the environment of pending computations that need none; a
// pending thunk's env is never nil. It is never modified.
var noEnv = &Env{}

// readyEnv marks a ready thunk: one whose value was computed when it was
// created (see exprArith) and is in code, but which is not evaluated
// yet as far as Nix semantics go (it prints as a thunk). Forcing it only
// clears env.
var readyEnv = &Env{}

// Evaluated returns a thunk's value without forcing it, and whether it
// has been evaluated.
func (t *Thunk) Evaluated() (Value, bool) {
	if t.env == nil {
		return t.code, true
	}
	return nil, false
}

// isBlackhole reports whether t is being evaluated.
func (t *Thunk) isBlackhole() bool {
	_, ok := t.code.(blackholeExpr)
	return ok && t.env != nil
}

// NewThunk returns a thunk that applies fn to args when forced. The
// args slice is copied.
func NewThunk(fn Value, args ...Value) *Thunk {
	switch len(args) {
	case 1:
		c := &appCell{fn: fn, arg: args[0]}
		c.code, c.env = c, noEnv
		return &c.Thunk
	case 2:
		c := &app2Cell{fn: fn, args: [2]Value{args[0], args[1]}}
		c.code, c.env = c, noEnv
		return &c.Thunk
	}
	c := &appNCell{fn: fn, args: append([]Value(nil), args...)}
	c.code, c.env = c, noEnv
	return &c.Thunk
}

// NewLazy returns a thunk computing f() when forced.
func NewLazy(f func(st *State) Value) *Thunk {
	return &Thunk{code: &exprNative{fn: f}, env: noEnv}
}

// App applies one function to many arguments lazily, sharing the
// function between the thunks (as map and genList do).
type App struct{ fn Value }

// NewApp returns an App for fn.
func NewApp(fn Value) *App { return &App{fn: fn} }

// Thunk returns a thunk applying the App's function to arg.
func (a *App) Thunk(arg Value) *Thunk { return NewThunk(a.fn, arg) }

// Map returns thunks applying the App's function to each of args, as
// the elements of a new list (builtins.map). args must not be modified
// afterwards. The thunks are allocated together and share one record of
// the function and the arguments (see listApp).
func (a *App) Map(args []Value) []Value {
	return newListApp(a.fn, args, len(args))
}

// Gen returns n thunks, the i-th applying the App's function to the
// integer i, as the elements of a new list (builtins.genList).
func (a *App) Gen(n int) []Value {
	return newListApp(a.fn, nil, n)
}

// listApp is the pending computation shared by the elements of a list
// made by map or genList: element i applies fn to args[i], or to the
// integer i when args is nil. The elements are consecutive thunks of
// cells, so a thunk's index is its offset in cells: a list costs one
// two-word thunk per element.
type listApp struct {
	fn    Value
	args  []Value
	cells []Thunk
}

// Kind implements Value (for the code slot of pending thunks).
func (*listApp) Kind() Kind { return KindThunk }

func newListApp(fn Value, args []Value, n int) []Value {
	a := &listApp{fn: fn, args: args, cells: make([]Thunk, n)}
	out := make([]Value, n)
	for i := range a.cells {
		t := &a.cells[i]
		t.code, t.env = a, noEnv
		out[i] = t
	}
	return out
}

// arg returns the argument of the element t.
func (a *listApp) arg(t *Thunk) Value {
	i := int((uintptr(unsafe.Pointer(t)) - uintptr(unsafe.Pointer(unsafe.SliceData(a.cells)))) / unsafe.Sizeof(Thunk{}))
	if &a.cells[i] != t {
		panic("eval: thunk is not an element of its list application")
	}
	if a.args == nil {
		return Int(i)
	}
	return a.args[i]
}

// Application cells: a thunk and its pending application in one
// allocation. The cell is its own thunk's code. Pending applications
// are called at the position they are forced from, as Nix does for its
// application values.
type (
	// appCell applies fn to one argument.
	appCell struct {
		Thunk
		fn, arg Value
	}
	// app2Cell applies fn to two arguments.
	app2Cell struct {
		Thunk
		fn   Value
		args [2]Value
	}
	// appNCell applies fn to any number of arguments.
	appNCell struct {
		Thunk
		fn   Value
		args []Value
	}
)

// Kind implements Value (for the code slot of pending thunks).
func (*appCell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*app2Cell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*appNCell) Kind() Kind { return KindThunk }

// pendingFunction returns the function a pending application will
// call, or nil when code is not an application.
func pendingFunction(code Value) Value {
	switch c := code.(type) {
	case *appCell:
		return c.fn
	case *app2Cell:
		return c.fn
	case *appNCell:
		return c.fn
	case *listApp:
		return c.fn
	}
	return nil
}

// blackholeExpr marks a thunk under evaluation.
type blackholeExpr struct{}

func (blackholeExpr) Kind() Kind                     { return KindThunk }
func (blackholeExpr) eval(st *State, env *Env) Value { panic("unreachable: evaluating a black hole") }
func (blackholeExpr) getPos() Pos                    { return NoPos }

var theBlackhole Value = blackholeExpr{}

// failedExpr marks a thunk whose evaluation failed.
type failedExpr struct{ err *Error }

func (*failedExpr) Kind() Kind                       { return KindThunk }
func (f *failedExpr) eval(st *State, env *Env) Value { st.rethrow(f.err); return nil }
func (f *failedExpr) getPos() Pos                    { return NoPos }

// maxGoDepth bounds nested thunk forcing and calls so that deep
// recursion is an evaluation error rather than a Go stack overflow.
const maxGoDepth = 60000

// force evaluates v to weak head normal form.
func (st *State) force(v Value, pos Pos) Value {
	if t, ok := v.(*Thunk); ok {
		if t.env == nil {
			return t.code
		}
		return st.forceThunk(t, pos)
	}
	return v
}

func (st *State) forceThunk(t *Thunk, pos Pos) Value {
	code, env := t.code, t.env
	if env == nil {
		return code
	}
	if env == readyEnv {
		t.env = nil
		return code
	}
	switch x := code.(type) {
	case blackholeExpr:
		st.raise(&Error{Kind: ErrInfiniteRecursion, Msg: "infinite recursion encountered", Pos: pos, blackhole: t})
	case *failedExpr:
		st.rethrow(x.err)
	}
	if st.maxSteps > 0 {
		st.step()
	}
	t.code = theBlackhole
	st.goDepth++
	if st.goDepth > st.maxGoDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow (possible infinite recursion)", Pos: pos})
	}
	ok := false
	defer func() {
		if !ok {
			st.thunkFailed(t, code, env)
		}
	}()
	var v Value
	switch c := code.(type) {
	case *listApp:
		args := [1]Value{c.arg(t)}
		v = st.callFunction(c.fn, args[:], pos)
	case *appCell:
		args := [1]Value{c.arg}
		v = st.callFunction(c.fn, args[:], pos)
		c.fn, c.arg = nil, nil
	case *app2Cell:
		args := c.args
		v = st.callFunction(c.fn, args[:], pos)
		c.fn, c.args = nil, [2]Value{}
	case *appNCell:
		v = st.callFunction(c.fn, c.args, pos)
		c.fn, c.args = nil, nil
	default:
		v = code.(Expr).eval(st, env)
	}
	ok = true
	st.goDepth--
	t.code, t.env = v, nil
	return v
}

// thunkFailed records a failure while forcing t (called while a panic
// unwinds).
func (st *State) thunkFailed(t *Thunk, code Value, env *Env) {
	err := st.pending
	if err == nil {
		// Not an evaluation error (an internal panic): make the thunk
		// evaluable again.
		t.code, t.env = code, env
		return
	}
	if err.Kind == ErrInfiniteRecursion && err.blackhole == t {
		err.Traces = append(err.Traces, Trace{Msg: "entering the infinite recursion", Always: true})
	}
	t.code, t.env = &failedExpr{err: err}, noEnv
}
