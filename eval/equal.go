package eval

import (
	"fmt"

	"github.com/gonix/gonix/parser"
)

// Equal reports whether two values are equal under Nix's ==, forcing
// them as needed (raising errors by panicking).
func (st *State) Equal(a, b Value, pos Pos, ctx string) bool {
	return st.eqValues(a, b, pos, ctx)
}

// eqValues implements == for two freshly evaluated values (no identity
// shortcut at the top, as Nix compares copies there).
func (st *State) eqValues(v1, v2 Value, pos Pos, ctx string) bool {
	st.enterCall(pos)
	v1 = st.force(v1, pos)
	v2 = st.force(v2, pos)
	r := st.eqForced(v1, v2, pos, ctx)
	st.callDepth--
	return r
}

// eqCells compares two stored values (list elements, attribute values):
// the same cell is always equal to itself, after forcing.
func (st *State) eqCells(c1, c2 Value, pos Pos, ctx string) bool {
	st.enterCall(pos)
	v1 := st.force(c1, pos)
	v2 := st.force(c2, pos)
	if c1 == c2 {
		st.callDepth--
		return true
	}
	r := st.eqForced(v1, v2, pos, ctx)
	st.callDepth--
	return r
}

func (st *State) eqForced(v1, v2 Value, pos Pos, ctx string) bool {
	switch a := v1.(type) {
	case Int:
		switch b := v2.(type) {
		case Int:
			return a == b
		case Float:
			return float64(a) == float64(b)
		}
		return false
	case Float:
		switch b := v2.(type) {
		case Int:
			return float64(a) == float64(b)
		case Float:
			return a == b
		}
		return false
	case Bool:
		b, ok := v2.(Bool)
		return ok && a == b
	case Null:
		_, ok := v2.(Null)
		return ok
	case *String:
		b, ok := v2.(*String)
		return ok && a.S == b.S
	case Path:
		b, ok := v2.(Path)
		return ok && a == b
	case *List:
		b, ok := v2.(*List)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !st.eqCells(a.Elems[i], b.Elems[i], pos, ctx) {
				return false
			}
		}
		return true
	case *Attrs:
		b, ok := v2.(*Attrs)
		if !ok {
			return false
		}
		if st.isDerivation(a) && st.isDerivation(b) {
			i, j := a.Get(st.s.outPath), b.Get(st.s.outPath)
			if i != nil && j != nil {
				return st.eqCells(i.Value, j.Value, pos, ctx)
			}
		}
		if len(a.attrs) != len(b.attrs) {
			return false
		}
		for i := range a.attrs {
			if a.attrs[i].Name != b.attrs[i].Name || !st.eqCells(a.attrs[i].Value, b.attrs[i].Value, pos, ctx) {
				return false
			}
		}
		return true
	}
	// Functions are never equal (except as the same cell).
	return false
}

// IsDerivation reports whether v is a set with type = "derivation".
func (st *State) IsDerivation(v Value) bool {
	a, ok := v.(*Attrs)
	return ok && st.isDerivation(a)
}

func (st *State) isDerivation(a *Attrs) bool {
	t := a.Get(st.s.typ)
	if t == nil {
		return false
	}
	s, ok := st.force(t.Value, t.Pos).(*String)
	return ok && s.S == "derivation"
}

// assertEqValues raises an AssertionError explaining why v1 != v2 (it
// mirrors eqValues).
func (st *State) assertEqValues(v1, v2 Value, pos Pos, ctx string) {
	st.assertEq(v1, v2, pos, ctx, false)
}

