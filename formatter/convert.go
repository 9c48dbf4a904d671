package formatter

import (
	"fmt"
	"sort"
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

	lineStarts []int // offsets where lines start (LF only)
	lineHint   int

	pending        trivia
	pendingDisable int // line start of the open disabled region, or -1
	cuts           int // interpolations cut by a disabled region
	interpDepth    int // nesting of interpolations being converted
	scratch        []ptrivium
	sigs           []parser.Element // backing store for sig results
	ws             *workspace       // pooled memory, or nil
}

func newConverter(t *parser.Tree, strict bool, ws *workspace) *converter {
	c := &converter{t: t, src: t.Src, strict: strict, pendingDisable: -1, ws: ws}
	if ws != nil {
		c.lineStarts = append(ws.lines[:0], 0)
		c.sigs = ws.sigs[:0]
	} else {
		c.lineStarts = make([]int, 1, len(t.Src)/30+1)
	}
	for i := 0; i < len(t.Src); i++ {
		if t.Src[i] == '\n' {
			c.lineStarts = append(c.lineStarts, i+1)
		}
	}
	return c
}

// lineIndex returns the 0-based line containing offset off.
func (c *converter) lineIndex(off int) int {
	ls := c.lineStarts
	h := c.lineHint
	if h < len(ls) && ls[h] <= off && (h+1 == len(ls) || ls[h+1] > off) {
		return h
	}
	if h+1 < len(ls) && ls[h+1] <= off && (h+2 == len(ls) || ls[h+2] > off) {
		c.lineHint = h + 1
		return h + 1
	}
	i := sort.Search(len(ls), func(i int) bool { return ls[i] > off }) - 1
	c.lineHint = i
	return i
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
	start := c.lineStarts[c.lineIndex(off)]
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
	c.pending = append(c.pending[:len(c.pending):len(c.pending)], t...)
}

// begin starts a lexeme at offset start: it takes the pending trivia.
func (c *converter) begin(start int) ann {
	return ann{pre: c.take(), line: c.line(start)}
}

// finish ends a lexeme at offset end: the trivia after it is split into
// its trailing comment and the trivia left pending for the next token.
func (c *converter) finish(a *ann, end int) {
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
	var l *leaf
	if c.ws != nil {
		l = c.ws.leaves.new()
	} else {
		l = &leaf{}
	}
	l.kind, l.text = kind, tk.Text()
	l.ann = c.begin(tk.Start())
	c.finish(&l.ann, tk.End())
	return l
}

// sig returns the significant children of n: tokens other than trivia and
// EOF, and nodes. The result stays valid for the whole conversion.
func (c *converter) sig(n parser.Node) []parser.Element {
	start := len(c.sigs)
	n.Elements(func(e parser.Element) bool {
		if e.Token.Valid() {
			if k := e.Token.Kind(); k.IsTrivia() || k == parser.TokEOF {
				return true
			}
		}
		c.sigs = append(c.sigs, e)
		return true
	})
	return c.sigs[start:len(c.sigs):len(c.sigs)]
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
	w := &whole{e: e, trivia: c.take(), hasDirectives: strings.Contains(c.src, "nixfmt:")}
	if c.pendingDisable >= 0 {
		w.trivia = append(w.trivia, trivium{kind: tvDirective, dir: dirDisabledToEOF, text: c.src[c.pendingDisable:]})
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
		s := &stringTerm{}
		s.ann = c.begin(n.Start())
		s.lines = [][]strPart{{{text: n.Text()}}}
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
			return &assertExpr{kw: kw, cond: e1, semi: semi, body: e2}
		}
		return &withExpr{kw: kw, env: e1, semi: semi, body: e2}
	case parser.NodeIf:
		k := c.sig(n)
		if len(k) != 6 {
			c.fail(n, "shape")
		}
		x := &ifExpr{}
		x.ifKw = c.leaf(k[0].Token, tkOther)
		x.cond = c.expr(k[1].Node)
		x.thenKw = c.leaf(k[2].Token, tkOther)
		x.then = c.expr(k[3].Node)
		x.elseKw = c.leaf(k[4].Token, tkOther)
		x.els = c.expr(k[5].Node)
		return x
	case parser.NodeApply:
		f := c.expr(n.FirstChild())
		a := c.expr(n.FirstChild().Next())
		return &application{f: f, a: a, cursed: cursedOr(n)}
	case parser.NodeSelect:
		return c.selection(n)
	case parser.NodeHasAttr:
		k := c.sig(n)
		if len(k) != 3 {
			c.fail(n, "shape")
		}
		e := c.expr(k[0].Node)
		q := c.leaf(k[1].Token, tkOp)
		return &memberCheck{e: e, q: q, sels: c.attrPath(k[2].Node, nil)}
	case parser.NodeUnary:
		k := c.sig(n)
		if len(k) != 2 {
			c.fail(n, "shape")
		}
		op := c.leaf(k[0].Token, tkOp)
		e := c.expr(k[1].Node)
		if op.text == "!" {
			return &inversion{op: op, e: e}
		}
		return &negation{op: op, e: e}
	case parser.NodeBinary:
		return c.binary(n)
	}
	c.fail(n, "node")
	return nil
}

