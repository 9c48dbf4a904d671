package builtins

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("core", 0, registerCore) }

func registerCore(r *eval.Registry) {
	st := r.State()
	opts := st.Options()
	r.Constant("true", eval.Bool(true))
	r.Constant("false", eval.Bool(false))
	r.Constant("null", eval.Null{})
	r.Constant("langVersion", eval.Int(6))
	r.Constant("nixVersion", eval.NewString(opts.NixVersion))
	r.Constant("storeDir", eval.NewString(st.StoreDir()))
	if !opts.Pure {
		r.Constant("currentSystem", eval.NewString(opts.CurrentSystem))
		r.Lazy("currentTime", func(*eval.State) eval.Value { return eval.Int(time.Now().Unix()) })
	}
	r.Lazy("nixPath", func(st *eval.State) eval.Value { return st.NixPathValue() })

	for _, t := range []struct {
		name string
		kind eval.Kind
	}{
		{"isInt", eval.KindInt}, {"isFloat", eval.KindFloat}, {"isString", eval.KindString},
		{"isBool", eval.KindBool}, {"isPath", eval.KindPath}, {"isNull", eval.KindNull},
		{"isAttrs", eval.KindAttrs}, {"isList", eval.KindList},
	} {
		kind := t.kind
		prim(r, t.name, 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
			return eval.Bool(st.Force(args[0], eval.NoPos).Kind() == kind)
		})
	}
	prim(r, "isFunction", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return eval.Bool(eval.IsFunction(st.Force(args[0], eval.NoPos)))
	})
	prim(r, "typeOf", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return eval.NewString(eval.TypeName(st.Force(args[0], eval.NoPos)))
	})

	prim(r, "throw", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.CoerceToString(eval.NoPos, args[0], nil, "while evaluating the error message passed to builtin.throw", eval.CoerceOptions{})
		st.Raise(st.Errorf(eval.ErrThrown, "%s", s))
		return nil
	})
	prim(r, "abort", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.CoerceToString(eval.NoPos, args[0], nil, "while evaluating the error message passed to builtins.abort", eval.CoerceOptions{})
		st.Raise(st.Errorf(eval.ErrAbort, "evaluation aborted with the following error message: '%s'", s))
		return nil
	})
	r.PrimOp(&eval.PrimOp{Name: "addErrorContext", Arity: 2, NoTrace: true, Fn: primAddErrorContext})
	prim(r, "ceil", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return roundToInt(st, args[0], math.Ceil, "while evaluating the first argument passed to builtins.ceil")
	})
	prim(r, "floor", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return roundToInt(st, args[0], math.Floor, "while evaluating the first argument passed to builtins.floor")
	})
	prim(r, "tryEval", 1, primTryEval)
	prim(r, "getEnv", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.getEnv")
		if st.Options().Pure {
			return eval.NewString("")
		}
		v, _ := st.Getenv(name)
		return eval.NewString(v)
	})
	prim(r, "seq", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		st.Force(args[0], eval.NoPos)
		return st.Force(args[1], eval.NoPos)
	})
	prim(r, "deepSeq", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		st.ForceValueDeep(args[0])
		return st.Force(args[1], eval.NoPos)
	})
	prim(r, "trace", 2, primTrace)
	if opts.TraceVerbose {
		prim(r, "traceVerbose", 2, primTrace)
	} else {
		prim(r, "traceVerbose", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
			return st.Force(args[1], eval.NoPos)
		})
	}
	prim(r, "warn", 2, primWarn)
	prim(r, "break", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return st.Force(args[0], eval.NoPos)
	})
	prim(r, "genericClosure", 1, primGenericClosure)
	prim(r, "import", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		p := realisePath(st, args[0])
		return st.ImportPath(p, pos)
	})
	prim(r, "scopedImport", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		p := realisePath(st, args[1])
		scope := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.scopedImport")
		return st.ScopedImport(scope, p, pos)
	})
}

