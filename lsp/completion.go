package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// maxCompletionItems bounds one completion answer.
const maxCompletionItems = 1000

type completer struct {
	ctx   context.Context
	s     *Server
	st    *state
	a     *Analysis
	off   int
	items []protocol.CompletionItem
	seen  map[string]bool
}

func (c *completer) add(item protocol.CompletionItem) {
	if c.seen[item.Label] || len(c.items) >= maxCompletionItems {
		return
	}
	c.seen[item.Label] = true
	if !isIdent(item.Label) && item.InsertText == "" {
		item.InsertText = quoteNix(item.Label)
	}
	c.items = append(c.items, item)
}

func (s *Server) completion(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	c := &completer{ctx: ctx, s: s, st: st, a: a, off: off, seen: map[string]bool{}}
	c.complete()
	if c.items == nil {
		c.items = []protocol.CompletionItem{}
	}
	return &protocol.CompletionList{IsIncomplete: len(c.items) >= maxCompletionItems, Items: c.items}, nil
}

// identChar reports whether b may appear in an identifier.
func identChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '\'' || b == '-'
}

// pathBefore reads the dotted name being typed before off: "a.b.c" gives
// (["a","b"], "c"); "a.b." gives (["a","b"], "").
func pathBefore(text string, off int) (segs []string, partial string, start int) {
	i := off
	for i > 0 && identChar(text[i-1]) {
		i--
	}
	partial = text[i:off]
	start = i
	for i > 0 && text[i-1] == '.' {
		j := i - 1
		k := j
		for k > 0 && identChar(text[k-1]) {
			k--
		}
		if k == j {
			break
		}
		segs = append([]string{text[k:j]}, segs...)
		i = k
		start = k
	}
	return segs, partial, start
}

func (c *completer) complete() {
	text := c.a.Doc.Text
	tk := c.a.Tree.TokenAt(c.off)
	if c.off > 0 {
		if prev := c.a.Tree.TokenAt(c.off - 1); prev.Valid() {
			switch prev.Kind() {
			case parser.TokComment:
				if prev.End() > c.off || strings.HasPrefix(prev.Text(), "#") {
					return // inside a comment
				}
			case parser.TokStrText, parser.TokIndText:
				if prev.End() >= c.off {
					return // inside string text
				}
			}
		}
	}
	_ = tk
	segs, _, start := pathBefore(text, c.off)
	// A name in a binding position: formals of the called function, or
	// option names in a module.
	if set, prefix, ok := bindingContext(c.a, start); ok {
		if len(segs) > 0 {
			prefix = segs
		}
		c.bindingNames(set, prefix)
		if len(c.items) > 0 || len(segs) > 0 {
			return
		}
	}
	if len(segs) > 0 {
		c.attrPath(segs, start)
		return
	}
	if c.flakeOutputsPattern() {
		return
	}
	c.scopeNames()
}

// bindingContext recognises a cursor where an attribute name is being
// written inside a set: it returns the set and the names of the path
// written before the cursor in that binding.
func bindingContext(a *Analysis, off int) (parser.Node, []string, bool) {
	n := a.Tree.NodeAt(off)
	if off > 0 && (n.Kind() == parser.NodeAttrSet || n.Kind() == parser.NodeRoot) {
		if m := a.Tree.NodeAt(off - 1); m.Kind() == parser.NodeAttrName {
			n = m
		}
	}
	var prefix []string
	switch n.Kind() {
	case parser.NodeAttrName:
		path := n.Parent()
		if path.Kind() != parser.NodeAttrPath || path.Parent().Kind() != parser.NodeBinding {
			return parser.Node{}, nil, false
		}
		binding := path.Parent()
		if v := binding.Value(); v.Valid() && off > v.Start() {
			return parser.Node{}, nil, false
		}
		for _, at := range path.Attrs() {
			if at.End() >= off {
				break
			}
			name, ok := parser.StaticAttrName(at)
			if !ok {
				return parser.Node{}, nil, false
			}
			prefix = append(prefix, name)
		}
		return binding.Parent(), prefix, binding.Parent().Kind() == parser.NodeAttrSet || binding.Parent().Kind() == parser.NodeLetIn
	case parser.NodeAttrSet:
		// Between bindings: not inside any binding's value.
		for _, e := range n.Entries() {
			if off > e.Start() && off < e.End() {
				return parser.Node{}, nil, false
			}
		}
		return n, nil, true
	}
	return parser.Node{}, nil, false
}

