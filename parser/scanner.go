package parser

// lexState is a start condition of Nix's lexer.
type lexState uint8

const (
	stInitial     lexState = iota // bottom of the stack; a '}' here is not popped
	stDefault                     // inside { } or ${ }
	stString                      // inside "..."
	stIndString                   // inside ''...''
	stInPath                      // after a path segment that did not end in '/'
	stInPathSlash                 // after a path segment that ended in '/'
)

// scanner turns source text into the token arrays of a Tree. It models
// Nix's flex lexer rule for rule: longest match wins, ties go to the rule
// listed first in lexer.l, and the state stack follows braces, strings and
// interpolated paths.
type scanner struct {
	src    string
	pos    int
	stack  []lexState
	kinds  []Kind
	starts []uint32
	errs   []Error

	// The last run of path characters found, so that a long run split
	// into many tokens ("-----") is not rescanned for every token.
	runStart, runEnd       int
	schemeStart, schemeEnd int
}

// pathRunEnd returns the end of the run of path characters starting at i.
func (s *scanner) pathRunEnd(i int) int {
	if i >= s.runStart && i < s.runEnd {
		return s.runEnd
	}
	j := i
	for j < len(s.src) && isPathChar(s.src[j]) {
		j++
	}
	if j > i {
		s.runStart, s.runEnd = i, j
	}
	return j
}

func isPathChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '+'
}

func isIDStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIDChar(c byte) bool {
	return isIDStart(c) || c >= '0' && c <= '9' || c == '\'' || c == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isURIChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	switch c {
	case '%', '/', '?', ':', '@', '&', '=', '+', '$', ',', '-', '_', '.', '!', '~', '*', '\'':
		return true
	}
	return false
}

// scan tokenizes the whole input.
func (s *scanner) scan() {
	s.stack = append(s.stack[:0], stInitial)
	for s.pos < len(s.src) {
		switch s.top() {
		case stString:
			s.scanString()
		case stIndString:
			s.scanIndString()
		case stInPath, stInPathSlash:
			s.scanInPath()
		default:
			s.scanDefault()
		}
	}
	if st := s.top(); st == stInPathSlash {
		s.errorAt(len(s.src), len(s.src), "path has a trailing slash")
	}
	s.emit(TokEOF, len(s.src))
}

func (s *scanner) top() lexState { return s.stack[len(s.stack)-1] }

func (s *scanner) push(st lexState) { s.stack = append(s.stack, st) }

func (s *scanner) pop() {
	if len(s.stack) > 1 {
		s.stack = s.stack[:len(s.stack)-1]
	}
}

// emit records a token of kind k starting at s.pos and ending at end.
func (s *scanner) emit(k Kind, end int) {
	if len(s.kinds) == cap(s.kinds) {
		// Grow by doubling (append grows large slices by only 1.25x,
		// which copies a big file's token arrays several times).
		n := 2*cap(s.kinds) + 16
		kinds := make([]Kind, len(s.kinds), n)
		copy(kinds, s.kinds)
		starts := make([]uint32, len(s.starts), n+1)
		copy(starts, s.starts)
		s.kinds, s.starts = kinds, starts
	}
	s.kinds = append(s.kinds, k)
	s.starts = append(s.starts, uint32(s.pos))
	s.pos = end
}

func (s *scanner) errorAt(start, end int, msg string) {
	s.errs = append(s.errs, Error{Start: start, End: end, Detect: start, Msg: msg})
}

func (s *scanner) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

func (s *scanner) hasPrefix(i int, p string) bool {
	return len(s.src)-i >= len(p) && s.src[i:i+len(p)] == p
}

// Lengths of the pattern matches at position i (0 = no match).

// matchPath matches {PATH_CHAR}*(\/{PATH_CHAR}+)+\/? .
func (s *scanner) matchPath(i int) int {
	j := s.pathRunEnd(i)
	segs := 0
	for j+1 < len(s.src) && s.src[j] == '/' && isPathChar(s.src[j+1]) {
		j += 2
		for j < len(s.src) && isPathChar(s.src[j]) {
			j++
		}
		segs++
	}
	if segs == 0 {
		return 0
	}
	if j < len(s.src) && s.src[j] == '/' {
		j++
	}
	return j - i
}

