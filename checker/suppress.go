package checker

import (
	"strings"

	"github.com/gonix/gonix/parser"
)

// Suppression comments.
//
//	# gonix: ignore                    every rule
//	# gonix: ignore[G101, eta-reduction]  the listed rules
//	# gonix: ignore-file[G120]          the listed rules, in the whole file
//	# statix: ignore                    every statix-compatible rule
//	# statix-ignore: eta_reduction      statix rules by statix name
//
// A comment alone on its line applies to the next line with code; a
// comment after code applies to its own line. A finding is suppressed
// when it starts on such a line. Block comments work the same way.
// Text after the closing bracket is free (give a reason there).

// directive is one parsed suppression comment.
type directive struct {
	line int // the line it covers (0 for the whole file)
	all  bool
	// statixOnly restricts an "all" directive to statix rules.
	statixOnly bool
	rules      map[ruleID]bool
}

type suppressions struct {
	dirs []directive
}

func parseSuppressions(t *parser.Tree) *suppressions {
	var s *suppressions
	n := t.NumTokens()
	for i := 0; i < n; i++ {
		tk := t.Token(i)
		if tk.Kind() != parser.TokComment {
			continue
		}
		text := tk.Text()
		if !strings.Contains(text, "gonix") && !strings.Contains(text, "statix") {
			continue
		}
		d, ok := parseDirective(text)
		if !ok {
			continue
		}
		if d.line != 0 {
			d.line = coveredLine(t, i)
			if d.line == 0 {
				continue
			}
		}
		if s == nil {
			s = &suppressions{}
		}
		s.dirs = append(s.dirs, d)
	}
	return s
}

// coveredLine returns the line a comment token's directive covers.
func coveredLine(t *parser.Tree, i int) int {
	tk := t.Token(i)
	line := t.Position(tk.Start()).Line
	// Code before the comment on its line: the comment trails it.
	for j := i - 1; j >= 0; j-- {
		p := t.Token(j)
		if p.Kind() == parser.TokWhitespace {
			if strings.ContainsAny(p.Text(), "\n\r") {
				break
			}
			continue
		}
		if p.Kind() != parser.TokComment {
			return line
		}
		break
	}
	for j := i + 1; j < t.NumTokens(); j++ {
		p := t.Token(j)
		if p.Kind().IsTrivia() {
			continue
		}
		if p.Kind() == parser.TokEOF {
			return 0
		}
		return t.Position(p.Start()).Line
	}
	return 0
}

// parseDirective reads a comment's text.
func parseDirective(text string) (directive, bool) {
	body := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(text, "#"), "/*"), "*/"))
	body = strings.TrimLeft(body, "# ")
	lower := strings.ToLower(body)
	switch {
	case strings.HasPrefix(lower, "gonix:"):
		rest := strings.TrimSpace(body[len("gonix:"):])
		d := directive{line: -1}
		switch {
		case strings.HasPrefix(rest, "ignore-file"):
			d.line = 0
			rest = rest[len("ignore-file"):]
		case strings.HasPrefix(rest, "ignore"):
			rest = rest[len("ignore"):]
		default:
			return d, false
		}
		if strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return d, false
			}
			d.rules = parseRuleList(rest[1:end])
			return d, len(d.rules) > 0
		}
		if rest != "" && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, ":") && !strings.HasPrefix(rest, "\t") {
			return d, false
		}
		d.all = true
		return d, true
	case strings.HasPrefix(lower, "statix"):
		rest := body[len("statix"):]
		rest = strings.TrimLeft(rest, ":- \t")
		if !strings.HasPrefix(strings.ToLower(rest), "ignore") {
			return directive{}, false
		}
		rest = strings.TrimSpace(rest[len("ignore"):])
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
		rest = strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
		d := directive{line: -1}
		if rest != "" {
			d.rules = parseRuleList(rest)
			for id := range d.rules {
				if !strings.HasPrefix(allRules[id].Compat, "statix:") {
					delete(d.rules, id)
				}
			}
			if len(d.rules) > 0 {
				return d, true
			}
		}
		d.all, d.statixOnly = true, true
		return d, true
	}
	return directive{}, false
}

// parseRuleList reads codes or names separated by commas or blanks.
func parseRuleList(s string) map[ruleID]bool {
	out := make(map[ruleID]bool)
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if ids, ok := lookupRules(f); ok {
			for _, id := range ids {
				out[id] = true
			}
		}
	}
	return out
}

// covers reports whether a directive suppresses rule r at offset off.
func (s *suppressions) covers(t *parser.Tree, r *Rule, off int) bool {
	if s == nil || r.id == rSyntax {
		return false
	}
	line := -1
	for _, d := range s.dirs {
		if d.line != 0 {
			if line < 0 {
				line = t.Position(off).Line
			}
			if d.line != line {
				continue
			}
		}
		if d.all {
			if !d.statixOnly || strings.HasPrefix(r.Compat, "statix:") {
				return true
			}
			continue
		}
		if d.rules[r.id] {
			return true
		}
	}
	return false
}
