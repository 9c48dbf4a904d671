package parser

import "testing"

func TestAppendSignificant(t *testing.T) {
	src := "{ a = 1; /* c */ b = \"x${y}z\"; inherit (s) c d; } # end\n"
	tree := ParseString(src, Options{})
	for i := 0; i < tree.NumNodes(); i++ {
		n := tree.NodeByID(i)
		var want []Element
		n.Elements(func(e Element) bool {
			if e.Token.Valid() {
				if k := e.Token.Kind(); k.IsTrivia() || k == TokEOF {
					return true
				}
			}
			want = append(want, e)
			return true
		})
		got := n.AppendSignificant(nil)
		if len(got) != len(want) {
			t.Fatalf("node %d (%v): %d elements, want %d", i, n.Kind(), len(got), len(want))
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("node %d (%v): element %d is %v, want %v", i, n.Kind(), j, got[j], want[j])
			}
		}
	}
}
