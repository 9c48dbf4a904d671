package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/parser"
)

// evalFlags are the options of gonix eval (nix-instantiate --eval).
type evalFlags struct {
	strict, json, xml, raw bool
	location               bool
	showTrace              bool
	expr                   bool
	stdin                  bool
	searchPath             []string
	attrPaths              []string
	args                   []autoArg
	files                  []string
	maxCallDepth           int
	features               []string
	lints                  parser.Lints
	pure                   bool
	// readWrite writes sources and derivations to the store while
	// evaluating (--read-write-mode), as gonix instantiate does.
	readWrite bool
}

type autoArg struct {
	name, value string
	isString    bool
}

func newEvalCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval [--strict] [--json] [--xml] [--raw] [--show-trace] [-I PATH] [--arg NAME EXPR] [--argstr NAME STR] [-A ATTRPATH] (-E EXPR | FILE)",
		Short: "Evaluate a Nix expression (like nix-instantiate --eval)",
		Long: `Evaluate Nix files or expressions and print the result exactly like
nix-instantiate --eval does.

  --strict            evaluate the result deeply
  --json, --xml       print the result as JSON or XML
  --raw               print a string result without quotes
  --no-location       omit source locations from XML output
  -E, --expr          the arguments are expressions, not files
  -A, --attr PATH     select an attribute path from the result
  --arg NAME EXPR     pass a function argument (an expression)
  --argstr NAME STR   pass a function argument (a string)
  -I PATH             add to the search path (prefix=path or path)
  --show-trace        show the full trace of errors
  --max-call-depth N  limit the function call depth (default 10000)
  --impure, --pure-eval, --extra-experimental-features F,
  --lint-url-literals, --lint-short-path-literals,
  --lint-absolute-path-literals LEVEL (warn|fatal)`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseEvalArgs(args)
			if err != nil {
				return err
			}
			if f == nil {
				return cmd.Help()
			}
			return runEval(s, f)
		},
	}
	return cmd
}

// parseEvalArgs parses nix-instantiate style arguments (some options
// take two values, which cobra cannot express).
func parseEvalArgs(args []string) (*evalFlags, error) {
	f := &evalFlags{location: true}
	need := func(i *int, n int, flag string) ([]string, error) {
		if *i+n >= len(args) {
			return nil, usageError("flag '%s' requires %d argument(s)", flag, n)
		}
		vals := args[*i+1 : *i+1+n]
		*i += n
		return vals, nil
	}
	lintLevel := func(flag, v string) (parser.LintLevel, error) {
		switch v {
		case "", "off", "ignore":
			return parser.LintOff, nil
		case "warn":
			return parser.LintWarn, nil
		case "fatal":
			return parser.LintFatal, nil
		}
		return 0, usageError("invalid value '%s' for %s (expected warn or fatal)", v, flag)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "--") && strings.Contains(a, "=") {
			name, val, _ := strings.Cut(a, "=")
			args = append(args[:i+1], append([]string{val}, args[i+1:]...)...)
			args[i] = name
			a = name
		}
		switch a {
		case "-h", "--help":
			return nil, nil
		case "--read-write-mode":
			f.readWrite = true
		case "--eval", "--eval-only", "--impure", "--no-eval-cache":
		case "--pure-eval":
			f.pure = true
		case "--strict":
			f.strict = true
		case "--json":
			f.json = true
		case "--xml":
			f.xml = true
		case "--raw":
			f.raw = true
		case "--no-location":
			f.location = false
		case "--show-trace":
			f.showTrace = true
		case "--no-show-trace":
			f.showTrace = false
		case "-E", "--expr":
			f.expr = true
		case "-":
			f.stdin = true
		case "-I", "--include":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			f.searchPath = append(f.searchPath, v[0])
		case "-A", "--attr":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			f.attrPaths = append(f.attrPaths, v[0])
		case "--arg", "--argstr":
			v, err := need(&i, 2, a)
			if err != nil {
				return nil, err
			}
			f.args = append(f.args, autoArg{name: v[0], value: v[1], isString: a == "--argstr"})
		case "--max-call-depth":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			n, perr := strconv.Atoi(v[0])
			if perr != nil || n < 0 {
				return nil, usageError("invalid value '%s' for --max-call-depth", v[0])
			}
			f.maxCallDepth = n
		case "--extra-experimental-features", "--experimental-features":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			f.features = append(f.features, strings.Fields(v[0])...)
		case "--lint-url-literals", "--lint-short-path-literals", "--lint-absolute-path-literals":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			lvl, err := lintLevel(a, v[0])
			if err != nil {
				return nil, err
			}
			switch a {
			case "--lint-url-literals":
				f.lints.URLLiterals = lvl
			case "--lint-short-path-literals":
				f.lints.ShortPathLiterals = lvl
			default:
				f.lints.AbsolutePathLiterals = lvl
			}
		case "--option":
			if _, err := need(&i, 2, a); err != nil {
				return nil, err
			}
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return nil, usageError("unrecognised flag '%s'", a)
			}
			f.files = append(f.files, a)
		}
	}
	return f, nil
}

