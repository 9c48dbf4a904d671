package parser

// Kind identifies a token or a node of the syntax tree. Token kinds come
// first; node kinds start at NodeRoot.
type Kind uint8

// Token kinds.
const (
	TokInvalid    Kind = iota // a byte sequence that is no token
	TokWhitespace             // spaces, tabs, CR and LF
	TokComment                // # line comment or /* block comment */

	TokIdent    // identifier
	TokInt      // integer literal
	TokFloat    // floating-point literal
	TokPath     // first segment of a path literal: ./a, a/b, /x, ./a/
	TokHPath    // first segment of a home path: ~/a
	TokPathCont // later text of a path that contains interpolations
	TokSPath    // search path <nixpkgs/lib>
	TokURI      // URI literal http://example.org

	TokQuote       // " opening or closing a string
	TokStrText     // literal text of a "string", escapes included
	TokIndOpen     // '' opening an indented string (with a following blank line)
	TokIndClose    // '' closing an indented string
	TokIndText     // literal text of an indented string
	TokIndEscape   // ''$ ''' ''\x, or a lone $ or ' inside an indented string
	TokInterpStart // ${

	// Keywords.
	TokIf
	TokThen
	TokElse
	TokAssert
	TokWith
	TokLet
	TokIn
	TokRec
	TokInherit
	TokOr

	// Operators and punctuation.
	TokEllipsis // ...
	TokEq       // ==
	TokNeq      // !=
	TokLeq      // <=
	TokGeq      // >=
	TokAnd      // &&
	TokOrOr     // ||
	TokImpl     // ->
	TokUpdate   // //
	TokConcat   // ++
	TokPipeFrom // <|
	TokPipeInto // |>
	TokLBrace   // {
	TokRBrace   // }
	TokLBrack   // [
	TokRBrack   // ]
	TokLParen   // (
	TokRParen   // )
	TokSemi     // ;
	TokColon    // :
	TokComma    // ,
	TokDot      // .
	TokAssign   // =
	TokAt       // @
	TokQuestion // ?
	TokPlus     // +
	TokMinus    // -
	TokStar     // *
	TokSlash    // /
	TokLess     // <
	TokGreater  // >
	TokNot      // !

	TokEOF // end of input; zero-width, always the last token

	numTokenKinds
)

// Node kinds.
const (
	NodeRoot        Kind = iota + numTokenKinds // the whole file: trivia, one expression, EOF
	NodeError                                   // tokens the parser could not place
	NodeIdent                                   // a variable reference (also __curPos and a cursed `or`)
	NodeInt                                     // integer literal
	NodeFloat                                   // float literal
	NodeURI                                     // URI literal
	NodeString                                  // "..." with its parts
	NodeIndString                               // ''...'' with its parts
	NodeInterpol                                // ${ expr } inside a string, path or attribute name
	NodePath                                    // path literal, possibly interpolated
	NodeSearchPath                              // <path>
	NodeParen                                   // ( expr )
	NodeList                                    // [ expr... ]
	NodeAttrSet                                 // [rec] { bindings }
	NodeLegacyLet                               // let { bindings } (the body attribute is the value)
	NodeLetIn                                   // let bindings in expr
	NodeBinding                                 // attrpath = expr ;
	NodeInherit                                 // inherit [( expr )] names ;
	NodeInheritFrom                             // the ( expr ) of inherit (expr)
	NodeAttrPath                                // a.b."c".${d}
	NodeAttrName                                // a plain identifier (or `or`) naming an attribute
	NodeLambda                                  // param: body
	NodeParamName                               // the identifier of a lambda or formal
	NodePattern                                 // { formal, ..., ... }
	NodeFormal                                  // name [? default]
	NodeAssert                                  // assert cond; body
	NodeWith                                    // with env; body
	NodeIf                                      // if c then a else b
	NodeApply                                   // f x
	NodeSelect                                  // e.attrpath [or default]
	NodeHasAttr                                 // e ? attrpath
	NodeUnary                                   // !e or -e
	NodeBinary                                  // a op b (including pipes)

	numKinds
)