// matchPathSeg matches {PATH_CHAR}*\/ .
func (s *scanner) matchPathSeg(i int) int {
	j := s.pathRunEnd(i)
	if j < len(s.src) && s.src[j] == '/' {
		return j + 1 - i
	}
	return 0
}

// matchHPath matches \~(\/{PATH_CHAR}+)+\/? .
func (s *scanner) matchHPath(i int) int {
	if s.at(i) != '~' {
		return 0
	}
	n := s.matchPath(i + 1)
	// matchPath allows leading path characters; HPATH requires '/' right after '~'.
	if n == 0 || s.src[i+1] != '/' {
		return 0
	}
	return n + 1
}

// matchSPath matches \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\> .
func (s *scanner) matchSPath(i int) int {
	if s.at(i) != '<' {
		return 0
	}
	j := i + 1
	if !isPathChar(s.at(j)) {
		return 0
	}
	for j < len(s.src) && isPathChar(s.src[j]) {
		j++
	}
	for j+1 < len(s.src) && s.src[j] == '/' && isPathChar(s.src[j+1]) {
		j += 2
		for j < len(s.src) && isPathChar(s.src[j]) {
			j++
		}
	}
	if s.at(j) != '>' {
		return 0
	}
	return j + 1 - i
}

// matchURI matches [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[URI chars]+ .
func (s *scanner) matchURI(i int) int {
	c := s.at(i)
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return 0
	}
	j := i + 1
	for j < len(s.src) {
		c := s.src[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
			j++
			continue
		}
		break
	}
	if s.at(j) != ':' {
		return 0
	}
	j++
	k := j
	for k < len(s.src) && isURIChar(s.src[k]) {
		k++
	}
	if k == j {
		return 0
	}
	return k - i
}

// matchID matches [a-zA-Z\_][a-zA-Z0-9\_\'\-]* .
func (s *scanner) matchID(i int) int {
	if !isIDStart(s.at(i)) {
		return 0
	}
	j := i + 1
	for j < len(s.src) && isIDChar(s.src[j]) {
		j++
	}
	return j - i
}

// matchInt matches [0-9]+ .
func (s *scanner) matchInt(i int) int {
	j := i
	for j < len(s.src) && isDigit(s.src[j]) {
		j++
	}
	return j - i
}

// matchFloat matches (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)? .
func (s *scanner) matchFloat(i int) int {
	best := 0
	// Alternative 1: [1-9][0-9]*\.[0-9]*
	if c := s.at(i); c >= '1' && c <= '9' {
		j := i + 1
		for isDigit(s.at(j)) && j < len(s.src) {
			j++
		}
		if s.at(j) == '.' {
			j++
			for j < len(s.src) && isDigit(s.src[j]) {
				j++
			}
			best = j - i
		}
	}
	// Alternative 2: 0?\.[0-9]+
	j := i
	if s.at(j) == '0' {
		j++
	}
	if s.at(j) == '.' && j+1 < len(s.src) && isDigit(s.src[j+1]) {
		j += 2
		for j < len(s.src) && isDigit(s.src[j]) {
			j++
		}
		if j-i > best {
			best = j - i
		}
	}
	if best == 0 {
		return 0
	}
	// Optional exponent.
	j = i + best
	if c := s.at(j); c == 'e' || c == 'E' {
		k := j + 1
		if c := s.at(k); c == '+' || c == '-' {
			k++
		}
		if k < len(s.src) && isDigit(s.src[k]) {
			for k < len(s.src) && isDigit(s.src[k]) {
				k++
			}
			best = k - i
		}
	}
	return best
}

// matchPathStart matches {PATH_SEG}\$\{ or {HPATH_START}\$\{ and returns the
// length of the whole match and of the segment before "${".
func (s *scanner) matchPathStart(i int) (whole, seg int) {
	if s.hasPrefix(i, "~/${") {
		return 4, 2
	}
	n := s.matchPathSeg(i)
	if n > 0 && s.hasPrefix(i+n, "${") {
		return n + 2, n
	}
	return 0, 0
}

