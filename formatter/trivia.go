package formatter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Trivia is read straight from the source text between two tokens, with
// the rules nixfmt's lexer uses: blank lines are counted, single-line block
// comments become line comments, multi-line block comments are re-indented,
// a block comment naming a language right before a string is kept as an
// annotation, and /*nixfmt:disable*/ ... /*nixfmt:enable*/ delimit regions
// left untouched.

// isSpace is Haskell's Data.Char.isSpace, which nixfmt uses to trim text.
func isSpace(r rune) bool {
	if r <= 0x377 {
		return r == ' ' || r >= '\t' && r <= '\r' || r == 0xA0
	}
	return unicode.Is(unicode.Zs, r)
}

// isHSpace is whitespace that does not end a line.
func isHSpace(r rune) bool { return r != '\n' && r != '\r' && isSpace(r) }

func trimSpace(s string) string      { return strings.TrimFunc(s, isSpace) }
func trimRightSpace(s string) string { return strings.TrimRightFunc(s, isSpace) }
func trimLeftSpace(s string) string  { return strings.TrimLeftFunc(s, isSpace) }

// skipHSpace returns the offset of the first non-horizontal-space at or
// after i.
func skipHSpace(src string, i int) int {
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\t' || c == '\v' || c == '\f' {
				i++
				continue
			}
			return i
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		if !isHSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// ptKind is the kind of a raw piece of trivia before conversion.
type ptKind uint8

const (
	ptNewlines ptKind = iota
	ptLineComment
	ptBlockComment
	ptLangAnnotation
	ptDirective
)

type ptrivium struct {
	kind    ptKind
	n       int    // newlines
	text    string // comment text (line comments: after '#', trimmed at the end); language name
	off     int    // offset of '#' of a line comment
	doc     bool
	lines   []string
	disable bool // directive: disable (else enable)
	start   int  // directive offsets
	end     int
}

// isTrailing reports whether a raw trivium may be a comment trailing the
// token before it on the same line.
func (p *ptrivium) isTrailing() bool {
	switch p.kind {
	case ptLineComment, ptDirective:
		return true
	case ptBlockComment:
		return !p.doc && len(p.lines) <= 1
	}
	return false
}

// parseTrivia reads trivia starting at pos (horizontal space already
// skipped) and returns it with the offset where it ends.
func (c *converter) parseTrivia(pos int, out []ptrivium) ([]ptrivium, int) {
	src := c.src
	for pos < len(src) {
		switch src[pos] {
		case '/':
			if pos+1 >= len(src) || src[pos+1] != '*' {
				return out, pos
			}
			if p, next, ok := c.blockComment(pos); ok {
				if !p.doc && len(p.lines) == 1 && isLangName(p.lines[0]) && stringFollows(src, next) {
					out = append(out, ptrivium{kind: ptLangAnnotation, text: trimSpace(p.lines[0])})
					pos = next
					continue
				}
				if d, dnext, ok := directiveAt(src, pos); ok {
					c.directives = true
					out = append(out, d)
					pos = dnext
					continue
				}
				out = append(out, p)
				pos = next
				continue
			}
			return out, pos
		case '#':
			j := pos + 1
			for j < len(src) && src[j] != '\n' && src[j] != '\r' {
				j++
			}
			out = append(out, ptrivium{kind: ptLineComment, text: trimRightSpace(src[pos+1 : j]), off: pos})
			pos = skipHSpace(src, j)
		case '\n', '\r':
			n := 0
			for {
				if pos < len(src) && src[pos] == '\n' {
					pos++
				} else if pos+1 < len(src) && src[pos] == '\r' && src[pos+1] == '\n' {
					pos += 2
				} else {
					break
				}
				n++
				pos = skipHSpace(src, pos)
			}
			if n == 0 {
				return out, pos
			}
			out = append(out, ptrivium{kind: ptNewlines, n: n})
		default:
			return out, pos
		}
	}
	return out, pos
}

