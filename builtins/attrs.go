package builtins

import (
	"cmp"
	"slices"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("attrs", 0, registerAttrs) }

func registerAttrs(r *eval.Registry) {
	prim(r, "attrNames", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to builtins.attrNames")
		all := as.All()
		out := make([]eval.Value, len(all))
		for i, j := range sortedByName(st, all) {
			out[i] = st.SymString(all[j].Name)
		}
		return eval.NewList(out)
	})
	prim(r, "attrValues", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to builtins.attrValues")
		all := as.All()
		idx := sortedByName(st, all)
		out := make([]eval.Value, len(idx))
		for i, j := range idx {
			out[i] = all[j].Value
		}
		return eval.NewList(out)
	})
	prim(r, "getAttr", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.getAttr")
		as := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.getAttr")
		a := st.GetAttr(as, st.Sym(name), "in the attribute set under consideration")
		return st.Force(a.Value, eval.NoPos)
	})
	prim(r, "unsafeGetAttrPos", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.unsafeGetAttrPos")
		as := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.unsafeGetAttrPos")
		a := as.Get(st.Sym(name))
		if a == nil {
			return eval.Null{}
		}
		return st.PosValue(a.Pos)
	})
	prim(r, "hasAttr", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.hasAttr")
		as := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.hasAttr")
		return eval.Bool(as.Get(st.Sym(name)) != nil)
	})
	prim(r, "removeAttrs", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.removeAttrs")
		names := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.removeAttrs")
		remove := make(map[eval.Symbol]bool, len(names))
		for _, n := range names {
			s := st.ForceStringNoCtx(n, eval.NoPos, "while evaluating the values of the second argument passed to builtins.removeAttrs")
			remove[st.Sym(s)] = true
		}
		b := eval.NewAttrsBuilder(as.Len())
		for _, a := range as.All() {
			if !remove[a.Name] {
				b.Add(a.Name, a.Value, a.Pos)
			}
		}
		return b.Finish(as.Pos)
	})
	prim(r, "listToAttrs", 1, primListToAttrs)
	prim(r, "intersectAttrs", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		left := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.intersectAttrs")
		right := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.intersectAttrs")
		b := eval.NewAttrsBuilder(min(left.Len(), right.Len()))
		if left.Len() < right.Len() {
			for _, l := range left.All() {
				if r := right.Get(l.Name); r != nil {
					b.Add(r.Name, r.Value, r.Pos)
				}
			}
		} else {
			for _, r := range right.All() {
				if left.Get(r.Name) != nil {
					b.Add(r.Name, r.Value, r.Pos)
				}
			}
		}
		return b.Finish(eval.NoPos)
	})
	prim(r, "catAttrs", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		name := st.Sym(st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.catAttrs"))
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.catAttrs")
		var out []eval.Value
		for _, e := range list {
			as := st.ForceAttrs(e, eval.NoPos, "while evaluating an element in the list passed as second argument to builtins.catAttrs")
			if a := as.Get(name); a != nil {
				out = append(out, a.Value)
			}
		}
		return eval.NewList(out)
	})
	prim(r, "functionArgs", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		switch f := st.Force(args[0], eval.NoPos).(type) {
		case *eval.PrimOp, *eval.PrimOpApp:
			return eval.NewAttrsBuilder(0).Finish(eval.NoPos)
		case *eval.Lambda:
			b := eval.NewAttrsBuilder(len(f.Fn.Formals))
			for _, fm := range f.Fn.Formals {
				b.Add(fm.Name, eval.Bool(fm.Default != nil), fm.Pos)
			}
			return b.Finish(eval.NoPos)
		}
		st.Raise(st.Errorf(eval.ErrType, "'functionArgs' requires a function"))
		return nil
	})
	prim(r, "mapAttrs", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.mapAttrs")
		b := eval.NewAttrsBuilder(as.Len())
		for _, a := range as.All() {
			b.Add(a.Name, eval.NewThunk(args[0], st.SymString(a.Name), a.Value), eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
	prim(r, "zipAttrsWith", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.zipAttrsWith")
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.zipAttrsWith")
		groups := map[eval.Symbol][]eval.Value{}
		var order []eval.Symbol
		for _, e := range list {
			as := st.ForceAttrs(e, eval.NoPos, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith")
			for _, a := range as.All() {
				if _, ok := groups[a.Name]; !ok {
					order = append(order, a.Name)
				}
				groups[a.Name] = append(groups[a.Name], a.Value)
			}
		}
		b := eval.NewAttrsBuilder(len(order))
		for _, s := range order {
			b.Add(s, eval.NewThunk(args[0], st.SymString(s), eval.NewList(groups[s])), eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
}

// sortedByName returns the indices of attrs in lexicographic name order.
func sortedByName(st *eval.State, attrs []eval.Attr) []int { return st.SortedByName(attrs) }

func primListToAttrs(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	list := st.ForceList(args[0], eval.NoPos, "while evaluating the argument passed to builtins.listToAttrs")
	nameSym, valueSym := st.Sym("name"), st.Sym("value")
	// attrs holds each element's name and, until the value is looked
	// up, the element itself.
	attrs := make([]eval.Attr, len(list))
	for i, e := range list {
		as := st.ForceAttrs(e, eval.NoPos, "while evaluating an element of the list passed to builtins.listToAttrs")
		n := st.GetAttr(as, nameSym, "in a {name=...; value=...;} pair")
		st.ForceStringNoCtx(n.Value, n.Pos, "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
		attrs[i] = eval.Attr{Name: st.SymOf(st.Force(n.Value, n.Pos).(*eval.String)), Value: as}
	}
	byName := func(a, b eval.Attr) int { return cmp.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(attrs, byName) {
		slices.SortStableFunc(attrs, byName)
	}
	// The first element of each name wins.
	out := attrs[:0]
	for i, a := range attrs {
		if i > 0 && attrs[i-1].Name == a.Name {
			continue
		}
		v := st.GetAttr(a.Value.(*eval.Attrs), valueSym, "in a {name=...; value=...;} pair")
		out = append(out, eval.Attr{Name: a.Name, Pos: v.Pos, Value: v.Value})
	}
	return eval.NewAttrsSorted(out, eval.NoPos)
}
