package builtins

import (
	"sort"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("lists", 0, registerLists) }

func registerLists(r *eval.Registry) {
	prim(r, "elemAt", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		n := st.ForceInt(args[1], eval.NoPos, "while evaluating the second argument passed to 'builtins.elemAt'")
		list := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to 'builtins.elemAt'")
		if n < 0 || n >= int64(len(list)) {
			st.Raise(st.Errorf(eval.ErrEval, "'builtins.elemAt' called with index %d on a list of size %d", n, len(list)))
		}
		return st.Force(list[n], eval.NoPos)
	})
	prim(r, "head", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		list := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to 'builtins.head'")
		if len(list) == 0 {
			st.Raise(st.Errorf(eval.ErrEval, "'builtins.head' called on an empty list"))
		}
		return st.Force(list[0], eval.NoPos)
	})
	prim(r, "tail", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		list := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to 'builtins.tail'")
		if len(list) == 0 {
			st.Raise(st.Errorf(eval.ErrEval, "'builtins.tail' called on an empty list"))
		}
		return eval.NewList(list[1:len(list):len(list)])
	})
	prim(r, "map", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.map")
		if len(list) == 0 {
			return st.Force(args[1], eval.NoPos)
		}
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.map")
		return eval.NewList(eval.NewApp(f).Map(list))
	})
	prim(r, "filter", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.filter")
		if len(list) == 0 {
			return st.Force(args[1], eval.NoPos)
		}
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.filter")
		out := make([]eval.Value, 0, len(list))
		for _, e := range list {
			res := st.CallFunction(f, []eval.Value{e}, eval.NoPos)
			if st.ForceBool(res, eval.NoPos, "while evaluating the return value of the filtering function passed to builtins.filter") {
				out = append(out, e)
			}
		}
		if len(out) == len(list) {
			return st.Force(args[1], eval.NoPos)
		}
		return eval.NewList(out)
	})
	prim(r, "elem", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.elem")
		for _, e := range list {
			if st.EqualCells(args[0], e, eval.NoPos, "while searching for the presence of the given element in the list") {
				return eval.Bool(true)
			}
		}
		return eval.Bool(false)
	})
	prim(r, "concatLists", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		lists := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.concatLists")
		return concatLists(st, lists, "while evaluating a value of the list passed to builtins.concatLists")
	})
	prim(r, "length", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return eval.Int(len(st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.length")))
	})
	prim(r, "foldl'", 3, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.foldlStrict")
		list := st.ForceList(args[2], eval.NoPos, "while evaluating the third argument passed to builtins.foldlStrict")
		if len(list) == 0 {
			return st.Force(args[1], eval.NoPos)
		}
		acc := args[1]
		var buf [2]eval.Value
		for _, e := range list {
			buf[0], buf[1] = acc, e
			acc = st.CallFunction(f, buf[:], eval.NoPos)
		}
		return acc
	})
	anyAll := func(name string, any bool) {
		prim(r, name, 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
			f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins."+name)
			list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins."+name)
			ctx := "while evaluating the return value of the function passed to builtins." + name
			for _, e := range list {
				if st.ForceBool(st.CallFunction(f, []eval.Value{e}, eval.NoPos), eval.NoPos, ctx) == any {
					return eval.Bool(any)
				}
			}
			return eval.Bool(!any)
		})
	}
	anyAll("any", true)
	anyAll("all", false)
	prim(r, "genList", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		n := st.ForceInt(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.genList")
		if max := st.Options().MaxListSize; max > 0 && n > int64(max) {
			st.Raise(st.Errorf(eval.ErrEval, "cannot create list of size %d (limit %d)", n, max))
		}
		if n < 0 || n > 1<<40 {
			st.Raise(st.Errorf(eval.ErrEval, "cannot create list of size %d", n))
		}
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.genList")
		return eval.NewList(eval.NewApp(f).Gen(int(n)))
	})
	prim(r, "sort", 2, primSort)
	prim(r, "partition", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.partition")
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.partition")
		var right, wrong []eval.Value
		for _, e := range list {
			st.Force(e, eval.NoPos)
			if st.ForceBool(st.CallFunction(f, []eval.Value{e}, eval.NoPos), eval.NoPos, "while evaluating the return value of the partition function passed to builtins.partition") {
				right = append(right, e)
			} else {
				wrong = append(wrong, e)
			}
		}
		b := eval.NewAttrsBuilder(2)
		b.Add(st.Sym("right"), eval.NewList(right), eval.NoPos)
		b.Add(st.Sym("wrong"), eval.NewList(wrong), eval.NoPos)
		return b.Finish(eval.NoPos)
	})
	prim(r, "groupBy", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.groupBy")
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.groupBy")
		groups := map[eval.Symbol][]eval.Value{}
		var order []eval.Symbol
		for _, e := range list {
			name := st.ForceStringNoCtx(st.CallFunction(f, []eval.Value{e}, eval.NoPos), eval.NoPos, "while evaluating the return value of the grouping function passed to builtins.groupBy")
			s := st.Sym(name)
			if _, ok := groups[s]; !ok {
				order = append(order, s)
			}
			groups[s] = append(groups[s], e)
		}
		b := eval.NewAttrsBuilder(len(order))
		for _, s := range order {
			b.Add(s, eval.NewList(groups[s]), eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
	prim(r, "concatMap", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.concatMap")
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.concatMap")
		var out []eval.Value
		for _, e := range list {
			res := st.CallFunction(f, []eval.Value{e}, eval.NoPos)
			l := st.ForceList(res, st.DeterminePos(res, st.DeterminePos(f, eval.NoPos)), "while evaluating the return value of the function passed to builtins.concatMap")
			out = append(out, l...)
		}
		return eval.NewList(out)
	})
}

// concatLists concatenates lists (each forced), as Nix's concatLists.
func concatLists(st *eval.State, lists []eval.Value, ctx string) eval.Value {
	total := 0
	var nonEmpty eval.Value
	parts := make([][]eval.Value, len(lists))
	for i, l := range lists {
		parts[i] = st.ForceList(l, eval.NoPos, ctx)
		total += len(parts[i])
		if len(parts[i]) > 0 {
			nonEmpty = l
		}
	}
	if nonEmpty != nil {
		if l := st.Force(nonEmpty, eval.NoPos).(*eval.List); len(l.Elems) == total {
			return l
		}
	}
	out := make([]eval.Value, 0, total)
	for _, p := range parts {
		out = append(out, p...)
	}
	return eval.NewList(out)
}

func primSort(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.sort")
	if len(list) == 0 {
		return st.Force(args[1], eval.NoPos)
	}
	f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.sort")
	out := make([]eval.Value, len(list))
	for i, e := range list {
		st.Force(e, eval.NoPos)
		out[i] = e
	}
	isLessThan := false
	if p, ok := f.(*eval.PrimOp); ok && p.Name == "lessThan" {
		isLessThan = true
	}
	var buf [2]eval.Value
	less := func(a, b eval.Value) bool {
		if isLessThan {
			return st.LessThan(st.Force(a, eval.NoPos), st.Force(b, eval.NoPos), eval.NoPos, "while evaluating the ordering function passed to builtins.sort")
		}
		buf[0], buf[1] = a, b
		return st.ForceBool(st.CallFunction(f, buf[:], eval.NoPos), eval.NoPos, "while evaluating the return value of the sorting function passed to builtins.sort")
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return eval.NewList(out)
}
