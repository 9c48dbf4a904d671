package formatter

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonix/gonix/parser"
)

// FuzzFormat checks that formatting never panics and that, for input that
// parses, the output parses to the same syntax, means the same and is a
// fixed point. Seeds: testdata/fuzz/FuzzFormat plus the nixfmt conformance
// inputs when present.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{
		"{ a = 1; }", "x: y: x + y", "let a = 1; in a", "[ 1 2 3 ]",
		"''\n  a ${b}\n''", "\"a${b}c\"", "f (x: { a = x; })", "a.b.c or d",
		"{ a, b ? 1, ... }@args: a", "if a then b else c", "with a; b", "assert a; b",
		"# c\n{\n  # d\n  a = 1; # e\n}\n", "a // b ++ c + d", "a |> b |> c", "-a ? b",
		"/*nixfmt:disable*/\n{a=1;}\n/*nixfmt:enable*/\n", "./a/${b}/c", "<nixpkgs>",
	} {
		f.Add([]byte(s), false)
	}
	if files, _ := filepath.Glob("../../shared/conformance/nixfmt/test/diff/*/in.nix"); len(files) > 0 {
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src, false)
				f.Add(src, true)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, strict bool) {
		if len(src) > 1<<16 {
			return
		}
		if os.Getenv("FUZZ_WATCH") != "" {
			tm := time.AfterFunc(3*time.Second, func() {
				os.WriteFile("/tmp/fuzz-slow.nix", src, 0o644)
				panic("slow input saved to /tmp/fuzz-slow.nix")
			})
			defer tm.Stop()
		}
		opts := Options{Strict: strict}
		out, err := Format(src, opts)
		tree := parser.ParseSyntax(string(src), "")
		if len(tree.SyntaxErrors()) > 0 {
			if err == nil {
				t.Fatalf("input with syntax errors formatted without error")
			}
			return
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			return // Nix reads it, nixfmt does not (a lone CR)
		}
		if err != nil {
			t.Fatalf("format: %v", err)
		}
		t2 := parser.ParseSyntax(string(out), "")
		if errs := t2.SyntaxErrors(); len(errs) > 0 {
			t.Fatalf("output does not parse: %s\n%s", errs[0].Msg, out)
		}
		if !SameSyntax(src, out) {
			t.Fatalf("output has different syntax:\n%s", out)
		}
		if meaning(tree) != meaning(t2) {
			t.Fatalf("output means something else:\n%s", out)
		}
		again, err := Format(out, opts)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent (%v):\n--- once\n%s--- twice\n%s", err, out, again)
		}
	})
}
