package scope

import (
	"strings"
	"testing"

	"github.com/gonix/gonix/parser"
)

// resolveIdents returns, for each Ident in source order, a description of
// what it resolves to: "global", "with", "undefined", or the kind of the
// scope and the defining node's line:col.
func resolveIdents(t *testing.T, src string) []string {
	t.Helper()
	tr := parser.ParseString(src, parser.Options{})
	if len(tr.Errors) > 0 {
		t.Fatalf("parse %q: %s", src, tr.Errors[0].Msg)
	}
	res := Resolve(tr, Options{})
	var out []string
	var walk func(n parser.Node)
	walk = func(n parser.Node) {
		if n.Kind() == parser.NodeIdent {
			ref, ok := res.RefOf(n)
			switch {
			case !ok:
				out = append(out, "unresolved")
			case ref.Def != nil && ref.Def.Kind == DefGlobal:
				out = append(out, n.Name()+"=global")
			case ref.Def != nil:
				p := tr.Position(ref.Def.Node.Start())
				out = append(out, n.Name()+"@"+itoa(p.Line)+":"+itoa(p.Col))
			case ref.With != nil:
				out = append(out, n.Name()+"=with@"+itoa(tr.Position(ref.With.Node.Start()).Col))
			default:
				out = append(out, n.Name()+"=undefined")
			}
		}
		for c := n.FirstChild(); c.Valid(); c = c.Next() {
			walk(c)
		}
	}
	walk(tr.Root())
	return out
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestResolve(t *testing.T) {
	cases := []struct{ src, want string }{
		{"let x = 1; in x", "x@1:5"},
		{"x: x", "x@1:1"},
		{"{ a, b ? a }: b", "a@1:3 b@1:6"},
		{"args@{ a }: args", "args@1:1"},
		{"with { x = 1; }; x", "x=with@1"},
		{"let x = 1; in with { x = 2; }; x", "x@1:5"},
		{"with a; with b; y", "a=undefined b=with@1 y=with@9"},
		{"with a; map", "a=undefined map=global"},
		{"rec { a = b; b = 1; }", "b@1:14"},
		{"let x = 1; in rec { inherit x; y = x; }", "x@1:29"},
		{"let a.b = c; c = 1; in a", "c@1:14 a@1:5"},
		{"{ a = x; }", "x=undefined"},
		{"let f = x: x; in f", "x@1:9 f@1:5"},
		{"a.${b}", "a=undefined b=undefined"},
		{"let x = { y = z; }; z = 1; in x", "z@1:21 x@1:5"},
		{"let inherit (y) z; y = {}; in z", "y@1:20 z@1:17"},
	}
	for _, c := range cases {
		got := strings.Join(resolveIdents(t, c.src), " ")
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestScopeAtAndVisible(t *testing.T) {
	src := "let a = 1; b = 2; in { c }: with x; a"
	tr := parser.ParseString(src, parser.Options{})
	res := Resolve(tr, Options{})
	s := res.ScopeAt(len(src) - 1)
	defs, withs := s.Visible()
	var names []string
	for _, d := range defs {
		if d.Kind != DefGlobal {
			names = append(names, d.Name)
		}
	}
	if got := strings.Join(names, ","); got != "c,a,b" {
		t.Errorf("visible names = %s, want c,a,b", got)
	}
	if len(withs) != 1 {
		t.Errorf("withs = %d, want 1", len(withs))
	}
}

func TestDuplicateBindingValuesResolve(t *testing.T) {
	src := "let y = 1; in { a = y; a = z; inherit y; inherit y; }"
	tr := parser.ParseString(src, parser.Options{})
	res := Resolve(tr, Options{})
	var names []string
	for _, n := range res.Undefined {
		names = append(names, n.Name())
	}
	if strings.Join(names, ",") != "z" {
		t.Errorf("undefined = %v, want [z] (the duplicate's value is still resolved)", names)
	}
}

// TestScopeAtMatchesEveryScope compares ScopeAt, which looks at the
// nodes around an offset, with a look at every scope, at every offset of
// varied sources.
func TestScopeAtMatchesEveryScope(t *testing.T) {
	srcs := append([]string{
		"let a = 1; b = 2; in { c }: with x; a",
		"rec { a = rec { b = a; }; c = x: y: with z; [ x y ]; } // { d = let e = 1; in e; }",
		"{ a ? b, b ? a }@args: let in with args; (x: x) a",
		"let\n  f = { p, ... }: p;\nin\nwith f { p = 1; }; [ (let q = 1; in q) ]\n",
	}, incrementalSources...)
	n := 0
	for _, src := range srcs {
		tr := parser.ParseString(src, parser.Options{})
		res := Resolve(tr, Options{})
		for off := 0; off <= len(src); off++ {
			if got, want := res.ScopeAt(off), res.scopeAtSlow(off); got != want {
				t.Fatalf("%q at %d: ScopeAt gives the scope of %v, every scope gives %v", src, off, got.Node, want.Node)
			}
			n++
		}
	}
	if n < 500 {
		t.Errorf("only %d offsets compared", n)
	}
}
