package parser

import (
	"fmt"
	"strings"
)

// Location is a position in a named source, for error messages.
type Location struct {
	// Name is the origin as Nix prints it: a file path, «stdin» or «string».
	Name string
	// Src is the source text, used to show the lines around the position;
	// empty when unknown.
	Src  string
	Line int
	Col  int
}

// Location returns the Location of byte offset off.
func (t *Tree) Location(off int) Location {
	p := t.Position(off)
	return Location{Name: t.Name, Src: t.Src, Line: p.Line, Col: p.Col}
}

// String formats the location as NAME:LINE:COL.
func (l Location) String() string {
	if l.Col > 0 {
		return fmt.Sprintf("%s:%d:%d", l.Name, l.Line, l.Col)
	}
	return fmt.Sprintf("%s:%d", l.Name, l.Line)
}

// sourceLine returns the 1-based line of src, and whether it exists.
func sourceLine(src string, starts []uint32, line int) (string, bool) {
	if line < 1 || line > len(starts) {
		return "", false
	}
	s := src[starts[line-1]:]
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s, true
}

// CodeLines renders the source excerpt Nix prints under a position: the
// line before, the line itself with a caret under the column, and the
// line after. Each line starts with a newline; there is no final newline.
func (l Location) CodeLines() string {
	if l.Line == 0 || l.Src == "" && l.Name == "" {
		return ""
	}
	starts := LineStarts(l.Src)
	var b strings.Builder
	if s, ok := sourceLine(l.Src, starts, l.Line-1); ok && l.Line > 1 {
		fmt.Fprintf(&b, "\n %5d| %s", l.Line-1, s)
	}
	if s, ok := sourceLine(l.Src, starts, l.Line); ok {
		fmt.Fprintf(&b, "\n %5d| %s", l.Line, s)
		if l.Col > 0 {
			fmt.Fprintf(&b, "\n      |%s^", strings.Repeat(" ", l.Col))
		}
	}
	if s, ok := sourceLine(l.Src, starts, l.Line+1); ok {
		fmt.Fprintf(&b, "\n %5d| %s", l.Line+1, s)
	}
	return b.String()
}

// FormatMessage lays out a message the way Nix prints errors and
// warnings: the first line after the prefix ("error: "), every further
// line indented to align with it, trailing blanks trimmed from each line.
func FormatMessage(prefix, body string) string {
	body = strings.TrimRight(body, " \t\n\r")
	lines := strings.Split(body, "\n")
	indent := strings.Repeat(" ", len([]rune(prefix)))
	var b strings.Builder
	for i, ln := range lines {
		if i > 0 {
			b.WriteByte('\n')
			ln = indent + ln
		} else {
			ln = prefix + ln
		}
		b.WriteString(strings.TrimRight(ln, " \t\r\n"))
	}
	b.WriteByte('\n')
	return b.String()
}

// PosBlock renders "at NAME:L:C:" followed by the code lines, as the body
// of a message (without indentation), ending in a newline.
func (l Location) PosBlock() string {
	return "at " + l.String() + ":" + l.CodeLines() + "\n"
}

// FormatError renders a syntax error of t like Nix:
//
//	error: MSG
//	       at FILE:L:C:
//	            L| code
//	             |   ^
func (t *Tree) FormatError(e Error) string {
	off := e.Start
	if strings.HasPrefix(e.Msg, "syntax error, unexpected end of file") {
		off = e.End
	}
	return FormatMessage("error: ", e.Msg+"\n"+t.Location(off).PosBlock())
}
