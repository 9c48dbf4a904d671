package main

import (
	"context"
	"fmt"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
)

// extractEvalArgs removes the evaluation options that take two values
// (--arg NAME EXPR, --argstr NAME STR) or that pflag does not know (-I
// PATH) from args and records them in f.
func extractEvalArgs(args []string, f *buildFlags) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--":
			return append(rest, args[i:]...), nil
		case "--arg", "--argstr":
			if i+2 >= len(args) {
				return nil, usageError("flag '%s' requires 2 argument(s)", a)
			}
			f.autoArgs = append(f.autoArgs, autoArg{name: args[i+1], value: args[i+2], isString: a == "--argstr"})
			i += 2
		case "-I", "--include":
			if i+1 >= len(args) {
				return nil, usageError("flag '%s' requires 1 argument(s)", a)
			}
			f.searchPath = append(f.searchPath, args[i+1])
			i++
		default:
			rest = append(rest, a)
		}
	}
	return rest, nil
}

// evalBuildTargets is the evaluation step of gonix build, like nix-build:
// it evaluates FILE arguments (default ./default.nix) or -E expressions,
// selects -A attribute paths, instantiates every derivation found (writing
// the .drv files) and returns one target per derivation found, in order,
// with the output selected for it (a derivation value selects its
// outputName: `-A app` builds and links only app's default output).
func evalBuildTargets(s *streams, st *store.Store, f *buildFlags, args []string) ([]buildTarget, error) {
	ef := &evalFlags{
		expr:       f.expr,
		searchPath: f.searchPath,
		attrPaths:  f.attrs,
		args:       f.autoArgs,
		files:      args,
	}
	opts := evalOptions(s, ef)
	bopts, err := buildOptions(st, f)
	if err != nil {
		return nil, err
	}
	bopts.Reporter = build.ReporterFunc(func(e build.Event) {
		// Builds needed during evaluation (import from derivation) report
		// like nix-build's plain output.
		switch e.Kind {
		case build.EvStarted:
			fmt.Fprintf(s.err, "building '%s'...\n", e.Drv)
		case build.EvLog:
			if !f.quiet {
				fmt.Fprintln(s.err, e.Line)
			}
		case build.EvSubstituting:
			fmt.Fprintf(s.err, "copying path '%s' from '%s'...\n", e.Path, e.URL)
		case build.EvWarning:
			fmt.Fprintf(s.err, "warning: %s\n", e.Line)
		}
	})
	hook := evalstore.New(evalstore.Options{
		Mode:    evalstore.ReadWrite,
		Root:    st.Root,
		Open:    func() (*store.Store, error) { return st, nil },
		Build:   bopts,
		Context: context.Background(),
	})
	opts.Store = hook
	ev := builtins.New(opts)
	builtins.SetLookupFallback(ev, gonixLookup)
	var targets []buildTarget
	err = instantiateAll(ev, s.in, ef, func(d selectedDrv) error {
		targets = append(targets, buildTarget{
			req:   build.Request{DrvPath: d.drvPath, Outputs: []string{d.output}},
			links: []string{d.output},
		})
		return nil
	})
	if err != nil {
		fmt.Fprint(s.err, ev.FormatError(err))
		return nil, silentExit(exitError)
	}
	return targets, nil
}
