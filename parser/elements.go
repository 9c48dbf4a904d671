package parser

// AppendSignificant appends to dst the children of n that carry meaning:
// its child nodes and its tokens other than whitespace, comments and the
// end of file, in source order. It is Elements without the trivia, for
// callers (the formatter) that walk every node of big trees.
func (n Node) AppendSignificant(dst []Element) []Element {
	t := n.t
	nd := t.nd(n.i)
	tok, end := nd.first, nd.end
	for c := nd.firstChild; ; {
		limit := end
		if c >= 0 {
			limit = t.nd(c).first
		}
		for ; tok < limit; tok++ {
			if k := t.kind(int32(tok)); k != TokWhitespace && k != TokComment && k != TokEOF {
				dst = append(dst, Element{Token: Token{t, int32(tok)}})
			}
		}
		if c < 0 {
			return dst
		}
		dst = append(dst, Element{Node: Node{t, c}})
		cn := t.nd(c)
		tok, c = cn.end, cn.nextSibling
	}
}