// pathOrScheme holds the characters that may follow an identifier's
// characters in a path or a URI scheme: '/' and ':' end such a run, '.'
// and '+' continue it (identifiers have the others).
var pathOrScheme = [256]bool{'/': true, ':': true, '.': true, '+': true}

func keywordKind(s string) (Kind, bool) {
	switch s {
	case "if":
		return TokIf, true
	case "then":
		return TokThen, true
	case "else":
		return TokElse, true
	case "assert":
		return TokAssert, true
	case "with":
		return TokWith, true
	case "let":
		return TokLet, true
	case "in":
		return TokIn, true
	case "rec":
		return TokRec, true
	case "inherit":
		return TokInherit, true
	case "or":
		return TokOr, true
	}
	return 0, false
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// hasSchemeColon reports whether a URI scheme ([a-zA-Z][a-zA-Z0-9+-.]*)
// followed by ':' starts at i. Like pathRunEnd it remembers the last run.
func (s *scanner) hasSchemeColon(i int) bool {
	if !(i >= s.schemeStart && i < s.schemeEnd) {
		j := i
		for j < len(s.src) && isSchemeChar(s.src[j]) {
			j++
		}
		s.schemeStart, s.schemeEnd = i, j
	}
	return s.schemeEnd < len(s.src) && s.src[s.schemeEnd] == ':'
}

var singleChar = [256]Kind{
	'{': TokLBrace, '}': TokRBrace, '[': TokLBrack, ']': TokRBrack,
	'(': TokLParen, ')': TokRParen, ';': TokSemi, ':': TokColon,
	',': TokComma, '.': TokDot, '=': TokAssign, '@': TokAt,
	'?': TokQuestion, '+': TokPlus, '-': TokMinus, '*': TokStar,
	'/': TokSlash, '<': TokLess, '>': TokGreater, '!': TokNot,
}

// scanDefault reads one token in the INITIAL or DEFAULT state.
func (s *scanner) scanDefault() {
	i := s.pos
	c := s.src[i]

	// Trivia first: none of the other rules can match a longer prefix.
	switch c {
	case ' ', '\t', '\r', '\n':
		j := i + 1
		for j < len(s.src) {
			if c := s.src[j]; c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				j++
				continue
			}
			break
		}
		s.emit(TokWhitespace, j)
		return
	case '#':
		j := i + 1
		for j < len(s.src) && s.src[j] != '\n' && s.src[j] != '\r' {
			j++
		}
		s.emit(TokComment, j)
		return
	case '/':
		if s.at(i+1) == '*' {
			end := indexFrom(s.src, i+2, "*/")
			if end < 0 {
				s.errorAt(i, len(s.src), "unterminated comment")
				s.emit(TokComment, len(s.src))
				return
			}
			s.emit(TokComment, end+2)
			return
		}
	}

	// Candidates in lexer.l order; the longest wins, the first on ties.
	// Only the rules that can match at this first character are tried.
	kind, n := TokInvalid, 0
	consider := func(k Kind, m int) {
		if m > n {
			kind, n = k, m
		}
	}
	tryPaths := false // whether PATH, PATH_SEG${ can match here
	switch {
	case isIDStart(c):
		m := s.matchID(i)
		if e := i + m; e == len(s.src) || !pathOrScheme[s.src[e]] {
			// Nothing after the name can make it a path (which needs a
			// '/' after a run of path characters) or a URI (a ':' after
			// a scheme): the usual case, decided without rescanning.
			kind := TokIdent
			if k, ok := keywordKind(s.src[i:e]); ok {
				kind = k
			}
			s.emit(kind, e)
			return
		}
		if k, ok := keywordKind(s.src[i : i+m]); ok {
			consider(k, m)
		}
		consider(TokIdent, m)
		// A path needs a '/' after a run of path characters; a URI a ':'
		// after a scheme.
		j := s.pathRunEnd(i)
		if j < len(s.src) && s.src[j] == '/' {
			tryPaths = true
		}
		if c != '_' && s.hasSchemeColon(i) {
			consider(TokURI, s.matchURI(i))
		}
	case isDigit(c):
		consider(TokInt, s.matchInt(i))
		consider(TokFloat, s.matchFloat(i))
		tryPaths = true
	default:
		switch c {
		case '.':
			if s.hasPrefix(i, "...") {
				consider(TokEllipsis, 3)
			}
			consider(TokFloat, s.matchFloat(i))
			tryPaths = true
		case '/':
			if s.at(i+1) == '/' {
				consider(TokUpdate, 2)
			}
			tryPaths = true
		case '+':
			if s.at(i+1) == '+' {
				consider(TokConcat, 2)
			}
			tryPaths = true
		case '-':
			if s.at(i+1) == '>' {
				consider(TokImpl, 2)
			}
			tryPaths = true
		case '=':
			if s.at(i+1) == '=' {
				consider(TokEq, 2)
			}
		case '!':
			if s.at(i+1) == '=' {
				consider(TokNeq, 2)
			}
		case '<':
			switch s.at(i + 1) {
			case '=':
				consider(TokLeq, 2)
			case '|':
				consider(TokPipeFrom, 2)
			}
			consider(TokSPath, s.matchSPath(i))
		case '>':
			if s.at(i+1) == '=' {
				consider(TokGeq, 2)
			}
		case '&':
			if s.at(i+1) == '&' {
				consider(TokAnd, 2)
			}
		case '|':
			switch s.at(i + 1) {
			case '|':
				consider(TokOrOr, 2)
			case '>':
				consider(TokPipeInto, 2)
			}
		case '$':
			if s.at(i+1) == '{' {
				consider(TokInterpStart, 2)
			}
		case '}':
			consider(TokRBrace, 1)
		case '{':
			consider(TokLBrace, 1)
		case '"':
			consider(TokQuote, 1)
		case '\'':
			if s.at(i+1) == '\'' {
				j := i + 2
				for j < len(s.src) && s.src[j] == ' ' {
					j++
				}
				if s.at(j) == '\n' {
					consider(TokIndOpen, j+1-i)
				} else {
					consider(TokIndOpen, 2)
				}
			}
		case '~':
			if m := s.matchHPath(i); m > n {
				kind, n = TokHPath, m
			}
			if s.hasPrefix(i, "~/${") && 4 > n {
				s.emit(TokHPath, i+2)
				s.push(stInPathSlash)
				return
			}
		}
	}
	pathStart := false
	psSeg := 0
	if tryPaths {
		var psWhole int
		psWhole, psSeg = s.matchPathStart(i)
		if psWhole > n {
			n, pathStart = psWhole, true
		}
		if m := s.matchPath(i); m > n {
			kind, n, pathStart = TokPath, m, false
		}
	}

	if pathStart {
		// Re-scan the segment before "${" as the start of a path.
		if s.src[i] == '~' {
			s.emit(TokHPath, i+psSeg)
		} else {
			s.emit(TokPath, i+psSeg)
		}
		s.push(stInPathSlash)
		return
	}
	if n == 0 {
		if k := singleChar[c]; k != 0 {
			kind, n = k, 1
		} else {
			kind, n = TokInvalid, invalidLen(s.src, i)
		}
	}
	switch kind {
	case TokInterpStart, TokLBrace:
		s.push(stDefault)
	case TokRBrace:
		if s.top() != stInitial {
			s.pop()
		}
	case TokQuote:
		s.push(stString)
	case TokIndOpen:
		s.push(stIndString)
	case TokPath, TokHPath:
		if s.src[i+n-1] == '/' {
			s.push(stInPathSlash)
		} else {
			s.push(stInPath)
		}
	}
	s.emit(kind, i+n)
}

