package lsp

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// attrSite identifies where an attribute is defined: a name node in a
// file.
type attrSite struct {
	a    *Analysis
	node parser.Node
}

func (x attrSite) valid() bool { return x.a != nil && x.node.Valid() }

func (x attrSite) same(y attrSite) bool {
	return x.valid() && y.valid() && x.a.Doc.URI == y.a.Doc.URI && x.node.Start() == y.node.Start()
}

func (x attrSite) location() protocol.Location { return x.a.location(x.node) }

// siteOf returns the definition site of an attribute found by lookup.
func siteOf(in setRef, at *parser.Attr) attrSite {
	return attrSite{in.a, attrNameNode(in.a, at)}
}

// selectSite resolves the i-th name of a selection path (or the name of
// `inherit (e) x`) to the attribute's definition site.
func (f *follower) selectSite(a *Analysis, holder parser.Node, index int) attrSite {
	var sets []setRef
	var names []parser.Node
	switch holder.Kind() {
	case parser.NodeInherit:
		sets = f.sets(sref{a, holder.From()})
		names = nil
	case parser.NodeAttrPath:
		sel := holder.Parent()
		sets = f.sets(sref{a, sel.Subject()})
		names = holder.Attrs()
	default:
		return attrSite{}
	}
	if holder.Kind() == parser.NodeInherit {
		return attrSite{}
	}
	for i := 0; i <= index && i < len(names); i++ {
		name, ok := parser.StaticAttrName(names[i])
		if !ok {
			return attrSite{}
		}
		at, in, ok := f.lookup(sets, name)
		if !ok {
			return attrSite{}
		}
		if i == index {
			return siteOf(in, at)
		}
		sets = f.attrSets(in, at)
	}
	return attrSite{}
}

// inheritFromSite resolves a name of `inherit (e) x;`.
func (f *follower) inheritFromSite(a *Analysis, inherit parser.Node, name string) attrSite {
	at, in, ok := f.lookup(f.sets(sref{a, inherit.From()}), name)
	if !ok {
		return attrSite{}
	}
	return siteOf(in, at)
}

// withSite resolves a variable that comes from `with e;` when e is a
// known set.
func (f *follower) withSite(a *Analysis, ref scope.Ref, name string) attrSite {
	for w := ref.With; w != nil; w = w.Parent {
		if w.Kind != scope.With {
			continue
		}
		if at, in, ok := f.lookup(f.sets(sref{a, w.Node.Env()}), name); ok {
			return siteOf(in, at)
		}
	}
	return attrSite{}
}

// definitionOf returns the locations a target is defined at.
func (s *Server) definitionOf(st *state, a *Analysis, t target) []protocol.Location {
	f := s.follower(st)
	var out []protocol.Location
	switch t.kind {
	case targetVar:
		if t.def != nil {
			if t.def.Kind == scope.DefGlobal {
				return nil
			}
			return []protocol.Location{a.location(t.def.Node)}
		}
		if t.ref.With != nil {
			name := t.node.Name()
			if site := f.withSite(a, t.ref, name); site.valid() {
				out = append(out, site.location())
			}
			out = append(out, a.location(t.ref.With.Node.Env()))
		}
	case targetDef:
		// `inherit (e) x;` in a let: the source is e.x.
		if t.path.Kind() == parser.NodeInherit && t.path.From().Valid() {
			if site := f.inheritFromSite(a, t.path, t.def.Name); site.valid() {
				return []protocol.Location{site.location()}
			}
		}
		out = append(out, a.location(t.node))
	case targetAttrUse:
		var site attrSite
		if t.path.Kind() == parser.NodeInherit {
			name, _ := parser.StaticAttrName(t.node)
			site = f.inheritFromSite(a, t.path, name)
		} else {
			site = f.selectSite(a, t.path, t.index)
		}
		if site.valid() {
			out = append(out, site.location())
		}
	case targetAttrDef:
		out = append(out, a.location(t.node))
	case targetPath, targetSearchPath:
		if p, ok := f.pathOf(a, t.node); ok {
			if _, err := os.Stat(p); err == nil {
				out = append(out, protocol.Location{URI: pathToURI(p)})
			}
		}
	}
	return out
}

func (s *Server) definition(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	locs := s.definitionOf(st, a, findTarget(a, off))
	if locs == nil {
		return []protocol.Location{}, nil
	}
	return locs, nil
}

// localRefs returns the nodes that refer to a lexical definition.
func localRefs(d *scope.Def) []parser.Node { return d.Refs }

