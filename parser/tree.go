package parser

import (
	"sort"
	"sync"
	"unicode/utf8"
)

// Tree is the lossless syntax tree of one source file. Tokens cover the
// source contiguously: token i spans [TokenStart(i), TokenStart(i+1)). Nodes
// cover contiguous token ranges and nest properly. The root node covers all
// tokens.
type Tree struct {
	// Name is the file name used in positions and messages ("«stdin»" for
	// standard input).
	Name string
	// Src is the source text.
	Src string
	// Errors lists syntax and static errors in the order Nix would meet
	// them; Errors[0] is the one Nix reports.
	Errors []Error
	// Warnings are lint findings at warning level, in source order.
	Warnings []Error

	// The token and node arrays are stored in chunks (see store.go), so
	// that a tree derived from another by an edit shares every chunk the
	// edit does not touch.
	ntok   int32        // tokens, the final EOF included
	kinds  [][]Kind     // ntok entries
	starts []startChunk // ntok+1 entries; the last is len(Src)
	nnodes int32        // nodes
	nodes  [][]node     // nnodes entries
	root   int32

	// buf holds the flat arrays of a tree parsed from scratch, which its
	// accessors read and ParseSyntaxReusing reuses; the chunk tables of
	// such a tree are made when a reparse first needs them (tablesOnce).
	// one holds the chunk tables of small trees.
	buf        treeBufs
	one        oneChunk
	tablesOnce sync.Once

	linesOnce sync.Once
	lines     []uint32
}

type node struct {
	kind        Kind
	first, end  uint32 // token range [first, end)
	parent      int32
	firstChild  int32
	nextSibling int32
}

// Error is a syntax or static error with its byte range.
type Error struct {
	Start, End int // byte offsets of the offending text
	// Detect is the offset at which Nix's parser would detect the error;
	// errors are ordered by it.
	Detect int
	Msg    string
	// Static marks errors found by the checks after the grammar (duplicate
	// attributes and formals, dynamic attributes in let or inherit, a
	// disabled experimental feature) rather than by the grammar itself.
	Static bool
}

func (e Error) Error() string { return e.Msg }

// Root returns the root node.
func (t *Tree) Root() Node { return Node{t, t.root} }

// Expr returns the file's expression (zero Node if it is missing).
func (t *Tree) Expr() Node {
	for c := t.Root().FirstChild(); c.Valid(); c = c.Next() {
		if c.Kind() != NodeError {
			return c
		}
	}
	return Node{}
}

// NumTokens returns the number of tokens, the final EOF token included.
func (t *Tree) NumTokens() int { return int(t.ntok) }

// Token returns token i.
func (t *Tree) Token(i int) Token { return Token{t, int32(i)} }

// NumNodes returns the number of nodes.
func (t *Tree) NumNodes() int { return int(t.nnodes) }

// String returns the source text the tree was built from; it is the
// concatenation of all token texts.
func (t *Tree) String() string { return t.Src }

// Token is a handle to one token of a Tree.
type Token struct {
	t *Tree
	i int32
}

// Valid reports whether the handle refers to a token.
func (tk Token) Valid() bool { return tk.t != nil }

// Index returns the token's index in its tree.
func (tk Token) Index() int { return int(tk.i) }

// Kind returns the token's kind.
func (tk Token) Kind() Kind { return tk.t.kind(tk.i) }

// Start returns the byte offset where the token starts.
func (tk Token) Start() int { return int(tk.t.start(tk.i)) }

// End returns the byte offset just past the token.
func (tk Token) End() int { return int(tk.t.start(tk.i + 1)) }

// Text returns the token's source text.
func (tk Token) Text() string {
	if s := tk.t.buf.starts; s != nil {
		return tk.t.Src[s[tk.i]:s[tk.i+1]]
	}
	return tk.t.tokenText(tk.i)
}

// tokenText is Token.Text for a derived tree (kept out of line so that
// Text itself inlines).
//
//go:noinline
func (t *Tree) tokenText(i int32) string { return t.Src[t.start(i):t.start(i+1)] }

// Node is a handle to one node of a Tree; the zero Node is "absent".
type Node struct {
	t *Tree
	i int32
}

// Valid reports whether the handle refers to a node.
func (n Node) Valid() bool { return n.t != nil }

// Tree returns the tree the node belongs to.
func (n Node) Tree() *Tree { return n.t }

// ID returns a number identifying the node within its tree.
func (n Node) ID() int { return int(n.i) }

// NodeByID returns the node with the given ID.
func (t *Tree) NodeByID(id int) Node { return Node{t, int32(id)} }

// Kind returns the node's kind, or NodeError for an absent node.
func (n Node) Kind() Kind {
	if n.t == nil {
		return NodeError
	}
	return n.t.nd(n.i).kind
}

// Parent returns the enclosing node (absent for the root).
func (n Node) Parent() Node {
	p := n.t.nd(n.i).parent
	if p < 0 {
		return Node{}
	}
	return Node{n.t, p}
}

// FirstChild returns the first child node (absent if none).
func (n Node) FirstChild() Node {
	c := n.t.nd(n.i).firstChild
	if c < 0 {
		return Node{}
	}
	return Node{n.t, c}
}

// Next returns the next sibling node (absent if none).
func (n Node) Next() Node {
	c := n.t.nd(n.i).nextSibling
	if c < 0 {
		return Node{}
	}
	return Node{n.t, c}
}

// Children returns the child nodes in source order.
func (n Node) Children() []Node {
	var out []Node
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		out = append(out, c)
	}
	return out
}

// FirstTokenIndex and EndTokenIndex delimit the node's tokens.
func (n Node) FirstTokenIndex() int { return int(n.t.nd(n.i).first) }