// bindingNames completes attribute names in a set: the formals of the
// function the set is passed to, and module options.
func (c *completer) bindingNames(set parser.Node, prefix []string) {
	if set.Kind() != parser.NodeAttrSet {
		return
	}
	attrs, _ := parser.MergeBindings(set)
	// f { | } — the formals f takes.
	if len(prefix) == 0 {
		p := set.Parent()
		for p.Kind() == parser.NodeParen {
			p = p.Parent()
		}
		if p.Kind() == parser.NodeApply && parser.Unparen(p.Arg()).ID() == set.ID() {
			if lam := c.s.follower(c.st).lambda(sref{c.a, p.Func()}); lam.valid() {
				if pat := lam.n.Pattern(); pat.Valid() {
					for _, f := range pat.Formals() {
						name := f.Param().Name()
						if at := attrs.Lookup(name); at != nil && at.Pos < c.off && c.off > at.Pos+len(name) {
							continue // already given
						}
						detail := "argument"
						if d := f.Default(); d.Valid() {
							detail = "argument, default " + oneLine(d.Text(), 30)
						} else {
							detail = "required argument"
						}
						c.add(protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindField, Detail: detail, SortText: "0" + name})
					}
				}
			}
		}
	}
	// A module's config: option names under the path so far.
	if isModule(c.a) {
		if path, ok := optionPathAt(c.a, set, prefix); ok {
			idx := c.s.options(c.st)
			for _, name := range idx.names(path) {
				full := joinPath(path, name)
				item := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindModule, Detail: "option set"}
				if info := idx.opts[full]; info != nil {
					item.Kind = protocol.CompletionItemKindProperty
					item.Detail = info.typ
					item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: info.markdown()}
				}
				c.add(item)
			}
		}
	}
}

// attrPath completes the attributes of a dotted path a.b.| .
func (c *completer) attrPath(segs []string, start int) {
	f := c.s.follower(c.st)
	first := segs[0]
	sc := c.a.Scope.ScopeAt(start)
	var sets []setRef
	// builtins.|
	if d := lookupVisible(sc, first); d != nil && d.Kind == scope.DefGlobal {
		if first == "builtins" && len(segs) == 1 {
			for i := range builtinDocs {
				b := &builtinDocs[i]
				c.add(builtinItem(b, "builtins."))
			}
		}
		return
	} else if d != nil {
		at := d.Attr()
		if at != nil && at.Nested != nil {
			sets = []setRef{{c.a, at.Nested}}
		} else if v, ok := f.defExpr(c.a, d); ok {
			sets = f.sets(v)
			if at != nil && at.Kind == parser.AttrPlain && !v.valid() {
				sets = nil
			}
		}
		if d.Kind == scope.DefArg || d.Kind == scope.DefFormal {
			c.argAttrs(d, segs)
		}
	} else {
		// From a `with`: any with whose set has the name.
		for w := sc; w != nil; w = w.Parent {
			if w.Kind != scope.With {
				continue
			}
			if at, in, ok := f.lookup(f.sets(sref{c.a, w.Node.Env()}), first); ok {
				sets = f.attrSets(in, at)
				break
			}
		}
	}
	for _, name := range segs[1:] {
		at, in, ok := f.lookup(sets, name)
		if !ok {
			sets = nil
			break
		}
		sets = f.attrSets(in, at)
	}
	for _, s := range sets {
		for _, at := range s.attrs.Attrs {
			c.add(attrItem(f, s, at))
		}
	}
	if len(c.items) == 0 {
		// Not known statically: evaluate.
		c.evalAttrNames(segs, start)
	}
	// config.a.b.| in a module: option names.
	if (first == "config" || first == "options") && isModule(c.a) {
		idx := c.s.options(c.st)
		path := strings.Join(segs[1:], ".")
		for _, name := range idx.names(path) {
			item := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindModule, Detail: "option set"}
			if info := idx.opts[joinPath(path, name)]; info != nil {
				item.Kind, item.Detail = protocol.CompletionItemKindProperty, info.typ
				item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: info.markdown()}
			}
			c.add(item)
		}
	}
}

// argAttrs completes the attributes of a function argument whose value is
// known by convention: a flake's `inputs` (the flake's input names).
func (c *completer) argAttrs(d *scope.Def, segs []string) {
	if len(segs) != 1 || filepath.Base(c.a.Doc.Path) != "flake.nix" {
		return
	}
	if d.Name == "inputs" {
		for _, name := range flakeInputNames(c.a, c.st.cfg) {
			c.add(protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindModule, Detail: "flake input"})
		}
		c.add(protocol.CompletionItem{Label: "self", Kind: protocol.CompletionItemKindModule, Detail: "this flake"})
	}
}

// flakeInputNames lists the inputs a flake.nix declares (and the ones
// configured in flakeInputs).
func flakeInputNames(a *Analysis, cfg *Config) []string {
	names := map[string]bool{}
	if root := parser.Unparen(a.Tree.Expr()); root.Kind() == parser.NodeAttrSet {
		attrs, _ := parser.MergeBindings(root)
		if at := attrs.Lookup("inputs"); at != nil && at.Nested != nil {
			for _, in := range at.Nested.Attrs {
				names[in.Name] = true
			}
		}
	}
	for name := range cfg.FlakeInputs {
		names[name] = true
	}
	return sortedKeys(names)
}

