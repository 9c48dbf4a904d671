package checker

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// codes lints src with opts and returns "CODE@line:col" for each finding.
func codes(t *testing.T, src string, opts *Options) string {
	t.Helper()
	tree := parser.ParseString(src, parser.Options{})
	var out []string
	for _, f := range Check(tree, opts) {
		p := tree.Position(f.Start)
		out = append(out, fmt.Sprintf("%s@%d:%d", f.Code, p.Line, p.Col))
	}
	return strings.Join(out, " ")
}

func TestGonixRules(t *testing.T) {
	cases := []struct{ src, want string }{
		// Undefined names, also where the resolver skipped a duplicate.
		{"x: y", "G202@1:1 G005@1:4"},
		{"{ a = 1; a = b; }", "G002@1:10 G005@1:14"},
		{"let a = 1; in let a = 2; in a", "G106@1:1 G201@1:5"},
		// Infinite recursion.
		{"let a = a + 1; in a", "G006@1:9"},
		{"let a = { b = a; }; in a", ""},
		{"rec { a = a.b; }", "G006@1:11"},
		{"let a = x: a x; in a", "G107@1:9"},
		// Unused with; a with used by a nested with's lookups.
		{"x: with x; 1", "G206@1:4"},
		{"x: with x; y", ""},
		{"x: with x; with x; y", ""},
		{"x: with x; let y = 1; in y", "G206@1:4"},
		{"x: with x; { inherit y; }", ""},
		// Useless rec.
		{"rec { a = 1; b = 2; }", "G207@1:1"},
		{"rec { a = 1; b = a; }", ""},
		{"rec { inherit (a) b; a = {}; }", ""},
		// Deprecated syntax.
		{"x: x or", "G005@1:6 G301@1:6"},
		{"rec { ${x} = 1; }", "G207@1:1 G302@1:7 G005@1:9"},
		{"a/b", "G303@1:1"},
		{"./a/b", ""},
		{"let __sub = a: b: 0; in 1 - 2", "G201@1:5 G304@1:5 G202@1:13 G202@1:16"},
		{"__add 1 2", "G305@1:1"},
		{"[ __curPos ]", "G307@1:3"},
		{"let builtins = {}; in __add", "G201@1:5 G403@1:5 G305@1:23"},
		// Simplifications.
		{"c: if c then true else false", "G401@1:4"},
		{"c: if c then false else true", "G401@1:4"},
		{"c: let true = 1; in if c then true else false", "G403@1:8"},
		{"x: x // { }", "G402@1:4"},
		{"x: { } // x", "G402@1:4"},
		{"x: x // { a = 1; }", ""},
		// Repeated keys: the first occurrence must be a nested path.
		{"{ foo = {}; foo.a = 1; foo.b = 2; foo.c = 3; }", ""},
		{"{ x = 1; foo.a = 1; foo.b = 2; foo.c = 3; }", "G120@1:10"},
		{"{ foo.a = 1; x = 1; foo.b = 2; foo.c = 3; }", "G120@1:3"},
		{"{ foo.a = 1; foo.b = 2; }", ""},
		// Legacy let without body: no statix compat, no fix.
		{"let { a = 1; }", "G105@1:1"},
	}
	for _, c := range cases {
		if got := codes(t, c.src, nil); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestFixes(t *testing.T) {
	cases := []struct{ src, want string }{
		{"with import ./x.nix; 1", "1"},
		{"x: with x; 1", "_x: 1"},
		{"rec { a = 1; }", "{ a = 1; }"},
		{"x: with x; # keep\n1", "_x: # keep\n1"},
		{"rec /* keep */ { a = 1; }", "/* keep */ { a = 1; }"},
		{"c: if c then false else true", "c: !c"},
		{"c: if c.d then false else true", "c: !c.d"},
		{"c: if c == 1 then false else true", "c: c != 1"},
		{"a/b", "./a/b"},
		{"__add 1 2", "builtins.add 1 2"},
		{"x: x // { }", "x: x"},
		// Fixes compose over rounds: W23 twice, then W08.
		{"[ ([] ++ [] ++ [ 1 ]) ]", "[ [ 1 ] ]"},
		// deadnix removes a whole let once every binding goes.
		{"{ a }: let b = 1; c = b; in a", "{ a }: a"},
		// A pattern name followed by a comment: removing it would leave a
		// stray comma, so the fix is dropped.
		{"{ a # c\n, b }: b", "{ a # c\n, b }: b"},
	}
	for _, c := range cases {
		res, err := FixSource("t.nix", c.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Src != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.src, res.Src, c.want)
		}
		if tr := parser.ParseString(res.Src, parser.Options{}); len(tr.Errors) > 0 {
			t.Errorf("%q: fixed text does not parse: %v", c.src, tr.Errors[0].Msg)
		}
	}
}

func TestSuppressions(t *testing.T) {
	cases := []struct{ src, want string }{
		{"x: x == true", "G101@1:4"},
		{"x: x == true # gonix: ignore", ""},
		{"x: x == true # gonix: ignore[G101] -- on purpose", ""},
		{"x: x == true # gonix: ignore[G102]", "G101@1:4"},
		{"# gonix: ignore[bool-comparison]\nx: x == true", ""},
		{"# gonix: ignore[bool_comparison]\n\n# another comment\nx: x == true", ""},
		{"# gonix: ignore[W01]\nx:\nx == true", "G101@3:1"},
		{"# gonix: ignore-file[statix:W01]\nx:\nx == true", ""},
		{"# statix: ignore\nx: x == true", ""},
		{"# statix-ignore: eta_reduction\nx: x == true", "G101@2:4"},
		{"# statix ignore: bool_comparison\nx: x == true", ""},
		{"# statix: ignore\nx: y", "G202@2:1 G005@2:4"},
		{"/* gonix: ignore */ x: x == true", ""},
		{"# gonix: ignore[deadnix]\nx: 1", ""},
		{"# gonix: ignored\nx: 1", "G202@2:1"},
	}
	for _, c := range cases {
		if got := codes(t, c.src, nil); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	if got := codes(t, "x: x == true # gonix: ignore", &Options{IgnoreSuppressions: true}); got != "G101@1:4" {
		t.Errorf("IgnoreSuppressions: got %s", got)
	}
}

func TestDeadnixSettings(t *testing.T) {
	src := "{ a, _b }@args: x: _y: let _z = _b; in 1"
	cases := []struct {
		opts DeadnixOptions
		want string
	}{
		{DeadnixOptions{}, "G203@1:3 G204@1:11 G202@1:17 G201@1:28"},
		{DeadnixOptions{NoLambdaArg: true}, "G203@1:3 G204@1:11 G201@1:28"},
		{DeadnixOptions{NoLambdaPatternNames: true}, "G204@1:11 G202@1:17 G201@1:28"},
		{DeadnixOptions{NoUnderscore: true}, "G203@1:3 G204@1:11 G202@1:17"},
		{DeadnixOptions{WarnUsedUnderscore: true}, "G203@1:3 G205@1:6 G204@1:11 G202@1:17 G201@1:28"},
	}
	for _, c := range cases {
		if got := codes(t, src, &Options{Deadnix: c.opts}); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.opts, got, c.want)
		}
	}
}

