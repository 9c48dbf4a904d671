package formatter

import (
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/gonix/gonix/parser"
)

// converter builds the formatter's syntax model from a parsed tree. Tokens
// are visited in source order; each one takes the trivia left pending by
// the token before it and reads the trivia after it, exactly once.
type converter struct {
	t      *parser.Tree
	src    string
	strict bool

	// Lines are counted as the conversion moves through the source:
	// lnIdx is the 0-based line of offset lnOff (LF ends lines).
	lnOff, lnIdx int

	pending        trivia
	pendingDisable int  // line start of the open disabled region, or -1
	directives     bool // a format directive was read
	cuts           int  // interpolations cut by a disabled region
	interpDepth    int  // nesting of interpolations being converted
	scratch        []ptrivium
	sigs           []parser.Element // backing store for sig results
	a              *modelAlloc

	// Stacks on which slices of the model are built before they are
	// copied to the slabs; each use works above the length it found.
	itemSt  []item
	selSt   []selector
	simSt   []simpleSel
	partSt  []strPart
	lineSt  [][]strPart
	trivSt  []trivium
	pattrSt []*paramAttr
	spine   []spinePart
}

// size returns the number of model values the converter's memory holds.
func (c *converter) size() int {
	if c.a == nil {
		return 0
	}
	return c.a.size()
}

// newConverter returns a converter for t that takes its memory from c's
// previous use (c may be a zero converter).
func newConverter(t *parser.Tree, strict bool, c *converter) *converter {
	if c.a == nil {
		c.a = new(modelAlloc)
	}
	*c = converter{t: t, src: t.Src, strict: strict, pendingDisable: -1, a: c.a,
		sigs: c.sigs[:0], scratch: c.scratch[:0],
		itemSt: c.itemSt[:0], selSt: c.selSt[:0], simSt: c.simSt[:0], partSt: c.partSt[:0],
		lineSt: c.lineSt[:0], trivSt: c.trivSt[:0], pattrSt: c.pattrSt[:0], spine: c.spine[:0]}
	c.a.reset()
	return c
}

// lineIndex returns the 0-based line containing offset off. Offsets come
// mostly in source order, close to each other: the line breaks in between
// are counted.
func (c *converter) lineIndex(off int) int {
	if off != c.lnOff {
		c.moveLines(off)
	}
	return c.lnIdx
}

func (c *converter) moveLines(off int) {
	if off > c.lnOff {
		c.lnIdx += countLF(c.src[c.lnOff:off])
	} else {
		c.lnIdx -= countLF(c.src[off:c.lnOff])
	}
	c.lnOff = off
}

// load64 returns the eight bytes of s at i as a little-endian number.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// countLF returns the number of line feeds in s, eight bytes at a time.
func countLF(s string) int {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	n := 0
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i) ^ '\n'*ones // line feeds become zero bytes
		// The high bit of each zero byte of x, and of no other byte.
		n += bits.OnesCount64(^((x&lows + lows) | x | lows) & highs)
	}
	for ; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}

// line returns the 1-based line of off (0 in strict mode, where the
// layout must not depend on the input's line breaks; as in nixfmt, code
// inside interpolations keeps its lines even then).
func (c *converter) line(off int) int {
	if c.strict && c.interpDepth == 0 {
		return 0
	}
	return c.lineIndex(off) + 1
}

// column returns the 1-based column of off, counting characters with tab
// stops every 8 columns.
func (c *converter) column(off int) int {
	start := strings.LastIndexByte(c.src[:off], '\n') + 1
	col := 1
	for _, r := range c.src[start:off] {
		if r == '\t' {
			col += 8 - (col-1)%8
		} else {
			col++
		}
	}
	return col
}

func (c *converter) take() trivia {
	p := c.pending
	c.pending = nil
	return p
}

func (c *converter) push(t trivia) {
	if len(t) == 0 {
		return
	}
	if len(c.pending) == 0 {
		c.pending = t
		return
	}
	c.pending = c.concatTrivia(c.pending, t)
}

// begin starts a lexeme at offset start: it takes the pending trivia.
func (c *converter) begin(start int) ann {
	return ann{pre: c.take(), line: c.line(start)}
}

