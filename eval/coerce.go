package eval

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// CoerceOptions selects how CoerceToString converts values.
type CoerceOptions struct {
	// CoerceMore also converts Booleans, numbers, null and lists (as
	// toString does); without it only strings, paths and sets with
	// __toString or outPath convert (as interpolation does).
	CoerceMore bool
	// CopyToStore copies paths to the store and returns the store path
	// (as interpolation does); otherwise the path itself is returned.
	CopyToStore bool
	// NoCanonicalize keeps a path value's text as is (used for the first
	// segment of an interpolated path literal).
	NoCanonicalize bool
}

// CoerceToString converts v to a string as Nix's coerceToString does,
// accumulating the string context into ctx (which may be nil).
func (st *State) CoerceToString(pos Pos, v Value, ctx *Context, errCtx string, opts CoerceOptions) string {
	var cb contextBuilder
	s := st.coerceToString(pos, v, &cb, errCtx, opts.CoerceMore, opts.CopyToStore, !opts.NoCanonicalize)
	if ctx != nil {
		*ctx = ctx.Merge(cb.ctx)
	}
	return s
}

func (st *State) coerceToString(pos Pos, v Value, cb *contextBuilder, errCtx string, coerceMore, copyToStore, canonicalize bool) string {
	st.enterCall(pos)
	s := st.coerceToString1(pos, v, cb, errCtx, coerceMore, copyToStore, canonicalize)
	st.callDepth--
	return s
}

func (st *State) coerceToString1(pos Pos, v Value, cb *contextBuilder, errCtx string, coerceMore, copyToStore, canonicalize bool) string {
	v = st.force(v, pos)
	switch x := v.(type) {
	case *String:
		cb.add(x)
		return x.S
	case Path:
		switch {
		case !canonicalize && !copyToStore:
			return string(x)
		case copyToStore:
			return st.copyPathToStore(cb, string(x))
		}
		return canonPath(string(x))
	case *Attrs:
		return st.peel(pos, x, false, false, func(peeled Value, _ bool) string {
			if _, isSet := peeled.(*Attrs); isSet {
				st.raise(st.Errorf(ErrType, "cannot coerce %s to a string: %s", ShowType(peeled), st.ErrorValue(peeled)).WithTrace(pos, errCtx))
			}
			return st.coerceToString(pos, peeled, cb, errCtx, coerceMore, copyToStore, true)
		})
	}
	if coerceMore {
		switch x := v.(type) {
		case Bool:
			if x {
				return "1"
			}
			return ""
		case Int:
			return strconv.FormatInt(int64(x), 10)
		case Float:
			return fmt.Sprintf("%f", float64(x))
		case Null:
			return ""
		case *List:
			var b strings.Builder
			for i, e := range x.Elems {
				s := st.coerceListElem(pos, e, cb, errCtx, coerceMore, copyToStore, canonicalize)
				b.WriteString(s)
				if i < len(x.Elems)-1 {
					if l, ok := st.force(e, pos).(*List); !ok || len(l.Elems) != 0 {
						b.WriteByte(' ')
					}
				}
			}
			return b.String()
		}
	}
	st.raise(st.Errorf(ErrType, "cannot coerce %s to a string: %s", ShowType(v), st.ErrorValue(v)).WithTrace(pos, errCtx))
	return ""
}

func (st *State) coerceListElem(pos Pos, e Value, cb *contextBuilder, errCtx string, coerceMore, copyToStore, canonicalize bool) string {
	ok := false
	defer func() {
		if !ok {
			st.addTrace(pos, errCtx)
		}
	}()
	s := st.coerceToString(pos, e, cb, "while evaluating one element of the list", coerceMore, copyToStore, canonicalize)
	ok = true
	return s
}

// PeelToString follows __toString and outPath of a set until it reaches
// a non-set (or a set without either), then calls k with that value and
// whether a __toString was called on the way (Nix's
// peelToStringOutPath). With checkReturn, a __toString result that is
// not a string or path is an error.
func (st *State) PeelToString(pos Pos, v Value, checkReturn bool, k func(Value, bool) string) string {
	return st.peel(pos, v, checkReturn, false, k)
}

func (st *State) peel(pos Pos, v Value, checkReturn, viaToString bool, k func(Value, bool) string) string {
	v = st.force(v, pos)
	as, isSet := v.(*Attrs)
	if !isSet {
		if checkReturn && viaToString {
			switch v.(type) {
			case *String, Path:
			default:
				st.raise(st.Errorf(ErrType, "`__toString` should return a string, but got %s: %s", ShowType(v), st.ErrorValue(v)).At(pos))
			}
		}
		return k(v, viaToString)
	}
	if ts := as.Get(st.s.toString); ts != nil {
		var r Value
		func() {
			ok := false
			defer func() {
				if !ok {
					st.addTrace(ts.Pos, "while calling the `__toString` attribute")
				}
			}()
			r = st.callFunction(ts.Value, []Value{v}, ts.Pos)
			ok = true
		}()
		ok := false
		defer func() {
			if !ok {
				st.addTrace(ts.Pos, "while using the result of the `__toString` attribute")
			}
		}()
		st.enterCall(pos)
		s := st.peel(ts.Pos, r, checkReturn, true, k)
		st.callDepth--
		ok = true
		return s
	}
	if op := as.Get(st.s.outPath); op != nil {
		ok := false
		forced := false
		defer func() {
			if !ok {
				verb := "evaluating"
				if forced {
					verb = "using"
				}
				st.addTrace(op.Pos, "while "+verb+" the `outPath` attribute")
			}
		}()
		ov := st.force(op.Value, op.Pos)
		forced = true
		st.enterCall(pos)
		s := st.peel(op.Pos, ov, checkReturn, viaToString, k)
		st.callDepth--
		ok = true
		return s
	}
	if checkReturn && viaToString {
		st.raise(st.Errorf(ErrType, "`__toString` must return a string, but got %s: %s", ShowType(v), st.ErrorValue(v)).At(pos))
	}
	return k(v, viaToString)
}