// invalidLen is the length of an invalid token at i: one UTF-8 sequence when
// well formed, else one byte.
func invalidLen(src string, i int) int {
	c := src[i]
	n := 1
	switch {
	case c >= 0xF0 && c < 0xF8:
		n = 4
	case c >= 0xE0:
		n = 3
	case c >= 0xC0:
		n = 2
	}
	if n == 1 || i+n > len(src) {
		return 1
	}
	for k := 1; k < n; k++ {
		if src[i+k]&0xC0 != 0x80 {
			return 1
		}
	}
	return n
}

func indexFrom(s string, from int, sub string) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i] == sub[0] && s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// scanString reads one token inside "...".
func (s *scanner) scanString() {
	i := s.pos
	switch {
	case s.hasPrefix(i, "${"):
		s.push(stDefault)
		s.emit(TokInterpStart, i+2)
		return
	case s.src[i] == '"':
		s.pop()
		s.emit(TokQuote, i+1)
		return
	}
	j := i
	for j < len(s.src) {
		c := s.src[j]
		if c == '"' {
			break
		}
		if c == '\\' {
			if j+1 >= len(s.src) {
				break // a lone '\' at EOF: left for the EOF error
			}
			j += 2
			continue
		}
		if c == '$' {
			if j+1 >= len(s.src) {
				break // a lone '$' at EOF
			}
			switch s.src[j+1] {
			case '{':
				goto done
			case '"':
				j++ // "$" right before the closing quote
				goto done
			case '\\':
				if j+2 >= len(s.src) {
					goto done
				}
				j += 3
				continue
			}
			j += 2
			continue
		}
		j++
	}
done:
	if j == i {
		// Only "$", "\" or "$\" before EOF remain: Nix returns EOF here and
		// the parser reports the unterminated string.
		s.emit(TokStrText, len(s.src))
		return
	}
	s.emit(TokStrText, j)
}

