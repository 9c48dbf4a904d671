package parser

import (
	"fmt"
	"strconv"
)

// MaxDepth bounds how deeply expressions may nest. Nix's own parser gives
// up at a similar depth ("memory exhausted"); gonix reports a clear error
// instead of exhausting the stack.
const MaxDepth = 5000

// Options adjusts parsing.
type Options struct {
	// Name is the file name used in positions and messages; empty means
	// "«stdin»".
	Name string
	// PipeOperators enables |> and <| (Nix's experimental feature
	// pipe-operators). Without it they are an error, as in Nix.
	PipeOperators bool
	// Lints sets Nix's optional literal lints.
	Lints Lints
	// SyntaxOnly skips the static checks that only matter for evaluation
	// (duplicate attributes and formals, dynamic attributes in let,
	// literal lints) and accepts pipe operators; dynamic attributes in
	// inherit are still reported, since no tool can read them.
	SyntaxOnly bool
}

// LintLevel is the severity of an optional lint.
type LintLevel uint8

const (
	// LintOff disables a lint.
	LintOff LintLevel = iota
	// LintWarn reports a warning (Tree.Warnings).
	LintWarn
	// LintFatal reports an error (Tree.Errors).
	LintFatal
)

// Lints are Nix's lint-url-literals, lint-short-path-literals and
// lint-absolute-path-literals settings.
type Lints struct {
	URLLiterals, ShortPathLiterals, AbsolutePathLiterals LintLevel
}

// Parse parses src (a whole Nix file). It always returns a tree; syntax
// and static errors are in Tree.Errors.
func Parse(src []byte, opts Options) *Tree {
	return ParseString(string(src), opts)
}

// ParseString is Parse for a string, without copying it.
func ParseString(src string, opts Options) *Tree {
	return parseString(src, opts, nil)
}

// parseString parses src; the arrays of old, when it is not nil, are
// reused (see ParseSyntaxReusing).
func parseString(src string, opts Options, old *Tree) *Tree {
	name := opts.Name
	if name == "" {
		name = "«stdin»"
	}
	// Real Nix code averages one token per 5.6 bytes and one node per 10
	// bytes; sizing for a little more avoids regrowing the arrays.
	s := &scanner{
		src:    src,
		kinds:  reuseBuf(old.kindsBuf(), len(src)/4+16),
		starts: reuseBuf(old.startsBuf(), len(src)/4+16),
	}
	oldNodes, frames := old.nodesBuf(), reuseBuf(old.framesBuf(), 64)
	t := old
	if t == nil {
		t = new(Tree)
	}
	*t = Tree{Name: name, Src: src}
	s.scan()
	kinds, starts := s.kinds, append(s.starts, uint32(len(src)))
	t.buf.kinds, t.buf.starts = kinds, starts
	t.ntok = int32(len(kinds))
	significant := 0
	for _, k := range kinds {
		if !k.IsTrivia() {
			significant++
		}
	}
	p := &parser{
		t:      t,
		kinds:  kinds,
		starts: starts,
		frames: frames,
		// Real code has somewhat fewer nodes than significant tokens.
		nodes: reuseBuf(oldNodes, significant+significant/8+16),
	}
	p.errs = s.errs
	p.parseFile()
	t.buf.nodes = p.nodes
	t.buf.frames = p.frames[:0]
	t.nnodes = int32(len(p.nodes))
	t.root = t.nnodes - 1
	if opts.SyntaxOnly {
		p.errs = append(p.errs, checkInheritNames(t)...)
		t.Errors = sortErrors(p.errs)
		return t
	}
	if !opts.PipeOperators {
		for i, k := range kinds {
			if k == TokPipeInto || k == TokPipeFrom {
				st := int(starts[i])
				p.errs = append(p.errs, Error{Start: st, End: st + 2, Detect: st, Static: true,
					Msg: "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it"})
				break
			}
		}
	}
	p.errs = append(p.errs, checkStatic(t)...)
	p.errs = append(p.errs, p.lint(opts.Lints)...)
	t.Errors = sortErrors(p.errs)
	return t
}

func sortErrors(errs []Error) []Error {
	// Insertion sort: error lists are short and mostly ordered already.
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Detect < errs[j-1].Detect; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
	return errs
}

type frame struct {
	kind                  Kind
	first                 uint32
	firstChild, lastChild int32
}

type marker struct {
	tok       uint32
	lastChild int32
}

