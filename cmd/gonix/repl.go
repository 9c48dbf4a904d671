package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chzyer/readline"
	"github.com/spf13/cobra"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/parser"
)

func newReplCmd(s *streams) *cobra.Command {
	var searchPath []string
	cmd := &cobra.Command{
		Use:   "repl [FILE...]",
		Short: "Evaluate Nix expressions interactively (like nix repl)",
		Long: `Start an interactive Nix session. Type an expression to evaluate it, or
NAME = EXPR to bind a variable. Commands:

  :l FILE    load a file's attributes into scope
  :p EXPR    evaluate and print deeply
  :t EXPR    show the type of the result
  :q         quit
  :?         help

Tab completes variable names and attribute paths.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sp := append([]string(nil), searchPath...)
			if np := getenv("NIX_PATH"); np != "" {
				sp = append(sp, np)
			}
			st, done := newEvalState(eval.Options{SearchPath: sp, Stderr: s.err, Store: newEvalStore()})
			defer done()
			r := &repl{st: st, out: s.out, errw: s.err, vars: map[string]eval.Value{}}
			for _, f := range args {
				r.load(f)
			}
			return r.run(s.in)
		},
	}
	cmd.Flags().StringArrayVarP(&searchPath, "include", "I", nil, "add to the search path (prefix=path or path)")
	return cmd
}

// repl is an interactive session: the evaluator and the variables bound
// so far.
type repl struct {
	st   *eval.State
	out  io.Writer
	errw io.Writer
	vars map[string]eval.Value
}

const replHelp = `The following commands are available:

  <expr>       Evaluate and print expression
  <x> = <expr> Bind expression to variable
  :l <path>    Load Nix expression and add it to scope
  :p <expr>    Evaluate and print expression recursively
  :t <expr>    Describe result of evaluation
  :q           Exit
  :?           Show this help
`

func (r *repl) run(in io.Reader) error {
	if f, ok := in.(*os.File); ok && readline.IsTerminal(int(f.Fd())) {
		return r.runTerminal()
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if r.handle(sc.Text()) {
			return nil
		}
	}
	return sc.Err()
}

func (r *repl) runTerminal() error {
	home, _ := os.UserHomeDir()
	rl, err := readline.NewEx(&readline.Config{
		Prompt:       "gonix-repl> ",
		HistoryFile:  filepath.Join(home, ".gonix_repl_history"),
		AutoComplete: replCompleter{r},
		Stdout:       r.out,
		Stderr:       r.errw,
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	fmt.Fprintln(r.out, "Welcome to gonix repl. Type :? for help.")
	for {
		line, err := rl.Readline()
		if err == readline.ErrInterrupt {
			continue
		}
		if err != nil {
			return nil
		}
		if r.handle(line) {
			return nil
		}
	}
}

// handle processes one input line and reports whether to quit.
func (r *repl) handle(line string) bool {
	line = strings.TrimSpace(line)
	if line == "" {
		return false
	}
	if strings.HasPrefix(line, ":") {
		cmd, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		switch cmd {
		case ":q", ":quit":
			return true
		case ":?", ":help":
			fmt.Fprint(r.out, replHelp)
		case ":l", ":load":
			r.load(arg)
		case ":p", ":print":
			if v, ok := r.eval(arg); ok {
				r.print(v, true)
			}
		case ":t", ":type":
			if v, ok := r.eval(arg); ok {
				fmt.Fprintln(r.out, eval.ShowType(v))
			}
		default:
			fmt.Fprintf(r.errw, "error: unknown command '%s'\n", cmd)
		}
		return false
	}
	if name, expr, ok := splitBinding(line); ok {
		v, ok := r.eval(expr)
		if ok {
			r.vars[name] = v
		}
		return false
	}
	if v, ok := r.eval(line); ok {
		r.print(v, false)
	}
	return false
}

// splitBinding recognises "name = expr" (but not "a == b").
func splitBinding(line string) (string, string, bool) {
	i := strings.IndexByte(line, '=')
	if i <= 0 || i+1 < len(line) && line[i+1] == '=' {
		return "", "", false
	}
	name := strings.TrimSpace(line[:i])
	if parser.PrintIdentifier(name) != name || parser.IsReservedKeyword(name) {
		return "", "", false
	}
	return name, strings.TrimSpace(line[i+1:]), true
}

func (r *repl) eval(src string) (eval.Value, bool) {
	v, err := r.st.EvalStringWith(src, "«string»", eval.Cwd(), r.vars)
	if err == nil {
		v, err = r.st.ForceValue(v)
	}
	if err != nil {
		fmt.Fprint(r.errw, r.st.FormatError(err))
		return nil, false
	}
	return v, true
}

func (r *repl) print(v eval.Value, deep bool) {
	opts := eval.PrintOptions{Force: true, DerivationPaths: true, PrettyIndent: 2}
	if !deep {
		opts.MaxDepth = 1
	}
	fmt.Fprintln(r.out, r.st.PrintValue(v, opts))
}

// load evaluates a file (auto-calling functions) and adds its attributes
// to the scope.
func (r *repl) load(path string) {
	if path == "" {
		fmt.Fprintln(r.errw, "error: :l needs a file name")
		return
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		fmt.Fprintf(r.errw, "error: %v\n", err)
		return
	}
	v, err := r.st.EvalFile(abs)
	if err == nil {
		v, err = r.st.AutoCall(v, eval.NewAttrsBuilder(0).Finish(eval.NoPos))
	}
	if err == nil {
		v, err = r.st.ForceValue(v)
	}
	if err != nil {
		fmt.Fprint(r.errw, r.st.FormatError(err))
		return
	}
	as, ok := v.(*eval.Attrs)
	if !ok {
		fmt.Fprintf(r.errw, "error: %s is not an attribute set\n", path)
		return
	}
	for _, a := range as.All() {
		r.vars[r.st.SymName(a.Name)] = a.Value
	}
	fmt.Fprintf(r.out, "Added %d variables.\n", as.Len())
}

// completions returns the names that complete the word before the
// cursor: variables in scope and builtins, or attribute names after a
// dot.
func (r *repl) completions(line string) []string {
	start := len(line)
	for start > 0 && isWordChar(line[start-1]) {
		start--
	}
	word := line[start:]
	var cands []string
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		base, prefix := word[:i], word[i+1:]
		v, err := r.st.EvalStringWith(base, "«string»", eval.Cwd(), r.vars)
		if err == nil {
			v, err = r.st.ForceValue(v)
		}
		if as, ok := v.(*eval.Attrs); ok && err == nil {
			for _, a := range as.All() {
				if n := r.st.SymName(a.Name); strings.HasPrefix(n, prefix) {
					cands = append(cands, base+"."+n)
				}
			}
		}
	} else {
		seen := map[string]bool{}
		add := func(n string) {
			if strings.HasPrefix(n, word) && !seen[n] {
				seen[n] = true
				cands = append(cands, n)
			}
		}
		for n := range r.vars {
			add(n)
		}
		for _, a := range r.st.Builtins().All() {
			add("builtins." + r.st.SymName(a.Name))
		}
		for _, n := range []string{"builtins", "true", "false", "null", "import", "map", "toString", "throw", "abort", "derivation", "removeAttrs", "baseNameOf", "dirOf", "isNull"} {
			add(n)
		}
	}
	sort.Strings(cands)
	for i, c := range cands {
		cands[i] = c[len(word):]
	}
	return cands
}

func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '\'' || c == '-' || c == '.'
}

// replCompleter adapts completions to readline.
type replCompleter struct{ r *repl }

func (c replCompleter) Do(line []rune, pos int) ([][]rune, int) {
	prefix := string(line[:pos])
	start := len(prefix)
	for start > 0 && isWordChar(prefix[start-1]) {
		start--
	}
	var out [][]rune
	for _, s := range c.r.completions(prefix) {
		out = append(out, []rune(s))
	}
	return out, len([]rune(prefix[start:]))
}