// directiveAt matches /*nixfmt:disable*/ or /*nixfmt:enable*/ followed by
// nothing but horizontal space up to the end of its line.
func directiveAt(src string, pos int) (ptrivium, int, bool) {
	rest := src[pos:]
	var disable bool
	var n int
	switch {
	case strings.HasPrefix(rest, "/*nixfmt:disable*/"):
		disable, n = true, len("/*nixfmt:disable*/")
	case strings.HasPrefix(rest, "/*nixfmt:enable*/"):
		n = len("/*nixfmt:enable*/")
	default:
		return ptrivium{}, 0, false
	}
	j := pos + n
	for j < len(src) && src[j] != '\n' && src[j] != '\r' {
		j++
	}
	for _, r := range src[pos+n : j] {
		if !isHSpace(r) {
			return ptrivium{}, 0, false
		}
	}
	return ptrivium{kind: ptDirective, disable: disable, start: pos, end: j}, j, true
}

// isLangName reports whether a comment's text names a language.
func isLangName(s string) bool {
	s = trimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 30 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' || r == '+' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// stringFollows reports whether a string opens after optional horizontal
// space, at most one line break and more horizontal space.
func stringFollows(src string, i int) bool {
	i = skipHSpace(src, i)
	if strings.HasPrefix(src[i:], "\n") {
		i++
	} else if strings.HasPrefix(src[i:], "\r\n") {
		i += 2
	}
	i = skipHSpace(src, i)
	return strings.HasPrefix(src[i:], "\"") || strings.HasPrefix(src[i:], "''")
}

// blockComment reads a /* */ comment at pos and normalises its lines.
func (c *converter) blockComment(pos int) (ptrivium, int, bool) {
	src := c.src
	p := pos + 2
	doc := false
	if p < len(src) && src[p] == '*' && (p+1 >= len(src) || src[p+1] != '/') {
		doc = true
		p++
	}
	end := strings.Index(src[p:], "*/")
	if end < 0 {
		return ptrivium{}, 0, false
	}
	body := src[p : p+end]
	next := skipHSpace(src, p+end+2)

	lines := splitCommentLines(body)
	if len(lines) > 1 {
		col := c.column(pos) - 1
		lines = removeStars(col, lines)
		for i := range lines {
			lines[i] = trimRightSpace(lines[i])
		}
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		lines = fixCommentIndent(col, lines)
	} else if len(lines) == 1 {
		lines[0] = trimSpace(lines[0])
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return ptrivium{kind: ptBlockComment, doc: doc, lines: lines}, next, true
}

// splitCommentLines splits on LF (CR LF counts as LF), trims line ends and
// drops trailing empty lines.
func splitCommentLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = trimRightSpace(lines[i])
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// removeStars replaces the aligned " *" prefix of every line after the
// first by spaces, when all of them have it.
func removeStars(col int, lines []string) []string {
	prefix := strings.Repeat(" ", col) + " *"
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, prefix) {
			return lines
		}
	}
	out := make([]string, len(lines))
	out[0] = lines[0]
	spaces := strings.Repeat(" ", col)
	for i, l := range lines[1:] {
		out[i+1] = spaces + l[len(prefix):]
	}
	return out
}

// fixCommentIndent strips the first line and the common indentation of the
// others (at most the comment's column plus 2 or 3).
func fixCommentIndent(col int, lines []string) []string {
	if len(lines) == 0 {
		return lines
	}
	h := lines[0]
	n := col + 2
	if strings.HasPrefix(h, " ") {
		n = col + 3
	}
	for _, l := range lines[1:] {
		if strings.Trim(l, " ") == "" {
			continue
		}
		k := len(l) - len(strings.TrimLeft(l, " "))
		if k < n {
			n = k
		}
	}
	out := make([]string, len(lines))
	out[0] = trimSpace(h)
	pre := strings.Repeat(" ", n)
	for i, l := range lines[1:] {
		if strings.HasPrefix(l, pre) {
			out[i+1] = l[n:]
		} else {
			out[i+1] = trimLeftSpace(l)
		}
	}
	return out
}