type parser struct {
	t *Tree
	// kinds and starts are the tree's tokens as flat arrays.
	kinds  []Kind
	starts []uint32
	nodes  []node
	frames []frame
	tok    int // index of the current significant token
	// prevEnd is the token index just past the last consumed significant
	// token.
	prevEnd int
	errs    []Error
	depth   int
	fatal   bool
	// closers counts, per token kind, how many enclosing constructs are
	// waiting for that token; recovery never swallows one of them.
	closers [numTokenKinds]int
}

func (p *parser) kind() Kind { return p.kinds[p.tok] }

// peek returns the kind of the n-th significant token after the current one.
func (p *parser) peek(n int) Kind {
	i := p.tok
	for n > 0 && i < len(p.kinds)-1 {
		i++
		if !p.kinds[i].IsTrivia() {
			n--
		}
	}
	return p.kinds[i]
}

func (p *parser) skipTrivia() {
	for p.tok < len(p.kinds)-1 && p.kinds[p.tok].IsTrivia() {
		p.tok++
	}
}

// bump consumes the current token.
func (p *parser) bump() {
	if p.kind() == TokEOF {
		return
	}
	p.tok++
	p.prevEnd = p.tok
	p.skipTrivia()
}

func (p *parser) at(k Kind) bool { return p.kind() == k }

func (p *parser) eat(k Kind) bool {
	if p.kind() == k {
		p.bump()
		return true
	}
	return false
}

func (p *parser) start(k Kind) {
	p.frames = append(p.frames, frame{kind: k, first: uint32(p.tok), firstChild: -1, lastChild: -1})
}

func (p *parser) mark() marker {
	return marker{tok: uint32(p.tok), lastChild: p.frames[len(p.frames)-1].lastChild}
}

// wrap opens a node of kind k that starts at m and adopts the children
// added to the current node since m.
func (p *parser) wrap(m marker, k Kind) {
	top := &p.frames[len(p.frames)-1]
	var first int32
	if m.lastChild < 0 {
		first = top.firstChild
		top.firstChild = -1
	} else {
		first = p.nodes[m.lastChild].nextSibling
		p.nodes[m.lastChild].nextSibling = -1
	}
	last := top.lastChild
	if first < 0 {
		last = -1
	}
	top.lastChild = m.lastChild
	p.frames = append(p.frames, frame{kind: k, first: m.tok, firstChild: first, lastChild: last})
}

// finish closes the innermost open node.
func (p *parser) finish() {
	f := p.frames[len(p.frames)-1]
	p.frames = p.frames[:len(p.frames)-1]
	end := uint32(p.prevEnd)
	if end < f.first {
		end = f.first
	}
	// An empty last child (a missing part) sits after the trivia that
	// follow the last consumed token; cover it.
	if f.lastChild >= 0 && p.nodes[f.lastChild].end > end {
		end = p.nodes[f.lastChild].end
	}
	idx := int32(len(p.nodes))
	// Filled in place: a node built aside and copied in costs a stall
	// (its fields are stored separately, then read back as a whole).
	p.nodes = append(p.nodes, node{})
	nd := &p.nodes[idx]
	nd.kind, nd.first, nd.end = f.kind, f.first, end
	nd.parent, nd.firstChild, nd.nextSibling = -1, f.firstChild, -1
	for c := f.firstChild; c >= 0; c = p.nodes[c].nextSibling {
		p.nodes[c].parent = idx
	}
	if len(p.frames) > 0 {
		top := &p.frames[len(p.frames)-1]
		if top.lastChild < 0 {
			top.firstChild = idx
		} else {
			p.nodes[top.lastChild].nextSibling = idx
		}
		top.lastChild = idx
	}
}

// node wraps the current token in a node of kind k.
func (p *parser) leaf(k Kind) {
	p.start(k)
	p.bump()
	p.finish()
}

// errorHere records a syntax error at the current token.
func (p *parser) errorHere(expecting ...Kind) {
	k := p.kind()
	start := int(p.starts[p.tok])
	end := int(p.starts[p.tok+1])
	msg := "syntax error, unexpected " + k.String()
	if len(expecting) > 0 {
		msg += ", expecting "
		for i, e := range expecting {
			if i > 0 {
				msg += " or "
			}
			msg += e.String()
		}
	}
	p.addError(start, end, msg)
}