func firstTok(n parser.Node) parser.Token {
	var t parser.Token
	n.Tokens(func(tk parser.Token) bool {
		if !tk.Kind().IsTrivia() {
			t = tk
			return false
		}
		return true
	})
	return t
}

func opOf(n parser.Node) parser.Kind {
	if n.Kind() != parser.NodeBinary {
		return parser.TokInvalid
	}
	return n.Operator().Kind()
}

// binary converts an operator chain. The tree nests operators the way Nix
// associates them; the layout rules expect nixfmt's shapes: `->` chains
// nest to the left, and `+` chains nest to the right where an addition
// follows an addition.
func (c *converter) binary(n parser.Node) expr {
	switch op := opOf(n); op {
	case parser.TokPlus, parser.TokMinus:
		// Left spine of + and -.
		var spine []parser.Node
		cur := n
		for {
			k := opOf(cur)
			if k != parser.TokPlus && k != parser.TokMinus {
				break
			}
			spine = append(spine, cur)
			cur = cur.Left()
		}
		acc := c.expr(cur)
		for i := len(spine) - 1; i >= 0; i-- {
			opl := c.leaf(spine[i].Operator(), tkOp)
			r := c.expr(spine[i].Right())
			if prev, ok := acc.(*operation); ok && opl.text == "+" && prev.op.text == "+" {
				acc = &operation{l: prev.l, op: prev.op, r: &operation{l: prev.r, op: opl, r: r}}
			} else {
				acc = &operation{l: acc, op: opl, r: r}
			}
		}
		return acc
	case parser.TokImpl:
		// Right spine, folded to the left.
		acc := c.expr(n.Left())
		cur := n
		for {
			opl := c.leaf(cur.Operator(), tkOp)
			r := cur.Right()
			if opOf(r) == parser.TokImpl {
				acc = &operation{l: acc, op: opl, r: c.expr(r.Left())}
				cur = r
				continue
			}
			return &operation{l: acc, op: opl, r: c.expr(r)}
		}
	}
	l := c.expr(n.Left())
	op := c.leaf(n.Operator(), tkOp)
	r := c.expr(n.Right())
	return &operation{l: l, op: op, r: r}
}

func (c *converter) paren(n parser.Node) *paren {
	k := c.sig(n)
	if len(k) != 3 {
		c.fail(n, "shape")
	}
	open := c.leaf(k[0].Token, tkOther)
	e := c.expr(k[1].Node)
	return &paren{open: open, e: e, close: c.leaf(k[2].Token, tkOther)}
}

// commentItem turns pending trivia into an item of its own.
func (c *converter) commentItem(items []item) []item {
	if len(c.pending) > 0 {
		items = append(items, item{comments: c.take()})
	}
	return items
}

func (c *converter) list(n parser.Node) *listTerm {
	k := c.sig(n)
	l := &listTerm{open: c.leaf(k[0].Token, tkOther)}
	for _, e := range k[1 : len(k)-1] {
		if !e.Node.Valid() {
			c.fail(n, "token")
		}
		l.items = c.commentItem(l.items)
		x := c.expr(e.Node)
		if app, ok := x.(*application); ok && app.cursed {
			// nixfmt reads `[ e or ]` as two elements; comments before
			// `or` become an item of their own.
			l.items = append(l.items, item{v: app.f})
			or := app.a.(*leaf)
			if len(or.pre) > 0 {
				l.items = append(l.items, item{comments: or.pre})
				or = cloneLeaf(or, func(a *ann) { a.pre = nil })
			}
			l.items = append(l.items, item{v: or})
			continue
		}
		l.items = append(l.items, item{v: x})
	}
	l.items = c.commentItem(l.items)
	l.close = c.leaf(k[len(k)-1].Token, tkOther)
	return l
}

func (c *converter) set(n parser.Node) *setTerm {
	k := c.sig(n)
	s := &setTerm{}
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
	x := &letExpr{kw: c.leaf(k[0].Token, tkOther)}
	x.items = c.binders(n, k[1:len(k)-2])
	x.in = c.leaf(k[len(k)-2].Token, tkOther)
	x.body = c.expr(k[len(k)-1].Node)
	return x
}