// finish ends a lexeme at offset end: the trivia after it is split into
// its trailing comment and the trivia left pending for the next token.
func (c *converter) finish(a *ann, end int) { c.finishFrom(a, -1, end) }

// finishFrom is finish for a lexeme known to start at start and to hold
// no line break (start < 0: not known). The line count then moves on
// with what the lexeme and the space after it hold.
func (c *converter) finishFrom(a *ann, start, end int) {
	// Most tokens are followed by spaces, or by one line break and an
	// indentation, and then by the next token: nothing to do.
	src := c.src
	i := end
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	nl := 0
	if i < len(src) && src[i] == '\n' {
		i++
		nl = 1
		// Indentation: eight spaces at a time first.
		for i+8 <= len(src) && load64(src, i) == 0x2020202020202020 {
			i += 8
		}
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
	}
	if i == len(src) || plainStart(src[i]) {
		if start >= 0 && c.lnOff == start {
			c.lnOff, c.lnIdx = i, c.lnIdx+nl
		}
		return
	}
	pos := skipHSpace(c.src, end)
	pts, next := c.parseTrivia(pos, c.scratch[:0])
	c.scratch = pts[:0]
	c.checkCR(next)
	if len(pts) == 0 {
		return
	}
	trail, leading := c.convertTrivia(pts, next)
	a.trail = trail
	c.push(leading)
}

func (c *converter) leaf(tk parser.Token, kind tokKind) *leaf {
	start, end := tk.Start(), tk.End()
	l := c.a.newLeaf()
	// Field by field: a composite literal would be built aside and
	// copied, which costs more here than the stores.
	l.pre = c.take()
	l.line = c.line(start)
	l.trail = ""
	l.kind = kind
	l.text = c.src[start:end]
	c.finishFrom(&l.ann, start, end)
	return l
}

// concatTrivia returns a followed by b.
func (c *converter) concatTrivia(a, b trivia) trivia {
	mark := len(c.trivSt)
	c.trivSt = append(append(c.trivSt, a...), b...)
	out := c.a.trivia.copy(c.trivSt[mark:])
	c.trivSt = c.trivSt[:mark]
	return out
}

// sig returns the significant children of n: tokens other than trivia and
// EOF, and nodes. The result stays valid until the element of the list or
// set being converted is done (the loops over them take the memory back).
func (c *converter) sig(n parser.Node) []parser.Element {
	start := len(c.sigs)
	c.sigs = n.AppendSignificant(c.sigs)
	return c.sigs[start:len(c.sigs):len(c.sigs)]
}

// plainStart reports whether a byte that follows horizontal space starts
// neither trivia nor more space.
func plainStart(b byte) bool {
	switch b {
	case '\n', '\r', '#', '/', '\v', '\f':
		return false
	}
	return b < utf8.RuneSelf
}

// checkCR rejects a carriage return that does not end a line where a
// token should start: nixfmt ends lines only with LF or CR LF.
func (c *converter) checkCR(next int) {
	if next < len(c.src) && c.src[next] == '\r' {
		panic(syntaxError{off: next, msg: "unexpected carriage return"})
	}
}

// syntaxError is source nixfmt rejects although Nix reads it.
type syntaxError struct {
	off int
	msg string
}

// convError reports a tree shape the converter does not expect; it means
// the tree has errors the caller did not check.
type convError struct{ msg string }

func (c *converter) fail(n parser.Node, what string) {
	p := c.t.Position(n.Start())
	panic(convError{fmt.Sprintf("%d:%d: unexpected %s in %s", p.Line, p.Col, what, n.Kind())})
}

// file converts the whole file.
func (c *converter) file() *whole {
	pts, next := c.parseTrivia(skipHSpace(c.src, 0), nil)
	c.checkCR(next)
	c.push(c.convertLeading(pts))
	e := c.expr(c.t.Expr())
	w := c.a.wholes.put(whole{e: e, trivia: c.take(), hasDirectives: c.directives})
	if c.pendingDisable >= 0 {
		w.trivia = c.concatTrivia(w.trivia, trivia{{kind: tvDirective, dir: dirDisabledToEOF, text: c.src[c.pendingDisable:]}})
	}
	return w
}

