package parser

import (
	"strconv"
	"strings"
)

// StrPart is one part of a string, indented string or path: literal text
// (already unescaped, and for indented strings with the indentation
// stripped) or an interpolated expression.
type StrPart struct {
	Lit    string
	Interp Node // the expression inside ${ }, when this part is an interpolation
	// Pos is the byte offset where the part starts in the source.
	Pos int
	// IsInterp reports whether the part is an interpolation.
	IsInterp bool
}

// Unescape processes the escapes of a "string" fragment: \n, \r, \t, \x
// for any other x, and turns CR and CR LF into LF, as Nix does.
func Unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 && strings.IndexByte(s, '\r') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 >= len(s) {
				b.WriteByte(c)
				continue
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
		case '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// StringParts returns the parts of a String node, one per literal
// fragment and one per interpolation.
func (n Node) StringParts() []StrPart {
	var parts []StrPart
	n.Elements(func(e Element) bool {
		if e.Token.Valid() {
			if e.Token.Kind() == TokStrText {
				parts = append(parts, StrPart{Lit: Unescape(e.Token.Text()), Pos: e.Token.Start()})
			}
			return true
		}
		if e.Node.Kind() == NodeInterpol {
			parts = append(parts, StrPart{Interp: e.Node.Inner(), Pos: e.Node.Start(), IsInterp: true})
		}
		return true
	})
	return parts
}

// indToken is a piece of an indented string before stripping.
type indToken struct {
	text           string
	hasIndentation bool // a plain run (escapes and lone $ or ' are not)
	interp         Node
	isInterp       bool
	pos            int
}

func indEscapeValue(raw string) string {
	switch {
	case raw == "''$":
		return "$"
	case raw == "'''":
		return "''"
	case strings.HasPrefix(raw, "''\\"):
		return Unescape(raw[2:])
	}
	return raw // a lone $ or '
}

// IndStringParts returns the parts of an IndString node after Nix's
// indentation stripping: the common leading spaces are removed from every
// line, a whitespace-only last line is dropped, and empty literals vanish.
func (n Node) IndStringParts() []StrPart {
	var toks []indToken
	n.Elements(func(e Element) bool {
		if e.Token.Valid() {
			switch e.Token.Kind() {
			case TokIndText:
				toks = append(toks, indToken{text: e.Token.Text(), hasIndentation: true, pos: e.Token.Start()})
			case TokIndEscape:
				toks = append(toks, indToken{text: indEscapeValue(e.Token.Text()), pos: e.Token.Start()})
			}
			return true
		}
		if e.Node.Kind() == NodeInterpol {
			toks = append(toks, indToken{interp: e.Node.Inner(), isInterp: true, pos: e.Node.Start()})
		}
		return true
	})
	return stripIndentation(toks)
}

func stripIndentation(toks []indToken) []StrPart {
	if len(toks) == 0 {
		return nil
	}
	// Minimum indentation; whitespace-only final lines do not count.
	atStart := true
	minIndent := 1000000
	cur := 0
	for _, t := range toks {
		if t.isInterp || !t.hasIndentation {
			if atStart {
				atStart = false
				if cur < minIndent {
					minIndent = cur
				}
			}
			continue
		}
		for j := 0; j < len(t.text); j++ {
			c := t.text[j]
			if atStart {
				switch c {
				case ' ':
					cur++
				case '\n':
					cur = 0
				default:
					atStart = false
					if cur < minIndent {
						minIndent = cur
					}
				}
			} else if c == '\n' {
				atStart = true
				cur = 0
			}
		}
	}

	var parts []StrPart
	atStart = true
	dropped := 0
	for i, t := range toks {
		if t.isInterp {
			atStart = false
			dropped = 0
			parts = append(parts, StrPart{Interp: t.interp, Pos: t.pos, IsInterp: true})
			continue
		}
		var b strings.Builder
		for j := 0; j < len(t.text); j++ {
			c := t.text[j]
			if atStart {
				switch c {
				case ' ':
					if dropped >= minIndent {
						b.WriteByte(c)
					}
					dropped++
				case '\n':
					dropped = 0
					b.WriteByte(c)
				default:
					atStart = false
					dropped = 0
					b.WriteByte(c)
				}
			} else {
				b.WriteByte(c)
				if c == '\n' {
					atStart = true
				}
			}
		}
		s := b.String()
		if i == len(toks)-1 {
			// Drop a last line made only of spaces.
			if p := strings.LastIndexByte(s, '\n'); p >= 0 && strings.Trim(s[p+1:], " ") == "" {
				s = s[:p+1]
			}
		}
		if s != "" {
			parts = append(parts, StrPart{Lit: s, Pos: t.pos})
		}
	}
	return parts
}

// PathParts returns the parts of a Path node: the literal segments as
// written and the interpolations.
func (n Node) PathParts() []StrPart {
	var parts []StrPart
	n.Elements(func(e Element) bool {
		if e.Token.Valid() {
			switch e.Token.Kind() {
			case TokPath, TokHPath, TokPathCont:
				parts = append(parts, StrPart{Lit: e.Token.Text(), Pos: e.Token.Start()})
			}
			return true
		}
		if e.Node.Kind() == NodeInterpol {
			parts = append(parts, StrPart{Interp: e.Node.Inner(), Pos: e.Node.Start(), IsInterp: true})
		}
		return true
	})
	return parts
}

// Parts returns the parts of a String, IndString or Path node.
func (n Node) Parts() []StrPart {
	switch n.Kind() {
	case NodeString:
		return n.StringParts()
	case NodeIndString:
		return n.IndStringParts()
	case NodePath:
		return n.PathParts()
	}
	return nil
}

// StaticString returns the value of a string-like expression that Nix
// treats as a plain string constant (a String or IndString without
// interpolation, a URI, possibly in parentheses).
func StaticString(n Node) (string, bool) {
	n = Unparen(n)
	switch n.Kind() {
	case NodeString, NodeIndString:
		parts := n.Parts()
		switch {
		case len(parts) == 0:
			return "", true
		case len(parts) == 1 && !parts[0].IsInterp:
			return parts[0].Lit, true
		case n.Kind() == NodeString:
			// Several literal tokens without interpolation cannot occur
			// in a "string"; an interpolation makes it dynamic.
			return "", false
		}
	case NodeURI:
		return n.Text(), true
	}
	return "", false
}

// StaticAttrName returns the name of an attribute name node (AttrName,
// String or Interpol) when it is known without evaluation: an identifier, a
// "string" without interpolation, or ${ } around a constant string.
func StaticAttrName(n Node) (string, bool) {
	switch n.Kind() {
	case NodeAttrName:
		return n.Name(), true
	case NodeString:
		parts := n.StringParts()
		if len(parts) == 0 {
			return "", true
		}
		if len(parts) == 1 && !parts[0].IsInterp {
			return parts[0].Lit, true
		}
		return "", false
	case NodeInterpol:
		return StaticString(n.Inner())
	}
	return "", false
}

// SearchPathName returns the text between < and > of a SearchPath node.
func (n Node) SearchPathName() string {
	s := n.Text()
	if len(s) >= 2 {
		return s[1 : len(s)-1]
	}
	return s
}

// IntValue returns the value of an Int node.
func (n Node) IntValue() (int64, error) {
	return strconv.ParseInt(n.Text(), 10, 64)
}

// FloatValue returns the value of a Float node (as C's strtod reads it).
func (n Node) FloatValue() (float64, error) {
	return strconv.ParseFloat(n.Text(), 64)
}