func (c *converter) binders(n parser.Node, k []parser.Element) []item {
	items := make([]item, 0, len(k)+1)
	for _, e := range k {
		if !e.Node.Valid() {
			c.fail(n, "token")
		}
		items = c.commentItem(items)
		switch e.Node.Kind() {
		case parser.NodeBinding:
			items = append(items, item{v: c.assignment(e.Node)})
		case parser.NodeInherit:
			items = append(items, item{v: c.inherit(e.Node)})
		default:
			c.fail(e.Node, "binding")
		}
	}
	return c.commentItem(items)
}

func (c *converter) assignment(n parser.Node) *assignment {
	k := c.sig(n)
	if len(k) != 4 {
		c.fail(n, "shape")
	}
	a := &assignment{sels: c.attrPath(k[0].Node, nil)}
	a.eq = c.leaf(k[1].Token, tkOther)
	a.value = c.expr(k[2].Node)
	a.semi = c.leaf(k[3].Token, tkOther)
	return a
}

func (c *converter) inherit(n parser.Node) *inheritB {
	k := c.sig(n)
	x := &inheritB{kw: c.leaf(k[0].Token, tkOther)}
	for _, e := range k[1 : len(k)-1] {
		switch {
		case !e.Node.Valid():
			c.fail(n, "token")
		case e.Node.Kind() == parser.NodeInheritFrom:
			x.from = c.paren(e.Node)
		default:
			x.sels = append(x.sels, c.simpleSel(e.Node))
		}
	}
	x.semi = c.leaf(k[len(k)-1].Token, tkOther)
	return x
}

// attrPath converts a.b."c".${d}; dot, when given, precedes the first name.
func (c *converter) attrPath(n parser.Node, dot *leaf) []selector {
	k := c.sig(n)
	sels := make([]selector, 0, (len(k)+1)/2)
	for _, e := range k {
		if e.Token.Valid() {
			if e.Token.Kind() != parser.TokDot {
				c.fail(n, "token")
			}
			dot = c.leaf(e.Token, tkOther)
			continue
		}
		sels = append(sels, selector{dot: dot, sel: c.simpleSel(e.Node)})
		dot = nil
	}
	return sels
}

func (c *converter) simpleSel(n parser.Node) simpleSel {
	switch n.Kind() {
	case parser.NodeAttrName:
		return simpleSel{kind: selID, id: c.leaf(firstTok(n), tkIdent)}
	case parser.NodeString:
		return simpleSel{kind: selString, str: c.simpleString(n)}
	case parser.NodeInterpol:
		s := &interpSel{}
		s.ann = c.begin(n.Start())
		s.part = strPart{interp: c.interpolation(n)}
		c.finish(&s.ann, n.End())
		return simpleSel{kind: selInterp, interp: s}
	}
	c.fail(n, "attribute name")
	return simpleSel{}
}

// cursedOr reports whether n is `e or` where `or` is a variable (Nix
// reads it as a call of e); nixfmt reads only e as a term there.
func cursedOr(n parser.Node) bool {
	if n.Kind() != parser.NodeApply {
		return false
	}
	a := n.FirstChild().Next()
	return a.Kind() == parser.NodeIdent && a.Text() == "or"
}