func (c *converter) expr(n parser.Node) expr {
	switch n.Kind() {
	case parser.NodeIdent:
		return c.leaf(firstTok(n), tkIdent)
	case parser.NodeInt:
		return c.leaf(firstTok(n), tkInt)
	case parser.NodeFloat:
		return c.leaf(firstTok(n), tkFloat)
	case parser.NodeSearchPath:
		return c.leaf(firstTok(n), tkEnvPath)
	case parser.NodeURI:
		s := c.a.strings.put(stringTerm{})
		s.ann = c.begin(n.Start())
		s.lines = c.a.lines.copy([][]strPart{c.a.parts.copy([]strPart{{text: n.Text()}})})
		c.finish(&s.ann, n.End())
		return s
	case parser.NodeString:
		return c.simpleString(n)
	case parser.NodeIndString:
		return c.indString(n)
	case parser.NodePath:
		return c.path(n)
	case parser.NodeParen:
		return c.paren(n)
	case parser.NodeList:
		return c.list(n)
	case parser.NodeAttrSet, parser.NodeLegacyLet:
		return c.set(n)
	case parser.NodeLetIn:
		return c.let(n)
	case parser.NodeLambda:
		return c.lambda(n)
	case parser.NodeAssert, parser.NodeWith:
		k := c.sig(n)
		if len(k) != 4 {
			c.fail(n, "shape")
		}
		kw := c.leaf(k[0].Token, tkOther)
		e1 := c.expr(k[1].Node)
		semi := c.leaf(k[2].Token, tkOther)
		e2 := c.expr(k[3].Node)
		if n.Kind() == parser.NodeAssert {
			x := c.a.asserts.zero()
			x.kw, x.cond, x.semi, x.body = kw, e1, semi, e2
			return x
		}
		x := c.a.withs.zero()
		x.kw, x.env, x.semi, x.body = kw, e1, semi, e2
		return x
	case parser.NodeIf:
		k := c.sig(n)
		if len(k) != 6 {
			c.fail(n, "shape")
		}
		x := c.a.ifs.zero()
		x.ifKw = c.leaf(k[0].Token, tkOther)
		x.cond = c.expr(k[1].Node)
		x.thenKw = c.leaf(k[2].Token, tkOther)
		x.then = c.expr(k[3].Node)
		x.elseKw = c.leaf(k[4].Token, tkOther)
		x.els = c.expr(k[5].Node)
		return x
	case parser.NodeApply:
		fn := n.FirstChild()
		arg := fn.Next()
		f := c.expr(fn)
		a := c.expr(arg)
		return c.app(f, a, isOrIdent(arg))
	case parser.NodeSelect:
		return c.selection(n)
	case parser.NodeHasAttr:
		k := c.sig(n)
		if len(k) != 3 {
			c.fail(n, "shape")
		}
		e := c.expr(k[0].Node)
		q := c.leaf(k[1].Token, tkOp)
		x := c.a.members.zero()
		x.e, x.q, x.sels = e, q, c.attrPath(k[2].Node, nil)
		return x
	case parser.NodeUnary:
		k := c.sig(n)
		if len(k) != 2 {
			c.fail(n, "shape")
		}
		op := c.leaf(k[0].Token, tkOp)
		e := c.expr(k[1].Node)
		if op.text == "!" {
			return c.a.invs.put(inversion{op: op, e: e})
		}
		return c.a.negs.put(negation{op: op, e: e})
	case parser.NodeBinary:
		return c.binary(n)
	}
	c.fail(n, "node")
	return nil
}

func firstTok(n parser.Node) parser.Token {
	t := n.Tree()
	for i, end := n.FirstTokenIndex(), n.EndTokenIndex(); i < end; i++ {
		if tk := t.Token(i); !tk.Kind().IsTrivia() {
			return tk
		}
	}
	return parser.Token{}
}

// op returns the operation l op r.
func (c *converter) op(l expr, op *leaf, r expr) *operation {
	x := c.a.ops.zero()
	x.l, x.op, x.r = l, op, r
	return x
}

// app returns the application f a.
func (c *converter) app(f, a expr, cursed bool) *application {
	x := c.a.apps.zero()
	x.f, x.a, x.cursed = f, a, cursed
	return x
}