func (p *parser) addError(start, end int, msg string) {
	if p.fatal {
		return
	}
	if n := len(p.errs); n > 0 && p.errs[n-1].Detect >= start {
		return // one error per place: avoid cascades
	}
	p.errs = append(p.errs, Error{Start: start, End: end, Detect: start, Msg: msg})
}

// expect consumes a token of kind k or reports it missing.
func (p *parser) expect(k Kind, expecting ...Kind) bool {
	if p.eat(k) {
		return true
	}
	if len(expecting) == 0 {
		expecting = []Kind{k}
	}
	p.errorHere(expecting...)
	return false
}

// recover consumes the current token into an error node unless an
// enclosing construct is waiting for it. It reports whether it consumed.
func (p *parser) recover() bool {
	k := p.kind()
	if k == TokEOF || p.closers[k] > 0 {
		return false
	}
	p.leaf(NodeError)
	return true
}

func (p *parser) open(k Kind)  { p.closers[k]++ }
func (p *parser) close(k Kind) { p.closers[k]-- }

func (p *parser) parseFile() {
	p.start(NodeRoot)
	p.tok = 0
	p.skipTrivia()
	p.open(TokEOF)
	p.parseExpr()
	for !p.at(TokEOF) {
		p.errorHere(TokEOF)
		if !p.recover() {
			// A stray closer: swallow it anyway at top level.
			p.leaf(NodeError)
		}
	}
	p.close(TokEOF)
	// The root spans every token, trailing trivia and EOF included.
	p.prevEnd = len(p.kinds)
	p.frames[0].first = 0
	p.finish()
	p.nodes[len(p.nodes)-1].end = uint32(len(p.kinds))
}

// enter guards recursion depth; it returns false (after reporting) when the
// input nests too deeply.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > MaxDepth {
		if !p.fatal {
			start := int(p.starts[p.tok])
			p.addError(start, start, fmt.Sprintf("expression nested too deeply (more than %d levels)", MaxDepth))
			p.fatal = true
			// Skip the rest of the input so that every open construct
			// unwinds at EOF without further errors.
			p.start(NodeError)
			for !p.at(TokEOF) {
				p.bump()
			}
			p.finish()
		}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// parseExpr parses an `expr` (expr_function in Nix's grammar).
func (p *parser) parseExpr() {
	if !p.enter() {
		return
	}
	defer p.leave()
	switch p.kind() {
	case TokIdent:
		switch p.peek(1) {
		case TokColon:
			p.start(NodeLambda)
			p.leaf(NodeParamName)
			p.bump() // :
			p.parseExpr()
			p.finish()
			return
		case TokAt:
			p.start(NodeLambda)
			p.leaf(NodeParamName)
			p.bump() // @
			if p.at(TokLBrace) {
				p.parsePattern()
			} else {
				p.errorHere(TokLBrace)
			}
			p.expect(TokColon)
			p.parseExpr()
			p.finish()
			return
		}
	case TokLBrace:
		if p.isPattern() {
			p.start(NodeLambda)
			p.parsePattern()
			if p.eat(TokAt) {
				if p.at(TokIdent) {
					p.leaf(NodeParamName)
				} else {
					p.errorHere(TokIdent)
				}
			}
			p.expect(TokColon, TokColon, TokAt)
			p.parseExpr()
			p.finish()
			return
		}
	case TokAssert, TokWith:
		k := NodeAssert
		if p.at(TokWith) {
			k = NodeWith
		}
		p.start(k)
		p.bump()
		p.open(TokSemi)
		p.parseExpr()
		p.close(TokSemi)
		p.expect(TokSemi)
		p.parseExpr()
		p.finish()
		return
	case TokLet:
		if p.peek(1) != TokLBrace {
			p.start(NodeLetIn)
			p.bump()
			p.open(TokIn)
			p.parseBindings(TokIn, []Kind{TokIn, TokInherit})
			p.close(TokIn)
			p.expect(TokIn)
			p.parseExpr()
			p.finish()
			return
		}
	}
	p.parseIf()
}

// isPattern decides, at '{', whether a lambda's formals follow.
func (p *parser) isPattern() bool {
	switch p.peek(1) {
	case TokRBrace:
		k := p.peek(2)
		return k == TokColon || k == TokAt
	case TokEllipsis:
		return true
	case TokIdent:
		k := p.peek(2)
		return k == TokComma || k == TokQuestion || k == TokRBrace
	}
	return false
}

