package parser

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// sameTree reports whether two trees are identical in every array.
func sameTree(a, b *Tree) bool {
	ak, as, an := flatArrays(a)
	bk, bs, bn := flatArrays(b)
	return a.Src == b.Src && reflect.DeepEqual(ak, bk) && reflect.DeepEqual(as, bs) &&
		reflect.DeepEqual(an, bn) && a.root == b.root && sameErrors(a.Errors, b.Errors)
}

// flatArrays returns a tree's arrays, whatever their chunks.
func flatArrays(t *Tree) ([]Kind, []uint32, []node) {
	kinds := make([]Kind, t.ntok)
	starts := make([]uint32, t.ntok+1)
	nodes := make([]node, t.nnodes)
	for i := int32(0); i < t.ntok; i++ {
		kinds[i] = t.kind(i)
	}
	for i := int32(0); i <= t.ntok; i++ {
		starts[i] = t.start(i)
	}
	for i := int32(0); i < t.nnodes; i++ {
		nodes[i] = *t.nd(i)
	}
	return kinds, starts, nodes
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

// TestReparseChainOnLargeFile applies a series of edits to a file of many
// chunks, each to the tree the previous reparse derived, and compares
// every tree with a fresh parse: edits that keep the numbers of tokens and
// nodes, edits that add or remove tokens and nodes, near chunk boundaries
// and far from them.
func TestReparseChainOnLargeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ pkgs }:\n{\n")
	for i := 0; i < 1500; i++ {
		b.WriteString("  pkg" + itoa(i) + " = { version = \"1." + itoa(i) + "\"; deps = [ a b ]; meta = { x = 1; }; };\n")
	}
	b.WriteString("}\n")
	tr := ParseString(b.String(), Options{})
	tr.chunkTables()
	if len(tr.nodes) < 8 || len(tr.kinds) < 8 {
		t.Fatalf("test file too small: %d node chunks, %d token chunks", len(tr.nodes), len(tr.kinds))
	}
	r := rand.New(rand.NewSource(7))
	incremental := 0
	for i := 0; i < 200; i++ {
		src := tr.Src
		// A random line of a package.
		line := r.Intn(1500)
		at := strings.Index(src, "  pkg"+itoa(line)+" = ")
		if at < 0 {
			t.Fatalf("package %d not found", line)
		}
		lineEnd := at + strings.IndexByte(src[at:], '\n')
		lineText := src[at:lineEnd]
		var e Edit
		switch r.Intn(6) {
		case 0: // a digit of the version: same shape, same length
			j := at + strings.Index(lineText, "\"1.") + 3
			e = Edit{j, j + 1, string(rune('0' + r.Intn(10)))}
		case 1: // longer or shorter string
			j := at + strings.Index(lineText, "\"1.") + 3
			if r.Intn(2) == 0 {
				e = Edit{j, j, "99"}
			} else {
				e = Edit{j, j + 1, ""}
			}
		case 2: // another list element
			j := at + strings.Index(lineText, "[ ") + 2
			e = Edit{j, j, "c "}
		case 3: // a list element less, if there is one
			j := at + strings.Index(lineText, "[ ") + 2
			if src[j] == ']' {
				e = Edit{j, j, "d "}
			} else {
				e = Edit{j, j + 2, ""}
			}
		case 4: // another binding
			j := at + strings.Index(lineText, "meta = { ") + len("meta = { ")
			e = Edit{j, j, "y" + itoa(i) + " = [ 1 ]; "}
		case 5: // whitespace
			j := at + strings.Index(lineText, "deps")
			e = Edit{j, j, "  "}
		}
		nt, reuse := Reparse(tr, e, Options{})
		want := ParseString(e.Apply(src), Options{})
		if !sameTree(nt, want) {
			t.Fatalf("edit %d (%+v at line %d) differs from a full parse", i, e, line)
		}
		if reuse.Incremental {
			incremental++
		}
		tr = nt
	}
	if incremental < 195 {
		t.Errorf("only %d of 200 edits were incremental", incremental)
	}
}

// TestReparseSharesChunks checks that an edit that keeps the shape of the
// tree allocates memory in proportion to the edit, not to the file.
func TestReparseSharesChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("  pkg" + itoa(i) + " = { version = \"1." + itoa(i) + "\"; deps = [ a b ]; };\n")
	}
	b.WriteString("}\n")
	tr := ParseString(b.String(), Options{})
	off := strings.Index(tr.Src, "\"1.1500\"") + 3
	src := tr.Src[:off] + "77" + tr.Src[off+1:] // the new text, made beforehand
	var ms0, ms1 runtimeMemStats
	readMem(&ms0)
	nt, reuse := ReparseText(tr, Edit{off, off + 1, "77"}, src, Options{})
	readMem(&ms1)
	if !reuse.Incremental || nt.Src != src {
		t.Fatal("not incremental")
	}
	got := ms1.TotalAlloc - ms0.TotalAlloc
	t.Logf("allocated %d bytes", got)
	if got > 256<<10 {
		t.Errorf("an edit of a %d-byte file allocated %d bytes", len(src), got)
	}
}