// scanIndString reads one token inside ”...”.
func (s *scanner) scanIndString() {
	i := s.pos
	// The run rule: ([^\$\']|\$[^\{\']|\'[^\'\$])+
	j := i
	for j < len(s.src) {
		c := s.src[j]
		if c != '$' && c != '\'' {
			j++
			continue
		}
		if j+1 >= len(s.src) {
			break
		}
		d := s.src[j+1]
		if c == '$' && d != '{' && d != '\'' {
			j += 2
			continue
		}
		if c == '\'' && d != '\'' && d != '$' {
			j += 2
			continue
		}
		break
	}
	run := j - i
	kind, n := TokIndText, run
	consider := func(k Kind, m int) {
		if m > n {
			kind, n = k, m
		}
	}
	if s.hasPrefix(i, "''$") {
		consider(TokIndEscape, 3)
	}
	if s.src[i] == '$' {
		consider(TokIndEscape, 1)
	}
	if s.hasPrefix(i, "'''") {
		consider(TokIndEscape, 3)
	}
	if s.hasPrefix(i, "''\\") && i+3 < len(s.src) {
		consider(TokIndEscape, 4)
	}
	if s.hasPrefix(i, "${") {
		consider(TokInterpStart, 2)
	}
	if s.hasPrefix(i, "''") {
		consider(TokIndClose, 2)
	}
	if s.src[i] == '\'' {
		consider(TokIndEscape, 1)
	}
	if n == 0 {
		// "''\" at EOF: nothing matches; the rest is unterminated.
		s.emit(TokIndText, len(s.src))
		return
	}
	switch kind {
	case TokInterpStart:
		s.push(stDefault)
	case TokIndClose:
		s.pop()
	}
	s.emit(kind, i+n)
}

// scanInPath reads one token after a path segment, or ends the path.
func (s *scanner) scanInPath() {
	i := s.pos
	if s.hasPrefix(i, "${") {
		s.pop()
		s.push(stInPath)
		s.push(stDefault)
		s.emit(TokInterpStart, i+2)
		return
	}
	n := s.matchPath(i)
	if m := s.matchPathSeg(i); m > n {
		n = m
	}
	if n == 0 {
		for j := i; j < len(s.src) && isPathChar(s.src[j]); j++ {
			n++
		}
	}
	if n > 0 {
		s.pop()
		if s.src[i+n-1] == '/' {
			s.push(stInPathSlash)
		} else {
			s.push(stInPath)
		}
		s.emit(TokPathCont, i+n)
		return
	}
	if s.top() == stInPathSlash {
		s.errorAt(i, i, "path has a trailing slash")
	}
	// PATH_END: the path is over; rescan this character normally.
	s.pop()
}
