package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// signatureInfo is SignatureInformation with parameter labels given as
// [start, end) offsets into the label, which protocol's type cannot hold.
type signatureInfo struct {
	Label         string                  `json:"label"`
	Documentation *protocol.MarkupContent `json:"documentation,omitempty"`
	Parameters    []paramInfo             `json:"parameters"`
}

type paramInfo struct {
	Label [2]int `json:"label"`
}

type signatureHelp struct {
	Signatures      []signatureInfo `json:"signatures"`
	ActiveSignature int             `json:"activeSignature"`
	ActiveParameter int             `json:"activeParameter"`
}

func (s *Server) signatureHelp(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	head, nargs := callAt(a, off)
	if !head.Valid() {
		return nil, nil
	}
	sig, ok := s.signatureOf(st, a, head)
	if !ok || len(sig.Parameters) == 0 {
		return nil, nil
	}
	active := nargs
	if active >= len(sig.Parameters) {
		active = len(sig.Parameters) - 1
	}
	return &signatureHelp{Signatures: []signatureInfo{sig}, ActiveParameter: active}, nil
}

// callAt finds the function called around off and how many arguments
// come before off: `f a | b` is f with 1.
func callAt(a *Analysis, off int) (parser.Node, int) {
	n := a.Tree.NodeAt(off)
	if off > 0 && (n.Kind() == parser.NodeRoot || n.Kind() == parser.NodeError) {
		n = a.Tree.NodeAt(off - 1)
	}
	for ; n.Valid(); n = n.Parent() {
		if n.Kind() != parser.NodeApply {
			continue
		}
		// Take the whole application chain f a b c.
		top := n
		for top.Parent().Kind() == parser.NodeApply && top.Parent().Func().ID() == top.ID() {
			top = top.Parent()
		}
		var args []parser.Node
		head := top
		for head.Kind() == parser.NodeApply {
			args = append([]parser.Node{head.Arg()}, args...)
			head = head.Func()
		}
		if off <= head.End() {
			continue // on the function itself: an outer call, if any
		}
		count := 0
		for _, arg := range args {
			if arg.End() < off {
				count++
			}
		}
		return head, count
	}
	// `f |` before any argument is parsed: the expression just before.
	i := off
	for i > 0 && (a.Doc.Text[i-1] == ' ' || a.Doc.Text[i-1] == '\t') {
		i--
	}
	if i < off && i > 0 {
		m := a.Tree.NodeAt(i - 1)
		for m.Parent().Kind() == parser.NodeSelect || m.Parent().Kind() == parser.NodeAttrPath {
			m = m.Parent()
		}
		if m.Kind() == parser.NodeAttrPath {
			m = m.Parent()
		}
		if m.Kind() == parser.NodeIdent || m.Kind() == parser.NodeSelect {
			return m, 0
		}
	}
	return parser.Node{}, 0
}

// signatureOf describes the function an expression denotes: a builtin or
// a function literal found statically.
func (s *Server) signatureOf(st *state, a *Analysis, head parser.Node) (signatureInfo, bool) {
	name := ""
	switch head.Kind() {
	case parser.NodeIdent:
		name = head.Name()
		if ref, ok := a.Scope.RefOf(head); ok && ref.Def != nil && ref.Def.Kind == scope.DefGlobal {
			if b := s.builtins.forGlobal(name); b != nil {
				return builtinSignature(b, ""), true
			}
		}
	case parser.NodeSelect:
		if subj := head.Subject(); subj.Kind() == parser.NodeIdent && subj.Name() == "builtins" {
			if as := head.AttrPath().Attrs(); len(as) == 1 {
				if b := s.builtins[as[0].Name()]; b != nil {
					return builtinSignature(b, "builtins."), true
				}
			}
		}
		if as := head.AttrPath().Attrs(); len(as) > 0 {
			name = as[len(as)-1].Name()
		}
	}
	lam := s.follower(st).lambda(sref{a, head})
	if !lam.valid() {
		return signatureInfo{}, false
	}
	var sig signatureInfo
	var b strings.Builder
	if name != "" {
		b.WriteString(name + " :: ")
	}
	n := lam.n
	for i := 0; i < 16 && n.Kind() == parser.NodeLambda; i++ {
		if i > 0 {
			b.WriteString(" ")
		}
		start := b.Len()
		b.WriteString(paramText(n))
		sig.Parameters = append(sig.Parameters, paramInfo{Label: [2]int{utf16Len(b.String()[:start]), utf16Len(b.String()) - 1}})
		n = parser.Unparen(n.Body())
	}
	b.WriteString(" …")
	sig.Label = b.String()
	if doc := docComment(lam.a.Tree, lam.n); doc != "" {
		sig.Documentation = &protocol.MarkupContent{Kind: protocol.Markdown, Value: doc}
	}
	return sig, true
}

func builtinSignature(b *builtinDoc, prefix string) signatureInfo {
	label := b.signature(prefix)
	sig := signatureInfo{Label: label, Documentation: &protocol.MarkupContent{Kind: protocol.Markdown, Value: b.Doc}}
	pos := len(prefix) + len(b.Name) + 1
	for _, p := range strings.Fields(b.Params) {
		sig.Parameters = append(sig.Parameters, paramInfo{Label: [2]int{utf16Len(label[:pos]), utf16Len(label[:pos+len(p)])}})
		pos += len(p) + 1
	}
	return sig
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
