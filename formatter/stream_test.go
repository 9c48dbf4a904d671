package formatter

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/gonix/gonix/parser"
)

// sameDoc compares two documents element by element.
func sameDoc(ma *docMem, a span, mb *docMem, b span) error {
	if a.n != b.n {
		return fmt.Errorf("%d elements, want %d", a.n, b.n)
	}
	for i := uint32(0); i < a.n; i++ {
		x, y := ma.els[a.a+i], mb.els[b.a+i]
		if x.kind != y.kind || x.tann != y.tann || x.gann != y.gann || x.sp != y.sp ||
			x.nest != y.nest || x.off != y.off || x.kind != eGroup && x.width != y.width {
			return fmt.Errorf("element %d: %+v, want %+v", i, x, y)
		}
		if x.kind == eGroup {
			// A group's width field keeps the width of its regular
			// texts once known; it must be right.
			if got, want := ma.minWidth(&x), textsWidth(mb, &y); got != want {
				return fmt.Errorf("element %d: group texts %d wide, want %d", i, got, want)
			}
		}
		switch x.kind {
		case eText:
			if !bytes.Equal(ma.str(&x), mb.str(&y)) {
				return fmt.Errorf("element %d: text %q, want %q", i, ma.str(&x), mb.str(&y))
			}
		case eGroup:
			if err := sameDoc(ma, ma.kidSpan(&x), mb, mb.kidSpan(&y)); err != nil {
				return fmt.Errorf("group %d: %w", i, err)
			}
		}
	}
	return nil
}

// textsWidth is minWidth computed afresh.
func textsWidth(m *docMem, g *elem) int {
	w := 0
	for _, k := range m.kids(g) {
		switch k.kind {
		case eText:
			if k.tann == taRegular {
				w += int(k.width)
			}
		case eGroup:
			w += textsWidth(m, &k)
		}
	}
	return w
}

// streamMatchesFixup checks that the document normalised while it is
// built is the one fixup makes of the raw document.
func streamMatchesFixup(src []byte, strict bool) error {
	t := parser.ParseSyntax(string(src), "")
	if len(t.SyntaxErrors()) > 0 {
		return nil
	}
	w, err := convertOnly(t, Options{Strict: strict})
	if err != nil {
		return nil
	}
	w.hasDirectives = false // the raw path's removeDisabled is not under test
	var wa, wb workspace
	a := buildDoc(w, &wa, true)
	b := buildDoc(w, &wb, false)
	return sameDoc(&wa.dm, a, &wb.dm, b)
}

func TestStreamingMatchesFixup(t *testing.T) {
	for _, s := range []string{
		"{ a = 1; }", "f x (y: { a = 1; })", "# c\n[ 1 /* x */ 2 ]", "''\n  a ${b}\n''",
		"a.b or c", "let a = 1; in a", "{ a, b ? 1, ... }: a", "x: y: if x then y else [ ]",
	} {
		for _, strict := range []bool{false, true} {
			if err := streamMatchesFixup([]byte(s), strict); err != nil {
				t.Errorf("%q: %v", s, err)
			}
		}
	}
	files := nixFiles(t, corpusDirs())
	if testing.Short() && len(files) > 300 {
		files = files[:300]
	}
	bad := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, strict := range []bool{false, true} {
			if err := streamMatchesFixup(src, strict); err != nil {
				bad++
				if bad <= 10 {
					t.Errorf("%s (strict %v): %v", f, strict, err)
				}
			}
		}
	}
}
