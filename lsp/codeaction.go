package lsp

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/checker"
	"github.com/gonix/gonix/parser"
)

// sourceFixAll is LSP 3.15's "source.fixAll" kind.
const sourceFixAll protocol.CodeActionKind = "source.fixAll"

type codeActionParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
	Context      struct {
		Diagnostics []protocol.Diagnostic     `json:"diagnostics"`
		Only        []protocol.CodeActionKind `json:"only"`
	} `json:"context"`
}

func wants(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return kind != sourceFixAll
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

func (s *Server) codeAction(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p codeActionParams
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
		return nil, invalidParams("%v", err)
	}
	out := []protocol.CodeAction{}
	edit := func(edits []protocol.TextEdit) *protocol.WorkspaceEdit {
		return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{a.Doc.URI: edits}}
	}
	// Quick fixes: every checker autofix touching the range.
	fs := findings(a, st.cfg)
	if wants(p.Context.Only, protocol.QuickFix) {
		for _, f := range fs {
			if f.Fix == nil || f.End < start || f.Start > end {
				continue
			}
			var diags []protocol.Diagnostic
			for _, d := range p.Context.Diagnostics {
				if code, _ := d.Code.(string); code == f.Code && d.Range == a.rng(f.Start, maxInt(f.End, tokenEndAt(a.Tree, f.Start))) {
					diags = append(diags, d)
				}
			}
			out = append(out, protocol.CodeAction{
				Title: f.Fix.Title + " (" + f.Code + " " + f.Name + ")", Kind: protocol.QuickFix,
				Diagnostics: diags, IsPreferred: len(diags) > 0, Edit: edit(checkerEdits(a, f.Fix.Edits)),
			})
		}
		// The server's own diagnostics with fixes.
		for _, d := range callDiagnostics(a) {
			data, _ := d.Data.(diagData)
			if data.Fix != "add-ellipsis" {
				continue
			}
			ds, _ := a.offset(d.Range.Start)
			de, _ := a.offset(d.Range.End)
			if de < start || ds > end {
				continue
			}
			pat := a.Tree.NodeAt(data.Start)
			for pat.Valid() && pat.Kind() != parser.NodePattern {
				pat = pat.Parent()
			}
			if e, ok := addEllipsis(a, pat); ok {
				out = append(out, protocol.CodeAction{Title: "Add `...` to the function's formals", Kind: protocol.QuickFix,
					Diagnostics: []protocol.Diagnostic{d}, IsPreferred: true, Edit: edit([]protocol.TextEdit{e})})
			}
		}
	}
	if wants(p.Context.Only, protocol.RefactorRewrite) {
		n := a.Tree.NodeAt(start)
		for x := n; x.Valid(); x = x.Parent() {
			if x.Kind() == parser.NodePattern && !x.HasEllipsis() {
				if e, ok := addEllipsis(a, x); ok {
					out = append(out, protocol.CodeAction{Title: "Add `...` to the formals", Kind: protocol.RefactorRewrite, Edit: edit([]protocol.TextEdit{e})})
				}
				break
			}
		}
		for x := n; x.Valid(); x = x.Parent() {
			if x.Kind() == parser.NodeWith {
				if body := x.Body(); body.Valid() && start >= body.Start() {
					break // only from the `with e;` part
				}
				if e, ok := withToInherit(a, x); ok {
					out = append(out, protocol.CodeAction{Title: "Replace `with` by `let inherit (…) …; in`", Kind: protocol.RefactorRewrite, Edit: edit([]protocol.TextEdit{e})})
				}
				break
			}
		}
	}
	if wants(p.Context.Only, sourceFixAll) {
		res, err := checker.FixSource(a.Tree.Name, a.Doc.Text, checkerOptionsNoScope(a, st.cfg))
		if err == nil && res.Src != a.Doc.Text {
			out = append(out, protocol.CodeAction{Title: "Fix all automatically fixable problems", Kind: sourceFixAll,
				Edit: edit(diffEdits(a, res.Src))})
		}
	}
	return out, nil
}

// checkerOptionsNoScope is checkerOptions for texts other than the
// analysed one (the fix loop re-resolves each round).
func checkerOptionsNoScope(a *Analysis, cfg *Config) *checker.Options {
	o := checkerOptions(a, cfg)
	o.Scope = nil
	return o
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func checkerEdits(a *Analysis, edits []checker.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: a.rng(e.Start, e.End), NewText: e.NewText})
	}
	return out
}

// addEllipsis inserts `...` as the last formal of a pattern.
func addEllipsis(a *Analysis, pat parser.Node) (protocol.TextEdit, bool) {
	if !pat.Valid() || pat.HasEllipsis() {
		return protocol.TextEdit{}, false
	}
	closer := pat.TokenOf(parser.TokRBrace)
	if !closer.Valid() {
		return protocol.TextEdit{}, false
	}
	formals := pat.Formals()
	if len(formals) == 0 {
		return protocol.TextEdit{Range: a.rng(closer.Start(), closer.Start()), NewText: "... "}, true
	}
	last := formals[len(formals)-1]
	// After the last formal (and a trailing comma if there is one).
	text := a.Doc.Text
	i := last.End()
	j := i
	for j < closer.Start() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
		j++
	}
	if j < closer.Start() && text[j] == ',' {
		// trailing comma: `{ a, b, }` → `{ a, b, ... }`
		indent := ""
		if k := strings.LastIndexByte(text[:last.Start()], '\n'); k >= 0 && strings.Contains(text[i:closer.Start()], "\n") {
			indent = "\n" + text[k+1:last.Start()]
			return protocol.TextEdit{Range: a.rng(j+1, j+1), NewText: indent + "..."}, true
		}
		return protocol.TextEdit{Range: a.rng(j+1, j+1), NewText: " ..."}, true
	}
	return protocol.TextEdit{Range: a.rng(i, i), NewText: ", ..."}, true
}

// withToInherit rewrites `with e; body` to `let inherit (e) a b; in body`
// for the names of body that come from this with.
func withToInherit(a *Analysis, w parser.Node) (protocol.TextEdit, bool) {
	sc := a.Scope.ScopeOf(w)
	body := w.Body()
	env := w.Env()
	if sc == nil || !body.Valid() || !env.Valid() {
		return protocol.TextEdit{}, false
	}
	names := map[string]bool{}
	walk(body, func(n parser.Node) bool {
		if n.Kind() == parser.NodeIdent {
			if ref, ok := a.Scope.RefOf(n); ok && ref.Def == nil && ref.With == sc {
				names[n.Name()] = true
			}
		}
		return true
	})
	var list []string
	for name := range names {
		list = append(list, attrText(name))
	}
	sort.Strings(list)
	var b strings.Builder
	b.WriteString("let inherit (" + env.Text() + ")")
	for _, n := range list {
		b.WriteString(" " + n)
	}
	b.WriteString("; in ")
	b.WriteString(body.Text())
	if len(list) == 0 {
		b.Reset()
		b.WriteString(body.Text())
	}
	return protocol.TextEdit{Range: a.rng(w.Start(), w.End()), NewText: b.String()}, true
}
