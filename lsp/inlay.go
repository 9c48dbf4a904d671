package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/parser"
)

// inlayHint is LSP 3.17's InlayHint.
type inlayHint struct {
	Position     protocol.Position `json:"position"`
	Label        string            `json:"label"`
	Kind         int               `json:"kind,omitempty"` // 1 type, 2 parameter
	PaddingLeft  bool              `json:"paddingLeft,omitempty"`
	PaddingRight bool              `json:"paddingRight,omitempty"`
	Tooltip      string            `json:"tooltip,omitempty"`
}

const inlayParameter = 2

// maxWithHint bounds the `with` environment text shown before a name.
const maxWithHint = 24

// inlayHints shows, in [start, end): the parameter names of curried
// functions at their call sites (`add a: 1 b: 2`), and where names from
// `with` come from (`pkgs.` before zlib in `with pkgs; [ zlib ]`).
func (s *Server) inlayHintsIn(st *state, a *Analysis, start, end int) []inlayHint {
	out := []inlayHint{}
	f := s.follower(st)
	walk(a.Tree.Root(), func(n parser.Node) bool {
		if n.End() < start || n.Start() > end {
			return false
		}
		switch n.Kind() {
		case parser.NodeApply:
			if n.Parent().Kind() == parser.NodeApply && n.Parent().Func().ID() == n.ID() {
				return true // not the outermost application
			}
			var args []parser.Node
			head := n
			for head.Kind() == parser.NodeApply {
				args = append([]parser.Node{head.Arg()}, args...)
				head = head.Func()
			}
			f.steps = 0
			lam := f.lambda(sref{a, head})
			if !lam.valid() {
				return true
			}
			l := lam.n
			for _, arg := range args {
				if l.Kind() != parser.NodeLambda || l.Pattern().Valid() {
					break
				}
				name := l.Param().Name()
				if u := parser.Unparen(arg); !(u.Kind() == parser.NodeIdent && u.Name() == name) && arg.Start() >= start && arg.Start() <= end {
					out = append(out, inlayHint{Position: a.pos(arg.Start()), Label: name + ":", Kind: inlayParameter, PaddingRight: true})
				}
				l = parser.Unparen(l.Body())
			}
		case parser.NodeIdent:
			if ref, ok := a.Scope.RefOf(n); ok && ref.Def == nil && ref.With != nil && n.Start() >= start {
				env := ref.With.Node.Env()
				text := oneLine(env.Text(), 1000)
				if len(text) <= maxWithHint && env.Kind() != parser.NodeError {
					out = append(out, inlayHint{Position: a.pos(n.Start()), Label: text + ".", Tooltip: "from `with " + text + ";`"})
				}
			}
		}
		return true
	})
	return out
}

func (s *Server) inlayHint(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
		Range        protocol.Range                  `json:"range"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	start, err := a.offset(p.Range.Start)
	if err != nil {
		return nil, err
	}
	end, err := clampedOffset(a.lines, p.Range.End)
	if err != nil {
		end = len(a.Doc.Text)
	}
	return s.inlayHintsIn(st, a, start, end), nil
}