// binParts returns the operands and the operator of a Binary node.
func (c *converter) binParts(n parser.Node) (parser.Node, parser.Token, parser.Node) {
	k := c.sig(n)
	c.sigs = c.sigs[:len(c.sigs)-len(k)]
	if len(k) != 3 || !k[0].Node.Valid() || !k[2].Node.Valid() {
		c.fail(n, "shape")
	}
	return k[0].Node, k[1].Token, k[2].Node
}

// opOf returns the operator of n when it is a Binary node.
func (c *converter) opOf(n parser.Node) parser.Kind {
	if n.Kind() != parser.NodeBinary {
		return parser.TokInvalid
	}
	_, op, _ := c.binParts(n)
	return op.Kind()
}

// spinePart is an operator with its right operand.
type spinePart struct {
	op parser.Token
	r  parser.Node
}

// binary converts an operator chain. The tree nests operators the way Nix
// associates them; the layout rules expect nixfmt's shapes: `->` chains
// nest to the left, and `+` chains nest to the right where an addition
// follows an addition.
func (c *converter) binary(n parser.Node) expr {
	l, op, r := c.binParts(n)
	switch op.Kind() {
	case parser.TokPlus, parser.TokMinus:
		// Left spine of + and -.
		mark := len(c.spine)
		cur := n
		for cur.Kind() == parser.NodeBinary {
			l, op, r := c.binParts(cur)
			if k := op.Kind(); k != parser.TokPlus && k != parser.TokMinus {
				break
			}
			c.spine = append(c.spine, spinePart{op, r})
			cur = l
		}
		acc := c.expr(cur)
		for i := len(c.spine) - 1; i >= mark; i-- {
			sp := c.spine[i]
			opl := c.leaf(sp.op, tkOp)
			r := c.expr(sp.r)
			if prev, ok := acc.(*operation); ok && opl.text == "+" && prev.op.text == "+" {
				acc = c.op(prev.l, prev.op, c.op(prev.r, opl, r))
			} else {
				acc = c.op(acc, opl, r)
			}
		}
		c.spine = c.spine[:mark]
		return acc
	case parser.TokImpl:
		// Right spine, folded to the left.
		acc := c.expr(l)
		for {
			opl := c.leaf(op, tkOp)
			if c.opOf(r) == parser.TokImpl {
				rl, rop, rr := c.binParts(r)
				acc = c.op(acc, opl, c.expr(rl))
				op, r = rop, rr
				continue
			}
			return c.op(acc, opl, c.expr(r))
		}
	}
	le := c.expr(l)
	opl := c.leaf(op, tkOp)
	re := c.expr(r)
	return c.op(le, opl, re)
}

func (c *converter) paren(n parser.Node) *paren {
	k := c.sig(n)
	if len(k) != 3 {
		c.fail(n, "shape")
	}
	x := c.a.parens.zero()
	x.open = c.leaf(k[0].Token, tkOther)
	x.e = c.expr(k[1].Node)
	x.close = c.leaf(k[2].Token, tkOther)
	return x
}

// commentItem turns pending trivia into an item of its own (on the item
// stack).
func (c *converter) commentItem() {
	if len(c.pending) > 0 {
		c.itemSt = append(c.itemSt, item{comments: c.take()})
	}
}

// items returns the items on the stack above mark and pops them.
func (c *converter) items(mark int) []item {
	out := c.a.items.copy(c.itemSt[mark:])
	c.itemSt = c.itemSt[:mark]
	return out
}

