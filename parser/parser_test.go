package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTripSimple(t *testing.T) {
	srcs := []string{
		"", "1", "{ a = 1; b = \"x${y}z\"; }", "let x = 1; in x + 2",
		"''\n  a\n  ${b}\n''", "./a/${b}/c", "x: y: x y", "{ a, b ? 1, ... }@c: a",
		"[ 1 2 3 ]", "a.b.c or d", "if a then b else c", "# comment\n/* block */ 1",
		"{ a = 1; ", "(((", "}}}", "\"unterminated", "a |> b |> c", "1 + - 2 * 3",
	}
	for _, src := range srcs {
		tr := ParseString(src, Options{})
		if got := treeText(tr); got != src {
			t.Errorf("round trip of %q gave %q", src, got)
		}
	}
}

// treeText rebuilds the source from the tree's tokens reached through the
// node structure.
func treeText(t *Tree) string {
	var b strings.Builder
	var walk func(n Node)
	walk = func(n Node) {
		n.Elements(func(e Element) bool {
			if e.Token.Valid() {
				b.WriteString(e.Token.Text())
			} else {
				walk(e.Node)
			}
			return true
		})
	}
	walk(t.Root())
	return b.String()
}

func langDir(t testing.TB) string {
	d, _ := filepath.Abs("../../shared/conformance/nix-lang/lang")
	if _, err := os.Stat(d); err != nil {
		t.Skip("conformance data not found")
	}
	return d
}

func TestParseOkay(t *testing.T) {
	dir := langDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "parse-okay-*.nix"))
	for _, f := range files {
		src, _ := os.ReadFile(f)
		exp, err := os.ReadFile(strings.TrimSuffix(f, ".nix") + ".exp")
		if err != nil {
			continue
		}
		tr := Parse(src, Options{})
		if len(tr.Errors) > 0 {
			t.Errorf("%s: unexpected error %s", filepath.Base(f), tr.Errors[0].Msg)
			continue
		}
		got := Show(tr.Expr()) + "\n"
		if got != string(exp) {
			t.Errorf("%s:\n got %s\nwant %s", filepath.Base(f), got, exp)
		}
	}
}

// TestConformanceFilesRoundTrip parses every .nix file of the shared
// conformance data (valid or not) and checks the tree reproduces it byte
// for byte and keeps its structural invariants.
func TestConformanceFilesRoundTrip(t *testing.T) {
	root, _ := filepath.Abs("../../shared/conformance")
	if _, err := os.Stat(root); err != nil {
		t.Skip("conformance data not found")
	}
	n := 0
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".nix") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		checkTree(t, Parse(src, Options{Name: p, PipeOperators: true}), string(src))
		n++
		return nil
	})
	if n < 400 {
		t.Errorf("only %d .nix files found under %s", n, root)
	}
	t.Logf("%d files round-tripped", n)
}
