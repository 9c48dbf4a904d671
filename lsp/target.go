package lsp

import (
	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// targetKind says what a position in a file names.
type targetKind uint8

const (
	targetNone       targetKind = iota
	targetVar                   // a variable use (Ident or the name of `inherit x;`)
	targetDef                   // a binding site: let/rec name, argument, formal
	targetAttrUse               // an attribute name in a selection path or `inherit (e) x`
	targetAttrDef               // an attribute name defined in a (non-recursive) set
	targetPath                  // a path literal
	targetSearchPath            // <nixpkgs>
)

// target is what a position names.
type target struct {
	kind targetKind
	// node is the name (or literal) node under the cursor.
	node parser.Node
	// def is the lexical definition, for variables and binding sites.
	def *scope.Def
	// ref is a variable's resolution.
	ref scope.Ref
	// index is the name's position in its attribute path (selection
	// paths: which element; definitions: likewise).
	index int
	// path is the AttrPath (or Inherit) node holding an attribute name.
	path parser.Node
}

// findTarget returns what offset off names. A cursor just after an
// identifier still names it.
func findTarget(a *Analysis, off int) target {
	t := targetAt(a, off)
	if t.kind == targetNone && off > 0 {
		t = targetAt(a, off-1)
	}
	return t
}

func targetAt(a *Analysis, off int) target {
	tk := a.Tree.TokenAt(off)
	if !tk.Valid() || tk.Kind().IsTrivia() || tk.Kind() == parser.TokEOF {
		return target{}
	}
	n := a.Tree.NodeAt(tk.Start())
	switch n.Kind() {
	case parser.NodeIdent:
		ref, ok := a.Scope.RefOf(n)
		if !ok {
			return target{}
		}
		return target{kind: targetVar, node: n, def: ref.Def, ref: ref}
	case parser.NodeParamName:
		if d := paramDef(a, n); d != nil {
			return target{kind: targetDef, node: n, def: d}
		}
	case parser.NodeAttrName, parser.NodeString:
		return attrTarget(a, n)
	case parser.NodePath:
		return target{kind: targetPath, node: n}
	case parser.NodeSearchPath:
		return target{kind: targetSearchPath, node: n}
	}
	// A string inside an attribute path: its text tokens are directly in
	// the String node, handled above; an interpolation is an expression.
	return target{}
}

// paramDef finds the definition a ParamName node introduces.
func paramDef(a *Analysis, n parser.Node) *scope.Def {
	for p := n.Parent(); p.Valid(); p = p.Parent() {
		if p.Kind() == parser.NodeLambda {
			if sc := a.Scope.ScopeOf(p); sc != nil {
				return sc.Lookup(n.Name())
			}
			return nil
		}
	}
	return nil
}

// attrTarget classifies an attribute name (AttrName or String node).
func attrTarget(a *Analysis, n parser.Node) target {
	parent := n.Parent()
	switch parent.Kind() {
	case parser.NodeInherit:
		if parent.From().Valid() {
			t := target{kind: targetAttrUse, node: n, path: parent}
			if d := defNamedBy(a, n); d != nil {
				t.def = d
			}
			return t
		}
		ref, ok := a.Scope.RefOf(n)
		if !ok {
			return target{}
		}
		return target{kind: targetVar, node: n, def: ref.Def, ref: ref, path: parent}
	case parser.NodeAttrPath:
		names := parent.Attrs()
		idx := 0
		for i, c := range names {
			if c.ID() == n.ID() {
				idx = i
			}
		}
		holder := parent.Parent()
		switch holder.Kind() {
		case parser.NodeSelect, parser.NodeHasAttr:
			return target{kind: targetAttrUse, node: n, index: idx, path: parent}
		case parser.NodeBinding:
			if idx == 0 {
				if d := defNamedBy(a, n); d != nil {
					return target{kind: targetDef, node: n, def: d, index: idx, path: parent}
				}
			}
			return target{kind: targetAttrDef, node: n, index: idx, path: parent}
		}
	}
	return target{}
}

// defNamedBy returns the let/rec definition whose name node is n.
func defNamedBy(a *Analysis, n parser.Node) *scope.Def {
	name, ok := parser.StaticAttrName(n)
	if !ok {
		return nil
	}
	sc := a.Scope.ScopeAt(n.Start())
	for ; sc != nil; sc = sc.Parent {
		if sc.Kind != scope.Let && sc.Kind != scope.Rec {
			continue
		}
		if d := sc.Lookup(name); d != nil && d.Node.Valid() && d.Node.ID() == n.ID() {
			return d
		}
	}
	return nil
}
