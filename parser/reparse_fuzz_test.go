package parser

import "testing"

// FuzzReparse checks that incremental reparsing agrees with a full parse
// of the edited text, for two edits in a row (the second one applies to
// a tree that shares storage with its predecessor).
func FuzzReparse(f *testing.F) {
	f.Add("{ a = 1; b = [ 1 2 3 ]; c = \"s ${x} e\"; }", uint(6), uint(1), "22", uint(15), uint(0), " 4")
	f.Add("let x = { a = 1; }; in x // { b = [ \"q\" ]; }", uint(14), uint(1), "{", uint(3), uint(2), "")
	f.Add("{ d = { e = (f g); h = ''\n  ind\n''; }; }", uint(28), uint(0), "${", uint(20), uint(3), "or")
	f.Add("rec { a = { b = 1; }; a.c = 2; inherit (a) b; }", uint(12), uint(4), "x = 1;", uint(0), uint(0), "# c\n")
	f.Fuzz(func(t *testing.T, src string, at1, del1 uint, text1 string, at2, del2 uint, text2 string) {
		if len(src) > 4096 || len(text1) > 64 || len(text2) > 64 {
			return
		}
		tree := ParseString(src, Options{})
		for _, e := range []struct {
			at, del uint
			text    string
		}{{at1, del1, text1}, {at2, del2, text2}} {
			n := uint(len(tree.Src))
			start := e.at % (n + 1)
			end := start + e.del%8
			if end > n {
				end = n
			}
			edit := Edit{Start: int(start), End: int(end), Text: e.text}
			got, _ := Reparse(tree, edit, Options{})
			want := ParseString(edit.Apply(tree.Src), Options{})
			if !sameTree(got, want) {
				t.Fatalf("reparse of %q with %+v differs from a full parse:\n got errs %v\nwant errs %v", tree.Src, edit, got.Errors, want.Errors)
			}
			checkTree(t, got, want.Src)
			tree = got
		}
	})
}