// realisePath coerces a value to a path for reading, realising its
// context first (import from derivation), and returns where the path is
// on disk (see PathMapper).
func realisePath(st *eval.State, v eval.Value) string {
	return realPath(st, realiseLogicalPath(st, v))
}

// realiseLogicalPath is realisePath without the mapping to the physical
// location.
func realiseLogicalPath(st *eval.State, v eval.Value) string {
	var ctx eval.Context
	p := st.CoerceToPath(eval.NoPos, v, &ctx, "while realising the context of a path")
	if len(ctx) > 0 {
		if s := st.Store(); s != nil {
			if err := s.Realise(st, ctx); err != nil {
				if e, ok := err.(*eval.Error); ok {
					st.Raise(e.WithTrace(eval.NoPos, "while realising the context of path '"+p+"'"))
				}
				st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()).WithTrace(eval.NoPos, "while realising the context of path '"+p+"'"))
			}
		}
	}
	return p
}

func primAddErrorContext(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	var v eval.Value
	err := st.TryCatch(func() { v = st.Force(args[1], eval.NoPos) }, func(*eval.Error) bool { return true })
	if err == nil {
		return v
	}
	msg := st.CoerceToString(eval.NoPos, args[0], nil, "while evaluating the error message passed to builtins.addErrorContext", eval.CoerceOptions{})
	err.Traces = append(err.Traces, eval.Trace{Msg: msg, Always: true})
	st.Raise(err)
	return nil
}

func roundToInt(st *eval.State, arg eval.Value, round func(float64) float64, ctx string) eval.Value {
	f := st.ForceFloat(arg, st.DeterminePos(arg, eval.NoPos), ctx)
	r := round(f)
	iv, isInt := st.Force(arg, eval.NoPos).(eval.Int)
	const intMin = -9223372036854775808.0
	var res int64
	switch {
	case r >= intMin && r < -intMin:
		res = int64(r)
	case isInt:
		st.Raise(st.Errorf(eval.ErrEval, "Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument %d caused undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct behavior.", int64(iv)))
	default:
		st.Raise(st.Errorf(eval.ErrEval, "NixFloat argument %s is not in the range of NixInt", formatFloatG(f)))
	}
	if isInt && int64(iv) != res {
		st.Raise(st.Errorf(eval.ErrEval, "Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in previous Nix versions because the NixInt argument %d was rounded to %d.\n\tFuture Nix versions might implement the correct behavior.", int64(iv), res))
	}
	return eval.Int(res)
}

// formatFloatG formats like C++ ostream << double.
func formatFloatG(f float64) string { return eval.FormatFloat(f) }

func primTryEval(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	var v eval.Value
	err := st.TryCatch(func() { v = st.Force(args[0], eval.NoPos) }, (*eval.Error).Catchable)
	b := eval.NewAttrsBuilder(2)
	if err != nil {
		b.Add(st.Sym("value"), eval.Bool(false), eval.NoPos)
		b.Add(st.Sym("success"), eval.Bool(false), eval.NoPos)
	} else {
		b.Add(st.Sym("value"), args[0], eval.NoPos)
		b.Add(st.Sym("success"), eval.Bool(true), eval.NoPos)
	}
	_ = v
	return b.Finish(eval.NoPos)
}

func primTrace(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	v := st.Force(args[0], eval.NoPos)
	if s, ok := v.(*eval.String); ok {
		fmt.Fprintf(st.Stderr(), "trace: %s\n", s.S)
	} else {
		fmt.Fprintf(st.Stderr(), "trace: %s\n", st.PrintValue(v, eval.PrintOptions{}))
	}
	return st.Force(args[1], eval.NoPos)
}

func primWarn(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	msg := st.ForceString(args[0], eval.NoPos, "while evaluating the first argument; the message passed to builtins.warn").S
	st.Warn(msg, strings.HasPrefix(msg, "\n"))
	if st.Options().AbortOnWarn {
		st.Raise(st.Errorf(eval.ErrEval, "aborting to reveal stack trace of warning, as abort-on-warn is set"))
	}
	return st.Force(args[1], eval.NoPos)
}