// IsToken reports whether k is a token kind.
func (k Kind) IsToken() bool { return k < numTokenKinds }

// IsTrivia reports whether k is whitespace or a comment.
func (k Kind) IsTrivia() bool { return k == TokWhitespace || k == TokComment }

// IsKeyword reports whether k is a keyword token.
func (k Kind) IsKeyword() bool { return k >= TokIf && k <= TokOr }

var kindNames = [numKinds]string{
	TokInvalid:     "invalid token",
	TokWhitespace:  "whitespace",
	TokComment:     "comment",
	TokIdent:       "identifier",
	TokInt:         "integer",
	TokFloat:       "floating-point literal",
	TokPath:        "path",
	TokHPath:       "'~/…' path",
	TokPathCont:    "string",
	TokSPath:       "'<…>' path",
	TokURI:         "URI",
	TokQuote:       "'\"'",
	TokStrText:     "string",
	TokIndOpen:     "start of an indented string",
	TokIndClose:    "end of an indented string",
	TokIndText:     "indented string",
	TokIndEscape:   "indented string",
	TokInterpStart: "'${'",
	TokIf:          "'if'",
	TokThen:        "'then'",
	TokElse:        "'else'",
	TokAssert:      "'assert'",
	TokWith:        "'with'",
	TokLet:         "'let'",
	TokIn:          "'in'",
	TokRec:         "'rec'",
	TokInherit:     "'inherit'",
	TokOr:          "'or'",
	TokEllipsis:    "'...'",
	TokEq:          "'=='",
	TokNeq:         "'!='",
	TokLeq:         "'<='",
	TokGeq:         "'>='",
	TokAnd:         "'&&'",
	TokOrOr:        "'||'",
	TokImpl:        "'->'",
	TokUpdate:      "'//'",
	TokConcat:      "'++'",
	TokPipeFrom:    "'<|'",
	TokPipeInto:    "'|>'",
	TokLBrace:      "'{'",
	TokRBrace:      "'}'",
	TokLBrack:      "'['",
	TokRBrack:      "']'",
	TokLParen:      "'('",
	TokRParen:      "')'",
	TokSemi:        "';'",
	TokColon:       "':'",
	TokComma:       "','",
	TokDot:         "'.'",
	TokAssign:      "'='",
	TokAt:          "'@'",
	TokQuestion:    "'?'",
	TokPlus:        "'+'",
	TokMinus:       "'-'",
	TokStar:        "'*'",
	TokSlash:       "'/'",
	TokLess:        "'<'",
	TokGreater:     "'>'",
	TokNot:         "'!'",
	TokEOF:         "end of file",

	NodeRoot:        "Root",
	NodeError:       "Error",
	NodeIdent:       "Ident",
	NodeInt:         "Int",
	NodeFloat:       "Float",
	NodeURI:         "URI",
	NodeString:      "String",
	NodeIndString:   "IndString",
	NodeInterpol:    "Interpol",
	NodePath:        "Path",
	NodeSearchPath:  "SearchPath",
	NodeParen:       "Paren",
	NodeList:        "List",
	NodeAttrSet:     "AttrSet",
	NodeLegacyLet:   "LegacyLet",
	NodeLetIn:       "LetIn",
	NodeBinding:     "Binding",
	NodeInherit:     "Inherit",
	NodeInheritFrom: "InheritFrom",
	NodeAttrPath:    "AttrPath",
	NodeAttrName:    "AttrName",
	NodeLambda:      "Lambda",
	NodeParamName:   "ParamName",
	NodePattern:     "Pattern",
	NodeFormal:      "Formal",
	NodeAssert:      "Assert",
	NodeWith:        "With",
	NodeIf:          "If",
	NodeApply:       "Apply",
	NodeSelect:      "Select",
	NodeHasAttr:     "HasAttr",
	NodeUnary:       "Unary",
	NodeBinary:      "Binary",
}

// String returns the name Nix's parser uses for a token kind in its error
// messages ("'if'", "identifier", "end of file"), or the node kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}