// flakeOutputsPattern completes input names in `outputs = { self, | }:`.
func (c *completer) flakeOutputsPattern() bool {
	if filepath.Base(c.a.Doc.Path) != "flake.nix" {
		return false
	}
	n := c.a.Tree.NodeAt(c.off)
	if n.Kind() != parser.NodePattern && n.Kind() != parser.NodeFormal && n.Kind() != parser.NodeParamName {
		if c.off > 0 {
			n = c.a.Tree.NodeAt(c.off - 1)
		}
	}
	for n.Valid() && n.Kind() != parser.NodePattern {
		if n.Kind() != parser.NodeFormal && n.Kind() != parser.NodeParamName {
			return false
		}
		n = n.Parent()
	}
	if !n.Valid() {
		return false
	}
	given := map[string]bool{}
	for _, f := range n.Formals() {
		if f.End() < c.off {
			given[f.Param().Name()] = true
		}
	}
	for _, name := range append([]string{"self"}, flakeInputNames(c.a, c.st.cfg)...) {
		if !given[name] {
			c.add(protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindModule, Detail: "flake input"})
		}
	}
	return true
}

func lookupVisible(sc *scope.Scope, name string) *scope.Def {
	for s := sc; s != nil; s = s.Parent {
		if s.Kind == scope.With {
			continue
		}
		if d := s.Lookup(name); d != nil {
			return d
		}
	}
	return nil
}

func attrItem(f *follower, s setRef, at *parser.Attr) protocol.CompletionItem {
	item := protocol.CompletionItem{Label: at.Name, Kind: protocol.CompletionItemKindField}
	if at.Nested != nil {
		item.Kind = protocol.CompletionItemKindModule
		item.Detail = "{ … }"
	} else if at.Kind == parser.AttrPlain && at.Value.Valid() {
		if parser.Unparen(at.Value).Kind() == parser.NodeLambda {
			item.Kind = protocol.CompletionItemKindFunction
		}
		item.Detail = valueSummary(at.Value)
	}
	if node := attrNameNode(s.a, at); node.Valid() {
		if doc := docComment(s.a.Tree, node); doc != "" {
			item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: doc}
		}
	}
	return item
}

func builtinItem(b *builtinDoc, prefix string) protocol.CompletionItem {
	kind := protocol.CompletionItemKindFunction
	if b.Params == "" {
		kind = protocol.CompletionItemKindConstant
	}
	return protocol.CompletionItem{
		Label: b.Name, Kind: kind, Detail: b.Type,
		Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: b.markdown(prefix)},
	}
}

// scopeNames completes an expression: names in scope (innermost first),
// names of known `with` sets, builtins and keywords.
func (c *completer) scopeNames() {
	f := c.s.follower(c.st)
	sc := c.a.Scope.ScopeAt(c.off)
	defs, withs := sc.Visible()
	var globals []*scope.Def
	for _, d := range defs {
		if d.Kind == scope.DefGlobal {
			globals = append(globals, d)
			continue
		}
		item := protocol.CompletionItem{Label: d.Name, Kind: protocol.CompletionItemKindVariable, SortText: "0" + d.Name}
		switch d.Kind {
		case scope.DefArg, scope.DefFormal:
			item.Detail = "argument"
		case scope.DefAttr:
			if at := d.Attr(); at != nil && at.Kind == parser.AttrPlain && at.Value.Valid() {
				item.Detail = valueSummary(at.Value)
				if parser.Unparen(at.Value).Kind() == parser.NodeLambda {
					item.Kind = protocol.CompletionItemKindFunction
				}
			}
		}
		c.add(item)
	}
	for _, w := range withs {
		for _, s := range f.sets(sref{c.a, w.Node.Env()}) {
			for _, at := range s.attrs.Attrs {
				item := attrItem(f, s, at)
				item.SortText = "1" + at.Name
				item.Detail = strings.TrimSpace("from with " + oneLine(w.Node.Env().Text(), 20) + "; " + item.Detail)
				c.add(item)
			}
		}
	}
	sort.SliceStable(globals, func(i, j int) bool { return globals[i].Name < globals[j].Name })
	for _, d := range globals {
		if strings.HasPrefix(d.Name, "__") {
			continue // reachable, but builtins.x is the way to write it
		}
		item := protocol.CompletionItem{Label: d.Name, Kind: protocol.CompletionItemKindFunction, SortText: "2" + d.Name}
		if b := c.s.builtins.forGlobal(d.Name); b != nil {
			item = builtinItem(b, "")
			item.SortText = "2" + d.Name
		}
		if d.Name == "builtins" {
			item.Kind = protocol.CompletionItemKindModule
		}
		c.add(item)
	}
	for _, kw := range []string{"let", "in", "with", "inherit", "rec", "if", "then", "else", "assert"} {
		c.add(protocol.CompletionItem{Label: kw, Kind: protocol.CompletionItemKindKeyword, SortText: "3" + kw})
	}
}
