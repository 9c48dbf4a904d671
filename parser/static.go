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
	// covered holds the set literals already merged (and so checked) as
	// part of an enclosing set.
	covered map[int]bool
	names   []string
}

func (c *staticChecker) pos(off int) string {
	p := c.t.Position(off)
	return fmt.Sprintf("%s:%d:%d", c.t.Name, p.Line, p.Col)
}

func (c *staticChecker) add(start, end, detect int, msg string) {
	c.errs = append(c.errs, Error{Start: start, End: end, Detect: detect, Msg: msg, Static: true})
}

func (c *staticChecker) walk(n Node) {
	c.checkNode(n)
	for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
		c.walk(ch)
	}
}

// checkNode runs the checks that concern n itself (not its descendants,
// except literal sets merged into it).
func (c *staticChecker) checkNode(n Node) {
	switch n.Kind() {
	case NodeAttrSet, NodeLetIn, NodeLegacyLet:
		if c.covered[n.ID()] || c.simpleUnique(n) {
			break
		}
		{
			attrs, errs := MergeBindings(n)
			c.cover(attrs)
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
}

// cover marks the set literals merged into a as checked.
func (c *staticChecker) cover(a *Attrs) {
	for _, at := range a.Attrs {
		if at.Nested != nil {
			if at.Nested.Node.Valid() {
				if c.covered == nil {
					c.covered = make(map[int]bool)
				}
				c.covered[at.Nested.Node.ID()] = true
			}
			c.cover(at.Nested)
		}
	}
	for _, d := range a.Dynamic {
		if d.Nested != nil {
			if d.Nested.Node.Valid() {
				if c.covered == nil {
					c.covered = make(map[int]bool)
				}
				c.covered[d.Nested.Node.ID()] = true
			}
			c.cover(d.Nested)
		}
	}
}

// simpleUnique is the fast path of the duplicate check: a set whose
// bindings all have one-element static names, all different, cannot have
// duplicate or dynamic-in-let errors, and merges nothing.
func (c *staticChecker) simpleUnique(n Node) bool {
	names := c.names[:0]
	ok := true
	for e := n.FirstChild(); e.Valid() && ok; e = e.Next() {
		switch e.Kind() {
		case NodeBinding:
			p := e.AttrPath()
			first := p.FirstChild()
			if !first.Valid() || first.Next().Valid() || first.Kind() != NodeAttrName {
				ok = false
				break
			}
			names = append(names, first.Name())
		case NodeInherit:
			for a := e.FirstChild(); a.Valid(); a = a.Next() {
				switch a.Kind() {
				case NodeAttrName:
					names = append(names, a.Name())
				case NodeString, NodeInterpol:
					ok = false
				}
			}
		}
	}
	c.names = names
	if !ok {
		return false
	}
	if len(names) <= 16 {
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				if names[i] == names[j] {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]struct{}, len(names))
	for _, nm := range names {
		if _, dup := seen[nm]; dup {
			return false
		}
		seen[nm] = struct{}{}
	}
	return true
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
	hasDup := false
	for i := range fs {
		for j := i + 1; j < len(fs) && !hasDup; j++ {
			hasDup = fs[i].name == fs[j].name
		}
	}
	if !hasDup {
		if arg := n.Param(); arg.Valid() {
			for _, f := range fs {
				if f.name == arg.Name() {
					c.add(n.Start(), n.Start(), n.End()-1, fmt.Sprintf("duplicate formal function argument '%s'", f.name))
					return
				}
			}
		}
		return
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
