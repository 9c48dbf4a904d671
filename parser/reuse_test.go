package parser

import (
	"reflect"
	"testing"
)

// treeShape lists a tree's tokens and nodes, for comparing trees.
func treeShape(t *Tree) []int {
	var out []int
	for i := 0; i < t.NumTokens(); i++ {
		tk := t.Token(i)
		out = append(out, int(tk.Kind()), tk.Start(), tk.End())
	}
	for i := 0; i < t.NumNodes(); i++ {
		n := t.NodeByID(i)
		out = append(out, -1, int(n.Kind()), n.FirstTokenIndex(), n.EndTokenIndex(), n.Parent().ID(), n.FirstChild().ID(), n.Next().ID())
	}
	return out
}

func TestParseSyntaxReusing(t *testing.T) {
	srcs := []string{
		"{ a = 1; b = [ 1 2 3 ]; c = x: y: x + y; }",
		"let f = { a, b ? 2, ... }@args: a; in f { a = \"s ${x} t\"; }",
		"x",
		"''\n  indented ${string}\n''",
		"{ a = ; }", // an error
		"with import <nixpkgs> {}; assert a -> b; if c then ./path/${d} else https://example.org",
		"",
	}
	var old *Tree
	for i := 0; i < 3; i++ {
		for _, src := range srcs {
			want := ParseSyntax(src, "f.nix")
			got := ParseSyntaxReusing(src, "f.nix", old)
			if !reflect.DeepEqual(treeShape(got), treeShape(want)) {
				t.Fatalf("%q: reusing tree differs from a fresh parse", src)
			}
			if !reflect.DeepEqual(got.Errors, want.Errors) {
				t.Fatalf("%q: errors %v, want %v", src, got.Errors, want.Errors)
			}
			if Show(got.Expr()) != Show(want.Expr()) {
				t.Fatalf("%q: shows %q, want %q", src, Show(got.Expr()), Show(want.Expr()))
			}
			old = got
		}
	}
}