// convertTrivia splits the trivia after a token into the comment trailing
// it and the trivia leading the next token. nextCol is the column of the
// next token.
func (c *converter) convertTrivia(pts []ptrivium, nextPos int) (string, trivia) {
	nt := 0
	for nt < len(pts) && pts[nt].isTrailing() {
		nt++
	}
	trailing, leading := pts[:nt], pts[nt:]
	if nt == 1 && trailing[0].kind == ptLineComment && len(leading) > 0 && leading[0].kind == ptNewlines && leading[0].n == 1 {
		// A trailing comment that lines up with the comment on the next
		// line, or with the next token, belongs to what follows.
		if len(leading) >= 2 && leading[1].kind == ptLineComment {
			if c.column(trailing[0].off) == c.column(leading[1].off) {
				return "", c.convertLeading(pts)
			}
		} else if len(leading) == 1 && c.column(trailing[0].off) == c.column(nextPos) {
			return "", c.convertLeading(pts)
		}
	}
	return convertTrailing(trailing), c.convertLeading(leading)
}

func convertTrailing(pts []ptrivium) string {
	if len(pts) == 1 && pts[0].kind == ptLineComment {
		return trimSpace(pts[0].text)
	}
	var b strings.Builder
	for _, p := range pts {
		var t string
		switch p.kind {
		case ptLineComment:
			t = trimSpace(p.text)
		case ptBlockComment:
			if len(p.lines) == 1 {
				t = trimSpace(p.lines[0])
			}
		case ptDirective:
			if p.disable {
				t = "nixfmt:disable"
			} else {
				t = "nixfmt:enable"
			}
		}
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String()
}

// convertLeading turns raw trivia into the trivia leading a token,
// resolving format directives in source order.
func (c *converter) convertLeading(pts []ptrivium) trivia {
	if len(pts) == 0 {
		return nil
	}
	mark := len(c.trivSt)
	out := c.trivSt
	for i := range pts {
		p := &pts[i]
		switch p.kind {
		case ptNewlines:
			if p.n > 1 {
				out = append(out, trivium{kind: tvEmptyLine})
			}
		case ptLineComment:
			out = append(out, trivium{kind: tvLineComment, text: p.text})
		case ptBlockComment:
			switch {
			case len(p.lines) == 0:
			case !p.doc && len(p.lines) == 1:
				out = append(out, trivium{kind: tvLineComment, text: " " + trimSpace(p.lines[0])})
			default:
				out = append(out, trivium{kind: tvBlockComment, doc: p.doc, lines: p.lines})
			}
		case ptLangAnnotation:
			out = append(out, trivium{kind: tvLangAnnotation, text: p.text})
		case ptDirective:
			out = append(out, c.resolveDirective(p))
		}
	}
	c.trivSt = out
	res := c.a.trivia.copy(out[mark:])
	c.trivSt = out[:mark]
	return res
}

// resolveDirective matches a directive against the open disabled region.
// A directive sharing its line with code is only a comment.
func (c *converter) resolveDirective(p *ptrivium) trivium {
	lineStart := strings.LastIndexByte(c.src[:p.start], '\n') + 1
	for _, r := range c.src[lineStart:p.start] {
		if !isHSpace(r) {
			if p.disable {
				return trivium{kind: tvLineComment, text: " nixfmt:disable"}
			}
			return trivium{kind: tvLineComment, text: " nixfmt:enable"}
		}
	}
	switch {
	case p.disable:
		if c.pendingDisable < 0 {
			c.pendingDisable = lineStart
		}
		return trivium{kind: tvDirective, dir: dirDisable}
	case c.pendingDisable >= 0:
		raw := c.src[c.pendingDisable:p.end]
		c.pendingDisable = -1
		return trivium{kind: tvDirective, dir: dirEnable, text: raw}
	default:
		return trivium{kind: tvDirective, dir: dirLoneEnable}
	}
}
