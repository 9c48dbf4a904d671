package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/parser"
)

// documentSymbols returns the outline of a file: attributes (nested sets
// as children, through functions and lets, so that a flake's outputs and
// a module's options appear), let bindings and inherited names.
func documentSymbols(a *Analysis) []protocol.DocumentSymbol {
	flake := filepath.Base(a.Doc.Path) == "flake.nix"
	return symbolsOf(a, a.Tree.Expr(), 0, flake, "")
}

const maxSymbolDepth = 24

func symbolsOf(a *Analysis, n parser.Node, depth int, flake bool, parent string) []protocol.DocumentSymbol {
	if depth > maxSymbolDepth {
		return nil
	}
	for n.Valid() {
		switch n.Kind() {
		case parser.NodeParen:
			n = parser.Unparen(n)
			continue
		case parser.NodeLambda, parser.NodeAssert, parser.NodeWith:
			n = n.Body()
			continue
		case parser.NodeLetIn:
			syms := bindingSymbols(a, n, depth, false, "")
			for i := range syms {
				syms[i].Kind = protocol.SymbolKindVariable
			}
			return append(syms, symbolsOf(a, n.Body(), depth, flake, parent)...)
		case parser.NodeApply:
			// f { ... } — show the set passed to the function (mkDerivation
			// { … }, lib.mkIf c { … }).
			var out []protocol.DocumentSymbol
			for _, x := range []parser.Node{n.Func(), n.Arg()} {
				out = append(out, symbolsOf(a, x, depth, flake, parent)...)
			}
			return out
		case parser.NodeBinary:
			return append(symbolsOf(a, n.Left(), depth, flake, parent), symbolsOf(a, n.Right(), depth, flake, parent)...)
		case parser.NodeAttrSet, parser.NodeLegacyLet:
			return bindingSymbols(a, n, depth, flake && depth == 0, parent)
		}
		return nil
	}
	return nil
}

// bindingSymbols lists the bindings of a set or let.
func bindingSymbols(a *Analysis, n parser.Node, depth int, flakeTop bool, parent string) []protocol.DocumentSymbol {
	var out []protocol.DocumentSymbol
	for _, e := range n.Entries() {
		if e.Kind() == parser.NodeInherit {
			from := ""
			if f := e.From(); f.Valid() {
				from = "inherited from " + oneLine(f.Text(), 40)
			} else {
				from = "inherited"
			}
			for _, name := range e.Attrs() {
				if s, ok := parser.StaticAttrName(name); ok {
					r := a.nodeRange(name)
					out = append(out, protocol.DocumentSymbol{Name: s, Detail: from, Kind: protocol.SymbolKindField, Range: r, SelectionRange: r})
				}
			}
			continue
		}
		path := e.AttrPath()
		if !path.Valid() {
			continue
		}
		name := attrPathString(path)
		if name == "" {
			continue
		}
		value := e.Value()
		sym := protocol.DocumentSymbol{
			Name: name, Kind: symbolKind(value), Range: a.nodeRange(e), SelectionRange: a.nodeRange(path),
			Detail: valueDetail(value),
		}
		full := name
		if parent != "" {
			full = parent + "." + name
		}
		if flakeTop {
			switch name {
			case "outputs":
				sym.Kind, sym.Detail = protocol.SymbolKindModule, "flake outputs"
			case "inputs":
				sym.Kind, sym.Detail = protocol.SymbolKindPackage, "flake inputs"
			case "description":
				sym.Detail = "flake description"
			}
		}
		sym.Children = symbolsOf(a, value, depth+1, false, full)
		out = append(out, sym)
	}
	return out
}

// attrPathString renders an attribute path as a.b."c d".${…}.
func attrPathString(path parser.Node) string {
	var parts []string
	for _, at := range path.Attrs() {
		if s, ok := parser.StaticAttrName(at); ok {
			if isIdent(s) {
				parts = append(parts, s)
			} else {
				parts = append(parts, quoteNix(s))
			}
		} else {
			parts = append(parts, oneLine(at.Text(), 30))
		}
	}
	return strings.Join(parts, ".")
}

