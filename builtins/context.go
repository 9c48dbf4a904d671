package builtins

import (
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("context", 0, registerContext) }

// Context elements are encoded as Nix encodes them: "/nix/store/…"
// (opaque), "=/nix/store/….drv" (derivation with all outputs) and
// "!OUT!/nix/store/….drv" (one output of a derivation).

func registerContext(r *eval.Registry) {
	prim(r, "unsafeDiscardStringContext", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.CoerceToString(eval.NoPos, args[0], nil, "while evaluating the argument passed to builtins.unsafeDiscardStringContext", eval.CoerceOptions{})
		return eval.NewString(s)
	})
	prim(r, "hasContext", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceString(args[0], eval.NoPos, "while evaluating the argument passed to builtins.hasContext")
		return eval.Bool(s.HasContext())
	})
	prim(r, "unsafeDiscardOutputDependency", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, args[0], &ctx, "while evaluating the argument passed to builtins.unsafeDiscardOutputDependency", eval.CoerceOptions{})
		out := make([]string, 0, len(ctx))
		for _, c := range ctx {
			if strings.HasPrefix(c, "=") {
				c = c[1:]
			}
			out = append(out, c)
		}
		return eval.NewStringCtx(s, eval.NewContext(out...))
	})
	prim(r, "addDrvOutputDependencies", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, args[0], &ctx, "while evaluating the argument passed to builtins.addDrvOutputDependencies", eval.CoerceOptions{})
		if len(ctx) != 1 {
			st.Raise(st.Errorf(eval.ErrEval, "context of string '%s' must have exactly one element, but has %d", s, len(ctx)))
		}
		c := ctx[0]
		switch {
		case strings.HasPrefix(c, "!"):
			out, _, _ := strings.Cut(c[1:], "!")
			st.Raise(st.Errorf(eval.ErrEval, "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '%s'", out))
		case strings.HasPrefix(c, "="):
		default:
			if !strings.HasSuffix(c, ".drv") {
				st.Raise(st.Errorf(eval.ErrEval, "path '%s' is not a derivation", c))
			}
			c = "=" + c
		}
		return eval.NewStringCtx(s, eval.Context{c})
	})
	prim(r, "getContext", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceString(args[0], eval.NoPos, "while evaluating the argument passed to builtins.getContext")
		type info struct {
			path, all bool
			outputs   []string
		}
		infos := map[string]*info{}
		get := func(p string) *info {
			if infos[p] == nil {
				infos[p] = &info{}
			}
			return infos[p]
		}
		for _, c := range s.Context() {
			switch {
			case strings.HasPrefix(c, "="):
				get(c[1:]).all = true
			case strings.HasPrefix(c, "!"):
				out, drv, _ := strings.Cut(c[1:], "!")
				i := get(drv)
				i.outputs = append(i.outputs, out)
			default:
				get(c).path = true
			}
		}
		b := eval.NewAttrsBuilder(len(infos))
		for p, i := range infos {
			ib := eval.NewAttrsBuilder(3)
			if i.path {
				ib.Add(st.Sym("path"), eval.Bool(true), eval.NoPos)
			}
			if i.all {
				ib.Add(st.Sym("allOutputs"), eval.Bool(true), eval.NoPos)
			}
			if len(i.outputs) > 0 {
				sort.Strings(i.outputs)
				outs := make([]eval.Value, len(i.outputs))
				for k, o := range i.outputs {
					outs[k] = eval.NewString(o)
				}
				ib.Add(st.Sym("outputs"), eval.NewList(outs), eval.NoPos)
			}
			b.Add(st.Sym(p), ib.Finish(eval.NoPos), eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
	prim(r, "appendContext", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		orig := st.ForceString(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.appendContext")
		ctx := orig.Context()
		as := st.ForceAttrs(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.appendContext")
		var add []string
		for _, a := range as.All() {
			name := st.SymName(a.Name)
			if !isStorePath(st, name) {
				st.Raise(st.Errorf(eval.ErrEval, "context key '%s' is not a store path", name).At(a.Pos))
			}
			info := st.ForceAttrs(a.Value, a.Pos, "while evaluating the value of a string context")
			if p := info.Get(st.Sym("path")); p != nil {
				if st.ForceBool(p.Value, p.Pos, "while evaluating the `path` attribute of a string context") {
					add = append(add, name)
				}
			}
			if p := info.Get(st.Sym("allOutputs")); p != nil {
				if st.ForceBool(p.Value, p.Pos, "while evaluating the `allOutputs` attribute of a string context") {
					if !strings.HasSuffix(name, ".drv") {
						st.Raise(st.Errorf(eval.ErrEval, "tried to add all-outputs context of %s, which is not a derivation, to a string", name).At(a.Pos))
					}
					add = append(add, "="+name)
				}
			}
			if p := info.Get(st.Sym("outputs")); p != nil {
				outs := st.ForceList(p.Value, p.Pos, "while evaluating the `outputs` attribute of a string context")
				if len(outs) > 0 && !strings.HasSuffix(name, ".drv") {
					st.Raise(st.Errorf(eval.ErrEval, "tried to add derivation output context of %s, which is not a derivation, to a string", name).At(a.Pos))
				}
				for _, o := range outs {
					out := st.ForceStringNoCtx(o, p.Pos, "while evaluating an output name within a string context")
					add = append(add, "!"+out+"!"+name)
				}
			}
		}
		return eval.NewStringCtx(orig.S, ctx.Merge(eval.NewContext(add...)))
	})
}

// isStorePath reports whether s is a store path (directly in the store
// directory, with a valid hash part).
func isStorePath(st *eval.State, s string) bool {
	dir := st.StoreDir() + "/"
	if !strings.HasPrefix(s, dir) {
		return false
	}
	base := s[len(dir):]
	if strings.Contains(base, "/") || len(base) < 34 || base[32] != '-' {
		return false
	}
	for i := 0; i < 32; i++ {
		c := base[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') || c == 'e' || c == 'o' || c == 'u' || c == 't' {
			return false
		}
	}
	return true
}
