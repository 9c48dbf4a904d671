package parser

// Typed views over nodes. A view is a Node whose Kind is known; accessors
// find children by their place relative to the keywords and punctuation of
// the construct, so they stay correct on trees with missing parts (an
// absent child is the zero Node).

// IsExpr reports whether n is an expression node.
func (n Node) IsExpr() bool {
	switch n.Kind() {
	case NodeIdent, NodeInt, NodeFloat, NodeURI, NodeString, NodeIndString, NodePath,
		NodeSearchPath, NodeParen, NodeList, NodeAttrSet, NodeLegacyLet, NodeLetIn,
		NodeLambda, NodeAssert, NodeWith, NodeIf, NodeApply, NodeSelect, NodeHasAttr,
		NodeUnary, NodeBinary:
		return n.Valid()
	}
	return false
}

// slot returns the child node that follows the i-th occurrence (0-based)
// of any separator token kind in seps among n's elements, and precedes the
// next separator. With i = -1 it returns the first child node before any
// separator.
func (n Node) slot(i int, seps ...Kind) Node {
	seen := -1
	var found Node
	n.Elements(func(e Element) bool {
		if e.Token.Valid() {
			k := e.Token.Kind()
			for _, s := range seps {
				if k == s {
					seen++
					if seen > i {
						return false
					}
					break
				}
			}
			return true
		}
		if seen == i && e.Node.Kind() != NodeError {
			found = e.Node
			return false
		}
		return true
	})
	return found
}

// Unparen strips any enclosing parentheses from an expression.
func Unparen(n Node) Node {
	for n.Valid() && n.Kind() == NodeParen {
		n = n.slot(0, TokLParen)
	}
	return n
}

// Name returns the identifier of an Ident, AttrName or ParamName node.
func (n Node) Name() string {
	if !n.Valid() {
		return ""
	}
	if t := n.firstSignificant(); t.Valid() {
		return t.Text()
	}
	return ""
}

// Inner returns the expression inside a Paren, Interpol or InheritFrom node.
func (n Node) Inner() Node {
	switch n.Kind() {
	case NodeParen, NodeInheritFrom:
		return n.slot(0, TokLParen)
	case NodeInterpol:
		return n.slot(0, TokInterpStart)
	}
	return Node{}
}

// Elems returns the elements of a List node.
func (n Node) Elems() []Node {
	var out []Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		if c.IsExpr() {
			out = append(out, c)
		}
	}
	return out
}

// IsRec reports whether an AttrSet node is `rec { }`.
func (n Node) IsRec() bool {
	return n.Kind() == NodeAttrSet && n.firstSignificant().Kind() == TokRec
}

// Entries returns the Binding and Inherit nodes of an AttrSet, LetIn or
// LegacyLet node.
func (n Node) Entries() []Node {
	var out []Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		if k := c.Kind(); k == NodeBinding || k == NodeInherit {
			out = append(out, c)
		}
	}
	return out
}

// Body returns the body of a LetIn, Lambda, Assert or With node.
func (n Node) Body() Node {
	switch n.Kind() {
	case NodeLetIn:
		return n.slot(0, TokIn)
	case NodeLambda:
		return n.slot(0, TokColon)
	case NodeAssert, NodeWith:
		return n.slot(0, TokSemi)
	}
	return Node{}
}

// AttrPath returns the AttrPath child of a Binding, Select or HasAttr node.
func (n Node) AttrPath() Node { return n.ChildOf(NodeAttrPath) }

// Value returns the value expression of a Binding node.
func (n Node) Value() Node { return n.slot(0, TokAssign) }

// Attrs returns the attribute names of an AttrPath node (AttrName, String
// or Interpol nodes), or the names of an Inherit node.
func (n Node) Attrs() []Node {
	var out []Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		switch c.Kind() {
		case NodeAttrName, NodeString, NodeInterpol:
			out = append(out, c)
		}
	}
	return out
}

// From returns the expression of `inherit (e)`, or the zero Node.
func (n Node) From() Node {
	if f := n.ChildOf(NodeInheritFrom); f.Valid() {
		return f.Inner()
	}
	return Node{}
}

// Param returns the ParamName of a Lambda (x: or x@{...}: or {...}@x:).
func (n Node) Param() Node { return n.ChildOf(NodeParamName) }

// Pattern returns the Pattern of a Lambda, or the zero Node.
func (n Node) Pattern() Node { return n.ChildOf(NodePattern) }

// Formals returns the Formal nodes of a Pattern.
func (n Node) Formals() []Node {
	var out []Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		if c.Kind() == NodeFormal {
			out = append(out, c)
		}
	}
	return out
}

// HasEllipsis reports whether a Pattern ends in `...`.
func (n Node) HasEllipsis() bool { return n.TokenOf(TokEllipsis).Valid() }

// Default returns the default of a Formal, or of a Select (after `or`).
func (n Node) Default() Node {
	switch n.Kind() {
	case NodeFormal:
		return n.slot(0, TokQuestion)
	case NodeSelect:
		return n.slot(0, TokOr)
	}
	return Node{}
}

// Cond returns the condition of an If or Assert node.
func (n Node) Cond() Node {
	switch n.Kind() {
	case NodeIf:
		return n.slot(0, TokIf)
	case NodeAssert:
		return n.slot(0, TokAssert)
	}
	return Node{}
}

// Then returns the then-branch of an If node.
func (n Node) Then() Node { return n.slot(0, TokThen) }

// Else returns the else-branch of an If node.
func (n Node) Else() Node { return n.slot(0, TokElse) }

// Env returns the environment expression of a With node.
func (n Node) Env() Node { return n.slot(0, TokWith) }

// Func returns the function of an Apply node.
func (n Node) Func() Node { return n.FirstChild() }

// Arg returns the argument of an Apply node.
func (n Node) Arg() Node {
	if f := n.FirstChild(); f.Valid() {
		return f.Next()
	}
	return Node{}
}

// Subject returns the expression a Select or HasAttr node looks into.
func (n Node) Subject() Node { return n.slot(-1, TokDot, TokQuestion) }

// Operator returns the operator token of a Unary or Binary node.
func (n Node) Operator() Token {
	var op Token
	n.Tokens(func(t Token) bool {
		if !t.Kind().IsTrivia() {
			op = t
			return false
		}
		return true
	})
	return op
}

// Operand returns the operand of a Unary node.
func (n Node) Operand() Node { return n.FirstChild() }

// Left returns the left operand of a Binary node.
func (n Node) Left() Node {
	op := n.Operator()
	if c := n.FirstChild(); c.Valid() && op.Valid() && c.End() <= op.Start() {
		return c
	}
	return Node{}
}

// Right returns the right operand of a Binary node.
func (n Node) Right() Node {
	op := n.Operator()
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		if op.Valid() && c.Start() >= op.End() {
			return c
		}
	}
	return Node{}
}
