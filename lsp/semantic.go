package lsp

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// Semantic token types and modifiers, in legend order.
const (
	semKeyword = iota
	semVariable
	semParameter
	semProperty
	semFunction
	semString
	semNumber
	semComment
	semOperator
	semNamespace
	semEnumMember
	semPath
	semRegexp
	numSemTypes
)

const (
	modDeclaration = 1 << iota
	modDefinition
	modReadonly
	modDefaultLibrary
	modDeprecated
	modDocumentation
)

func semanticLegend() map[string]any {
	return map[string]any{
		"tokenTypes": []string{"keyword", "variable", "parameter", "property", "function", "string", "number",
			"comment", "operator", "namespace", "enumMember", "path", "regexp"},
		"tokenModifiers": []string{"declaration", "definition", "readonly", "defaultLibrary", "deprecated", "documentation"},
	}
}

// semanticCache keeps the last semantic tokens sent per document, for
// delta requests.
type semanticCache struct {
	mu   sync.Mutex
	last map[protocol.DocumentURI]semanticResult
	seq  uint64
}

type semanticResult struct {
	id   string
	data []uint32
}

func newSemanticCache() *semanticCache {
	return &semanticCache{last: map[protocol.DocumentURI]semanticResult{}}
}

func (c *semanticCache) forget(u protocol.DocumentURI) {
	c.mu.Lock()
	delete(c.last, u)
	c.mu.Unlock()
}

func (c *semanticCache) store(u protocol.DocumentURI, data []uint32) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	id := strconv.FormatUint(c.seq, 10)
	c.last[u] = semanticResult{id: id, data: data}
	return id
}

func (c *semanticCache) get(u protocol.DocumentURI) semanticResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last[u]
}

// semToken is one classified range.
type semToken struct {
	start, end int
	typ, mods  int
}

// semanticTokens classifies every token of a document.
func semanticTokens(a *Analysis, builtins builtinIndex) []uint32 {
	var toks []semToken
	t := a.Tree
	nodeOf := func(i int) parser.Node { return t.NodeAt(t.Token(i).Start()) }
	for i := 0; i < t.NumTokens(); i++ {
		tk := t.Token(i)
		k := tk.Kind()
		st := semToken{start: tk.Start(), end: tk.End(), typ: -1}
		switch {
		case k == parser.TokComment:
			st.typ = semComment
			if strings.HasPrefix(tk.Text(), "/**") && tk.Text() != "/**/" {
				st.mods = modDocumentation
			}
		case k.IsKeyword():
			st.typ = semKeyword
			if k == parser.TokOr && nodeOf(i).Kind() == parser.NodeIdent {
				st.typ = semVariable
			}
		case k == parser.TokInt || k == parser.TokFloat:
			st.typ = semNumber
		case k == parser.TokQuote || k == parser.TokStrText || k == parser.TokIndOpen || k == parser.TokIndClose || k == parser.TokIndText || k == parser.TokURI:
			st.typ = semString
		case k == parser.TokIndEscape:
			st.typ = semRegexp
		case k == parser.TokPath || k == parser.TokHPath || k == parser.TokPathCont || k == parser.TokSPath:
			st.typ = semPath
		case k == parser.TokIdent:
			st.typ, st.mods = classifyIdent(a, nodeOf(i), builtins)
		case k >= parser.TokEllipsis && k <= parser.TokNot && isOperatorToken(k):
			st.typ = semOperator
		}
		if st.typ >= 0 && st.end > st.start {
			toks = append(toks, st)
		}
	}
	return encodeSemantic(a, toks)
}

func isOperatorToken(k parser.Kind) bool {
	switch k {
	case parser.TokEq, parser.TokNeq, parser.TokLeq, parser.TokGeq, parser.TokAnd, parser.TokOrOr, parser.TokImpl,
		parser.TokUpdate, parser.TokConcat, parser.TokPipeFrom, parser.TokPipeInto, parser.TokPlus, parser.TokMinus,
		parser.TokStar, parser.TokSlash, parser.TokLess, parser.TokGreater, parser.TokNot, parser.TokQuestion:
		return true
	}
	return false
}