// copyPathToStore copies a path to the store (or computes its store
// path) and records it in the context.
func (st *State) copyPathToStore(cb *contextBuilder, p string) string {
	if strings.HasSuffix(p, ".drv") {
		st.raise(st.Errorf(ErrEval, "file names are not allowed to end in '%s'", ".drv"))
	}
	if st.opts.Store == nil {
		st.raise(st.Errorf(ErrEval, "cannot copy '%s' to the store: no store is available", p))
	}
	sp, err := st.opts.Store.CopyPathToStore(st, p)
	if err != nil {
		if e, ok := err.(*Error); ok {
			st.raise(e)
		}
		st.raise(st.Errorf(ErrEval, "%s", err.Error()))
	}
	cb.addCtx(Context{sp})
	return sp
}

// CopyPathToStore copies a path to the store through the Store hook and
// returns the store path and its context.
func (st *State) CopyPathToStore(p string) (string, Context) {
	var cb contextBuilder
	s := st.copyPathToStore(&cb, p)
	return s, cb.ctx
}

// CoerceToPath converts v to an absolute path (strings must be
// absolute), as Nix's coerceToPath does.
func (st *State) CoerceToPath(pos Pos, v Value, ctx *Context, errCtx string) string {
	var cb contextBuilder
	res := st.peel(pos, v, false, false, func(peeled Value, _ bool) string {
		if p, ok := peeled.(Path); ok {
			return string(p)
		}
		s := st.coerceToString(pos, peeled, &cb, errCtx, false, false, true)
		if s == "" || s[0] != '/' {
			st.raise(st.Errorf(ErrEval, "string '%s' doesn't represent an absolute path", s).WithTrace(pos, errCtx))
		}
		return canonPath(s)
	})
	if ctx != nil {
		*ctx = ctx.Merge(cb.ctx)
	}
	return res
}

// cleanPath canonicalises an absolute path: no ".", "..", empty
// components or trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	return path.Clean(p)
}

// exprConcatStrings is + and string/path interpolation.
type exprConcatStrings struct {
	pos         Pos
	forceString bool
	parts       []strPart
}

type strPart struct {
	pos Pos
	e   Expr
	// toStringArg is x when e is a call of the builtin toString with the
	// argument x; when x is an integer at hand, the part is formatted
	// directly (the same text toString gives, without the call).
	toStringArg Expr
}

func (e *exprConcatStrings) getPos() Pos { return e.pos }

func (e *exprConcatStrings) eval(st *State, env *Env) Value {
	if n, ok := e.immediateAdd(env, true); ok {
		return Int(n)
	}
	// Fast paths for the common binary cases.
	var cb contextBuilder
	first := !e.forceString
	firstKind := KindString
	var n int64
	var nf float64
	// The string parts, joined with one allocation at the end.
	var strs strPieces
	for _, p := range e.parts {
		if p.toStringArg != nil && (firstKind == KindString || first) {
			if i, ok := immediateInt(p.toStringArg, env, true); ok {
				strs.addInt(i)
				first = false
				continue
			}
		}
		v := st.evalCtx(p.e, env, "in an operand of '+'")
		if first {
			firstKind = v.Kind()
		}
		switch firstKind {
		case KindInt:
			switch x := v.(type) {
			case Int:
				r, ok := addInt(n, int64(x))
				if !ok {
					st.raise(st.Errorf(ErrEval, "integer overflow in adding %d + %d", n, int64(x)).At(p.pos))
				}
				n = r
			case Float:
				firstKind = KindFloat
				nf = float64(n) + float64(x)
			default:
				st.raise(st.Errorf(ErrEval, "cannot add %s to an integer", ShowType(v)).At(p.pos))
			}
		case KindFloat:
			switch x := v.(type) {
			case Int:
				nf += float64(x)
			case Float:
				nf += float64(x)
			default:
				st.raise(st.Errorf(ErrEval, "cannot add %s to a float", ShowType(v)).At(p.pos))
			}
		default:
			if s, ok := v.(*String); ok && !first {
				cb.add(s)
				strs.add(s.S)
			} else {
				strs.add(st.coerceToString(p.pos, v, &cb, "while evaluating a path segment", false, firstKind == KindString, !first))
			}
		}
		first = false
	}
	switch firstKind {
	case KindInt:
		return Int(n)
	case KindFloat:
		return Float(nf)
	case KindPath:
		if len(cb.ctx) > 0 {
			st.raise(st.Errorf(ErrEval, "a string that refers to a store path cannot be appended to a path").At(e.pos))
		}
		return Path(canonPath(strs.string()))
	}
	return strs.value(cb.ctx)
}

// addInt adds with overflow detection.
func addInt(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) == (b > 0) {
		return c, true
	}
	return c, false
}