// evalOptions builds the evaluator options from flags and environment.
func evalOptions(s *streams, f *evalFlags) eval.Options {
	sp := append([]string(nil), f.searchPath...)
	if np := getenv("NIX_PATH"); np != "" {
		sp = append(sp, np)
	}
	opts := eval.Options{
		SearchPath:           sp,
		ShowTrace:            f.showTrace,
		MaxCallDepth:         f.maxCallDepth,
		Pure:                 f.pure,
		ExperimentalFeatures: append(configFeatures(), f.features...),
		Stderr:               s.err,
		Lints:                f.lints,
		Store:                newEvalStore(),
	}
	if f.readWrite {
		opts.Store = newStoreHook(evalstore.ReadWrite)
	}
	return opts
}

// configFeatures reads experimental-features from nix.conf the way Nix
// does ($NIX_CONF_DIR/nix.conf).
func configFeatures() []string {
	dir := getenv("NIX_CONF_DIR")
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "nix.conf"))
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == "experimental-features" || k == "extra-experimental-features" {
			out = append(out, strings.Fields(v)...)
		}
	}
	return out
}

func runEval(s *streams, f *evalFlags) error {
	stopProfiles, err := startProfiles()
	if err != nil {
		return err
	}
	defer stopProfiles()
	preallocHugeHeap(256 << 20)
	tuneEvalGC(64<<20, 200)
	st, done := newEvalState(evalOptions(s, f))
	defer done()
	out := bufio.NewWriter(s.out)
	defer out.Flush()

	fail := func(err error) error {
		out.Flush()
		fmt.Fprint(s.err, st.FormatError(err))
		return silentExit(exitError)
	}

	autoArgs, err := buildAutoArgs(st, f.args)
	if err != nil {
		return fail(err)
	}

	var roots []func() (eval.Value, error)
	cwd := eval.Cwd()
	switch {
	case f.stdin:
		src, err := io.ReadAll(s.in)
		if err != nil {
			return fail(err)
		}
		roots = append(roots, func() (eval.Value, error) { return st.EvalString(string(src), "«stdin»", cwd) })
	case len(f.files) == 0 && !f.expr:
		f.files = []string{"./default.nix"}
	}
	for _, file := range f.files {
		file := file
		if f.expr {
			roots = append(roots, func() (eval.Value, error) { return st.EvalString(file, "«string»", cwd) })
			continue
		}
		roots = append(roots, func() (eval.Value, error) { return evalFileArg(st, file) })
	}
	attrPaths := f.attrPaths
	if len(attrPaths) == 0 {
		attrPaths = []string{""}
	}
	for _, root := range roots {
		v, err := root()
		if err != nil {
			return fail(err)
		}
		for _, ap := range attrPaths {
			if err := printResult(st, out, f, v, ap, autoArgs); err != nil {
				return fail(err)
			}
		}
	}
	return nil
}

// evalFileArg evaluates a file argument (or <lookup> / directory).
func evalFileArg(st *eval.State, file string) (eval.Value, error) {
	if strings.HasPrefix(file, "<") && strings.HasSuffix(file, ">") {
		var p string
		err := st.Run(func() { p = st.FindFile(st.SearchPath(), file[1:len(file)-1], eval.NoPos) })
		if err != nil {
			return nil, err
		}
		file = p
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return st.EvalTopFile(abs)
}

// buildAutoArgs evaluates --arg and --argstr values lazily.
func buildAutoArgs(st *eval.State, args []autoArg) (*eval.Attrs, error) {
	b := eval.NewAttrsBuilder(len(args))
	cwd := eval.Cwd()
	for _, a := range args {
		if a.isString {
			b.Add(st.Sym(a.name), eval.NewString(a.value), eval.NoPos)
			continue
		}
		p, err := st.ParseString(a.value, "«string»", cwd)
		if err != nil {
			return nil, err
		}
		b.Add(st.Sym(a.name), st.Lazy(p), eval.NoPos)
	}
	return b.Finish(eval.NoPos), nil
}

// printResult selects, forces and prints one result like processExpr.
func printResult(st *eval.State, w *bufio.Writer, f *evalFlags, root eval.Value, attrPath string, autoArgs *eval.Attrs) error {
	v, err := st.FindAttrPath(root, attrPath, autoArgs)
	if err != nil {
		return err
	}
	if v, err = st.ForceValue(v); err != nil {
		return err
	}
	if autoArgs.Len() > 0 {
		if v, err = st.AutoCall(v, autoArgs); err != nil {
			return err
		}
	}
	var out string
	switch {
	case f.raw:
		err = st.Run(func() {
			out = st.CoerceToString(eval.NoPos, v, nil, "while generating the nix-instantiate output", eval.CoerceOptions{CopyToStore: true})
		})
	case f.xml:
		err = st.Run(func() { out = builtins.XML(st, v, f.strict, f.location) })
	case f.json:
		err = st.Run(func() { out = builtins.JSON(st, v, f.strict, st.DeterminePos(v, eval.NoPos)) + "\n" })
	default:
		if f.strict {
			if err = st.ForceDeep(v); err != nil {
				return err
			}
		}
		err = st.Run(func() {
			var b strings.Builder
			st.WriteAmbiguous(&b, v, nil)
			b.WriteByte('\n')
			out = b.String()
		})
	}
	if err != nil {
		return err
	}
	_, werr := w.WriteString(out)
	return werr
}