func primGenericClosure(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.genericClosure")
	startSet := st.GetAttr(as, st.Sym("startSet"), "in the attrset passed as argument to builtins.genericClosure")
	start := st.ForceList(startSet.Value, eval.NoPos, "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure")
	if len(start) == 0 {
		return st.Force(startSet.Value, eval.NoPos)
	}
	op := st.GetAttr(as, st.Sym("operator"), "in the attrset passed as argument to builtins.genericClosure")
	st.ForceFunction(op.Value, eval.NoPos, "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure")
	work := append([]eval.Value(nil), start...)
	var res []eval.Value
	keys := &keySet{st: st}
	keySym := st.Sym("key")
	for len(work) > 0 {
		e := work[0]
		work = work[1:]
		var key *eval.Attr
		withTraceLine(st, func() string { return "in genericClosure element " + st.ErrorValue(e) }, func() {
			ea := st.ForceAttrs(e, eval.NoPos, "")
			key = st.GetAttr(ea, keySym, "")
		})
		kv := st.Force(key.Value, eval.NoPos)
		if !keys.insert(kv, e) {
			continue
		}
		res = append(res, e)
		withTraceLine(st, func() string { return "while calling operator on genericClosure element " + st.ErrorValue(e) }, func() {
			nv := st.CallFunction(op.Value, []eval.Value{e}, eval.NoPos)
			elems := st.ForceList(nv, eval.NoPos, "while evaluating the return value of the `operator` passed to builtins.genericClosure")
			for _, x := range elems {
				st.Force(x, eval.NoPos)
				work = append(work, x)
			}
		})
	}
	return eval.NewList(res)
}

// withTraceLine runs f, adding the line msg() (without position) to any
// error passing through.
func withTraceLine(st *eval.State, msg func() string, f func()) {
	err := st.TryCatch(f, func(*eval.Error) bool { return true })
	if err != nil {
		err.Traces = append(err.Traces, eval.Trace{Msg: msg()})
		st.Raise(err)
	}
}

// keySet is genericClosure's set of seen keys, ordered by Nix's value
// comparison (as the std::map Nix uses).
type keySet struct {
	st    *eval.State
	keys  []eval.Value
	elems []eval.Value
}

// insert adds k (from element e) and reports whether it was new.
func (s *keySet) insert(k, e eval.Value) bool {
	st := s.st
	lo, hi := 0, len(s.keys)
	var cmpErr *eval.Error
	for lo < hi {
		m := (lo + hi) / 2
		var less bool
		cmpErr = st.TryCatch(func() { less = st.LessThan(s.keys[m], k, eval.NoPos, "") }, func(*eval.Error) bool { return true })
		if cmpErr != nil {
			break
		}
		if less {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if cmpErr == nil && lo < len(s.keys) {
		var less bool
		cmpErr = st.TryCatch(func() { less = st.LessThan(k, s.keys[lo], eval.NoPos, "") }, func(*eval.Error) bool { return true })
		if cmpErr == nil && !less {
			return false
		}
	}
	if cmpErr != nil {
		var other eval.Value
		for i, ok := range s.keys {
			if st.TryCatch(func() { st.LessThan(k, ok, eval.NoPos, "") }, func(*eval.Error) bool { return true }) != nil {
				other = s.elems[i]
				break
			}
		}
		if other != nil {
			cmpErr.Traces = append(cmpErr.Traces, eval.Trace{Msg: "with element " + st.ErrorValue(other)})
			cmpErr.Traces = append(cmpErr.Traces, eval.Trace{Msg: "while comparing element " + st.ErrorValue(e)})
		} else {
			cmpErr.Traces = append(cmpErr.Traces, eval.Trace{Msg: "while checking key of element " + st.ErrorValue(e)})
		}
		st.Raise(cmpErr)
	}
	s.keys = append(s.keys, nil)
	s.elems = append(s.elems, nil)
	copy(s.keys[lo+1:], s.keys[lo:])
	copy(s.elems[lo+1:], s.elems[lo:])
	s.keys[lo] = k
	s.elems[lo] = e
	return true
}