// references collects every location of a target's definition and uses,
// across files for attributes.
func (s *Server) referencesOf(ctx context.Context, st *state, a *Analysis, t target, includeDecl bool) ([]protocol.Location, error) {
	var out []protocol.Location
	switch {
	case (t.kind == targetVar || t.kind == targetDef) && t.def != nil && t.def.Kind != scope.DefGlobal:
		if includeDecl {
			out = append(out, a.location(t.def.Node))
		}
		for _, r := range localRefs(t.def) {
			out = append(out, a.location(r))
		}
		return out, nil
	case t.kind == targetVar && t.ref.With != nil:
		site := s.follower(st).withSite(a, t.ref, t.node.Name())
		if !site.valid() {
			return []protocol.Location{a.location(t.node)}, nil
		}
		return s.attrReferences(ctx, st, site, includeDecl)
	case t.kind == targetAttrUse || t.kind == targetAttrDef:
		site := s.attrSiteOf(st, a, t)
		if !site.valid() {
			return []protocol.Location{a.location(t.node)}, nil
		}
		return s.attrReferences(ctx, st, site, includeDecl)
	}
	return nil, nil
}

// attrSiteOf resolves an attribute target to its definition site.
func (s *Server) attrSiteOf(st *state, a *Analysis, t target) attrSite {
	if t.kind == targetAttrDef {
		return attrSite{a, t.node}
	}
	f := s.follower(st)
	if t.path.Kind() == parser.NodeInherit {
		name, _ := parser.StaticAttrName(t.node)
		return f.inheritFromSite(a, t.path, name)
	}
	return f.selectSite(a, t.path, t.index)
}

// candidateFiles returns the analyses that may mention name: the open
// documents, and the indexed workspace files whose identifiers include
// it (or, for names that are not identifiers, whose text contains it).
func (s *Server) candidateFiles(ctx context.Context, st *state, name string) []*Analysis {
	var out []*Analysis
	open := map[string]bool{}
	for _, d := range st.docs {
		if a, err := d.Analyze(); err == nil {
			out = append(out, a)
			if d.Path != "" {
				open[d.Path] = true
			}
		}
	}
	_ = s.ws.wait(ctx)
	for _, f := range s.ws.snapshotFiles() {
		if ctx.Err() != nil {
			break
		}
		if open[f.path] {
			continue
		}
		if _, ok := f.idents[name]; !ok && isIdent(name) {
			continue
		}
		if a := s.loadFile(st, f.path); a != nil {
			if !isIdent(name) && !strings.Contains(a.Doc.Text, name) {
				continue
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Doc.URI < out[j].Doc.URI })
	return out
}

// attrReferences finds the uses of the attribute defined at site in every
// candidate file: selections, `inherit (e)` names and names from `with`.
func (s *Server) attrReferences(ctx context.Context, st *state, site attrSite, includeDecl bool) ([]protocol.Location, error) {
	name, _ := parser.StaticAttrName(site.node)
	var out []protocol.Location
	if includeDecl {
		out = append(out, site.location())
	}
	for _, a := range s.candidateFiles(ctx, st, name) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, n := range s.attrUsesIn(st, a, site, name) {
			out = append(out, a.location(n))
		}
	}
	return out, nil
}

// attrUsesIn returns the nodes of one file that use the attribute
// defined at site.
func (s *Server) attrUsesIn(st *state, a *Analysis, site attrSite, name string) []parser.Node {
	var out []parser.Node
	walk(a.Tree.Root(), func(n parser.Node) bool {
		switch n.Kind() {
		case parser.NodeSelect, parser.NodeHasAttr:
			path := n.AttrPath()
			for i, c := range path.Attrs() {
				if nm, ok := parser.StaticAttrName(c); ok && nm == name {
					if s.follower(st).selectSite(a, path, i).same(site) {
						out = append(out, c)
					}
				}
			}
		case parser.NodeInherit:
			if n.From().Valid() {
				for _, c := range n.Attrs() {
					if nm, ok := parser.StaticAttrName(c); ok && nm == name {
						if s.follower(st).inheritFromSite(a, n, name).same(site) {
							out = append(out, c)
						}
					}
				}
			}
		case parser.NodeIdent:
			if n.Name() == name {
				if ref, ok := a.Scope.RefOf(n); ok && ref.Def == nil && ref.With != nil {
					if s.follower(st).withSite(a, ref, name).same(site) {
						out = append(out, n)
					}
				}
			}
		}
		return true
	})
	return out
}

