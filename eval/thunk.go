package eval

// Thunk is a delayed computation, updated in place with its value once
// forced. While it is being forced it is a black hole: forcing it again
// is infinite recursion. If forcing fails, the error is remembered and
// raised again by later forces.
//
// A thunk is two words and an interface: code holds the value once the
// thunk is evaluated (env is then nil); before that it holds the pending
// computation, which is evaluated in env (noEnv when it needs none).
// Pending computations are compiled expressions, application cells
// (appCell, mapCell, genCell, ...), a black hole or a remembered failure.
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
func (a *App) Thunk(arg Value) *Thunk {
	c := &mapCell{app: a, arg: arg}
	c.code, c.env = c, noEnv
	return &c.Thunk
}

// Map returns thunks applying the App's function to each of args, as
// the elements of a new list (builtins.map). The thunks are allocated
// together.
func (a *App) Map(args []Value) []Value {
	cells := make([]mapCell, len(args))
	out := make([]Value, len(args))
	for i := range cells {
		c := &cells[i]
		c.app, c.arg = a, args[i]
		c.code, c.env = c, noEnv
		out[i] = &c.Thunk
	}
	return out
}

// Gen returns n thunks, the i-th applying the App's function to the
// integer i, as the elements of a new list (builtins.genList). The
// thunks are allocated together.
func (a *App) Gen(n int) []Value {
	cells := make([]genCell, n)
	out := make([]Value, n)
	for i := range cells {
		c := &cells[i]
		c.app, c.i = a, i
		c.code, c.env = c, noEnv
		out[i] = &c.Thunk
	}
	return out
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
	// mapCell applies a shared function to one argument.
	mapCell struct {
		Thunk
		app *App
		arg Value
	}
	// genCell applies a shared function to an integer.
	genCell struct {
		Thunk
		app *App
		i   int
	}
)

// Kind implements Value (for the code slot of pending thunks).
func (*appCell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*app2Cell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*appNCell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*mapCell) Kind() Kind { return KindThunk }

// Kind implements Value.
func (*genCell) Kind() Kind { return KindThunk }

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
	case *mapCell:
		return c.app.fn
	case *genCell:
		return c.app.fn
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
	case *genCell:
		args := [1]Value{Int(c.i)}
		v = st.callFunction(c.app.fn, args[:], pos)
		c.app = nil
	case *mapCell:
		args := [1]Value{c.arg}
		v = st.callFunction(c.app.fn, args[:], pos)
		c.app, c.arg = nil, nil
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