// parsePattern parses a formal_set { a, b ? d, ... }.
func (p *parser) parsePattern() {
	p.start(NodePattern)
	p.bump() // {
	p.open(TokRBrace)
	for !p.fatal {
		switch p.kind() {
		case TokRBrace:
		case TokEllipsis:
			p.bump()
			if !p.at(TokRBrace) {
				p.errorHere(TokRBrace)
			}
		case TokIdent:
			p.start(NodeFormal)
			p.leaf(NodeParamName)
			if p.eat(TokQuestion) {
				p.open(TokComma)
				p.parseExpr()
				p.close(TokComma)
			}
			p.finish()
			if p.eat(TokComma) {
				continue
			}
			if !p.at(TokRBrace) {
				p.errorHere(TokRBrace, TokComma)
			}
		default:
			p.errorHere(TokIdent, TokEllipsis, TokRBrace)
		}
		if p.at(TokRBrace) || !p.recover() {
			break
		}
	}
	p.close(TokRBrace)
	p.expect(TokRBrace)
	p.finish()
}

// parseIf parses expr_if: an if-expression, a pipe chain or an operator
// expression.
func (p *parser) parseIf() {
	if p.at(TokIf) {
		p.start(NodeIf)
		p.bump()
		p.open(TokThen)
		p.parseExpr()
		p.close(TokThen)
		p.expect(TokThen)
		p.open(TokElse)
		p.parseExpr()
		p.close(TokElse)
		p.expect(TokElse)
		p.parseExpr()
		p.finish()
		return
	}
	m := p.mark()
	p.parseOp(0)
	switch p.kind() {
	case TokPipeInto:
		saved := p.depth
		defer func() { p.depth = saved }()
		for p.at(TokPipeInto) && !p.fatal {
			if !p.enter() {
				return
			}
			p.wrap(m, NodeBinary)
			p.bump()
			p.parseOp(0)
			p.finish()
		}
	case TokPipeFrom:
		p.parsePipeFrom(m)
	}
}

func (p *parser) parsePipeFrom(m marker) {
	if !p.enter() {
		return
	}
	defer p.leave()
	p.wrap(m, NodeBinary)
	p.bump()
	m2 := p.mark()
	p.parseOp(0)
	if p.at(TokPipeFrom) {
		p.parsePipeFrom(m2)
	}
	p.finish()
}

// Operator precedence levels (higher binds tighter), as in parser.y.
const (
	lvlImpl   = 1
	lvlOr     = 2
	lvlAnd    = 3
	lvlEq     = 4
	lvlCmp    = 5
	lvlUpdate = 6
	lvlNot    = 7
	lvlAdd    = 8
	lvlMul    = 9
	lvlConcat = 10
	lvlHas    = 11
	lvlNegate = 12
)

func binaryLevel(k Kind) (level int, right, nonassoc bool) {
	switch k {
	case TokImpl:
		return lvlImpl, true, false
	case TokOrOr:
		return lvlOr, false, false
	case TokAnd:
		return lvlAnd, false, false
	case TokEq, TokNeq:
		return lvlEq, false, true
	case TokLess, TokGreater, TokLeq, TokGeq:
		return lvlCmp, false, true
	case TokUpdate:
		return lvlUpdate, true, false
	case TokPlus, TokMinus:
		return lvlAdd, false, false
	case TokStar, TokSlash:
		return lvlMul, false, false
	case TokConcat:
		return lvlConcat, true, false
	case TokQuestion:
		return lvlHas, false, false
	}
	return 0, false, false
}

// parseOp parses expr_op with operators of at least level min.
func (p *parser) parseOp(min int) {
	if !p.enter() {
		return
	}
	defer p.leave()
	m := p.mark()
	switch p.kind() {
	case TokNot:
		p.start(NodeUnary)
		p.bump()
		p.parseOp(lvlNot + 1)
		p.finish()
	case TokMinus:
		p.start(NodeUnary)
		p.bump()
		p.parseOp(lvlNegate + 1)
		p.finish()
	default:
		p.parseApp()
	}
	lastNonassoc := 0
	// Each operator applied in this loop makes the tree one level deeper
	// on the left; count it against MaxDepth like recursion.
	saved := p.depth
	defer func() { p.depth = saved }()
	for !p.fatal {
		level, right, nonassoc := binaryLevel(p.kind())
		if level == 0 || level < min {
			return
		}
		if !p.enter() {
			return
		}
		if level == lastNonassoc {
			p.errorHere()
		}
		if p.at(TokQuestion) {
			p.wrap(m, NodeHasAttr)
			p.bump()
			p.parseAttrPath()
			p.finish()
			continue
		}
		p.wrap(m, NodeBinary)
		p.bump()
		if right {
			p.parseOp(level)
		} else {
			p.parseOp(level + 1)
		}
		p.finish()
		lastNonassoc = 0
		if nonassoc {
			lastNonassoc = level
		}
	}
}

