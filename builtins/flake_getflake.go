package builtins

import (
	"fmt"
	"os"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/store"
)

func init() { addFamily("getflake", 0, registerGetFlake) }

func registerGetFlake(r *eval.Registry) {
	prim(r, "getFlake", 1, primGetFlake)
}

// storeOpener is implemented by store hooks backed by a real store (the
// evaluator's evalstore).
type storeOpener interface {
	Store() (*store.Store, error)
}

type flakeSessionKey struct{}

// flakeSession returns the flake session of an evaluation: the settings
// attached with flake.Attach, or settings on the store behind the
// evaluator's store hook.
func flakeSession(st *eval.State) *flake.Session {
	v := st.Ext(flakeSessionKey{}, func() any {
		s := flake.SettingsOf(st)
		if s == nil {
			o, ok := st.Store().(storeOpener)
			if !ok {
				return nil
			}
			stor, err := o.Store()
			if err != nil {
				return nil
			}
			s = flake.NewSettings(stor, os.Getenv)
			s.Warn = func(m string) { fmt.Fprintf(st.Stderr(), "warning: %s\n", m) }
			flake.Attach(st, s)
		}
		return flake.NewSession(s, st)
	})
	x, _ := v.(*flake.Session)
	return x
}

// primGetFlake is builtins.getFlake: fetch and lock a flake (the lock
// file is neither updated nor written) and return it as call-flake does.
func primGetFlake(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	x := flakeSession(st)
	if x == nil {
		st.Raise(st.Errorf(eval.ErrEval, "builtins.getFlake needs a Nix store, which is not available"))
	}
	pure := st.Options().Pure
	var ref flake.Ref
	switch v := st.Force(args[0], pos).(type) {
	case eval.Path:
		r, err := flake.ParseRef("path:"+string(v), flake.ParseOptions{})
		if err != nil {
			st.Raise(flake.AsEvalError(st, err))
		}
		ref = r
	default:
		s := st.ForceStringNoCtx(v, pos, "while evaluating the argument passed to builtins.getFlake")
		r, err := flake.ParseRef(s, flake.ParseOptions{AllowMissing: true})
		if err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
		}
		if pure && !r.Input.IsLocked() {
			st.Raise(st.Errorf(eval.ErrEval, "cannot call 'getFlake' on unlocked flake reference '%s', at %s (use --impure to override)", s, st.Locate(pos)))
		}
		ref = r
	}
	lf, err := x.LockFlake(ref, flake.LockFlags{NoUpdateLockFile: true, NoWriteLockFile: true, NoRegistries: pure, Pure: pure})
	if err != nil {
		st.Raise(flake.AsEvalError(st, err))
	}
	v, err := x.CallFlake(lf)
	if err != nil {
		st.Raise(flake.AsEvalError(st, err))
	}
	return v
}

// FetchTreeInput fetches an input of any flake input type (path, git,
// github, gitlab, sourcehut, tarball, file; indirect ones through the
// registries unless evaluation is pure) into the store and returns the
// attribute set builtins.fetchTree returns for it. fetchTree and
// fetchGit can call it for the types they do not handle themselves.
func FetchTreeInput(st *eval.State, in *flake.Input, emptyRevFallback bool) eval.Value {
	x := flakeSession(st)
	if x == nil {
		st.Raise(st.Errorf(eval.ErrEval, "fetching '%s' needs a Nix store, which is not available", in))
	}
	if !in.IsDirect() && !st.Options().Pure {
		resolved, _, err := x.Settings.Lookup(in, flake.UseLimitedRegistries)
		if err != nil {
			st.Raise(flake.AsEvalError(st, err))
		}
		in = resolved
	}
	if st.Options().Pure && !in.IsLocked() {
		if in.NarHash() == "" {
			st.Raise(st.Errorf(eval.ErrEval, "in pure evaluation mode, 'fetchTree' doesn't fetch unlocked input '%s'", in))
		}
		st.Warn(fmt.Sprintf("Input '%s' is unlocked (e.g. lacks a Git revision) but is checked by NAR hash. This is not reproducible and will break after garbage collection or when shared.", in), false)
	}
	p, locked, err := x.Settings.Fetch(in)
	if err != nil {
		st.Raise(flake.AsEvalError(st, err))
	}
	return flake.TreeAttrs(st, p, locked, emptyRevFallback, false)
}
