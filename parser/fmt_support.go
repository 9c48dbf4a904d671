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

// ParseSyntax parses src for tools that only need its syntax, such as the
// formatter: pipe operators are accepted, and the static checks that only
// matter for evaluation (duplicate attributes and formals, dynamic
// attributes in let) are skipped, which saves about a third of the parse
// time. Dynamic attributes in inherit are still reported, since they are
// not valid syntax for formatters either. All errors are in Tree.Errors.
//
// It mirrors ParseString; keep the two in step.
func ParseSyntax(src, name string) *Tree {
	if name == "" {
		name = "«stdin»"
	}
	t := &Tree{Name: name, Src: src}
	s := &scanner{
		src:    src,
		kinds:  make([]Kind, 0, len(src)/4+16),
		starts: make([]uint32, 0, len(src)/4+16),
	}
	s.scan()
	t.kinds = s.kinds
	t.starts = append(s.starts, uint32(len(src)))
	significant := 0
	for _, k := range s.kinds {
		if !k.IsTrivia() {
			significant++
		}
	}
	p := &parser{
		t:      t,
		frames: make([]frame, 0, 64),
		nodes:  make([]node, 0, significant+significant/8+16),
	}
	p.errs = s.errs
	p.parseFile()
	t.nodes = p.nodes
	t.root = int32(len(p.nodes) - 1)
	for i := range t.nodes {
		if t.nodes[i].kind != NodeInherit {
			continue
		}
		n := Node{t, int32(i)}
		for _, a := range n.Attrs() {
			if _, ok := StaticAttrName(a); !ok {
				p.errs = append(p.errs, Error{Start: a.Start(), End: a.End(), Detect: n.End() - 1,
					Msg: "dynamic attributes not allowed in inherit"})
			}
		}
	}
	t.Errors = sortErrors(p.errs)
	return t
}
