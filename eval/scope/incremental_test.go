package scope

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/gonix/gonix/internal/corpustest"
	"github.com/gonix/gonix/parser"
)

// dump renders every part of a result canonically (node IDs, offsets,
// scope indices), so that two results compare as strings.
func dump(res *Result) string {
	var b strings.Builder
	idx := map[*Scope]int{res.Global: -1}
	for i, s := range res.Scopes {
		idx[s] = i
	}
	id := func(n parser.Node) int {
		if !n.Valid() {
			return -1
		}
		return n.ID()
	}
	var attrs func(a *parser.Attrs, depth int)
	attrs = func(a *parser.Attrs, depth int) {
		if a == nil {
			b.WriteString("nil")
			return
		}
		fmt.Fprintf(&b, "{node %d rec %v pos %d", id(a.Node), a.Rec, a.Pos)
		for _, at := range a.Attrs {
			fmt.Fprintf(&b, " %s@%d k%d v%d f%d ", at.Name, at.Pos, at.Kind, id(at.Value), at.FromIndex)
			if at.Nested != nil {
				attrs(at.Nested, depth+1)
			}
			if got := a.Lookup(at.Name); got != at {
				b.WriteString(" LOOKUP-MISMATCH")
			}
		}
		for _, d := range a.Dynamic {
			fmt.Fprintf(&b, " dyn n%d v%d @%d ", id(d.Name), id(d.Value), d.Pos)
			if d.Nested != nil {
				attrs(d.Nested, depth+1)
			}
		}
		for _, f := range a.InheritFrom {
			fmt.Fprintf(&b, " from%d", id(f))
		}
		b.WriteString("}")
	}
	scope := func(name string, s *Scope) {
		parent := -2
		if s.Parent != nil {
			parent = idx[s.Parent]
		}
		fmt.Fprintf(&b, "%s kind %d node %d parent %d depth %d attrs ", name, s.Kind, id(s.Node), parent, s.Depth)
		attrs(s.Attrs(), 0)
		b.WriteString("\n")
		for i, d := range s.Defs {
			if d.Scope != s || d.Index != i {
				b.WriteString("  BAD-DEF-LINK\n")
			}
			fmt.Fprintf(&b, "  def %s k%d node %d formal %d", d.Name, d.Kind, id(d.Node), id(d.Formal))
			if at := d.Attr(); at != nil {
				fmt.Fprintf(&b, " attr %s@%d", at.Name, at.Pos)
				if s.Attrs() == nil || s.Attrs().Lookup(d.Name) != at {
					b.WriteString(" ATTR-NOT-IN-SCOPE")
				}
			}
			b.WriteString(" refs")
			for _, r := range d.Refs {
				fmt.Fprintf(&b, " %d", r.ID())
			}
			b.WriteString("\n")
		}
	}
	scope("global", res.Global)
	for i, s := range res.Scopes {
		scope(fmt.Sprint(i), s)
	}
	b.WriteString("undefined")
	for _, n := range res.Undefined {
		fmt.Fprintf(&b, " %d", n.ID())
	}
	b.WriteString("\nrefs")
	for i, e := range res.refs {
		if i > 0 && res.refs[i-1].id >= e.id {
			b.WriteString(" UNSORTED")
		}
		r, ok := res.RefOf(res.Tree.NodeByID(int(e.id)))
		switch {
		case !ok:
			b.WriteString(" MISSING")
		case r.Def != nil:
			fmt.Fprintf(&b, " %d:%d/%d", e.id, idx[r.Def.Scope], r.Def.Index)
		case r.With != nil:
			fmt.Fprintf(&b, " %d:w%d", e.id, idx[r.With])
		default:
			fmt.Fprintf(&b, " %d:u", e.id)
		}
	}
	b.WriteString("\nscopeOf")
	for i, e := range res.scopeIDs {
		if i > 0 && res.scopeIDs[i-1].id >= e.id {
			b.WriteString(" UNSORTED")
		}
		fmt.Fprintf(&b, " %d:%d", e.id, idx[res.ScopeOf(res.Tree.NodeByID(int(e.id)))])
	}
	for i, s := range res.Scopes {
		if int(s.seq) != i {
			fmt.Fprintf(&b, " BAD-SEQ %d", i)
		}
	}
	return b.String()
}

