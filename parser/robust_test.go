package parser

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// checkTree verifies the structural invariants of a tree: it reproduces
// its source, node ranges nest inside their parents and siblings do not
// overlap, and every error lies inside the source.
func checkTree(t testing.TB, tr *Tree, src string) {
	t.Helper()
	if got := treeText(tr); got != src {
		t.Fatalf("round trip differs (len %d vs %d)", len(got), len(src))
	}
	if tr.NumTokens() == 0 || tr.Token(tr.NumTokens()-1).Kind() != TokEOF {
		t.Fatalf("tree does not end in EOF")
	}
	var walk func(n Node)
	walk = func(n Node) {
		prevEnd := n.FirstTokenIndex()
		for c := n.FirstChild(); c.Valid(); c = c.Next() {
			if c.Parent().ID() != n.ID() {
				t.Fatalf("bad parent link")
			}
			if c.FirstTokenIndex() < prevEnd || c.EndTokenIndex() > n.EndTokenIndex() || c.FirstTokenIndex() > c.EndTokenIndex() {
				t.Fatalf("child %s [%d,%d) outside parent %s [%d,%d) or overlapping (prev end %d)",
					c.Kind(), c.FirstTokenIndex(), c.EndTokenIndex(), n.Kind(), n.FirstTokenIndex(), n.EndTokenIndex(), prevEnd)
			}
			prevEnd = c.EndTokenIndex()
			walk(c)
		}
	}
	walk(tr.Root())
	for _, e := range tr.Errors {
		if e.Start < 0 || e.End > len(src) || e.Start > e.End || e.Msg == "" {
			t.Fatalf("bad error %+v", e)
		}
	}
}

