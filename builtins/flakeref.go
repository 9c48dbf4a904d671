package builtins

import (
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
)

func init() { addFamily("flakeref", 0, registerFlakeRef) }

// Nix installs these through the flake settings without checking the
// experimental feature, so they are always present.
func registerFlakeRef(r *eval.Registry) {
	prim(r, "parseFlakeRef", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the argument passed to builtins.parseFlakeRef")
		ref, err := flake.ParseRef(s, flake.ParseOptions{AllowMissing: true, Warn: func(m string) { st.Warn(m, false) }})
		if err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
		}
		return FlakeAttrsValue(st, ref.Attrs())
	})
	prim(r, "flakeRefToString", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to builtins.flakeRefToString")
		attrs := flake.Attrs{}
		for _, a := range as.All() {
			name := st.SymName(a.Name)
			switch v := st.Force(a.Value, a.Pos).(type) {
			case eval.Int:
				if v < 0 {
					st.Raise(st.Errorf(eval.ErrEval, "negative value given for flake ref attr %s: %d", name, int64(v)))
				}
				attrs[name] = flake.Int(uint64(v))
			case eval.Bool:
				attrs[name] = flake.Bool(bool(v))
			case *eval.String:
				attrs[name] = flake.Str(v.S)
			default:
				st.Raise(st.Errorf(eval.ErrEval, "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '%s' is %s", name, eval.ShowType(v)))
			}
		}
		ref, err := flake.RefFromAttrs(attrs)
		if err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
		}
		return eval.NewString(ref.String())
	})
}

// FlakeAttrsValue converts input attributes to a Nix attribute set
// (strings, integers and Booleans).
func FlakeAttrsValue(st *eval.State, attrs flake.Attrs) eval.Value {
	b := eval.NewAttrsBuilder(len(attrs))
	for _, k := range attrs.Keys() {
		v := attrs[k]
		var ev eval.Value
		switch v.Kind {
		case flake.KindInt:
			ev = eval.Int(int64(v.N))
		case flake.KindBool:
			ev = eval.Bool(v.B)
		default:
			ev = eval.NewString(v.S)
		}
		b.Add(st.Sym(k), ev, eval.NoPos)
	}
	return b.Finish(eval.NoPos)
}
