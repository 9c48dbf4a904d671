package eval

import (
	"fmt"
	"runtime"
)

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
		if t.env == nil {
			return t.code
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
