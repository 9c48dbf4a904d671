package checker

import (
	"strings"
	"testing"

	"github.com/gonix/gonix/parser"
)

var fuzzSeeds = []string{
	"x: x == true",
	"let a = 1; in let b = a; in b",
	"{ a, b ? a, ... }@args: with args; [ a (b) ]",
	"rec { a = a.b; ${c} = 1; inherit (a) d; }",
	"let { body = x; x = 1; }",
	"if x ? a then x.a else if y then true else false",
	"[] ++ [] ++ ({ } // x)",
	"f: x: f x",
	"{ ... } @ inputs: https://example.org",
	"let inherit; in !(a == b)",
	"{ a = ; b = [ 1 2 ; c = { x",
	"x: with x; with y; let ${a} = 1; in __add a or",
	"# gonix: ignore[G101\nx: x == true",
	"let a.b = 1; a.c = a.b; a = { d = 1; }; in a",
	"a/b + ~/c + /d",
	"''\n  ${x}\n'' + \"${y}\"",
	"x |> f <| y",
	"{ foo.a = 1; foo.b = 2; foo.c = 3; foo.d = 4; }",
}

// FuzzCheck checks that the checker never fails on any input, that
// findings lie inside the source, and that fixes keep the file parsing.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	all := AllRules()
	opts := &Options{Rules: &all, Deadnix: DeadnixOptions{WarnUsedUnderscore: true}}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		tree := parser.ParseString(src, parser.Options{PipeOperators: true})
		for _, fd := range Check(tree, opts) {
			if fd.Code == "G000" {
				t.Fatalf("%q: %s", src, fd.Message)
			}
			if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) {
				t.Fatalf("%q: finding %s range [%d,%d) outside source", src, fd.Code, fd.Start, fd.End)
			}
			if fd.Fix != nil {
				if _, err := ApplyEdits(src, fd.Fix.Edits); err != nil {
					t.Fatalf("%q: finding %s: %v", src, fd.Code, err)
				}
			}
		}
		res, err := FixSource("f.nix", src, opts)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if res.Changed {
			if fixed := parser.ParseString(res.Src, parser.Options{PipeOperators: true}); len(fixed.Errors) > 0 {
				t.Fatalf("%q fixed to %q which does not parse: %s", src, res.Src, fixed.Errors[0].Msg)
			}
		}
	})
}

// TestCheckGarbage runs the checker over mangled versions of the seeds:
// every prefix, and every single-byte deletion.
func TestCheckGarbage(t *testing.T) {
	all := AllRules()
	opts := &Options{Rules: &all}
	for _, s := range fuzzSeeds {
		var variants []string
		for i := 0; i <= len(s); i++ {
			variants = append(variants, s[:i])
			if i < len(s) {
				variants = append(variants, s[:i]+s[i+1:])
			}
		}
		for _, v := range variants {
			tree := parser.ParseString(v, parser.Options{})
			for _, fd := range Check(tree, opts) {
				if fd.Code == "G000" {
					t.Fatalf("%q: %s", v, fd.Message)
				}
			}
		}
	}
	// Deep nesting stays within the parser's limit and does not crash.
	deep := strings.Repeat("(", 6000) + "x" + strings.Repeat(")", 6000)
	for _, fd := range Check(parser.ParseString(deep, parser.Options{}), opts) {
		if fd.Code == "G000" {
			t.Fatal(fd.Message)
		}
	}
}