// EndTokenIndex returns the index just past the node's last token.
func (n Node) EndTokenIndex() int { return int(n.t.nd(n.i).end) }

// Start returns the byte offset where the node starts.
func (n Node) Start() int { return int(n.t.start(int32(n.t.nd(n.i).first))) }

// End returns the byte offset just past the node.
func (n Node) End() int { return int(n.t.start(int32(n.t.nd(n.i).end))) }

// Text returns the node's source text, trivia inside it included.
func (n Node) Text() string { return n.t.Src[n.Start():n.End()] }

// Element is a child of a node: either a token or a node.
type Element struct {
	Token Token // valid when the element is a token
	Node  Node  // valid when the element is a node
}

// Elements calls f for each child token and node of n in source order, until
// f returns false.
func (n Node) Elements(f func(Element) bool) {
	t := n.t
	nd := t.nd(n.i)
	tok := nd.first
	for c := nd.firstChild; ; {
		limit := nd.end
		if c >= 0 {
			limit = t.nd(c).first
		}
		for ; tok < limit; tok++ {
			if !f(Element{Token: Token{n.t, int32(tok)}}) {
				return
			}
		}
		if c < 0 {
			return
		}
		if !f(Element{Node: Node{n.t, c}}) {
			return
		}
		cn := t.nd(c)
		tok, c = cn.end, cn.nextSibling
	}
}

// Tokens calls f for each token directly inside n (not inside child nodes),
// until f returns false.
func (n Node) Tokens(f func(Token) bool) {
	n.Elements(func(e Element) bool {
		if e.Token.Valid() {
			return f(e.Token)
		}
		return true
	})
}

// TokenOf returns the first token of kind k directly inside n.
func (n Node) TokenOf(k Kind) Token {
	var found Token
	n.Tokens(func(t Token) bool {
		if t.Kind() == k {
			found = t
			return false
		}
		return true
	})
	return found
}

// FirstToken returns the first non-trivia token directly inside n.
func (n Node) firstSignificant() Token {
	var found Token
	n.Tokens(func(t Token) bool {
		if !t.Kind().IsTrivia() {
			found = t
			return false
		}
		return true
	})
	return found
}

// ChildOf returns the first child node of kind k.
func (n Node) ChildOf(k Kind) Node {
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		if c.Kind() == k {
			return c
		}
	}
	return Node{}
}

// Position is a location in a source file.
type Position struct {
	Offset int // byte offset, 0-based
	Line   int // 1-based
	Col    int // 1-based, in bytes (as Nix counts)
	Col16  int // 0-based, in UTF-16 code units (as the LSP counts)
}

func (t *Tree) lineStarts() []uint32 {
	t.linesOnce.Do(func() {
		t.lines = LineStarts(t.Src)
	})
	return t.lines
}

// LineStarts returns the byte offsets where lines start. Like Nix, it ends
// lines at LF, CR LF and a lone CR.
func LineStarts(src string) []uint32 {
	lines := make([]uint32, 1, len(src)/32+1)
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			lines = append(lines, uint32(i+1))
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, uint32(i+1))
		}
	}
	return lines
}

// NumLines returns the number of lines (a final line without newline counts).
func (t *Tree) NumLines() int { return len(t.lineStarts()) }

// LineStart returns the byte offset where 1-based line starts.
func (t *Tree) LineStart(line int) int {
	ls := t.lineStarts()
	if line < 1 {
		return 0
	}
	if line > len(ls) {
		return len(t.Src)
	}
	return int(ls[line-1])
}

// Position converts a byte offset to a Position. Offsets beyond the source
// are clamped to its end.
func (t *Tree) Position(off int) Position {
	if off < 0 {
		off = 0
	}
	if off > len(t.Src) {
		off = len(t.Src)
	}
	ls := t.lineStarts()
	line := sort.Search(len(ls), func(i int) bool { return int(ls[i]) > off })
	start := int(ls[line-1])
	col16 := 0
	for _, r := range t.Src[start:off] {
		if r >= 0x10000 {
			col16 += 2
		} else {
			col16++
		}
	}
	return Position{Offset: off, Line: line, Col: off - start + 1, Col16: col16}
}

// OffsetAt converts a 1-based line and a 0-based UTF-16 column (the LSP's
// coordinates) to a byte offset, clamping to the line's end.
func (t *Tree) OffsetAt(line, col16 int) int {
	ls := t.lineStarts()
	if line < 1 {
		return 0
	}
	if line > len(ls) {
		return len(t.Src)
	}
	off := int(ls[line-1])
	end := len(t.Src)
	if line < len(ls) {
		end = int(ls[line]) - 1
	}
	for off < end && col16 > 0 {
		r, size := utf8.DecodeRuneInString(t.Src[off:end])
		if r >= 0x10000 {
			col16 -= 2
		} else {
			col16--
		}
		off += size
	}
	return off
}

// TokenAt returns the token containing byte offset off (the token starting
// at off when off is a boundary).
func (t *Tree) TokenAt(off int) Token {
	i := sort.Search(int(t.ntok), func(i int) bool { return int(t.start(int32(i))) > off }) - 1
	if i < 0 {
		i = 0
	}
	if i >= int(t.ntok) {
		i = int(t.ntok) - 1
	}
	return Token{t, int32(i)}
}

// NodeAt returns the innermost node whose range contains off.
func (t *Tree) NodeAt(off int) Node {
	n := t.Root()
	for {
		found := false
		for c := n.FirstChild(); c.Valid(); c = c.Next() {
			if c.Start() <= off && off < c.End() || c.Start() == off && c.End() == off {
				n, found = c, true
				break
			}
		}
		if !found {
			return n
		}
	}
}
