package eval

import (
	"math"
)

// Integer arithmetic on values at hand.
//
// The operators -, *, / and < compile to calls of the builtins __sub,
// __mul, __div and __lessThan, and + to exprConcatStrings. When both
// operands are integers that need no evaluation (literals, or variables
// bound to evaluated integers) and the operation cannot fail, the result
// is computed directly: in eval without the builtin call's frame, and in
// mkThunk as a ready thunk (see readyEnv) instead of a thunk that keeps
// the environment. Short interpolated strings of parts at hand get a
// ready thunk too. Computing the value early has no effects, and a ready
// thunk still prints as unevaluated until it is forced. Anything else
// takes the general path.

// arithOp is an integer operation with a fast path.
type arithOp uint8

const (
	opSub arithOp = iota
	opMul
	opDiv
	opLess
)

// arithOps maps the builtins with a fast path to their operation.
var arithOps = map[string]arithOp{"sub": opSub, "mul": opMul, "div": opDiv, "lessThan": opLess}

// exprArith is a call of one of the arithmetic builtins of the base
// environment with both arguments.
type exprArith struct {
	exprCall
	op arithOp
}

func (e *exprArith) eval(st *State, env *Env) Value {
	if v, ok := e.immediate(env, true); ok {
		return v
	}
	return e.exprCall.eval(st, env)
}

// immediate computes the operation when both operands are integers at
// hand and the operation cannot fail. With force, ready thunks count as
// at hand (and become evaluated, as forcing them would); without, only
// evaluated values do (for values computed before Nix would).
func (e *exprArith) immediate(env *Env, force bool) (Value, bool) {
	a, ok := immediateInt(e.args[0], env, force)
	if !ok {
		return nil, false
	}
	b, ok := immediateInt(e.args[1], env, force)
	if !ok {
		return nil, false
	}
	if e.op == opLess {
		return Bool(a < b), true
	}
	r, ok := intOp(e.op, a, b)
	if !ok {
		return nil, false
	}
	return Int(r), true
}

// intOp computes an integer operation; ok is false on overflow or
// division by zero (the general path reports those).
func intOp(op arithOp, a, b int64) (r int64, ok bool) {
	switch op {
	case opSub:
		r = a - b
		return r, (r < a) == (b > 0)
	case opMul:
		if a == 0 || b == 0 {
			return 0, true
		}
		r = a * b
		if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
			return 0, false
		}
		return r, true
	case opDiv:
		if b == 0 || (a == math.MinInt64 && b == -1) {
			return 0, false
		}
		return a / b, true
	}
	return 0, false
}

// immediateInt returns the integer value of e in env when it needs no
// evaluation that could fail or have effects (see exprArith.immediate
// for force).
func immediateInt(e Expr, env *Env, force bool) (int64, bool) {
	var v Value
	switch x := e.(type) {
	case *exprConst:
		v = x.v
	case *exprVar:
		for i := x.up; i > 0; i-- {
			env = env.Up
		}
		v = env.Vals[x.idx]
		switch t := v.(type) {
		case *Thunk:
			switch {
			case t.env == nil:
			case t.env == readyEnv && force:
				t.env = nil
			default:
				return 0, false
			}
			v = t.code
		case readyInt:
			if !force {
				return 0, false
			}
			env.Vals[x.idx] = Int(t)
			return int64(t), true
		}
	case *exprArith:
		if x.op == opLess {
			return 0, false
		}
		a, ok := immediateInt(x.args[0], env, force)
		if !ok {
			return 0, false
		}
		b, ok := immediateInt(x.args[1], env, force)
		if !ok {
			return 0, false
		}
		return intOp(x.op, a, b)
	case *exprConcatStrings:
		return x.immediateAdd(env, force)
	default:
		return 0, false
	}
	i, ok := v.(Int)
	return int64(i), ok
}

// immediateAdd computes a + b for integers at hand.
func (e *exprConcatStrings) immediateAdd(env *Env, force bool) (int64, bool) {
	if e.forceString || len(e.parts) != 2 {
		return 0, false
	}
	a, ok := immediateInt(e.parts[0].e, env, force)
	if !ok {
		return 0, false
	}
	b, ok := immediateInt(e.parts[1].e, env, force)
	if !ok {
		return 0, false
	}
	r, ok := addInt(a, b)
	return r, ok
}

// maxImmediateString bounds the strings mkThunk computes early (a
// thunk that is never forced should not cost much).
const maxImmediateString = 256

// immediateString computes an interpolated string whose parts are at
// hand: literals, evaluated strings without context in variables, and
// toString of integers at hand (only evaluated values; see
// exprArith.immediate).
func (e *exprConcatStrings) immediateString(env *Env) (Value, bool) {
	if !e.forceString || len(e.parts) > 8 {
		return nil, false
	}
	var strs strPieces
	for i := range e.parts {
		p := &e.parts[i]
		var s string
		switch x := p.e.(type) {
		case *exprConst:
			str, ok := x.v.(*String)
			if !ok || str.HasContext() {
				return nil, false
			}
			s = str.S
		case *exprVar:
			en := env
			for i := x.up; i > 0; i-- {
				en = en.Up
			}
			v := en.Vals[x.idx]
			if t, ok := v.(*Thunk); ok {
				if t.env != nil {
					return nil, false
				}
				v = t.code
			}
			str, ok := v.(*String)
			if !ok || str.HasContext() {
				return nil, false
			}
			s = str.S
		default:
			if p.toStringArg == nil {
				return nil, false
			}
			i, ok := immediateInt(p.toStringArg, env, false)
			if !ok {
				return nil, false
			}
			strs.addInt(i)
			if strs.n > maxImmediateString {
				return nil, false
			}
			continue
		}
		if strs.add(s); strs.n > maxImmediateString {
			return nil, false
		}
	}
	return strs.value(nil), true
}
