package formatter

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
)

func TestFormatBasic(t *testing.T) {
	cases := []struct {
		in, want string
		opts     Options
	}{
		{"{a=1;b=[1 2];}", "{\n  a = 1;\n  b = [\n    1\n    2\n  ];\n}\n", Options{}},
		{"x:   x+1", "x: x + 1\n", Options{}},
		{"let a=1; in a", "let\n  a = 1;\nin\na\n", Options{}},
		{"{a=1;b=2;}", "{\n    a = 1;\n    b = 2;\n}\n", Options{Indent: 4}},
		// URIs become strings, indented one-liners become strings.
		{"[ http://x.org ''a'' ]", "[\n  \"http://x.org\"\n  \"a\"\n]\n", Options{}},
		{"f aaaa bbbb cccc", "f aaaa bbbb\n  cccc\n", Options{Width: 12}},
	}
	for _, c := range cases {
		got, err := Format([]byte(c.in), c.opts)
		if err != nil {
			t.Errorf("Format(%q): %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", c.in, got, c.want)
		}
	}
}

func TestFormatStrictIgnoresLineBreaks(t *testing.T) {
	in := "[\n1 ]"
	def, _ := Format([]byte(in), Options{})
	strict, _ := Format([]byte(in), Options{Strict: true})
	if string(def) != "[\n  1\n]\n" || string(strict) != "[ 1 ]\n" {
		t.Errorf("default %q, strict %q", def, strict)
	}
}

func TestFormatParseError(t *testing.T) {
	_, err := Format([]byte("{\n  a = ;\n}"), Options{Filename: "x.nix"})
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want ParseError, got %v", err)
	}
	if pe.Line != 2 || pe.Col != 7 || pe.Filename != "x.nix" || !strings.Contains(pe.Report, "x.nix:2:7") {
		t.Errorf("got %+v", pe)
	}
	// Errors that only matter for evaluation do not stop formatting.
	if _, err := Format([]byte("{ a = 1; a = 2; }"), Options{}); err != nil {
		t.Errorf("duplicate attribute: %v", err)
	}
	if _, err := Format([]byte("a |> b"), Options{}); err != nil {
		t.Errorf("pipe: %v", err)
	}
}

func TestFormatVerify(t *testing.T) {
	out, err := Format([]byte("{ # c\n a = 1; }"), Options{Verify: true})
	if err != nil || !strings.Contains(string(out), "# c") {
		t.Errorf("verify: %q %v", out, err)
	}
}

func TestSameSyntax(t *testing.T) {
	if !SameSyntax([]byte("{a=1;}"), []byte("{ # x\n  a = 1;\n}")) {
		t.Error("layout and comments should not matter")
	}
	if SameSyntax([]byte("{a=1;}"), []byte("{a=2;}")) {
		t.Error("different values must differ")
	}
}

func TestDiffApply(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	words := []string{"a\n", "b\n", "c\n", "d", "e\n"}
	gen := func() []byte {
		var b strings.Builder
		for n := r.Intn(12); n > 0; n-- {
			b.WriteString(words[r.Intn(len(words))])
		}
		return []byte(b.String())
	}
	for i := 0; i < 2000; i++ {
		a, b := gen(), gen()
		edits := Diff(a, b)
		if got := Apply(a, edits); string(got) != string(b) {
			t.Fatalf("Diff(%q, %q) = %v applies to %q", a, b, edits, got)
		}
		for j := 1; j < len(edits); j++ {
			if edits[j].Start < edits[j-1].End {
				t.Fatalf("overlapping edits %v", edits)
			}
		}
	}
}

func TestFormatRange(t *testing.T) {
	src := []byte("{\n  a   = 1;\n  b = 2;\n  c   = 3;\n}\n")
	// Only the line of c.
	start := strings.Index(string(src), "c")
	edits, err := FormatRange(src, start, start+1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) != 1 || edits[0].Text != "  c = 3;\n" {
		t.Fatalf("edits %+v", edits)
	}
	got := Apply(src, edits)
	if string(got) != "{\n  a   = 1;\n  b = 2;\n  c = 3;\n}\n" {
		t.Errorf("got %q", got)
	}
	all, _ := FormatRange(src, 0, len(src), Options{})
	want, _ := Format(src, Options{})
	if string(Apply(src, all)) != string(want) {
		t.Error("whole-range edits do not give the formatted text")
	}
}

func TestCountLF(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alphabet := []byte{'\n', 'a', 0x0b, 0x8a, 0x00, 0xff, '\r'}
	for k := 0; k < 5000; k++ {
		b := make([]byte, r.Intn(40))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		if got, want := countLF(string(b)), strings.Count(string(b), "\n"); got != want {
			t.Fatalf("countLF(%q) = %d, want %d", b, got, want)
		}
	}
}

func TestIsASCII(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"", true}, {"abc", true}, {"0123456789abcdef\x7f", true},
		{"é", false}, {"01234567é", false}, {"0123456789abcdeé", false}, {"abcdefgh\x80", false},
	} {
		if got := isASCII(c.s); got != c.want {
			t.Errorf("isASCII(%q) = %v", c.s, got)
		}
	}
}
