package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/parser"
)

// foldingRanges folds every construct spanning several lines (sets,
// lists, lets, functions' bodies, strings, parenthesised expressions),
// block comments and runs of line comments.
func foldingRanges(a *Analysis) []protocol.FoldingRange {
	var out []protocol.FoldingRange
	add := func(start, end int, kind protocol.FoldingRangeKind) {
		s, e := a.pos(start), a.pos(end)
		if e.Line > s.Line {
			out = append(out, protocol.FoldingRange{StartLine: s.Line, StartCharacter: s.Character, EndLine: e.Line - 1, Kind: kind})
		}
	}
	walk(a.Tree.Root(), func(n parser.Node) bool {
		switch n.Kind() {
		case parser.NodeAttrSet, parser.NodeList, parser.NodeLegacyLet, parser.NodeParen, parser.NodePattern:
			add(n.Start(), lastTokenStart(n), "")
		case parser.NodeString, parser.NodeIndString:
			add(n.Start(), lastTokenStart(n), "")
		case parser.NodeLetIn:
			if in := n.TokenOf(parser.TokIn); in.Valid() {
				add(n.Start(), in.Start(), "")
			}
		}
		return true
	})
	// Comments.
	t := a.Tree
	runStart, runEnd, runLine := -1, -1, -1
	flush := func() {
		if runStart >= 0 {
			s, e := a.pos(runStart), a.pos(runEnd)
			if e.Line > s.Line {
				out = append(out, protocol.FoldingRange{StartLine: s.Line, StartCharacter: s.Character, EndLine: e.Line, Kind: protocol.CommentFoldingRange})
			}
		}
		runStart, runEnd, runLine = -1, -1, -1
	}
	for i := 0; i < t.NumTokens(); i++ {
		tk := t.Token(i)
		switch tk.Kind() {
		case parser.TokComment:
			if strings.HasPrefix(tk.Text(), "/*") {
				flush()
				s, e := a.pos(tk.Start()), a.pos(tk.End())
				if e.Line > s.Line {
					out = append(out, protocol.FoldingRange{StartLine: s.Line, StartCharacter: s.Character, EndLine: e.Line, Kind: protocol.CommentFoldingRange})
				}
				continue
			}
			line := int(a.pos(tk.Start()).Line)
			if runStart >= 0 && line == runLine+1 {
				runEnd, runLine = tk.End()-1, line
			} else {
				flush()
				runStart, runEnd, runLine = tk.Start(), tk.End()-1, line
			}
		case parser.TokWhitespace:
			if strings.Count(tk.Text(), "\n") > 1 {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// lastTokenStart is where the node's last significant token starts (its
// closing bracket), so that the closing line stays visible.
func lastTokenStart(n parser.Node) int {
	t := n.Tree()
	for i := n.EndTokenIndex() - 1; i >= n.FirstTokenIndex(); i-- {
		if tk := t.Token(i); !tk.Kind().IsTrivia() {
			return tk.Start()
		}
	}
	return n.End()
}

func (s *Server) foldingRange(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.FoldingRangeParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out := foldingRanges(a)
	if out == nil {
		out = []protocol.FoldingRange{}
	}
	return out, nil
}

// selectionRange returns the chain of ever larger syntactic ranges around
// off: the token, then each enclosing node.
func selectionRange(a *Analysis, off int) *protocol.SelectionRange {
	var ranges [][2]int
	addRange := func(s, e int) {
		if n := len(ranges); n > 0 && ranges[n-1] == [2]int{s, e} {
			return
		}
		if n := len(ranges); n > 0 && (s > ranges[n-1][0] || e < ranges[n-1][1]) {
			return // must grow
		}
		ranges = append(ranges, [2]int{s, e})
	}
	tk := a.Tree.TokenAt(off)
	if tk.Valid() && !tk.Kind().IsTrivia() && tk.Kind() != parser.TokEOF {
		addRange(tk.Start(), tk.End())
	}
	n := a.Tree.NodeAt(off)
	for ; n.Valid(); n = n.Parent() {
		s, e := trimmedRange(n)
		if n.Kind() == parser.NodeRoot {
			s, e = 0, len(a.Doc.Text)
		}
		addRange(s, e)
	}
	var sel *protocol.SelectionRange
	for i := len(ranges) - 1; i >= 0; i-- {
		sel = &protocol.SelectionRange{Range: a.rng(ranges[i][0], ranges[i][1]), Parent: sel}
	}
	return sel
}

// trimmedRange is a node's range without leading and trailing trivia.
func trimmedRange(n parser.Node) (int, int) {
	t := n.Tree()
	first, last := n.FirstTokenIndex(), n.EndTokenIndex()-1
	for first <= last && t.Token(first).Kind().IsTrivia() {
		first++
	}
	for last >= first && (t.Token(last).Kind().IsTrivia() || t.Token(last).Kind() == parser.TokEOF) {
		last--
	}
	if first > last {
		return n.Start(), n.End()
	}
	return t.Token(first).Start(), t.Token(last).End()
}

func (s *Server) selectionRanges(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
		Positions    []protocol.Position             `json:"positions"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out := []*protocol.SelectionRange{}
	for _, pos := range p.Positions {
		off, err := a.offset(pos)
		if err != nil {
			return nil, err
		}
		sel := selectionRange(a, off)
		if sel == nil {
			r := protocol.Range{Start: pos, End: pos}
			sel = &protocol.SelectionRange{Range: r}
		}
		out = append(out, sel)
	}
	return out, nil
}
