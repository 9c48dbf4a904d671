package parser

import (
	"fmt"
	"strings"
)

// lint applies Nix's optional literal lints: warnings go to the tree,
// fatal findings are returned as errors.
func (p *parser) lint(l Lints) []Error {
	if l == (Lints{}) {
		return nil
	}
	var errs []Error
	report := func(level LintLevel, tk Token, msg func(fatal bool) string) {
		e := Error{Start: tk.Start(), End: tk.End(), Detect: tk.Start()}
		switch level {
		case LintWarn:
			e.Msg = msg(false)
			p.t.Warnings = append(p.t.Warnings, e)
		case LintFatal:
			e.Msg = msg(true)
			errs = append(errs, e)
		}
	}
	t := p.t
	for i := int32(0); i < t.nnodes; i++ {
		n := Node{t, i}
		switch n.Kind() {
		case NodeURI:
			tk := n.firstSignificant()
			report(l.URLLiterals, tk, func(fatal bool) string {
				word := "discouraged"
				if fatal {
					word = "disallowed"
				}
				return fmt.Sprintf("URL literals are %s. Consider using a string literal \"%s\" instead (lint-url-literals)", word, tk.Text())
			})
		case NodePath:
			tk := n.firstSignificant()
			lit := tk.Text()
			switch {
			case tk.Kind() == TokHPath:
				report(l.AbsolutePathLiterals, tk, func(bool) string {
					return fmt.Sprintf("home path literals are not portable. Consider replacing path literal '%s' by a string, relative path, or parameter (lint-absolute-path-literals)", lit)
				})
			case strings.HasPrefix(lit, "/"):
				report(l.AbsolutePathLiterals, tk, func(bool) string {
					return fmt.Sprintf("absolute path literals are not portable. Consider replacing path literal '%s' by a string, relative path, or parameter (lint-absolute-path-literals)", lit)
				})
			case !strings.HasPrefix(lit, "."):
				report(l.ShortPathLiterals, tk, func(bool) string {
					return fmt.Sprintf("relative path literal '%s' should be prefixed with '.' for clarity: './%s' (lint-short-path-literals)", lit, lit)
				})
			}
		}
	}
	sortErrors(p.t.Warnings)
	return errs
}
