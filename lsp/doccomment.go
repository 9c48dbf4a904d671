package lsp

import (
	"strings"

	"github.com/gonix/gonix/parser"
)

// docComment returns the RFC 145 doc comment (/** … */) written right
// before node n (only whitespace between), with the delimiters removed
// and the common indentation stripped; "" if there is none. For a
// binding's value, the comment may also sit before the binding.
func docComment(t *parser.Tree, n parser.Node) string {
	for _, x := range []parser.Node{n, bindingOf(n)} {
		if !x.Valid() {
			continue
		}
		if c := commentBefore(t, x.FirstTokenIndex()); c != "" {
			return c
		}
	}
	return ""
}

// bindingOf returns the Binding node a name or value belongs to.
func bindingOf(n parser.Node) parser.Node {
	for p := n; p.Valid(); p = p.Parent() {
		switch p.Kind() {
		case parser.NodeBinding, parser.NodeInherit:
			return p
		case parser.NodeAttrSet, parser.NodeLetIn, parser.NodeLambda, parser.NodeRoot:
			return parser.Node{}
		}
	}
	return parser.Node{}
}

func commentBefore(t *parser.Tree, tok int) string {
	for i := tok - 1; i >= 0; i-- {
		tk := t.Token(i)
		switch tk.Kind() {
		case parser.TokWhitespace:
			continue
		case parser.TokComment:
			text := tk.Text()
			if strings.HasPrefix(text, "/**") && text != "/**/" && strings.HasSuffix(text, "*/") {
				return cleanDocComment(text[3 : len(text)-2])
			}
		}
		return ""
	}
	return ""
}

// cleanDocComment strips the common leading indentation of a doc
// comment's lines (the first line's own indentation does not count) and
// blank lines around it.
func cleanDocComment(body string) string {
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	indent := -1
	for i, l := range lines {
		if i == 0 || strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if i == 0 {
			lines[i] = strings.TrimSpace(l)
			continue
		}
		if indent > 0 && len(l) >= indent {
			lines[i] = l[indent:]
		} else {
			lines[i] = strings.TrimLeft(l, " \t")
		}
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