func (s *Server) references(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct {
		positionParams
		Context struct {
			IncludeDeclaration bool `json:"includeDeclaration"`
		} `json:"context"`
	}
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	locs, err := s.referencesOf(ctx, st, a, findTarget(a, off), p.Context.IncludeDeclaration)
	if err != nil {
		return nil, err
	}
	if locs == nil {
		locs = []protocol.Location{}
	}
	return dedupLocations(locs), nil
}

func dedupLocations(locs []protocol.Location) []protocol.Location {
	seen := map[protocol.Location]bool{}
	out := locs[:0]
	for _, l := range locs {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) documentHighlight(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	t := findTarget(a, off)
	out := []protocol.DocumentHighlight{}
	switch {
	case (t.kind == targetVar || t.kind == targetDef) && t.def != nil && t.def.Kind != scope.DefGlobal:
		out = append(out, protocol.DocumentHighlight{Range: a.nodeRange(t.def.Node), Kind: protocol.DocumentHighlightKindWrite})
		for _, r := range t.def.Refs {
			out = append(out, protocol.DocumentHighlight{Range: a.nodeRange(r), Kind: protocol.DocumentHighlightKindRead})
		}
	case t.kind == targetAttrUse || t.kind == targetAttrDef || t.kind == targetVar && t.ref.With != nil:
		var site attrSite
		if t.kind == targetVar {
			site = s.follower(st).withSite(a, t.ref, t.node.Name())
		} else {
			site = s.attrSiteOf(st, a, t)
		}
		if !site.valid() {
			out = append(out, protocol.DocumentHighlight{Range: a.nodeRange(t.node), Kind: protocol.DocumentHighlightKindText})
			break
		}
		if site.a.Doc.URI == a.Doc.URI {
			out = append(out, protocol.DocumentHighlight{Range: a.nodeRange(site.node), Kind: protocol.DocumentHighlightKindWrite})
		}
		name, _ := parser.StaticAttrName(site.node)
		for _, n := range s.attrUsesIn(st, a, site, name) {
			out = append(out, protocol.DocumentHighlight{Range: a.nodeRange(n), Kind: protocol.DocumentHighlightKindRead})
		}
	}
	return out, nil
}

func (s *Server) prepareRename(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	t := findTarget(a, off)
	if msg := renamable(s, st, a, t); msg != "" {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, msg)
	}
	return map[string]any{"range": a.nodeRange(t.node), "placeholder": nameOf(t.node)}, nil
}

func nameOf(n parser.Node) string {
	if n.Kind() == parser.NodeIdent {
		return n.Name()
	}
	name, _ := parser.StaticAttrName(n)
	return name
}

// renamable explains why a target cannot be renamed ("" when it can).
func renamable(s *Server, st *state, a *Analysis, t target) string {
	switch t.kind {
	case targetNone, targetPath, targetSearchPath:
		return "nothing to rename here"
	case targetVar, targetDef:
		if t.def != nil {
			if t.def.Kind == scope.DefGlobal {
				return "cannot rename a builtin"
			}
			return ""
		}
		if t.ref.With != nil {
			if s.follower(st).withSite(a, t.ref, t.node.Name()).valid() {
				return ""
			}
			return "cannot rename a name that comes from `with` of an unknown set"
		}
		return "cannot rename an undefined name"
	case targetAttrUse:
		if !s.attrSiteOf(st, a, t).valid() {
			return "the attribute's definition is not known statically"
		}
	}
	if _, ok := parser.StaticAttrName(t.node); !ok && t.node.Kind() != parser.NodeIdent {
		return "cannot rename a dynamic attribute"
	}
	return ""
}