func TestRuleLookup(t *testing.T) {
	for _, name := range []string{"G101", "g101", "bool-comparison", "bool_comparison", "W01", "statix:W01"} {
		if r, ok := LookupRule(name); !ok || r.Code != "G101" {
			t.Errorf("LookupRule(%q) = %v, %v", name, r.Code, ok)
		}
	}
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.Code == "" || r.Name == "" || r.Summary == "" || r.Severity == 0 {
			t.Errorf("incomplete rule %+v", r)
		}
		if seen[r.Code] || seen[r.Name] {
			t.Errorf("duplicate rule %s %s", r.Code, r.Name)
		}
		seen[r.Code], seen[r.Name] = true, true
	}
	// Every statix code W01..W23 that statix ever had is covered.
	for i := 1; i <= 23; i++ {
		if _, ok := LookupRule(fmt.Sprintf("W%02d", i)); !ok {
			t.Errorf("no rule for statix W%02d", i)
		}
	}
	var s RuleSet
	if !s.Enable("deadnix") || !s.Has("G203") || s.Has("G101") {
		t.Error("group deadnix")
	}
	if s.Enable("nonsense") {
		t.Error("unknown rule enabled")
	}
}

func TestApplyEdits(t *testing.T) {
	got, err := ApplyEdits("abcdef", []Edit{{4, 5, "X"}, {0, 1, ""}, {2, 2, "+"}})
	if err != nil || got != "b+cdXf" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := ApplyEdits("abc", []Edit{{0, 2, ""}, {1, 3, ""}}); err == nil {
		t.Error("overlap accepted")
	}
	if _, err := ApplyEdits("abc", []Edit{{2, 9, ""}}); err == nil {
		t.Error("out of range accepted")
	}
}

func TestFixFormatPolicy(t *testing.T) {
	// A stand-in formatter: single spaces.
	format := func(s string) (string, error) { return strings.Join(strings.Fields(s), " "), nil }
	opts := &Options{Format: format}
	// Formatted input: the fixed text is formatted too.
	res, err := FixSource("t.nix", "let a = 1; in let b = 2; in a + b", opts)
	if err != nil || res.Src != "let a = 1; b = 2; in a + b" {
		t.Errorf("formatted input: got %q, %v", res.Src, err)
	}
	// Unformatted input: fixes stay minimal.
	res, err = FixSource("t.nix", "let  a = 1; in let b = 2; in a + b", opts)
	if err != nil || res.Src != "let  a = 1;  b = 2; in a + b" {
		t.Errorf("unformatted input: got %q, %v", res.Src, err)
	}
}

// TestGlobalsShortcut checks that resolving without the base scope (the
// default, for speed) finds exactly what resolving with it finds.
func TestGlobalsShortcut(t *testing.T) {
	srcs := append([]string(nil), fuzzSeeds...)
	srcs = append(srcs,
		"with lib; map toString [ true null ]",
		"x: with x; [ map y ]",
		"let map = 1; in with x; map",
		"{ inherit map; x = with y; { inherit toString z; }; }",
		"__add (__sub 1 2) builtins.x",
		"let builtins = 1; in __add",
	)
	if files, _ := filepath.Glob(filepath.Join("..", "bench", "corpus", "*", "*", "*.nix")); len(files) > 0 {
		if len(files) > 300 {
			files = files[:300]
		}
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil {
				srcs = append(srcs, string(data))
			}
		}
	}
	all := AllRules()
	for _, src := range srcs {
		tree := parser.ParseString(src, parser.Options{PipeOperators: true})
		fast := Check(tree, &Options{Rules: &all})
		full := Check(tree, &Options{Rules: &all, ScopeOptions: scope.Options{Globals: scope.DefaultGlobals()}})
		if a, b := findingsKey(fast), findingsKey(full); a != b {
			t.Errorf("%.200q:\nshortcut %s\nfull     %s", src, a, b)
		}
	}
}

func findingsKey(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %d-%d %q", f.Code, f.Start, f.End, f.Message)
		if f.Fix != nil {
			fmt.Fprintf(&b, " fix %v", f.Fix.Edits)
		}
		b.WriteString("\n")
	}
	return b.String()
}