func (st *State) assertEq(c1, c2 Value, pos Pos, ctx string, cells bool) {
	st.enterCall(pos)
	v1 := st.force(c1, pos)
	v2 := st.force(c2, pos)
	if cells && c1 == c2 {
		st.callDepth--
		return
	}
	fail := func(format string, args ...any) {
		st.raise(st.Errorf(ErrAssertion, format, args...))
	}
	k1, k2 := v1.Kind(), v2.Kind()
	if (k1 == KindInt || k1 == KindFloat) && (k2 == KindInt || k2 == KindFloat) {
		if !st.eqForced(v1, v2, pos, ctx) {
			fail("%s with value '%s' is not equal to %s with value '%s'", ShowType(v1), st.ErrorValue(v1), ShowType(v2), st.ErrorValue(v2))
		}
		st.callDepth--
		return
	}
	if typeKind(k1) != typeKind(k2) {
		fail("%s of value '%s' is not equal to %s of value '%s'", ShowType(v1), st.ErrorValue(v1), ShowType(v2), st.ErrorValue(v2))
	}
	switch a := v1.(type) {
	case Int:
		if a != v2.(Int) {
			fail("integer '%d' is not equal to integer '%d'", int64(a), int64(v2.(Int)))
		}
	case Bool:
		if a != v2.(Bool) {
			fail("boolean '%s' is not equal to boolean '%s'", st.ErrorValue(v1), st.ErrorValue(v2))
		}
	case *String:
		if a.S != v2.(*String).S {
			fail("string '%s' is not equal to string '%s'", st.ErrorValue(v1), st.ErrorValue(v2))
		}
	case Path:
		if a != v2.(Path) {
			fail("path '%s' is not equal to path '%s'", st.ErrorValue(v1), st.ErrorValue(v2))
		}
	case Null:
	case *List:
		b := v2.(*List)
		if len(a.Elems) != len(b.Elems) {
			fail("list of size '%d' is not equal to list of size '%d', left hand side is '%s', right hand side is '%s'",
				len(a.Elems), len(b.Elems), st.ErrorValue(v1), st.ErrorValue(v2))
		}
		for i := range a.Elems {
			func() {
				ok := false
				defer func() {
					if !ok {
						st.addTrace(pos, fmt.Sprintf("while comparing list element %d", i))
					}
				}()
				st.assertEq(a.Elems[i], b.Elems[i], pos, ctx, true)
				ok = true
			}()
		}
	case *Attrs:
		b := v2.(*Attrs)
		if st.isDerivation(a) && st.isDerivation(b) {
			i, j := a.Get(st.s.outPath), b.Get(st.s.outPath)
			if i != nil && j != nil {
				func() {
					ok := false
					defer func() {
						if !ok {
							st.addTrace(pos, "while comparing a derivation by its 'outPath' attribute")
						}
					}()
					st.assertEq(i.Value, j.Value, pos, ctx, true)
					ok = true
				}()
				st.callDepth--
				return
			}
		}
		if len(a.attrs) != len(b.attrs) {
			fail("attribute names of attribute set '%s' differs from attribute set '%s'", st.ErrorValue(v1), st.ErrorValue(v2))
		}
		for i := range a.attrs {
			x, y := &a.attrs[i], &b.attrs[i]
			if x.Name != y.Name {
				if b.Get(x.Name) == nil {
					fail("attribute name '%s' is contained in '%s', but not in '%s'", st.showSym(x.Name), st.ErrorValue(v1), st.ErrorValue(v2))
				}
				if a.Get(y.Name) == nil {
					fail("attribute name '%s' is missing in '%s', but is contained in '%s'", st.showSym(y.Name), st.ErrorValue(v1), st.ErrorValue(v2))
				}
			}
			func() {
				ok := false
				defer func() {
					if !ok {
						if y.Pos != NoPos {
							st.addTrace(y.Pos, "where right hand side is")
						}
						if x.Pos != NoPos {
							st.addTrace(x.Pos, "where left hand side is")
						}
						st.addTrace(pos, "while comparing attribute '"+st.showSym(x.Name)+"'")
					}
				}()
				st.assertEq(x.Value, y.Value, pos, ctx, true)
				ok = true
			}()
		}
	case *Lambda, *PrimOp, *PrimOpApp:
		fail("distinct functions and immediate comparisons of identical functions compare as unequal")
	}
	st.callDepth--
}

// typeKind folds the function kinds together (Nix's ValueType).
func typeKind(k Kind) Kind {
	switch k {
	case KindPrimOp, KindPrimOpApp:
		return KindLambda
	}
	return k
}

// showSym prints a symbol as Nix prints symbols in messages.
func (st *State) showSym(s Symbol) string { return parser.PrintIdentifier(st.SymName(s)) }

// LessThan compares two forced values as builtins.lessThan and sort do.
func (st *State) LessThan(v1, v2 Value, pos Pos, ctx string) bool {
	return st.compareValues(v1, v2, pos, ctx)
}

func (st *State) compareValues(v1, v2 Value, pos Pos, ctx string) bool {
	ok := false
	defer func() {
		if !ok && ctx != "" {
			st.addTrace(NoPos, ctx)
		}
	}()
	r := st.compare1(v1, v2, pos)
	ok = true
	return r
}

func (st *State) compare1(v1, v2 Value, pos Pos) bool {
	switch a := v1.(type) {
	case Float:
		if b, ok := v2.(Int); ok {
			return float64(a) < float64(b)
		}
	case Int:
		if b, ok := v2.(Float); ok {
			return float64(a) < float64(b)
		}
	}
	if typeKind(v1.Kind()) != typeKind(v2.Kind()) {
		st.raise(st.Errorf(ErrEval, "cannot compare %s with %s; values are %s and %s", ShowType(v1), ShowType(v2), st.ErrorValue(v1), st.ErrorValue(v2)))
	}
	switch a := v1.(type) {
	case Int:
		return a < v2.(Int)
	case Float:
		return a < v2.(Float)
	case *String:
		return a.S < v2.(*String).S
	case Path:
		return a < v2.(Path)
	case *List:
		b := v2.(*List)
		for i := 0; ; i++ {
			if i == len(b.Elems) {
				return false
			}
			if i == len(a.Elems) {
				return true
			}
			if !st.eqCells(a.Elems[i], b.Elems[i], pos, "") {
				return st.compareValues(st.force(a.Elems[i], pos), st.force(b.Elems[i], pos), pos, "while comparing two list elements")
			}
		}
	}
	st.raise(st.Errorf(ErrEval, "cannot compare %s with %s; values of that type are incomparable (values are %s and %s)",
		ShowType(v1), ShowType(v2), st.ErrorValue(v1), st.ErrorValue(v2)))
	return false
}

// EqualCells compares two stored values (list elements, attribute
// values) with ==, treating the same cell as equal to itself.
func (st *State) EqualCells(a, b Value, pos Pos, ctx string) bool {
	return st.eqCells(a, b, pos, ctx)
}