func (c *converter) list(n parser.Node) *listTerm {
	k := c.sig(n)
	l := c.a.lists.zero()
	l.open = c.leaf(k[0].Token, tkOther)
	mark, smark := len(c.itemSt), len(c.sigs)
	for _, e := range k[1 : len(k)-1] {
		if !e.Node.Valid() {
			c.fail(n, "token")
		}
		c.commentItem()
		x := c.expr(e.Node)
		c.sigs = c.sigs[:smark] // what the element took is no longer needed
		if app, ok := x.(*application); ok && app.cursed {
			// nixfmt reads `[ e or ]` as two elements; comments before
			// `or` become an item of their own.
			c.itemSt = append(c.itemSt, item{v: app.f})
			or := app.a.(*leaf)
			if len(or.pre) > 0 {
				c.itemSt = append(c.itemSt, item{comments: or.pre})
				or = c.a.leaves.put(*or)
				or.pre = nil
			}
			c.itemSt = append(c.itemSt, item{v: or})
			continue
		}
		c.itemSt = append(c.itemSt, item{v: x})
	}
	c.commentItem()
	l.items = c.items(mark)
	l.close = c.leaf(k[len(k)-1].Token, tkOther)
	return l
}

func (c *converter) set(n parser.Node) *setTerm {
	k := c.sig(n)
	s := c.a.sets.zero()
	i := 0
	if k[0].Token.Kind() != parser.TokLBrace {
		s.krec = c.leaf(k[0].Token, tkOther)
		i++
	}
	s.open = c.leaf(k[i].Token, tkOther)
	s.items = c.binders(n, k[i+1:len(k)-1])
	s.close = c.leaf(k[len(k)-1].Token, tkOther)
	return s
}

func (c *converter) let(n parser.Node) *letExpr {
	k := c.sig(n)
	x := c.a.lets.zero()
	x.kw = c.leaf(k[0].Token, tkOther)
	x.items = c.binders(n, k[1:len(k)-2])
	x.in = c.leaf(k[len(k)-2].Token, tkOther)
	x.body = c.expr(k[len(k)-1].Node)
	return x
}

func (c *converter) binders(n parser.Node, k []parser.Element) []item {
	mark, smark := len(c.itemSt), len(c.sigs)
	for _, e := range k {
		if !e.Node.Valid() {
			c.fail(n, "token")
		}
		c.commentItem()
		switch e.Node.Kind() {
		case parser.NodeBinding:
			a := c.assignment(e.Node)
			c.itemSt = append(c.itemSt, item{v: a})
		case parser.NodeInherit:
			x := c.inherit(e.Node)
			c.itemSt = append(c.itemSt, item{v: x})
		default:
			c.fail(e.Node, "binding")
		}
		c.sigs = c.sigs[:smark] // what the binding took is no longer needed
	}
	c.commentItem()
	return c.items(mark)
}

func (c *converter) assignment(n parser.Node) *assignment {
	k := c.sig(n)
	if len(k) != 4 {
		c.fail(n, "shape")
	}
	a := c.a.assigns.zero()
	a.sels = c.attrPath(k[0].Node, nil)
	a.eq = c.leaf(k[1].Token, tkOther)
	a.value = c.expr(k[2].Node)
	a.semi = c.leaf(k[3].Token, tkOther)
	return a
}

func (c *converter) inherit(n parser.Node) *inheritB {
	k := c.sig(n)
	x := c.a.inherits.zero()
	x.kw = c.leaf(k[0].Token, tkOther)
	mark := len(c.simSt)
	for _, e := range k[1 : len(k)-1] {
		switch {
		case !e.Node.Valid():
			c.fail(n, "token")
		case e.Node.Kind() == parser.NodeInheritFrom:
			x.from = c.paren(e.Node)
		default:
			s := c.simpleSel(e.Node)
			c.simSt = append(c.simSt, s)
		}
	}
	x.sels = c.a.simples.copy(c.simSt[mark:])
	c.simSt = c.simSt[:mark]
	x.semi = c.leaf(k[len(k)-1].Token, tkOther)
	return x
}

// attrPath converts a.b."c".${d}; dot, when given, precedes the first name.
func (c *converter) attrPath(n parser.Node, dot *leaf) []selector {
	k := c.sig(n)
	mark := len(c.selSt)
	for _, e := range k {
		if e.Token.Valid() {
			if e.Token.Kind() != parser.TokDot {
				c.fail(n, "token")
			}
			dot = c.leaf(e.Token, tkOther)
			continue
		}
		s := c.simpleSel(e.Node)
		c.selSt = append(c.selSt, selector{dot: dot, sel: s})
		dot = nil
	}
	sels := c.a.selectors.copy(c.selSt[mark:])
	c.selSt = c.selSt[:mark]
	return sels
}