// classifyIdent gives an identifier its type: builtins, variables by
// what they are bound to, attribute names, parameters.
func classifyIdent(a *Analysis, n parser.Node, builtins builtinIndex) (int, int) {
	switch n.Kind() {
	case parser.NodeIdent:
		ref, ok := a.Scope.RefOf(n)
		if !ok {
			return semVariable, 0
		}
		if d := ref.Def; d != nil {
			switch d.Kind {
			case scope.DefGlobal:
				switch d.Name {
				case "true", "false", "null":
					return semEnumMember, modReadonly | modDefaultLibrary
				case "builtins":
					return semNamespace, modDefaultLibrary
				}
				if b := builtins.forGlobal(d.Name); b != nil && b.Params == "" {
					return semVariable, modReadonly | modDefaultLibrary
				}
				return semFunction, modDefaultLibrary
			case scope.DefArg, scope.DefFormal:
				return semParameter, 0
			case scope.DefAttr:
				if at := d.Attr(); at != nil && at.Kind == parser.AttrPlain && parser.Unparen(at.Value).Kind() == parser.NodeLambda {
					return semFunction, 0
				}
				return semVariable, 0
			}
		}
		return semVariable, 0
	case parser.NodeParamName:
		return semParameter, modDeclaration
	case parser.NodeAttrName:
		p := n.Parent()
		switch p.Kind() {
		case parser.NodeInherit:
			return semProperty, modDeclaration
		case parser.NodeAttrPath:
			if h := p.Parent(); h.Kind() == parser.NodeBinding {
				if h.Parent().Kind() == parser.NodeLetIn || h.Parent().Kind() == parser.NodeLegacyLet {
					if len(p.Attrs()) == 1 && parser.Unparen(h.Value()).Kind() == parser.NodeLambda {
						return semFunction, modDeclaration
					}
					return semVariable, modDeclaration
				}
				return semProperty, modDefinition
			}
			return semProperty, 0
		}
		return semProperty, 0
	}
	return semVariable, 0
}

// encodeSemantic encodes tokens relative to each other, splitting
// multi-line tokens at line ends, lengths in UTF-16 units.
func encodeSemantic(a *Analysis, toks []semToken) []uint32 {
	data := make([]uint32, 0, len(toks)*5)
	var prevLine, prevChar uint32
	emit := func(start, end, typ, mods int) {
		p := a.pos(start)
		length := utf16Len(a.Doc.Text[start:end])
		if length == 0 {
			return
		}
		dl := p.Line - prevLine
		dc := p.Character
		if dl == 0 {
			dc = p.Character - prevChar
		}
		data = append(data, dl, dc, uint32(length), uint32(typ), uint32(mods))
		prevLine, prevChar = p.Line, p.Character
	}
	text := a.Doc.Text
	for _, t := range toks {
		s := t.start
		for s < t.end {
			e := strings.IndexAny(text[s:t.end], "\r\n")
			if e < 0 {
				emit(s, t.end, t.typ, t.mods)
				break
			}
			emit(s, s+e, t.typ, t.mods)
			s += e
			for s < t.end && (text[s] == '\r' || text[s] == '\n') {
				s++
			}
		}
	}
	return data
}

func (s *Server) semanticTokensFull(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.SemanticTokensParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	data := semanticTokens(a, s.builtins)
	id := s.semCache.store(a.Doc.URI, data)
	return &protocol.SemanticTokens{ResultID: id, Data: data}, nil
}

func (s *Server) semanticTokensDelta(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.SemanticTokensDeltaParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	prev := s.semCache.get(a.Doc.URI)
	data := semanticTokens(a, s.builtins)
	id := s.semCache.store(a.Doc.URI, data)
	if prev.id == "" || prev.id != p.PreviousResultID {
		return &protocol.SemanticTokens{ResultID: id, Data: data}, nil
	}
	// One edit covering what changed between the common prefix and
	// suffix (whole tokens of five numbers).
	old := prev.data
	pre := 0
	for pre+5 <= len(old) && pre+5 <= len(data) && equalU32(old[pre:pre+5], data[pre:pre+5]) {
		pre += 5
	}
	suf := 0
	for suf+5 <= len(old)-pre && suf+5 <= len(data)-pre && equalU32(old[len(old)-suf-5:len(old)-suf], data[len(data)-suf-5:len(data)-suf]) {
		suf += 5
	}
	edits := []protocol.SemanticTokensEdit{}
	if pre != len(old) || pre != len(data) {
		edits = append(edits, protocol.SemanticTokensEdit{
			Start: uint32(pre), DeleteCount: uint32(len(old) - pre - suf), Data: append([]uint32{}, data[pre:len(data)-suf]...),
		})
	}
	return &protocol.SemanticTokensDelta{ResultID: id, Edits: edits}, nil
}

func equalU32(a, b []uint32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
