package parser

import (
	"strings"
	"testing"
)

func TestPrintLiteralStringMax(t *testing.T) {
	cases := []struct {
		s    string
		max  int
		want string
	}{
		{"a\"b\\c\n\r\t", 100, `"a\"b\\c\n\r\t"`},
		{"x ${y} $z", 100, `"x \${y} $z"`},
		{"abcd", 2, `"ab" «2 bytes elided»`},
		{"abc", 2, `"ab" «1 byte elided»`},
		{"a${", 1, `"a" «2 bytes elided»`},
		{"$", 1, `"$"`},
		{"", 0, `""`},
	}
	for _, c := range cases {
		var b strings.Builder
		PrintLiteralStringMax(&b, c.s, c.max)
		if b.String() != c.want {
			t.Errorf("PrintLiteralStringMax(%q, %d) = %s, want %s", c.s, c.max, b.String(), c.want)
		}
	}
	if got := QuoteString("${x}"); got != `"\${x}"` {
		t.Errorf("QuoteString = %s", got)
	}
}