func (c *converter) simpleSel(n parser.Node) simpleSel {
	switch n.Kind() {
	case parser.NodeAttrName:
		return simpleSel{kind: selID, id: c.leaf(firstTok(n), tkIdent)}
	case parser.NodeString:
		return simpleSel{kind: selString, str: c.simpleString(n)}
	case parser.NodeInterpol:
		s := c.a.interps.zero()
		s.ann = c.begin(n.Start())
		s.part = strPart{interp: c.interpolation(n)}
		c.finish(&s.ann, n.End())
		return simpleSel{kind: selInterp, interp: s}
	}
	c.fail(n, "attribute name")
	return simpleSel{}
}

// isOrIdent reports whether the argument a of an application is the
// variable `or`: Nix reads `e or` as a call of e; nixfmt reads only e as a
// term there.
func isOrIdent(a parser.Node) bool {
	return a.Kind() == parser.NodeIdent && a.Text() == "or"
}

func (c *converter) selection(n parser.Node) expr {
	k := c.sig(n)
	if len(k) != 3 && len(k) != 5 {
		c.fail(n, "shape")
	}
	s := c.a.sels.zero()
	s.term = c.expr(k[0].Node)
	dot := c.leaf(k[1].Token, tkOther)
	s.sels = c.attrPath(k[2].Node, dot)
	if len(k) == 5 {
		s.orKw = c.leaf(k[3].Token, tkOther)
		s.def = c.expr(k[4].Node)
		if app, ok := s.def.(*application); ok && app.cursed {
			// `s.a or d or`: the default is d; the call of `or`
			// applies to the whole selection.
			s.def = app.f
			return c.app(s, app.a, true)
		}
	}
	return s
}

func (c *converter) lambda(n parser.Node) *abstraction {
	k := c.sig(n)
	var p param
	i := 0
	switch {
	case len(k) == 3:
		p = c.paramOf(k[0].Node)
		i = 1
	case len(k) == 5:
		first := c.paramOf(k[0].Node)
		at := c.leaf(k[1].Token, tkOther)
		second := c.paramOf(k[2].Node)
		p = c.a.ctxPars.put(ctxParam{first: first, at: at, second: second})
		i = 3
	default:
		c.fail(n, "shape")
	}
	x := c.a.abss.zero()
	x.param = p
	x.colon = c.leaf(k[i].Token, tkOther)
	x.body = c.expr(k[i+1].Node)
	return x
}

func (c *converter) paramOf(n parser.Node) param {
	switch n.Kind() {
	case parser.NodeParamName:
		x := c.a.idPars.zero()
		x.name = c.leaf(firstTok(n), tkIdent)
		return x
	case parser.NodePattern:
		k := c.sig(n)
		p := c.a.setPars.zero()
		p.open = c.leaf(k[0].Token, tkOther)
		mark := len(c.pattrSt)
		for _, e := range k[1 : len(k)-1] {
			switch {
			case e.Node.Valid():
				fk := c.sig(e.Node)
				a := c.a.pattrs.zero()
				a.name = c.leaf(firstTok(fk[0].Node), tkIdent)
				if len(fk) == 3 {
					a.q = c.leaf(fk[1].Token, tkOther)
					a.def = c.expr(fk[2].Node)
				}
				c.pattrSt = append(c.pattrSt, a)
			case e.Token.Kind() == parser.TokComma:
				if len(c.pattrSt) == mark {
					c.fail(n, "comma")
				}
				c.pattrSt[len(c.pattrSt)-1].comma = c.leaf(e.Token, tkOther)
			case e.Token.Kind() == parser.TokEllipsis:
				a := c.a.pattrs.put(paramAttr{ellipsis: c.leaf(e.Token, tkOther)})
				c.pattrSt = append(c.pattrSt, a)
			default:
				c.fail(n, "token")
			}
		}
		p.attrs = c.a.pattrPtrs.copy(c.pattrSt[mark:])
		c.pattrSt = c.pattrSt[:mark]
		p.close = c.leaf(k[len(k)-1].Token, tkOther)
		return p
	}
	c.fail(n, "parameter")
	return nil
}

