package parser

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// sameTree reports whether two trees are identical in every array.
func sameTree(a, b *Tree) bool {
	return a.Src == b.Src && reflect.DeepEqual(a.kinds, b.kinds) && reflect.DeepEqual(a.starts, b.starts) &&
		reflect.DeepEqual(a.nodes, b.nodes) && a.root == b.root && sameErrors(a.Errors, b.Errors)
}

func sameErrors(a, b []Error) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Start != b[i].Start || a[i].End != b[i].End || a[i].Msg != b[i].Msg {
			return false
		}
	}
	return true
}

// randomEdit picks a small edit: insert, delete or replace a few bytes
// drawn from Nix-ish text.
func randomEdit(r *rand.Rand, src string) Edit {
	pieces := []string{"a", "1", " ", "\n", "x = 1;", "\"", "{", "}", "[", "]", "(", ")", ";", "${", "''", "b.c", "=", "or", "# c\n", "é"}
	if len(src) == 0 {
		return Edit{0, 0, pieces[r.Intn(len(pieces))]}
	}
	i := r.Intn(len(src) + 1)
	j := i + r.Intn(4)
	if j > len(src) {
		j = len(src)
	}
	switch r.Intn(3) {
	case 0:
		return Edit{i, i, pieces[r.Intn(len(pieces))]}
	case 1:
		return Edit{i, j, ""}
	default:
		return Edit{i, j, pieces[r.Intn(len(pieces))]}
	}
}

func TestReparseMatchesFullParse(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		reparseSeed(t, seed)
	}
}

func reparseSeed(t *testing.T, seed int64) {
	srcs := []string{
		"{ a = 1; b = [ 1 2 3 ]; c = \"str ${x} end\"; d = { e = (f g); h = ''\n  ind\n''; }; }",
		"let x = { a = 1; }; in x // { b = [ \"q\" ]; }",
		"{ pkgs, lib, ... }: { p = pkgs.stdenv.mkDerivation { version = \"1.2\"; src = ./.; }; }",
		"rec { a = { b = 1; }; a.c = 2; inherit (a) b; }",
		"{ \"a\" = 1; \"b\" = 2; ${\"c\"} = { x = 1; }; c = { y = [ 1 ]; }; inherit \"d\"; }",
		"[ (1 +) { a = 1; } \"s\" ] ++ { b = ( ; }",
		"let a = { x = 1; }; a.y = \"z\"; in [ a ]",
	}
	r := rand.New(rand.NewSource(seed))
	incremental := 0
	for _, src := range srcs {
		for i := 0; i < 400; i++ {
			e := randomEdit(r, src)
			old := ParseString(src, Options{})
			got, reuse := Reparse(old, e, Options{})
			want := ParseString(e.Apply(src), Options{})
			if !sameTree(got, want) {
				t.Fatalf("reparse of %q with %+v differs from a full parse:\n got errs %v\nwant errs %v", src, e, got.Errors, want.Errors)
			}
			if reuse.Incremental {
				incremental++
				checkTree(t, got, got.Src)
			}
			// Keep editing texts with few errors, so that both the clean
			// and the broken paths are exercised.
			if len(want.Errors) <= 1 {
				src = want.Src
			}
		}
	}
	if incremental < 200 {
		t.Errorf("only %d of the edits were incremental", incremental)
	}
	t.Logf("%d incremental reparses", incremental)
}

func TestReparseLargeFileIsIncremental(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("  pkg" + itoa(i) + " = { version = \"1." + itoa(i) + "\"; deps = [ a b ]; };\n")
	}
	b.WriteString("}\n")
	src := b.String()
	old := ParseString(src, Options{})
	off := strings.Index(src, "\"1.1500\"") + 3
	got, reuse := Reparse(old, Edit{off, off + 1, "7"}, Options{})
	if !reuse.Incremental {
		t.Fatalf("edit inside a string was not incremental")
	}
	if !sameTree(got, ParseString(got.Src, Options{})) {
		t.Fatalf("incremental tree differs")
	}
	// Nodes before and after the edit keep their identity.
	for _, id := range []int{0, 10, old.NumNodes() - 1} {
		nid, ok := reuse.MapNode(id)
		if !ok || old.NodeByID(id).Kind() != got.NodeByID(nid).Kind() || old.NodeByID(id).Text() != got.NodeByID(nid).Text() && id != old.NumNodes()-1 {
			t.Errorf("node %d did not map", id)
		}
	}
}

func BenchmarkReparseEdit(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{\n")
	for i := 0; i < 3000; i++ {
		sb.WriteString("  pkg" + itoa(i) + " = let\n    version = \"1." + itoa(i) + "\";\n  in { inherit version; deps = [ a b ]; meta = { d = \"x\"; }; };\n")
	}
	sb.WriteString("}\n")
	tr := ParseString(sb.String(), Options{})
	off := strings.Index(tr.Src, "\"1.1500\"") + 3
	b.SetBytes(int64(len(tr.Src)))
	for i := 0; i < b.N; i++ {
		nt, reuse := Reparse(tr, Edit{off, off + 1, "7"}, Options{})
		if !reuse.Incremental {
			b.Fatal("not incremental")
		}
		tr = nt
	}
}
