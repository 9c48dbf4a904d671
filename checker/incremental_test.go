package checker

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/internal/corpustest"
	"github.com/gonix/gonix/parser"
)

// incrementalSources trigger many rules: unused bindings and arguments,
// unused with, useless rec, redundant ifs, manual inherit, useless
// parentheses, repeated keys, self references, undefined names.
var incrementalSources = []string{
	`{ pkgs, lib, unused, ... }:
let
  helper = x: y: x + y;
  dead = helper 1 2;
  inherit (lib) mkIf;
  self = [ self ];
in
{
  a = let version = "1.0"; src = pkgs.fetchurl { url = "u${version}"; }; in pkgs.mk { inherit version src; deps = with pkgs; [ zlib (helper 1 2) ]; };
  b = [ (helper 1 2) { c = mkIf true [ 1 ]; } (if x == true then true else false) ];
  c.d = { e = "${helper}"; };
  c.f = rec { g = 1; h = [ pkgs ]; };
  c.g = 2;
  d = d: f d;
  e = with lib; [ (1) ];
  f = isNull null;
  inherit (pkgs) zz;
  g = (h);
  h = [ ] ++ [ a ];
}
`,
	`let
  a = { b = 1; };
  a.c = [ x ];
  x = rec { y = [ z ]; z = "q${y}"; };
  inherit (x) y;
  _u = 1;
  f = { p ? (x), q ? [ p ], r }@args: { inherit p q; s = (args); };
in with a; [ (f { p = b; }) c (x.y) "s${toString z}" (!(a == b)) ]
`,
	`rec {
  a = [ b ];
  b = { c = (a); };
  d = with b; [ c (e) ];
  e.f = "g";
  e.h = [ (d) ];
  inherit (b) c;
  u = let v = 1; w = v; in 2;
  "str${a}" = 1;
}
`,
}

var editPieces = []string{"a", " x", " pkgs", " lib", " helper ", " y", "1", " ", "\n", "\"s\"", "[ z ]", "(b)", "{ k = a; }",
	"let q = a; in q", "with a; c", "rec { m = n; n = 1; }", "${x}", " mkIf ", "inherit a;", " __curPos", "p: p",
	"{ u ? v, v }: u", "undefinedName", "x.y.z", "a.b or c", "\"${lib}\"", " == true", "(1)", "let in 1", "x: f x",
	"# gonix: ignore\n", "if c then true else false", " dead ", "with lib; 2"}

func randomEdit(r *rand.Rand, src string) parser.Edit {
	i := r.Intn(len(src) + 1)
	j := i + r.Intn(3)
	if j > len(src) {
		j = len(src)
	}
	if r.Intn(4) == 0 {
		return parser.Edit{Start: i, End: j}
	}
	return parser.Edit{Start: i, End: j, Text: editPieces[r.Intn(len(editPieces))]}
}

// checkUpdates applies random edits and compares every incremental check
// with a check from scratch.
func checkUpdates(t *testing.T, name, src string, edits int, seed int64, opts Options) (updates int) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	popts := parser.Options{Name: name}
	tree := parser.ParseString(src, popts)
	o := opts
	o.Scope = scope.Resolve(tree, scope.Options{})
	inc := NewIncremental(tree, &o)
	if want := Check(tree, &o); !reflect.DeepEqual(inc.Findings(), want) && !(len(want) == 0 && len(inc.Findings()) == 0) {
		t.Fatalf("%s: NewIncremental differs from Check:\n%s", name, diffFindings(inc.Findings(), want))
	}
	for i := 0; i < edits; i++ {
		e := randomEdit(r, tree.Src)
		nt, ru := parser.Reparse(tree, e, popts)
		res, ch := scope.Update(inc.Scope(), nt, ru, scope.Options{})
		next := inc.Update(nt, res, ch)
		o := opts
		o.Scope = scope.Resolve(nt, scope.Options{})
		want := Check(nt, &o)
		if got := next.Findings(); !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: edit %d %+v: incremental check differs from Check\n--- source\n%s\n--- diff\n%s", name, i, e, nt.Src, diffFindings(got, want))
		}
		if next.local {
			updates++
		}
		if len(nt.Errors) == 0 {
			tree, inc = nt, next
		}
	}
	return updates
}

func diffFindings(got, want []Finding) string {
	var b strings.Builder
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = fmt.Sprintf("%+v", got[i])
			if got[i].Fix != nil {
				g += fmt.Sprintf(" fix %+v", *got[i].Fix)
			}
		}
		if i < len(want) {
			w = fmt.Sprintf("%+v", want[i])
			if want[i].Fix != nil {
				w += fmt.Sprintf(" fix %+v", *want[i].Fix)
			}
		}
		if g != w {
			fmt.Fprintf(&b, "#%d\n got  %s\n want %s\n", i, g, w)
		}
	}
	return b.String()
}

func TestIncrementalMatchesCheck(t *testing.T) {
	all := AllRules()
	for _, opts := range []Options{{}, {Rules: &all, Deadnix: DeadnixOptions{WarnUsedUnderscore: true}}} {
		n := 0
		for i, src := range incrementalSources {
			n += checkUpdates(t, fmt.Sprintf("src%d.nix", i), src, 700, int64(i+1), opts)
		}
		t.Logf("%d local updates", n)
		if n < 300 {
			t.Errorf("only %d updates were local", n)
		}
	}
}

func TestIncrementalCorpus(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 8
	}
	all := AllRules()
	updates := 0
	for _, f := range corpustest.Sample(t, "..", 5, n, 100_000) {
		opts := Options{}
		if f.Draw%2 == 1 {
			opts.Rules = &all
		}
		updates += checkUpdates(t, f.Path, f.Src, 40, int64(f.Draw), opts)
	}
	t.Logf("%d local updates", updates)
}

// BenchmarkIncrementalUpdate measures resolving and checking again
// after an edit of one version string in a 30,000-line package set
// (bench/lsp.sh's file), the reparse excluded.
func BenchmarkIncrementalUpdate(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{ pkgs, lib, ... }:\nlet\n  helper = x: y: x + y;\nin\n{\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&sb, "  pkg%d = let\n    version = \"1.%d\";\n    src = pkgs.fetchurl { url = \"https://example.org/p%d-${version}.tar.gz\"; sha256 = lib.fakeSha256; };\n  in pkgs.stdenv.mkDerivation {\n    pname = \"pkg%d\";\n    inherit version src;\n    buildInputs = with pkgs; [ zlib openssl ];\n    meta = { description = \"Package %d\"; license = lib.licenses.mit; };\n    x = helper %d 1;\n  };\n", i, i, i, i, i, i)
	}
	sb.WriteString("}\n")
	popts := parser.Options{Name: "bench.nix"}
	tree := parser.ParseString(sb.String(), popts)
	res := scope.Resolve(tree, scope.Options{})
	inc := NewIncremental(tree, &Options{Scope: res})
	off := strings.Index(tree.Src, "\"1.1500\"") + 3
	nt, ru := parser.Reparse(tree, parser.Edit{Start: off, End: off + 1, Text: "7"}, popts)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nres, ch := scope.Update(res, nt, ru, scope.Options{})
		if next := inc.Update(nt, nres, ch); !next.local {
			b.Fatal("not local")
		}
	}
}
