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
	var out []Error
	for _, e := range t.Errors {
		if strings.HasPrefix(e.Msg, "invalid integer") || strings.HasPrefix(e.Msg, "invalid float") ||
			strings.HasPrefix(e.Msg, "experimental Nix feature") {
			continue
		}
		if e.Static && !strings.HasPrefix(e.Msg, "dynamic attributes not allowed in inherit") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// ParseSyntax parses src for tools that only need its syntax, such as the
// formatter: see Options.SyntaxOnly.
func ParseSyntax(src, name string) *Tree {
	return ParseString(src, Options{Name: name, SyntaxOnly: true})
}

// checkInheritNames reports dynamic attribute names in inherit clauses.
func checkInheritNames(t *Tree) []Error {
	var errs []Error
	for i := int32(0); i < t.nnodes; i++ {
		if t.nd(i).kind != NodeInherit {
			continue
		}
		n := Node{t, i}
		for _, a := range n.Attrs() {
			if _, ok := StaticAttrName(a); !ok {
				errs = append(errs, Error{Start: a.Start(), End: a.End(), Detect: n.End() - 1,
					Msg: "dynamic attributes not allowed in inherit", Static: true})
			}
		}
	}
	return errs
}
