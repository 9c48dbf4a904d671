package formatter

// The formatter works on its own small syntax model, built from the parser's
// concrete syntax tree. It has the shape nixfmt's layout rules are written
// against: every significant token is a leaf carrying the comments and blank
// lines before it (pre), the source line it starts on, and at most one
// comment that follows it on the same line (trail). Lists, sets and lets hold
// "items", where comments that stand on their own lines between elements are
// items of their own.

// triviumKind says what a piece of trivia is.
type triviumKind uint8

const (
	tvEmptyLine      triviumKind = iota // one or more blank lines
	tvLineComment                       // # text (text holds what follows '#')
	tvBlockComment                      // /* ... */ spanning several lines
	tvLangAnnotation                    // /* lang */ right before a string
	tvDirective                         // a nixfmt:disable / nixfmt:enable directive
)

// directiveKind distinguishes the resolved format directives.
type directiveKind uint8

const (
	dirDisable       directiveKind = iota // opens a disabled region
	dirDisabledToEOF                      // closes an unclosed region at end of file (raw holds the text)
	dirEnable                             // closes a region (raw holds the region's text)
	dirLoneEnable                         // an enable without a matching disable
)

type trivium struct {
	kind  triviumKind
	doc   bool // a /** doc comment */
	dir   directiveKind
	text  string   // line comment text, language name, or raw region text
	lines []string // block comment lines
}

type trivia []trivium

// ann is what every leaf carries besides its value.
type ann struct {
	pre   trivia
	line  int    // 1-based source line where the token starts (0 in strict mode)
	trail string // trailing comment text, "" when there is none
}

func (a *ann) hasTrivia() bool    { return len(a.pre) > 0 || a.trail != "" }
func (a *ann) hasPreTrivia() bool { return len(a.pre) > 0 }

// tokKind classifies leaves where the layout rules care.
type tokKind uint8

const (
	tkOther tokKind = iota
	tkIdent
	tkInt
	tkFloat
	tkEnvPath
	tkOp // a binary operator
)

// expr is any expression or term node.
type expr interface{ exprNode() }

// leaf is a token: identifier, number, keyword, punctuation, <path>. As a
// term it stands for itself.
type leaf struct {
	ann
	kind tokKind
	text string
}

// strPart is literal text (as written) or an interpolation.
type strPart struct {
	text   string
	interp *whole // non-nil for an interpolation
}

// whole is an expression together with the trivia that follows it inside
// an interpolation (or at the end of the file).
type whole struct {
	e      expr
	trivia trivia
	// hasDirectives is set on a file with format directives.
	hasDirectives bool
}

// stringTerm is a "string", an ”indented string” or a URI (as a simple
// string). lines are the string's source lines, each a list of parts; for
// indented strings the common indentation is already stripped.
type stringTerm struct {
	ann
	lines    [][]strPart
	indented bool
	cut      bool   // a disabled region cuts through an interpolation
	cutInd   string // the stripped indentation, when cut
}

// pathTerm is a path literal, possibly with interpolations.
type pathTerm struct {
	ann
	parts []strPart
}

// item is an element of a list, set or let, or (when v is nil) a run of
// comments between elements.
type item struct {
	v        any // expr for lists, binder for sets and lets
	comments trivia
}

type listTerm struct {
	open  *leaf
	items []item
	close *leaf
}

type setTerm struct {
	krec  *leaf // rec or let, or nil
	open  *leaf
	items []item
	close *leaf
}

// selKind says what kind of attribute name a selector holds.
type selKind uint8

const (
	selID selKind = iota
	selInterp
	selString
)

// simpleSel is an attribute name: identifier, ${interpolation} or "string".
type simpleSel struct {
	kind   selKind
	id     *leaf       // selID
	interp *interpSel  // selInterp
	str    *stringTerm // selString
}

type interpSel struct {
	ann
	part strPart
}

type selector struct {
	dot *leaf // nil for the first selector of a binding or ? path
	sel simpleSel
}

type selection struct {
	term expr
	sels []selector
	orKw *leaf
	def  expr // nil without `or`
}

type paren struct {
	open  *leaf
	e     expr
	close *leaf
}

type withExpr struct {
	kw   *leaf
	env  expr
	semi *leaf
	body expr
}

type letExpr struct {
	kw    *leaf
	items []item
	in    *leaf
	body  expr
}

type assertExpr struct {
	kw   *leaf
	cond expr
	semi *leaf
	body expr
}

type ifExpr struct {
	ifKw   *leaf
	cond   expr
	thenKw *leaf
	then   expr
	elseKw *leaf
	els    expr
}

type abstraction struct {
	param param
	colon *leaf
	body  expr
}

type application struct {
	f, a expr
	// cursed marks `e or`, a call of the variable or, which nixfmt's
	// parser reads as two terms where a term is expected.
	cursed bool
}

type operation struct {
	l  expr
	op *leaf
	r  expr
}

type memberCheck struct {
	e    expr
	q    *leaf
	sels []selector
}

// negation is -e, inversion is !e.
type negation struct {
	op *leaf
	e  expr
}

type inversion struct {
	op *leaf
	e  expr
}

func (*leaf) exprNode()        {}
func (*stringTerm) exprNode()  {}
func (*pathTerm) exprNode()    {}
func (*listTerm) exprNode()    {}
func (*setTerm) exprNode()     {}
func (*selection) exprNode()   {}
func (*paren) exprNode()       {}
func (*withExpr) exprNode()    {}
func (*letExpr) exprNode()     {}
func (*assertExpr) exprNode()  {}
func (*ifExpr) exprNode()      {}
func (*abstraction) exprNode() {}
func (*application) exprNode() {}
func (*operation) exprNode()   {}
func (*memberCheck) exprNode() {}
func (*negation) exprNode()    {}
func (*inversion) exprNode()   {}

// isTerm reports whether e is a term (an operand that needs no parentheses
// in a list).
func isTerm(e expr) bool {
	switch e.(type) {
	case *leaf, *stringTerm, *pathTerm, *listTerm, *setTerm, *selection, *paren:
		return true
	}
	return false
}

// binder is an element of a set or let: inherit or assignment.
type binder interface{ binderNode() }

type inheritB struct {
	kw   *leaf
	from expr // a *paren, or nil
	sels []simpleSel
	semi *leaf
}

type assignment struct {
	sels  []selector
	eq    *leaf
	value expr
	semi  *leaf
}

func (*inheritB) binderNode()   {}
func (*assignment) binderNode() {}

// param is a lambda's parameter.
type param interface{ paramNode() }

type idParam struct{ name *leaf }

type setParam struct {
	open  *leaf
	attrs []*paramAttr
	close *leaf
}

type ctxParam struct {
	first  param
	at     *leaf
	second param
}

func (*idParam) paramNode()  {}
func (*setParam) paramNode() {}
func (*ctxParam) paramNode() {}

// paramAttr is one formal (name [? default] [,]) or the ellipsis.
type paramAttr struct {
	ellipsis *leaf // set for `...`; then the other fields are unused
	name     *leaf
	q        *leaf // nil without default
	def      expr
	comma    *leaf
}
