package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/internal/evalstore"
)

// instantiateFlags are gonix instantiate's own options; the rest are gonix
// eval's (nix-instantiate's).
type instantiateFlags struct {
	eval    *evalFlags
	addRoot string
	evalOut bool
}

func newInstantiateCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "instantiate [FILE | -E EXPR] [-A ATTRPATH] [--arg NAME EXPR] [--argstr NAME STR] [-I PATH] [--add-root PATH [--indirect]]",
		Short: "Instantiate store derivations (like nix-instantiate)",
		Long: `Evaluate Nix files or expressions, write the store derivations they
describe (.drv files, with their sources) to the store and print their
paths exactly like nix-instantiate: one per derivation found, as
DRV!OUTPUT when the derivation's selected output is not "out". Sets and
lists are searched like nix-instantiate does (nested sets only with
recurseForDerivations = true).

  -E, --expr          the arguments are expressions, not files
  -A, --attr PATH     select an attribute path from the result
  --arg NAME EXPR     pass a function argument (an expression)
  --argstr NAME STR   pass a function argument (a string)
  -I PATH             add to the search path (prefix=path or path)
  --add-root PATH     register the .drv files as GC roots PATH, PATH-2, ...
                      and print the root paths instead
  --eval              evaluate only, like gonix eval (the other eval
                      options are accepted too)`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseInstantiateArgs(args)
			if err != nil {
				return err
			}
			if f == nil {
				return cmd.Help()
			}
			if f.evalOut {
				return runEval(s, f.eval)
			}
			return runInstantiate(s, f)
		},
	}
}

// parseInstantiateArgs separates --add-root, --indirect and --eval from
// the evaluation options.
func parseInstantiateArgs(args []string) (*instantiateFlags, error) {
	f := &instantiateFlags{}
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--add-root":
			if i+1 >= len(args) {
				return nil, usageError("flag '%s' requires 1 argument(s)", a)
			}
			f.addRoot = args[i+1]
			i++
		case "--indirect":
			// Roots are always indirect (registered under gcroots/auto).
		case "--eval", "--eval-only":
			f.evalOut = true
		case "--":
			rest = append(rest, args[i:]...)
			i = len(args)
		default:
			rest = append(rest, a)
		}
	}
	ef, err := parseEvalArgs(rest)
	if err != nil || ef == nil {
		return nil, err
	}
	f.eval = ef
	return f, nil
}

// evalRoots returns the expressions the arguments name (files, -E
// expressions, stdin), as nix-instantiate reads them.
func evalRoots(st *eval.State, in io.Reader, f *evalFlags) ([]func() (eval.Value, error), error) {
	var roots []func() (eval.Value, error)
	cwd := eval.Cwd()
	files := f.files
	switch {
	case f.stdin:
		src, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		roots = append(roots, func() (eval.Value, error) { return st.EvalString(string(src), "«stdin»", cwd) })
	case len(files) == 0 && !f.expr:
		files = []string{"./default.nix"}
	}
	for _, file := range files {
		if f.expr {
			roots = append(roots, func() (eval.Value, error) { return st.EvalString(file, "«string»", cwd) })
			continue
		}
		roots = append(roots, func() (eval.Value, error) { return evalFileArg(st, file) })
	}
	return roots, nil
}

// selectedDrv is a derivation chosen by an attribute path, with its .drv
// path (instantiated) and the output nix-instantiate/nix-build select.
type selectedDrv struct {
	drvPath, output string
}

// instantiateAll evaluates the roots and attribute paths and instantiates
// every derivation found, in nix-instantiate's order. visit is called for
// each one as soon as it is instantiated.
func instantiateAll(st *eval.State, in io.Reader, f *evalFlags, visit func(selectedDrv) error) error {
	autoArgs, err := buildAutoArgs(st, f.args)
	if err != nil {
		return err
	}
	roots, err := evalRoots(st, in, f)
	if err != nil {
		return err
	}
	attrPaths := f.attrPaths
	if len(attrPaths) == 0 {
		attrPaths = []string{""}
	}
	for _, root := range roots {
		v, err := root()
		if err != nil {
			return err
		}
		for _, ap := range attrPaths {
			sel, err := st.FindAttrPath(v, ap, autoArgs)
			if err != nil {
				return err
			}
			if sel, err = st.ForceValue(sel); err != nil {
				return err
			}
			drvs, err := builtins.GetDerivations(st, sel, autoArgs)
			if err != nil {
				return err
			}
			for _, d := range drvs {
				drvPath, err := d.DrvPath(st)
				if err != nil {
					return err
				}
				out, err := d.OutputName(st)
				if err != nil {
					return err
				}
				if out == "" {
					return fmt.Errorf("derivation '%s' lacks an 'outputName' attribute", drvPath)
				}
				if err := visit(selectedDrv{drvPath: drvPath, output: out}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func runInstantiate(s *streams, f *instantiateFlags) error {
	opts := evalOptions(s, f.eval)
	hook := newStoreHook(evalstore.ReadWrite)
	opts.Store = hook
	st, done := newEvalState(opts)
	defer done()
	out := bufio.NewWriter(s.out)
	defer out.Flush()
	fail := func(err error) error {
		out.Flush()
		fmt.Fprint(s.err, st.FormatError(err))
		return silentExit(exitError)
	}
	warned := false
	rootNr := 0
	err := instantiateAll(st, s.in, f.eval, func(d selectedDrv) error {
		p := d.drvPath
		if f.addRoot == "" {
			if !warned {
				out.Flush()
				fmt.Fprintln(s.err, "warning: you did not specify '--add-root'; the result might be removed by the garbage collector")
				warned = true
			}
		} else {
			stor, err := hook.Store()
			if err != nil {
				return err
			}
			name, err := filepath.Abs(f.addRoot)
			if err != nil {
				return err
			}
			if rootNr++; rootNr > 1 {
				name += "-" + strconv.Itoa(rootNr)
			}
			if p, err = stor.AddPermRoot(d.drvPath, name); err != nil {
				return err
			}
		}
		if d.output != "out" {
			p += "!" + d.output
		}
		_, err := fmt.Fprintln(out, p)
		return err
	})
	if err != nil {
		return fail(err)
	}
	return nil
}
