package parser

import (
	"fmt"
	"sort"
	"strings"
)

// checkStatic performs the checks Nix makes while parsing, beyond the
// grammar: duplicate attributes and formals, and dynamic attributes where
// they are not allowed.
func checkStatic(t *Tree) []Error {
	c := &staticChecker{t: t}
	c.walk(t.Root())
	return c.errs
}

type staticChecker struct {
	t        *Tree
	errs     []Error
	symOrder map[string]int
}

func (c *staticChecker) pos(off int) string {
	p := c.t.Position(off)
	return fmt.Sprintf("%s:%d:%d", c.t.Name, p.Line, p.Col)
}

func (c *staticChecker) add(start, end, detect int, msg string) {
	c.errs = append(c.errs, Error{Start: start, End: end, Detect: detect, Msg: msg})
}

func (c *staticChecker) walk(n Node) {
	switch n.Kind() {
	case NodeAttrSet, NodeLetIn, NodeLegacyLet:
		if !isMergedValue(n) {
			attrs, errs := MergeBindings(n)
			for _, e := range errs {
				c.add(e.Pos, e.Pos, e.Detect, fmt.Sprintf("attribute '%s' already defined at %s", strings.Join(e.Path, "."), c.pos(e.PrevPos)))
			}
			if n.Kind() == NodeLetIn && len(attrs.Dynamic) > 0 {
				c.add(n.Start(), n.Start(), n.End()-1, "dynamic attributes not allowed in let")
			}
		}
	case NodeInherit:
		for _, a := range n.Attrs() {
			if _, ok := StaticAttrName(a); !ok {
				c.add(a.Start(), a.End(), n.End()-1, "dynamic attributes not allowed in inherit")
			}
		}
	case NodeLambda:
		c.checkFormals(n)
	}
	for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
		c.walk(ch)
	}
}

// isMergedValue reports whether a set literal is the value of a binding,
// so that its parent's merge already covers it.
func isMergedValue(n Node) bool {
	p := n.Parent()
	for p.Valid() && p.Kind() == NodeParen {
		p = p.Parent()
	}
	if !p.Valid() || p.Kind() != NodeBinding {
		return false
	}
	return Unparen(p.Value()).ID() == n.ID()
}

// symbolOrder approximates the order in which Nix's symbol table creates
// symbols: by first occurrence in the file.
func (c *staticChecker) symbolOrder(name string) int {
	if c.symOrder == nil {
		c.symOrder = make(map[string]int)
		for i := 0; i < c.t.NumTokens(); i++ {
			tk := c.t.Token(i)
			if tk.Kind() == TokIdent {
				if _, ok := c.symOrder[tk.Text()]; !ok {
					c.symOrder[tk.Text()] = len(c.symOrder)
				}
			}
		}
	}
	if o, ok := c.symOrder[name]; ok {
		return o
	}
	return len(c.symOrder)
}

func (c *staticChecker) checkFormals(n Node) {
	pat := n.Pattern()
	if !pat.Valid() {
		return
	}
	type formal struct {
		name string
		pos  int
	}
	var fs []formal
	for _, f := range pat.Formals() {
		if pn := f.Param(); pn.Valid() {
			fs = append(fs, formal{pn.Name(), pn.Start()})
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		oi, oj := c.symbolOrder(fs[i].name), c.symbolOrder(fs[j].name)
		if oi != oj {
			return oi < oj
		}
		return fs[i].pos < fs[j].pos
	})
	detect := n.End() - 1
	for i := 0; i+1 < len(fs); i++ {
		if fs[i].name == fs[i+1].name {
			c.add(fs[i+1].pos, fs[i+1].pos, detect, fmt.Sprintf("duplicate formal function argument '%s'", fs[i].name))
			return
		}
	}
	if arg := n.Param(); arg.Valid() {
		for _, f := range fs {
			if f.name == arg.Name() {
				c.add(n.Start(), n.Start(), detect, fmt.Sprintf("duplicate formal function argument '%s'", f.name))
				return
			}
		}
	}
}
