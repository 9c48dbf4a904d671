package eval_test

import (
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
)

// FuzzEval feeds arbitrary source through parsing and evaluation under a
// step limit: evaluation may fail, but never with a Go panic (an
// internal error) and never without bound.
func FuzzEval(f *testing.F) {
	for _, s := range []string{
		`1 + 2`, `let x = 1; in x`, `rec { a = b; b = 1; }`, `builtins.map (x: x) [ 1 2 ]`,
		`with builtins; attrNames { a = 1; }`, `({ a ? 1, ... }@x: a) { }`, `"${toString 1}"`,
		`let f = x: f x; in f 1`, `builtins.toJSON { a = [ 1.5 "x" ]; }`, `assert false; 1`,
		`builtins.fromJSON "[1,{}]"`, `builtins.split "(a)*" "aab"`, `x: y: x`,
		`builtins.genericClosure { startSet = [ { key = 1; } ]; operator = _: [ ]; }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		st := newState(t, eval.Options{MaxCallDepth: 200, MaxListSize: 1 << 16})
		st.SetStepLimit(20000)
		v, err := st.EvalString(src, "«string»", "/nonexistent")
		if err == nil {
			err = st.ForceDeep(v)
		}
		if err == nil {
			var b strings.Builder
			err = st.Run(func() { st.WriteAmbiguous(&b, v, nil) })
		}
		if e, ok := err.(*eval.Error); ok && e.Kind == eval.ErrInternal {
			t.Fatalf("internal error on %q: %v", src, e.Msg)
		}
	})
}