func TestBinaryGarbage(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 50; i++ {
		b := make([]byte, r.Intn(20000))
		r.Read(b)
		tr := Parse(b, Options{})
		checkTree(t, tr, string(b))
		if len(b) > 100 && len(tr.Errors) == 0 {
			t.Errorf("random bytes parsed without error")
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	srcs := []string{"\xff", "\"\xff\xfe\"", "''\xc3''", "x: \xc3\x28", "{ a\xe2\x82 = 1; }", "# \xff\n1"}
	for _, src := range srcs {
		tr := ParseString(src, Options{})
		checkTree(t, tr, src)
	}
	// Invalid bytes outside strings and comments are errors; inside they
	// are content, as in Nix.
	if tr := ParseString("\"\xff\"", Options{}); len(tr.Errors) != 0 {
		t.Errorf("invalid UTF-8 inside a string must be accepted: %v", tr.Errors)
	}
	if tr := ParseString("1 \xff", Options{}); len(tr.Errors) == 0 || !strings.Contains(tr.Errors[0].Msg, "invalid token") {
		t.Errorf("invalid byte outside strings must be a syntax error, got %v", tr.Errors)
	}
}

func TestDeepNesting(t *testing.T) {
	const n = 100000
	cases := map[string]string{
		"parens":  strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"lists":   strings.Repeat("[", n) + strings.Repeat("]", n),
		"sets":    strings.Repeat("{a=", n) + "1" + strings.Repeat(";}", n),
		"lambdas": strings.Repeat("x: ", n) + "x",
		"lets":    strings.Repeat("let a = 1; in ", n) + "a",
		"not":     strings.Repeat("!", n) + "true",
		"neg":     strings.Repeat("-", n) + "1",
		"concat":  strings.Repeat("[] ++ ", n) + "[]",
		"plus":    strings.Repeat("1 + ", n) + "1",
		"apply":   "f" + strings.Repeat(" x", n),
		"interp":  strings.Repeat("\"${", n) + "1" + strings.Repeat("}\"", n),
		"ifs":     strings.Repeat("if a then b else ", n) + "c",
		"pipes":   "x" + strings.Repeat(" |> f", n),
	}
	for name, src := range cases {
		tr := ParseString(src, Options{PipeOperators: true})
		checkTree(t, tr, src)
		if len(tr.Errors) == 0 || !strings.Contains(tr.Errors[0].Msg, "nested too deeply") {
			t.Errorf("%s: want a nesting error, got %v", name, firstErr(tr))
		}
	}
	// Moderate nesting is fine.
	src := strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000)
	if tr := ParseString(src, Options{}); len(tr.Errors) != 0 {
		t.Errorf("1000 parentheses: %v", tr.Errors[0])
	}
}

func firstErr(tr *Tree) string {
	if len(tr.Errors) == 0 {
		return "no error"
	}
	return tr.Errors[0].Msg
}

func TestHugeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	// Shaped like real code: names, comments, indentation.
	unit := "  # Package number %d, generated for the large-file test.\n  package%d = {\n    name = \"example-package\";\n    version = \"1.0.0\";\n    dependencies = [ alpha beta gamma ];\n    build = input: input + 1;\n    script = ''\n      echo building ${input}\n    '';\n  };\n"
	var b bytes.Buffer
	b.WriteString("{\n")
	for i := 0; b.Len() < 100<<20; i++ {
		b.WriteString(strings.ReplaceAll(unit, "%d", itoa(i)))
	}
	b.WriteString("}\n")
	tr := Parse(b.Bytes(), Options{})
	if len(tr.Errors) != 0 {
		t.Fatalf("100 MB file: %s", tr.Errors[0].Msg)
	}
	if tr.Token(tr.NumTokens()-1).End() != b.Len() {
		t.Fatalf("tokens do not cover the file")
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

func TestPositions(t *testing.T) {
	src := "a\r\nb\rc\n😀x é"
	tr := ParseString(src, Options{})
	cases := []struct{ off, line, col, col16 int }{
		{0, 1, 1, 0}, {3, 2, 1, 0}, {5, 3, 1, 0}, {7, 4, 1, 0}, {11, 4, 5, 2}, {13, 4, 7, 4},
	}
	for _, c := range cases {
		p := tr.Position(c.off)
		if p.Line != c.line || p.Col != c.col || p.Col16 != c.col16 {
			t.Errorf("Position(%d) = %+v, want line %d col %d col16 %d", c.off, p, c.line, c.col, c.col16)
		}
		if got := tr.OffsetAt(p.Line, p.Col16); got != c.off {
			t.Errorf("OffsetAt(%d,%d) = %d, want %d", p.Line, p.Col16, got, c.off)
		}
	}
}

func TestErrorRecoveryReportsSeveral(t *testing.T) {
	src := "{\n  a = ;\n  b = 1 +;\n  c = [ 1 2 ;\n  d = 4;\n}\n"
	tr := ParseString(src, Options{})
	checkTree(t, tr, src)
	lines := map[int]bool{}
	for _, e := range tr.Errors {
		lines[tr.Position(e.Start).Line] = true
	}
	for _, l := range []int{2, 3, 4} {
		if !lines[l] {
			t.Errorf("no error reported on line %d: %v", l, tr.Errors)
		}
	}
	// The binding after the errors is still in the tree.
	found := false
	for _, e := range tr.Expr().Entries() {
		if p := e.AttrPath(); p.Valid() && p.Text() == "d" {
			found = true
		}
	}
	if !found {
		t.Errorf("binding d lost after recovery")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"{ a = 1; b.c = \"x${y}\"; }", "let x = 1; in x", "x: y: x y", "''\n  a ''${b}\n''",
		"./a/${b}/c", "<nixpkgs>", "http://x.org/a", "a ? b.c", "f (g or) [ 1 2.5 ]",
		"{ a, b ? 1, ... }@c: assert a; with b; if a then b else -c", "1 |> f <| 2", "# c\n/* d */ e",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := Parse(data, Options{PipeOperators: true})
		checkTree(t, tr, string(data))
		if len(tr.Errors) == 0 {
			_ = Show(tr.Expr())
		}
		for i := 0; i < tr.NumNodes(); i++ {
			n := tr.NodeByID(i)
			_ = n.Parts()
			if n.Kind() == NodeAttrSet || n.Kind() == NodeLetIn {
				MergeBindings(n)
			}
		}
	})
}