// interpolation converts ${ e } inside a string, path or attribute name.
// Its inside is isolated from the surrounding trivia: comments after ${
// lead the expression, and those before } stay with it.
func (c *converter) interpolation(n parser.Node) *whole {
	k := c.sig(n)
	if len(k) != 3 {
		c.fail(n, "shape")
	}
	saved := c.take()
	before := c.pendingDisable
	outerCuts := c.cuts
	pts, next := c.parseTrivia(skipHSpace(c.src, k[0].Token.End()), c.scratch[:0])
	c.scratch = pts[:0]
	c.checkCR(next)
	c.push(c.convertLeading(pts))
	c.interpDepth++
	w := c.a.wholes.zero()
	w.e = c.expr(k[1].Node)
	c.interpDepth--
	w.trivia = c.take()
	c.cuts = outerCuts
	if before != c.pendingDisable {
		c.cuts++
	}
	c.push(saved)
	return w
}

// stringParts pushes the parts of a string, indented string or path onto
// the part stack: texts of the kinds given, and interpolations.
func (c *converter) stringParts(n parser.Node, textKinds ...parser.Kind) {
	t := c.t
	tok, end := n.FirstTokenIndex(), n.EndTokenIndex()
	for ch := n.FirstChild(); ; ch = ch.Next() {
		limit := end
		if ch.Valid() {
			limit = ch.FirstTokenIndex()
		}
		for ; tok < limit; tok++ {
			tk := t.Token(tok)
			k := tk.Kind()
			for _, tkind := range textKinds {
				if k == tkind {
					text := tk.Text()
					if k == parser.TokIndOpen {
						if len(text) <= 2 {
							break
						}
						text = text[2:]
					}
					c.partSt = append(c.partSt, strPart{text: text})
					break
				}
			}
		}
		if !ch.Valid() {
			break
		}
		w := c.interpolation(ch)
		c.partSt = append(c.partSt, strPart{interp: w})
		tok = ch.EndTokenIndex()
	}
}

func (c *converter) simpleString(n parser.Node) *stringTerm {
	s := c.a.strings.zero()
	s.ann = c.begin(n.Start())
	mark := len(c.partSt)
	c.stringParts(n, parser.TokStrText)
	s.lines = c.splitStringLines(mark)
	for i := range s.lines {
		s.lines[i] = normalizeLine(s.lines[i])
	}
	c.finish(&s.ann, n.End())
	return s
}

func (c *converter) indString(n parser.Node) *stringTerm {
	s := c.a.strings.zero()
	s.indented = true
	s.ann = c.begin(n.Start())
	before := c.cuts
	mark := len(c.partSt)
	c.stringParts(n, parser.TokIndOpen, parser.TokIndText, parser.TokIndEscape)
	ind, lines := c.fixIndentedString(c.splitStringLines(mark))
	s.lines = lines
	s.cut = c.cuts != before
	c.finish(&s.ann, n.End())
	if s.cut {
		s.cutInd = ind
		return s
	}
	if shouldBeSimple(lines) {
		s.indented = false
		for _, ln := range lines {
			for i := range ln {
				if ln[i].interp == nil {
					ln[i].text = convertIndentedEscapes(ln[i].text)
				}
			}
		}
	}
	return s
}

func (c *converter) path(n parser.Node) *pathTerm {
	p := c.a.paths.zero()
	p.ann = c.begin(n.Start())
	mark := len(c.partSt)
	c.stringParts(n, parser.TokPath, parser.TokHPath, parser.TokPathCont)
	p.parts = normalizeLine(c.a.parts.copy(c.partSt[mark:]))
	c.partSt = c.partSt[:mark]
	c.finish(&p.ann, n.End())
	return p
}

