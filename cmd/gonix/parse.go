package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/parser"
)

type parseFlags struct {
	check bool
	dump  bool
	json  bool
}

func newParseCmd(s *streams) *cobra.Command {
	var f parseFlags
	cmd := &cobra.Command{
		Use:   "parse [--check] [--dump] [--json] FILE...|-",
		Short: "Parse Nix files and report syntax errors",
		Long: `Parse Nix files (or standard input with "-").

Without flags, syntax errors are printed the way Nix prints them and the
exit status is 1 if there were any. --dump prints the expression exactly like
nix-instantiate --parse; --check prints every error (not only the first) as
FILE:LINE:COL: error: MESSAGE; --json prints the concrete syntax tree.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runParse(s, f, args)
		},
	}
	cmd.Flags().BoolVar(&f.check, "check", false, "only report every syntax error as FILE:LINE:COL: error: MSG")
	cmd.Flags().BoolVar(&f.dump, "dump", false, "print the parsed expression like nix-instantiate --parse")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the concrete syntax tree as JSON")
	return cmd
}

// readSource reads a file argument, "-" meaning standard input. It returns
// the display name Nix would use and the absolute base directory for
// relative paths.
func readSource(s *streams, arg string) (name, baseDir string, src []byte, err error) {
	if arg == "-" {
		src, err = io.ReadAll(s.in)
		wd, _ := os.Getwd()
		return "«stdin»", wd, src, err
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", "", nil, err
	}
	src, err = os.ReadFile(abs)
	if err != nil {
		return "", "", nil, fmt.Errorf("reading %s: %w", arg, err)
	}
	return abs, filepath.Dir(abs), src, nil
}

func runParse(s *streams, f parseFlags, args []string) error {
	failed := false
	for _, arg := range args {
		name, base, src, err := readSource(s, arg)
		if err != nil {
			return err
		}
		tree := parser.Parse(src, parser.Options{Name: name})
		errs := tree.Errors
		if len(errs) == 0 {
			errs = append(errs, undefinedVariableErrors(tree)...)
		}
		switch {
		case f.check:
			for _, e := range errs {
				p := tree.Position(e.Start)
				fmt.Fprintf(s.out, "%s:%d:%d: error: %s\n", displayName(arg, name), p.Line, p.Col, e.Msg)
			}
		case f.json:
			if err := writeTreeJSON(s.out, tree); err != nil {
				return err
			}
		default:
			if len(errs) > 0 {
				fmt.Fprint(s.err, tree.FormatError(errs[0]))
			} else if f.dump {
				home, _ := os.UserHomeDir()
				fmt.Fprintln(s.out, parser.ShowWith(tree.Expr(), parser.ShowOptions{BaseDir: base, Home: home}))
			}
		}
		if len(errs) > 0 {
			failed = true
		}
	}
	if failed {
		return silentExit(exitError)
	}
	return nil
}

func displayName(arg, name string) string {
	if arg == "-" {
		return name
	}
	return arg
}

// jsonNode is the JSON form of a syntax tree node.
type jsonNode struct {
	Kind     string     `json:"kind"`
	Start    int        `json:"start"`
	End      int        `json:"end"`
	Text     string     `json:"text,omitempty"`
	Children []jsonNode `json:"children,omitempty"`
}

func toJSONNode(n parser.Node) jsonNode {
	j := jsonNode{Kind: n.Kind().String(), Start: n.Start(), End: n.End()}
	n.Elements(func(e parser.Element) bool {
		if e.Token.Valid() {
			if e.Token.Kind() == parser.TokEOF {
				return true
			}
			j.Children = append(j.Children, jsonNode{
				Kind: "Token", Start: e.Token.Start(), End: e.Token.End(), Text: e.Token.Text(),
			})
		} else {
			j.Children = append(j.Children, toJSONNode(e.Node))
		}
		return true
	})
	return j
}

func writeTreeJSON(w io.Writer, t *parser.Tree) error {
	type jsonErr struct {
		Start int    `json:"start"`
		End   int    `json:"end"`
		Line  int    `json:"line"`
		Col   int    `json:"col"`
		Msg   string `json:"message"`
	}
	out := struct {
		File   string    `json:"file"`
		Tree   jsonNode  `json:"tree"`
		Errors []jsonErr `json:"errors"`
	}{File: t.Name, Tree: toJSONNode(t.Root()), Errors: []jsonErr{}}
	for _, e := range t.Errors {
		p := t.Position(e.Start)
		out.Errors = append(out.Errors, jsonErr{e.Start, e.End, p.Line, p.Col, e.Msg})
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}