// startsSelect reports whether k can start an expr_select (an argument of
// a function application or a list element).
func startsSelect(k Kind) bool {
	switch k {
	case TokIdent, TokInt, TokFloat, TokQuote, TokIndOpen, TokPath, TokHPath,
		TokSPath, TokURI, TokLParen, TokLet, TokRec, TokLBrace, TokLBrack:
		return true
	}
	return false
}

// parseApp parses function application: expr_select expr_select ...
func (p *parser) parseApp() {
	m := p.mark()
	p.parseSelect()
	saved := p.depth
	defer func() { p.depth = saved }()
	for startsSelect(p.kind()) && !p.fatal {
		if !p.enter() {
			return
		}
		p.wrap(m, NodeApply)
		p.parseSelect()
		p.finish()
	}
}

// parseSelect parses expr_select: e, e.a.b, e.a.b or d, and the legacy
// `e or` (a call of e with the variable `or`).
func (p *parser) parseSelect() {
	if !p.enter() {
		return
	}
	defer p.leave()
	m := p.mark()
	p.parseSimple()
	switch p.kind() {
	case TokDot:
		p.wrap(m, NodeSelect)
		p.bump()
		p.parseAttrPath()
		if p.eat(TokOr) {
			p.parseSelect()
		}
		p.finish()
	case TokOr:
		p.wrap(m, NodeApply)
		p.leaf(NodeIdent)
		p.finish()
	}
}

// parseSimple parses expr_simple.
func (p *parser) parseSimple() {
	switch p.kind() {
	case TokIdent:
		p.leaf(NodeIdent)
	case TokInt:
		tk := p.t.Token(p.tok)
		if _, err := strconv.ParseInt(tk.Text(), 10, 64); err != nil {
			p.addError(tk.Start(), tk.End(), fmt.Sprintf("invalid integer '%s'", tk.Text()))
		}
		p.leaf(NodeInt)
	case TokFloat:
		tk := p.t.Token(p.tok)
		if _, err := strconv.ParseFloat(tk.Text(), 64); err != nil {
			p.addError(tk.Start(), tk.End(), fmt.Sprintf("invalid float '%s'", tk.Text()))
		}
		p.leaf(NodeFloat)
	case TokURI:
		p.leaf(NodeURI)
	case TokSPath:
		p.leaf(NodeSearchPath)
	case TokQuote:
		p.parseString()
	case TokIndOpen:
		p.parseIndString()
	case TokPath, TokHPath:
		p.parsePath()
	case TokLParen:
		p.start(NodeParen)
		p.bump()
		p.open(TokRParen)
		p.parseExpr()
		p.close(TokRParen)
		p.expect(TokRParen)
		p.finish()
	case TokLBrack:
		p.parseList()
	case TokLet:
		p.start(NodeLegacyLet)
		p.bump()
		if p.at(TokLBrace) {
			p.bump()
			p.open(TokRBrace)
			p.parseBindings(TokRBrace, []Kind{TokInherit, TokRBrace})
			p.close(TokRBrace)
			p.expect(TokRBrace)
		} else {
			p.errorHere(TokLBrace)
		}
		p.finish()
	case TokRec:
		p.start(NodeAttrSet)
		p.bump()
		if p.at(TokLBrace) {
			p.bump()
			p.open(TokRBrace)
			p.parseBindings(TokRBrace, []Kind{TokInherit, TokRBrace})
			p.close(TokRBrace)
			p.expect(TokRBrace)
		} else {
			p.errorHere(TokLBrace)
		}
		p.finish()
	case TokLBrace:
		p.start(NodeAttrSet)
		p.bump()
		p.open(TokRBrace)
		p.parseBindings(TokRBrace, []Kind{TokInherit})
		p.close(TokRBrace)
		p.expect(TokRBrace)
		p.finish()
	default:
		p.errorHere()
		// Leave closers for their owners; swallow anything else so the
		// surrounding construct can go on.
		if p.closers[p.kind()] == 0 && p.kind() != TokEOF && !p.kind().IsKeyword() && !isBinaryOp(p.kind()) {
			p.leaf(NodeError)
		}
	}
}