// splitStringLines pops the parts above mark off the part stack and
// splits them at the line breaks inside literal text.
func (c *converter) splitStringLines(mark int) [][]strPart {
	parts := c.partSt[mark:]
	multi := false
	for _, p := range parts {
		if p.interp == nil && strings.IndexByte(p.text, '\n') >= 0 {
			multi = true
			break
		}
	}
	if !multi {
		line := c.a.parts.copy(parts)
		c.partSt = c.partSt[:mark]
		return c.a.lines.copy([][]strPart{line})
	}
	// The lines' parts go on the stack above the string's parts, then to
	// the slab one line at a time.
	lmark := len(c.lineSt)
	end := len(c.partSt)
	lineStart := end
	flush := func() {
		c.lineSt = append(c.lineSt, c.a.parts.copy(c.partSt[lineStart:]))
		c.partSt = c.partSt[:lineStart]
	}
	for i := mark; i < end; i++ {
		p := c.partSt[i]
		if p.interp != nil {
			c.partSt = append(c.partSt, p)
			continue
		}
		t := p.text
		for {
			j := strings.IndexByte(t, '\n')
			if j < 0 {
				break
			}
			c.partSt = append(c.partSt, strPart{text: t[:j]})
			flush()
			t = t[j+1:]
		}
		c.partSt = append(c.partSt, strPart{text: t})
	}
	flush()
	c.partSt = c.partSt[:mark]
	lines := c.a.lines.copy(c.lineSt[lmark:])
	c.lineSt = c.lineSt[:lmark]
	return lines
}

// normalizeLine drops empty texts and merges adjacent ones, in place.
func normalizeLine(line []strPart) []strPart {
	out := line[:0]
	for _, p := range line {
		if p.interp == nil {
			if p.text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].interp == nil {
				out[n-1].text += p.text
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func isSpaces(s string) bool { return strings.Trim(s, " ") == "" }

func isEmptyLine(line []strPart) bool {
	return len(line) == 0 || len(line) == 1 && line[0].interp == nil && isSpaces(line[0].text)
}

// fixIndentedString drops a blank first line, empties a blank last line
// and strips the common indentation, returning it.
func (c *converter) fixIndentedString(lines [][]strPart) (string, [][]strPart) {
	for i := range lines {
		lines[i] = normalizeLine(lines[i])
	}
	if len(lines) > 0 {
		if isEmptyLine(lines[0]) && len(lines) > 1 {
			lines = lines[1:]
		}
		if isEmptyLine(lines[len(lines)-1]) {
			lines[len(lines)-1] = nil
		}
	}
	// Common indentation: the least number of leading spaces among the
	// non-blank lines (an interpolation first counts as none).
	ind := -1
	for _, ln := range lines {
		if isEmptyLine(ln) {
			continue
		}
		n := 0
		if ln[0].interp == nil {
			t := ln[0].text
			for n < len(t) && t[n] == ' ' {
				n++
			}
		}
		if ind < 0 || n < ind {
			ind = n
		}
	}
	if ind < 0 {
		for i := range lines {
			lines[i] = nil
		}
		return "", lines
	}
	for i, ln := range lines {
		if len(ln) > 0 && ln[0].interp == nil {
			t := ln[0].text
			if len(t) >= ind && isSpaces(t[:ind]) {
				t = t[ind:]
			} else {
				t = ""
			}
			ln[0].text = t
		}
		lines[i] = normalizeLine(ln)
	}
	return spaces(ind), lines
}

// spaces returns n spaces.
func spaces(n int) string {
	const s = "                                                                "
	if n <= len(s) {
		return s[:n]
	}
	return strings.Repeat(" ", n)
}

// shouldBeSimple reports whether an indented string can be written as a
// "string": one line, no quotes or backslashes.
func shouldBeSimple(lines [][]strPart) bool {
	if len(lines) > 1 {
		return false
	}
	for _, ln := range lines {
		for _, p := range ln {
			if p.interp == nil && strings.ContainsAny(p.text, "\"\\") {
				return false
			}
		}
	}
	return true
}

// convertIndentedEscapes rewrites the escapes of an indented string as
// those of a "string": ”$ becomes \$ and ”' becomes ”.
func convertIndentedEscapes(t string) string {
	if !strings.Contains(t, "''") {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); {
		switch {
		case strings.HasPrefix(t[i:], "''$"):
			b.WriteString("\\$")
			i += 3
		case strings.HasPrefix(t[i:], "'''"):
			b.WriteString("''")
			i += 3
		default:
			_, n := utf8.DecodeRuneInString(t[i:])
			b.WriteString(t[i : i+n])
			i += n
		}
	}
	return b.String()
}