func (c *converter) selection(n parser.Node) expr {
	k := c.sig(n)
	if len(k) != 3 && len(k) != 5 {
		c.fail(n, "shape")
	}
	s := &selection{term: c.expr(k[0].Node)}
	dot := c.leaf(k[1].Token, tkOther)
	s.sels = c.attrPath(k[2].Node, dot)
	if len(k) == 5 {
		s.orKw = c.leaf(k[3].Token, tkOther)
		s.def = c.expr(k[4].Node)
		if app, ok := s.def.(*application); ok && app.cursed {
			// `s.a or d or`: the default is d; the call of `or`
			// applies to the whole selection.
			s.def = app.f
			return &application{f: s, a: app.a, cursed: true}
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
		p = &ctxParam{first: first, at: at, second: second}
		i = 3
	default:
		c.fail(n, "shape")
	}
	colon := c.leaf(k[i].Token, tkOther)
	return &abstraction{param: p, colon: colon, body: c.expr(k[i+1].Node)}
}

func (c *converter) paramOf(n parser.Node) param {
	switch n.Kind() {
	case parser.NodeParamName:
		return &idParam{name: c.leaf(firstTok(n), tkIdent)}
	case parser.NodePattern:
		k := c.sig(n)
		p := &setParam{open: c.leaf(k[0].Token, tkOther)}
		for _, e := range k[1 : len(k)-1] {
			switch {
			case e.Node.Valid():
				fk := c.sig(e.Node)
				a := &paramAttr{name: c.leaf(firstTok(fk[0].Node), tkIdent)}
				if len(fk) == 3 {
					a.q = c.leaf(fk[1].Token, tkOther)
					a.def = c.expr(fk[2].Node)
				}
				p.attrs = append(p.attrs, a)
			case e.Token.Kind() == parser.TokComma:
				if len(p.attrs) == 0 {
					c.fail(n, "comma")
				}
				p.attrs[len(p.attrs)-1].comma = c.leaf(e.Token, tkOther)
			case e.Token.Kind() == parser.TokEllipsis:
				p.attrs = append(p.attrs, &paramAttr{ellipsis: c.leaf(e.Token, tkOther)})
			default:
				c.fail(n, "token")
			}
		}
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
	pts, next := c.parseTrivia(skipHSpace(c.src, k[0].Token.End()), nil)
	c.checkCR(next)
	c.push(c.convertLeading(pts))
	c.interpDepth++
	w := &whole{e: c.expr(k[1].Node)}
	c.interpDepth--
	w.trivia = c.take()
	c.cuts = outerCuts
	if before != c.pendingDisable {
		c.cuts++
	}
	c.push(saved)
	return w
}

func (c *converter) simpleString(n parser.Node) *stringTerm {
	s := &stringTerm{}
	s.ann = c.begin(n.Start())
	var parts []strPart
	n.Elements(func(e parser.Element) bool {
		if e.Token.Valid() {
			if e.Token.Kind() == parser.TokStrText {
				parts = append(parts, strPart{text: e.Token.Text()})
			}
			return true
		}
		parts = append(parts, strPart{interp: c.interpolation(e.Node)})
		return true
	})
	s.lines = splitStringLines(parts)
	for i := range s.lines {
		s.lines[i] = normalizeLine(s.lines[i])
	}
	c.finish(&s.ann, n.End())
	return s
}

func (c *converter) indString(n parser.Node) *stringTerm {
	s := &stringTerm{indented: true}
	s.ann = c.begin(n.Start())
	before := c.cuts
	var parts []strPart
	n.Elements(func(e parser.Element) bool {
		if e.Token.Valid() {
			switch e.Token.Kind() {
			case parser.TokIndOpen:
				if t := e.Token.Text(); len(t) > 2 {
					parts = append(parts, strPart{text: t[2:]})
				}
			case parser.TokIndText, parser.TokIndEscape:
				parts = append(parts, strPart{text: e.Token.Text()})
			}
			return true
		}
		parts = append(parts, strPart{interp: c.interpolation(e.Node)})
		return true
	})
	ind, lines := fixIndentedString(splitStringLines(parts))
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
	p := &pathTerm{}
	p.ann = c.begin(n.Start())
	n.Elements(func(e parser.Element) bool {
		if e.Token.Valid() {
			switch e.Token.Kind() {
			case parser.TokPath, parser.TokHPath, parser.TokPathCont:
				p.parts = append(p.parts, strPart{text: e.Token.Text()})
			}
			return true
		}
		p.parts = append(p.parts, strPart{interp: c.interpolation(e.Node)})
		return true
	})
	p.parts = normalizeLine(p.parts)
	c.finish(&p.ann, n.End())
	return p
}

// splitStringLines splits parts at the line breaks inside literal text.
func splitStringLines(parts []strPart) [][]strPart {
	multi := false
	for _, p := range parts {
		if p.interp == nil && strings.IndexByte(p.text, '\n') >= 0 {
			multi = true
			break
		}
	}
	if !multi {
		return [][]strPart{parts}
	}
	lines := [][]strPart{nil}
	for _, p := range parts {
		if p.interp != nil {
			lines[len(lines)-1] = append(lines[len(lines)-1], p)
			continue
		}
		t := p.text
		for {
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				break
			}
			lines[len(lines)-1] = append(lines[len(lines)-1], strPart{text: t[:i]})
			lines = append(lines, nil)
			t = t[i+1:]
		}
		lines[len(lines)-1] = append(lines[len(lines)-1], strPart{text: t})
	}
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
func fixIndentedString(lines [][]strPart) (string, [][]strPart) {
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
	out := make([][]strPart, len(lines))
	if ind < 0 {
		return "", out
	}
	prefix := strings.Repeat(" ", ind)
	for i, ln := range lines {
		if len(ln) > 0 && ln[0].interp == nil {
			t := ln[0].text
			if strings.HasPrefix(t, prefix) {
				t = t[ind:]
			} else {
				t = ""
			}
			ln[0].text = t
		}
		out[i] = normalizeLine(ln)
	}
	return prefix, out
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