func isBinaryOp(k Kind) bool {
	l, _, _ := binaryLevel(k)
	return l > 0 || k == TokPipeFrom || k == TokPipeInto
}

func (p *parser) parseList() {
	p.start(NodeList)
	p.bump() // [
	p.open(TokRBrack)
	for !p.fatal {
		if startsSelect(p.kind()) {
			p.parseSelect()
			continue
		}
		if p.at(TokRBrack) {
			break
		}
		p.errorHere()
		if !p.recover() {
			break
		}
	}
	p.close(TokRBrack)
	p.expect(TokRBrack)
	p.finish()
}

// parseBindings parses binds up to (not including) the closer.
func (p *parser) parseBindings(closer Kind, expecting []Kind) {
	for !p.fatal {
		switch p.kind() {
		case closer, TokEOF:
			return
		case TokInherit:
			p.parseInherit()
			continue
		case TokIdent, TokOr, TokQuote, TokInterpStart:
			p.start(NodeBinding)
			p.parseAttrPath()
			if p.expect(TokAssign, TokDot, TokAssign) {
				p.open(TokSemi)
				p.parseExpr()
				p.close(TokSemi)
				p.expect(TokSemi)
			}
			p.finish()
			continue
		}
		p.errorHere(expecting...)
		if !p.recover() {
			return
		}
	}
}

func (p *parser) parseInherit() {
	p.start(NodeInherit)
	p.bump() // inherit
	if p.at(TokLParen) {
		p.start(NodeInheritFrom)
		p.bump()
		p.open(TokRParen)
		p.parseExpr()
		p.close(TokRParen)
		p.expect(TokRParen)
		p.finish()
	}
	for !p.fatal {
		switch p.kind() {
		case TokIdent, TokOr:
			p.leaf(NodeAttrName)
			continue
		case TokQuote:
			p.parseString()
			continue
		case TokInterpStart:
			p.parseInterpol()
			continue
		case TokSemi:
		default:
			p.errorHere()
			if p.recover() {
				continue
			}
		}
		break
	}
	p.expect(TokSemi)
	p.finish()
}

// parseAttrPath parses attr ('.' attr)*.
func (p *parser) parseAttrPath() {
	p.start(NodeAttrPath)
	p.parseAttr()
	for p.at(TokDot) && !p.fatal {
		p.bump()
		p.parseAttr()
	}
	p.finish()
}

func (p *parser) parseAttr() {
	switch p.kind() {
	case TokIdent, TokOr:
		p.leaf(NodeAttrName)
	case TokQuote:
		p.parseString()
	case TokInterpStart:
		p.parseInterpol()
	default:
		p.errorHere(TokIdent, TokOr, TokInterpStart, TokQuote)
	}
}

func (p *parser) parseInterpol() {
	p.start(NodeInterpol)
	p.bump() // ${
	p.open(TokRBrace)
	p.parseExpr()
	p.close(TokRBrace)
	p.expect(TokRBrace)
	p.finish()
}

func (p *parser) parseString() {
	p.start(NodeString)
	p.bump() // "
	p.open(TokQuote)
	for !p.fatal {
		switch p.kind() {
		case TokStrText:
			p.bump()
			continue
		case TokInterpStart:
			p.parseInterpol()
			continue
		}
		break
	}
	p.close(TokQuote)
	p.expect(TokQuote)
	p.finish()
}

func (p *parser) parseIndString() {
	p.start(NodeIndString)
	p.bump() // ''
	p.open(TokIndClose)
	for !p.fatal {
		switch p.kind() {
		case TokIndText, TokIndEscape:
			p.bump()
			continue
		case TokInterpStart:
			p.parseInterpol()
			continue
		}
		break
	}
	p.close(TokIndClose)
	p.expect(TokIndClose, TokIndText, TokInterpStart, TokIndClose)
	p.finish()
}

// parsePath parses a path literal and the interpolations and segments
// directly attached to it.
func (p *parser) parsePath() {
	p.start(NodePath)
	p.bump()
	for !p.fatal && p.tok == p.prevEnd {
		switch p.kind() {
		case TokPathCont:
			p.bump()
			continue
		case TokInterpStart:
			p.parseInterpol()
			continue
		}
		break
	}
	p.finish()
}