func (s *Server) rename(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct {
		positionParams
		NewName string `json:"newName"`
	}
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	if !isIdent(p.NewName) {
		return nil, invalidParams("%q is not a valid Nix identifier", p.NewName)
	}
	t := findTarget(a, off)
	if msg := renamable(s, st, a, t); msg != "" {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, msg)
	}
	edits := map[protocol.DocumentURI][]protocol.TextEdit{}
	add := func(a *Analysis, start, end int, text string) {
		edits[a.Doc.URI] = append(edits[a.Doc.URI], protocol.TextEdit{Range: a.rng(start, end), NewText: text})
	}
	oldName := nameOf(t.node)
	switch {
	case (t.kind == targetVar || t.kind == targetDef) && t.def != nil:
		d := t.def
		renameDefSite(a, d, p.NewName, add)
		for _, r := range d.Refs {
			renameUse(a, r, oldName, p.NewName, add)
		}
	default:
		var site attrSite
		if t.kind == targetVar {
			site = s.follower(st).withSite(a, t.ref, oldName)
		} else {
			site = s.attrSiteOf(st, a, t)
		}
		if !site.valid() {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the attribute's definition is not known statically")
		}
		renameAttrDef(site, p.NewName, add)
		for _, c := range s.candidateFiles(ctx, st, oldName) {
			for _, n := range s.attrUsesIn(st, c, site, oldName) {
				if n.Kind() == parser.NodeIdent {
					// From `with`: the variable must keep working, so it
					// becomes the new name too.
					add(c, n.Start(), n.End(), p.NewName)
					continue
				}
				if n.Parent().Kind() == parser.NodeInherit {
					renameInheritFromName(c, n, oldName, p.NewName, add)
					continue
				}
				add(c, n.Start(), n.End(), p.NewName)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for u := range edits {
		sort.Slice(edits[u], func(i, j int) bool {
			x, y := edits[u][i].Range.Start, edits[u][j].Range.Start
			return x.Line < y.Line || x.Line == y.Line && x.Character < y.Character
		})
	}
	return protocol.WorkspaceEdit{Changes: edits}, nil
}

type editFunc func(a *Analysis, start, end int, text string)

// renameDefSite renames a lexical definition's binding site.
func renameDefSite(a *Analysis, d *scope.Def, newName string, add editFunc) {
	n := d.Node
	parent := n.Parent()
	if parent.Kind() == parser.NodeInherit {
		// `inherit x;` / `inherit (e) x;` in a let or rec set defines x:
		// the new binding takes the same value under the new name.
		value := d.Name
		if from := parent.From(); from.Valid() {
			value = selectText(from) + "." + attrText(d.Name)
		} else {
			// inherit x; in a let reads x from outside; keep doing so.
			value = d.Name
		}
		removeInheritName(a, parent, n, add)
		add(a, parent.End(), parent.End(), " "+newName+" = "+value+";")
		return
	}
	add(a, n.Start(), n.End(), newName)
}

// renameUse renames one use of a variable. In `inherit x;` the name is
// also an attribute name, so the attribute keeps its name: x = new;.
func renameUse(a *Analysis, n parser.Node, oldName, newName string, add editFunc) {
	parent := n.Parent()
	if n.Kind() != parser.NodeIdent && parent.Kind() == parser.NodeInherit {
		removeInheritName(a, parent, n, add)
		add(a, parent.End(), parent.End(), " "+attrText(oldName)+" = "+newName+";")
		return
	}
	add(a, n.Start(), n.End(), newName)
}

// renameAttrDef renames an attribute at its definition.
func renameAttrDef(site attrSite, newName string, add editFunc) {
	n := site.node
	parent := n.Parent()
	if parent.Kind() == parser.NodeInherit {
		old, _ := parser.StaticAttrName(n)
		value := old
		if from := parent.From(); from.Valid() {
			value = selectText(from) + "." + attrText(old)
		}
		removeInheritName(site.a, parent, n, add)
		add(site.a, parent.End(), parent.End(), " "+newName+" = "+value+";")
		return
	}
	add(site.a, n.Start(), n.End(), newName)
}

// renameInheritFromName rewrites `inherit (e) old;` so that the attribute
// keeps its name but reads the renamed one: old = e.new;.
func renameInheritFromName(a *Analysis, n parser.Node, oldName, newName string, add editFunc) {
	parent := n.Parent()
	removeInheritName(a, parent, n, add)
	add(a, parent.End(), parent.End(), " "+attrText(oldName)+" = "+selectText(parent.From())+"."+newName+";")
}

// removeInheritName deletes one name from an inherit clause, or the whole
// clause when it is the only one.
func removeInheritName(a *Analysis, inherit, name parser.Node, add editFunc) {
	if len(inherit.Attrs()) == 1 {
		add(a, inherit.Start(), inherit.End(), "")
		return
	}
	start, end := name.Start(), name.End()
	// Take the whitespace before the name with it.
	for start > 0 && (a.Doc.Text[start-1] == ' ' || a.Doc.Text[start-1] == '\t') {
		start--
	}
	add(a, start, end, "")
}

// selectText renders an expression so that ".name" can follow it.
func selectText(n parser.Node) string {
	switch n.Kind() {
	case parser.NodeIdent, parser.NodeSelect, parser.NodeParen, parser.NodeAttrSet:
		return n.Text()
	}
	return "(" + n.Text() + ")"
}

func attrText(name string) string {
	if isIdent(name) {
		return name
	}
	return quoteNix(name)
}