// incrementalSources exercise every construct the resolver treats
// specially: merged sets, inherit (e), dynamic names, rec, with,
// formals with defaults, nested rec literals.
var incrementalSources = []string{
	`{ pkgs, lib, ... }:
let
  helper = x: y: x + y;
  inherit (lib) mkIf;
in
{
  a = let version = "1.0"; src = pkgs.fetchurl { url = "u${version}"; sha = lib.fake; }; in pkgs.mk { inherit version src; deps = with pkgs; [ zlib (helper 1 2) ]; meta = { d = "x"; }; };
  b = [ (helper 1 2) { c = mkIf true [ 1 ]; } ];
  c.d = { e = "${helper}"; };
  c.f = rec { g = h; h = [ pkgs ]; };
  ${"dyn"} = { x = (lib.y); };
}
`,
	`let
  a = { b = 1; };
  a.c = [ x ];
  x = rec { y = [ z ]; z = "q${y}"; };
  inherit (x) y;
  f = { p ? (x), q ? [ p ] }@args: { inherit p q; r = (args); };
in with a; [ (f { p = b; }) c (x.y) "s${toString z}" ]
`,
	`rec {
  a = [ b ];
  b = { c = (a); };
  d = with b; [ c (e) ];
  e.f = "g";
  e.h = [ (d) ];
  inherit (b) c;
  "str${a}" = 1;
}
`,
}

// editPieces are texts random edits insert, many of them names in scope.
var editPieces = []string{"a", " x", " pkgs", " lib", " helper ", " y", "1", " ", "\n", "\"s\"", "[ z ]", "(b)", "{ k = a; }",
	"let q = a; in q", "with a; c", "rec { m = n; n = 1; }", "${x}", " mkIf ", "inherit a;", " __curPos", "p: p",
	"{ u ? v, v }: u", "undefinedName", "x.y.z", "a.b or c", "\"${lib}\""}

func randomEdit(r *rand.Rand, src string) parser.Edit {
	i := r.Intn(len(src) + 1)
	j := i + r.Intn(3)
	if j > len(src) {
		j = len(src)
	}
	switch r.Intn(4) {
	case 0:
		return parser.Edit{Start: i, End: j}
	default:
		return parser.Edit{Start: i, End: j, Text: editPieces[r.Intn(len(editPieces))]}
	}
}

// checkUpdates applies random edits to src and compares every
// incremental result with a full resolution.
func checkUpdates(t *testing.T, name, src string, edits int, seed int64) (incremental, local int) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	opts := parser.Options{Name: name}
	tree := parser.ParseString(src, opts)
	res := Resolve(tree, Options{})
	for i := 0; i < edits; i++ {
		e := randomEdit(r, tree.Src)
		nt, ru := parser.Reparse(tree, e, opts)
		if !ru.Incremental {
			if len(nt.Errors) == 0 {
				tree, res = nt, Resolve(nt, Options{})
			}
			continue
		}
		incremental++
		got, ch := Update(res, nt, ru, Options{})
		want := Resolve(nt, Options{})
		if !ch.Full {
			local++
			if ch.Root.Kind() != ch.OldRoot.Kind() || ch.Root.ID()-ch.OldLo != ch.OldRoot.ID()-ch.OldLo+(nt.NumNodes()-tree.NumNodes()) {
				t.Fatalf("%s: bad change %+v", name, ch)
			}
		}
		if g, w := dump(got), dump(want); g != w {
			t.Fatalf("%s: edit %d %+v: incremental resolution differs from a full one\n--- source\n%s\n--- diff\n%s",
				name, i, e, nt.Src, firstDiff(g, w))
		}
		tree, res = nt, got
	}
	return incremental, local
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d lines", len(al), len(bl))
}

func TestUpdateMatchesResolve(t *testing.T) {
	total, local := 0, 0
	for i, src := range incrementalSources {
		n, l := checkUpdates(t, fmt.Sprintf("src%d.nix", i), src, 800, int64(i+1))
		total += n
		local += l
	}
	t.Logf("%d incremental reparses, %d resolved locally", total, local)
	if local < 500 {
		t.Errorf("only %d updates were local", local)
	}
}

func TestUpdateCorpus(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 10
	}
	total, local := 0, 0
	for _, f := range corpustest.Sample(t, "../..", 3, n, 200_000) {
		x, l := checkUpdates(t, f.Path, f.Src, 60, int64(f.Draw))
		total += x
		local += l
	}
	t.Logf("%d incremental reparses, %d resolved locally", total, local)
}

