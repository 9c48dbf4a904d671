package parser

import "strings"

// SyntaxErrors returns the errors of t that make it unreadable for a
// formatter: syntax errors and dynamic attributes in inherit. It leaves out
// the checks that only affect evaluation (duplicate attributes or formals,
// dynamic attributes in let, integers out of range, disabled experimental
// features), which formatting does not care about.
func (t *Tree) SyntaxErrors() []Error {
	if len(t.Errors) == 0 {
		return nil
	}
	static := checkStatic(t)
	var out []Error
	for _, e := range t.Errors {
		if strings.HasPrefix(e.Msg, "invalid integer") || strings.HasPrefix(e.Msg, "invalid float") ||
			strings.HasPrefix(e.Msg, "experimental Nix feature") {
			continue
		}
		isStatic := false
		for _, s := range static {
			if s == e {
				isStatic = true
				break
			}
		}
		if isStatic && !strings.HasPrefix(e.Msg, "dynamic attributes not allowed in inherit") {
			continue
		}
		out = append(out, e)
	}
	return out
}
