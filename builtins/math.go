package builtins

import (
	"math"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("math", 0, registerMath) }

func registerMath(r *eval.Registry) {
	strict(r, "add", 2, primAdd)
	strict(r, "sub", 2, primSub)
	strict(r, "mul", 2, primMul)
	strict(r, "div", 2, primDiv)
	strict(r, "lessThan", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		a := st.Force(args[0], eval.NoPos)
		b := st.Force(args[1], eval.NoPos)
		if x, ok := a.(eval.Int); ok {
			if y, ok := b.(eval.Int); ok {
				return eval.Bool(x < y)
			}
		}
		return eval.Bool(st.LessThan(a, b, eval.NoPos, ""))
	})
	for _, b := range []struct {
		name string
		op   func(a, b int64) int64
	}{
		{"bitAnd", func(a, b int64) int64 { return a & b }},
		{"bitOr", func(a, b int64) int64 { return a | b }},
		{"bitXor", func(a, b int64) int64 { return a ^ b }},
	} {
		name, op := b.name, b.op
		strict(r, name, 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
			i1 := st.ForceInt(args[0], eval.NoPos, "while evaluating the first argument passed to builtins."+name)
			i2 := st.ForceInt(args[1], eval.NoPos, "while evaluating the second argument passed to builtins."+name)
			return eval.Int(op(i1, i2))
		})
	}
}

func isFloat(v eval.Value) bool { _, ok := v.(eval.Float); return ok }

func primAdd(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	a := st.Force(args[0], eval.NoPos)
	b := st.Force(args[1], eval.NoPos)
	if x, ok := a.(eval.Int); ok {
		if y, ok := b.(eval.Int); ok {
			r := int64(x) + int64(y)
			if (r > int64(x)) != (y > 0) && y != 0 {
				st.Raise(st.Errorf(eval.ErrEval, "integer overflow in adding %d + %d", int64(x), int64(y)))
			}
			return eval.Int(r)
		}
	}
	if isFloat(a) || isFloat(b) {
		return eval.Float(st.ForceFloat(a, eval.NoPos, "while evaluating the first argument of the addition") +
			st.ForceFloat(b, eval.NoPos, "while evaluating the second argument of the addition"))
	}
	i1 := st.ForceInt(a, eval.NoPos, "while evaluating the first argument of the addition")
	i2 := st.ForceInt(b, eval.NoPos, "while evaluating the second argument of the addition")
	return eval.Int(i1 + i2)
}

func primSub(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	a := st.Force(args[0], eval.NoPos)
	b := st.Force(args[1], eval.NoPos)
	if x, ok := a.(eval.Int); ok {
		if y, ok := b.(eval.Int); ok {
			r := int64(x) - int64(y)
			if (r < int64(x)) != (y > 0) && y != 0 {
				st.Raise(st.Errorf(eval.ErrEval, "integer overflow in subtracting %d - %d", int64(x), int64(y)))
			}
			return eval.Int(r)
		}
	}
	if isFloat(a) || isFloat(b) {
		return eval.Float(st.ForceFloat(a, eval.NoPos, "while evaluating the first argument of the subtraction") -
			st.ForceFloat(b, eval.NoPos, "while evaluating the second argument of the subtraction"))
	}
	i1 := st.ForceInt(a, eval.NoPos, "while evaluating the first argument of the subtraction")
	i2 := st.ForceInt(b, eval.NoPos, "while evaluating the second argument of the subtraction")
	return eval.Int(i1 - i2)
}

func mulOverflows(x, y int64) bool {
	if x == 0 || y == 0 {
		return false
	}
	r := x * y
	if r/y != x {
		return true
	}
	return (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64)
}

func primMul(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	a := st.Force(args[0], eval.NoPos)
	b := st.Force(args[1], eval.NoPos)
	if isFloat(a) || isFloat(b) {
		return eval.Float(st.ForceFloat(a, eval.NoPos, "while evaluating the first of the multiplication") *
			st.ForceFloat(b, eval.NoPos, "while evaluating the second argument of the multiplication"))
	}
	i1 := st.ForceInt(a, eval.NoPos, "while evaluating the first argument of the multiplication")
	i2 := st.ForceInt(b, eval.NoPos, "while evaluating the second argument of the multiplication")
	if mulOverflows(i1, i2) {
		st.Raise(st.Errorf(eval.ErrEval, "integer overflow in multiplying %d * %d", i1, i2))
	}
	return eval.Int(i1 * i2)
}

func primDiv(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	a := st.Force(args[0], eval.NoPos)
	b := st.Force(args[1], eval.NoPos)
	f2 := st.ForceFloat(b, eval.NoPos, "while evaluating the second operand of the division")
	if f2 == 0 {
		st.Raise(st.Errorf(eval.ErrEval, "division by zero"))
	}
	if isFloat(a) || isFloat(b) {
		return eval.Float(st.ForceFloat(a, eval.NoPos, "while evaluating the first operand of the division") / f2)
	}
	i1 := st.ForceInt(a, eval.NoPos, "while evaluating the first operand of the division")
	i2 := st.ForceInt(b, eval.NoPos, "while evaluating the second operand of the division")
	if i1 == math.MinInt64 && i2 == -1 {
		st.Raise(st.Errorf(eval.ErrEval, "integer overflow in dividing %d / %d", i1, i2))
	}
	return eval.Int(i1 / i2)
}