func symbolKind(v parser.Node) protocol.SymbolKind {
	v = parser.Unparen(v)
	switch v.Kind() {
	case parser.NodeLambda:
		return protocol.SymbolKindFunction
	case parser.NodeAttrSet, parser.NodeLegacyLet:
		return protocol.SymbolKindNamespace
	case parser.NodeList:
		return protocol.SymbolKindArray
	case parser.NodeString, parser.NodeIndString:
		return protocol.SymbolKindString
	case parser.NodeInt, parser.NodeFloat:
		return protocol.SymbolKindNumber
	case parser.NodePath, parser.NodeSearchPath:
		return protocol.SymbolKindFile
	case parser.NodeIdent:
		switch v.Name() {
		case "true", "false":
			return protocol.SymbolKindBoolean
		case "null":
			return protocol.SymbolKindNull
		}
	case parser.NodeApply:
		return protocol.SymbolKindObject
	}
	return protocol.SymbolKindField
}

func valueDetail(v parser.Node) string {
	v = parser.Unparen(v)
	switch v.Kind() {
	case parser.NodeLambda:
		return "function " + lambdaSignature(v)
	case parser.NodeString, parser.NodeInt, parser.NodeFloat, parser.NodePath, parser.NodeSearchPath, parser.NodeIdent, parser.NodeURI:
		return oneLine(v.Text(), 60)
	}
	return ""
}

// oneLine shortens text to one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func (s *Server) documentSymbol(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentSymbolParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	syms := documentSymbols(a)
	if syms == nil {
		syms = []protocol.DocumentSymbol{}
	}
	return syms, nil
}

// maxWorkspaceSymbols bounds one workspace/symbol answer.
const maxWorkspaceSymbols = 500

func (s *Server) workspaceSymbol(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.WorkspaceSymbolParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if err := s.ws.wait(ctx); err != nil {
		return nil, err
	}
	type hit struct {
		sym   protocol.SymbolInformation
		score int
	}
	var hits []hit
	add := func(path string, uri protocol.DocumentURI, syms []wsSymbol) {
		for _, sy := range syms {
			full := sy.name
			if sy.container != "" {
				full = sy.container + "." + sy.name
			}
			score, ok := fuzzyScore(p.Query, sy.name, full)
			if !ok {
				continue
			}
			hits = append(hits, hit{protocol.SymbolInformation{
				Name: sy.name, Kind: sy.kind, ContainerName: sy.container,
				Location: protocol.Location{URI: uri, Range: sy.rng},
			}, score})
		}
	}
	open := map[string]bool{}
	for _, d := range st.docs {
		a, err := d.Analyze()
		if err != nil {
			continue
		}
		if d.Path != "" {
			open[d.Path] = true
		}
		f := &indexedFile{}
		var flatten func(syms []protocol.DocumentSymbol, container string)
		flatten = func(syms []protocol.DocumentSymbol, container string) {
			for _, sy := range syms {
				f.symbols = append(f.symbols, wsSymbol{name: sy.Name, container: container, kind: sy.Kind, rng: sy.SelectionRange})
				inner := sy.Name
				if container != "" {
					inner = container + "." + sy.Name
				}
				flatten(sy.Children, inner)
			}
		}
		flatten(documentSymbols(a), "")
		add(d.Path, d.URI, f.symbols)
	}
	for i, f := range s.ws.snapshotFiles() {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if open[f.path] {
			continue
		}
		add(f.path, pathToURI(f.path), f.symbols)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].sym.Name < hits[j].sym.Name
	})
	if len(hits) > maxWorkspaceSymbols {
		hits = hits[:maxWorkspaceSymbols]
	}
	out := make([]protocol.SymbolInformation, len(hits))
	for i, h := range hits {
		out[i] = h.sym
	}
	return out, nil
}

// fuzzyScore matches a query against a symbol: the query's characters
// must appear in order (case-insensitively) in the name or its full
// dotted path. Exact and prefix matches of the name score highest.
func fuzzyScore(query, name, full string) (int, bool) {
	if query == "" {
		return 0, true
	}
	q := strings.ToLower(query)
	ln := strings.ToLower(name)
	switch {
	case ln == q:
		return 1000, true
	case strings.HasPrefix(ln, q):
		return 800 - len(name), true
	case strings.Contains(ln, q):
		return 600 - len(name), true
	}
	if subsequence(q, ln) {
		return 400 - len(name), true
	}
	if strings.Contains(q, ".") && subsequence(q, strings.ToLower(full)) {
		return 200 - len(full), true
	}
	return 0, false
}

func subsequence(q, s string) bool {
	i := 0
	for j := 0; j < len(s) && i < len(q); j++ {
		if s[j] == q[i] {
			i++
		}
	}
	return i == len(q)
}