func TestUpdateFallsBack(t *testing.T) {
	src := "[ 1 2 ]"
	tree := parser.ParseString(src, parser.Options{})
	res := Resolve(tree, Options{})
	nt, ru := parser.Reparse(tree, parser.Edit{Start: 2, End: 3, Text: "x"}, parser.Options{})
	if !ru.Incremental {
		t.Fatal("expected an incremental reparse")
	}
	got, ch := Update(res, nt, ru, Options{})
	if !ch.Full {
		t.Errorf("an edit of the top expression should resolve the whole file")
	}
	if dump(got) != dump(Resolve(nt, Options{})) {
		t.Errorf("fallback result differs")
	}
	if _, ch := Update(res, nt, &parser.Reuse{}, Options{}); !ch.Full {
		t.Errorf("a full reparse must resolve fully")
	}
}

// BenchmarkUpdate measures the update after an edit of one version
// string in a 30,000-line package set (bench/lsp.sh's file).
func BenchmarkUpdate(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{ pkgs, lib, ... }:\nlet\n  helper = x: y: x + y;\nin\n{\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&sb, "  pkg%d = let\n    version = \"1.%d\";\n    src = pkgs.fetchurl { url = \"https://example.org/p%d-${version}.tar.gz\"; sha256 = lib.fakeSha256; };\n  in pkgs.stdenv.mkDerivation {\n    pname = \"pkg%d\";\n    inherit version src;\n    buildInputs = with pkgs; [ zlib openssl ];\n    meta = { description = \"Package %d\"; license = lib.licenses.mit; };\n    x = helper %d 1;\n  };\n", i, i, i, i, i, i)
	}
	sb.WriteString("}\n")
	opts := parser.Options{Name: "bench.nix"}
	tree := parser.ParseString(sb.String(), opts)
	res := Resolve(tree, Options{})
	off := strings.Index(tree.Src, "\"1.1500\"") + 3
	nt, ru := parser.Reparse(tree, parser.Edit{Start: off, End: off + 1, Text: "7"}, opts)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Update(res, nt, ru, Options{})
	}
}

// TestDefNodes checks the fast name lookup of let and rec attributes
// against the search from the root it replaces.
func TestDefNodes(t *testing.T) {
	srcs := append([]string{`rec { a = 1; "b" = 2; ${"c"} = 3; d.e = 4; inherit (x) f g; inherit h; x = rec { y = 1; }; x.z = 2; }`,
		`let a = 1; inherit ({ b = 2; }) b; in a`}, incrementalSources...)
	for _, src := range srcs {
		tr := parser.ParseString(src, parser.Options{})
		res := Resolve(tr, Options{})
		r := &resolver{res: res}
		n := 0
		for _, s := range res.Scopes {
			for _, d := range s.Defs {
				if d.Kind != DefAttr {
					continue
				}
				n++
				if want := r.defNode(d.Attr().Pos); d.Node != want {
					t.Errorf("%q: def %s: node %v, the search from the root finds %v", src, d.Name, d.Node, want)
				}
			}
		}
		if n == 0 {
			t.Errorf("%q: no definitions", src)
		}
	}
}

// TestUpdateMergedViewsOnDemand checks that the scopes Update copies make
// their merged views when asked, equal to the resolver's, and that a rec
// set merged into an enclosing rec set shares its view with it.
func TestUpdateMergedViewsOnDemand(t *testing.T) {
	src := "let x = rec { a = 1; b = rec { c = a; }; b.d = 2; }; y = [ 1 ]; in x"
	tree := parser.ParseString(src, parser.Options{})
	res := Resolve(tree, Options{})
	off := strings.Index(src, "[ 1 ]") + 2
	nt, ru := parser.Reparse(tree, parser.Edit{Start: off, End: off + 1, Text: "7"}, parser.Options{})
	got, ch := Update(res, nt, ru, Options{})
	if ch.Full {
		t.Fatal("the edit was not resolved locally")
	}
	for _, s := range got.Scopes {
		if s.attrs.Load() != nil {
			t.Errorf("scope at %d: merged view made by Update", s.Node.Start())
		}
	}
	if g, w := dump(got), dump(Resolve(nt, Options{})); g != w {
		t.Fatalf("results differ:\n%s\n---\n%s", g, w)
	}
	var outer, inner *Scope
	for _, s := range got.Scopes {
		switch {
		case s.Kind == Rec && s.Depth == 2:
			outer = s
		case s.Kind == Rec && s.Depth == 3:
			inner = s
		}
	}
	if outer == nil || inner == nil {
		t.Fatal("nested rec scopes not found")
	}
	if at := outer.Attrs().Lookup("b"); at == nil || at.Nested != inner.Attrs() {
		t.Errorf("the nested rec set's view is not the one in the enclosing view")
	}
	if at := inner.Attrs().Lookup("d"); at == nil {
		t.Errorf("the nested view lacks the attribute merged from outside (b.d)")
	}
}
