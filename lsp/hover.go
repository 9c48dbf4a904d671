package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

func (s *Server) hover(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p struct{ positionParams }
	a, off, err := s.at(st, params, &p, &p.positionParams)
	if err != nil {
		return nil, err
	}
	t := findTarget(a, off)
	text := s.hoverText(ctx, st, a, t)
	if text == "" {
		return nil, nil
	}
	r := a.nodeRange(t.node)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: text}, Range: &r}, nil
}

// hoverText renders the hover of a target as Markdown.
func (s *Server) hoverText(ctx context.Context, st *state, a *Analysis, t target) string {
	f := s.follower(st)
	switch t.kind {
	case targetVar, targetDef:
		if t.def != nil && t.def.Kind == scope.DefGlobal {
			if b := s.builtins.forGlobal(t.def.Name); b != nil {
				return b.markdown("")
			}
			return "```nix\n" + t.def.Name + "\n```\nbuilt-in"
		}
		if t.def != nil {
			return s.defHover(ctx, st, a, t.def)
		}
		if t.ref.With != nil {
			name := t.node.Name()
			env := t.ref.With.Node.Env()
			var b strings.Builder
			fmt.Fprintf(&b, "```nix\n%s\n```\nfrom `with %s;`", name, oneLine(env.Text(), 40))
			if site := f.withSite(a, t.ref, name); site.valid() {
				b.WriteString("\n\n" + s.attrHover(ctx, st, site))
			}
			return b.String()
		}
		return fmt.Sprintf("```nix\n%s\n```\nundefined variable", t.node.Name())
	case targetAttrUse:
		// builtins.x
		if t.path.Kind() == parser.NodeAttrPath && t.index == 0 {
			if subj := t.path.Parent().Subject(); subj.Kind() == parser.NodeIdent && subj.Name() == "builtins" {
				if ref, ok := a.Scope.RefOf(subj); ok && ref.Def != nil && ref.Def.Kind == scope.DefGlobal {
					if b := s.builtins[nameOf(t.node)]; b != nil {
						return b.markdown("builtins.")
					}
				}
			}
		}
		site := s.attrSiteOf(st, a, t)
		if site.valid() {
			return s.attrHover(ctx, st, site)
		}
		if v := s.optionHover(st, a, t); v != "" {
			return v
		}
		return ""
	case targetAttrDef:
		if v := s.optionHover(st, a, t); v != "" {
			return v
		}
		text := s.attrHover(ctx, st, attrSite{a, t.node})
		if t.path.Kind() == parser.NodeAttrPath && t.path.Parent().Kind() == parser.NodeBinding {
			if names := attrPathNames(t.path); t.index < len(names) {
				if val := s.attrEvalHover(ctx, st, a, t.path.Parent().Parent(), names[:t.index+1]); val != "" {
					text += "\n\n" + val
				}
			}
		}
		return text
	case targetPath, targetSearchPath:
		p, ok := f.pathOf(a, t.node)
		if !ok {
			if t.kind == targetSearchPath {
				return fmt.Sprintf("`%s`: not found in NIX_PATH", t.node.Text())
			}
			return ""
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Sprintf("`%s` (does not exist)", p)
		}
		text := fmt.Sprintf("`%s`", p)
		if fa := s.loadFile(st, p); fa != nil {
			if doc := fileDoc(fa); doc != "" {
				text += "\n\n" + doc
			}
		}
		return text
	}
	return ""
}

// fileDoc is the doc comment at the top of a file.
func fileDoc(a *Analysis) string {
	e := a.Tree.Expr()
	if !e.Valid() {
		return ""
	}
	return commentBefore(a.Tree, e.FirstTokenIndex())
}

// defHover describes a lexical definition.
func (s *Server) defHover(ctx context.Context, st *state, a *Analysis, d *scope.Def) string {
	var b strings.Builder
	kind := "let binding"
	switch d.Kind {
	case scope.DefArg:
		kind = "function argument"
	case scope.DefFormal:
		kind = "formal argument"
	case scope.DefAttr:
		if d.Scope.Kind == scope.Rec {
			kind = "attribute of a rec set"
		}
	}
	b.WriteString("```nix\n")
	switch d.Kind {
	case scope.DefFormal:
		b.WriteString(d.Name)
		if def := d.Formal.Default(); def.Valid() {
			b.WriteString(" ? " + oneLine(def.Text(), 60))
		}
	case scope.DefAttr:
		b.WriteString(d.Name)
		if at := d.Attr(); at != nil && at.Kind == parser.AttrPlain && at.Value.Valid() {
			b.WriteString(" = " + valueSummary(at.Value))
		} else if at != nil && at.Kind != parser.AttrPlain {
			b.WriteString(" (inherited)")
		}
	default:
		b.WriteString(d.Name)
	}
	b.WriteString("\n```\n")
	b.WriteString(kind)
	if doc := docComment(a.Tree, d.Node); doc != "" {
		b.WriteString("\n\n---\n\n" + doc)
	} else if d.Kind == scope.DefAttr {
		// A binding whose value is a function from elsewhere: show that
		// function's doc.
		if v, ok := s.follower(st).defExpr(a, d); ok && v.valid() {
			if doc := valueDoc(v); doc != "" {
				b.WriteString("\n\n---\n\n" + doc)
			}
		}
	}
	if val := s.evalHover(ctx, st, a, d); val != "" {
		b.WriteString("\n\n" + val)
	}
	return b.String()
}

// valueDoc finds the doc comment of the binding an expression is the
// value of.
func valueDoc(v sref) string {
	return docComment(v.a.Tree, v.n)
}

// valueSummary renders a value expression briefly: a function's
// parameters, a set's size, or the text itself when short.
func valueSummary(v parser.Node) string {
	u := parser.Unparen(v)
	switch u.Kind() {
	case parser.NodeLambda:
		return lambdaSignature(u) + " …"
	case parser.NodeAttrSet:
		attrs, _ := parser.MergeBindings(u)
		prefix := ""
		if u.IsRec() {
			prefix = "rec "
		}
		return fmt.Sprintf("%s{ … } (%d attributes)", prefix, len(attrs.Attrs))
	case parser.NodeList:
		return fmt.Sprintf("[ … ] (%d elements)", len(u.Elems()))
	}
	return oneLine(v.Text(), 80)
}

// attrHover describes an attribute at its definition site.
func (s *Server) attrHover(ctx context.Context, st *state, site attrSite) string {
	var b strings.Builder
	name, _ := parser.StaticAttrName(site.node)
	b.WriteString("```nix\n")
	b.WriteString(attrText(name))
	binding := bindingOf(site.node)
	if binding.Kind() == parser.NodeBinding {
		if v := binding.Value(); v.Valid() {
			b.WriteString(" = " + valueSummary(v))
		}
	} else if binding.Kind() == parser.NodeInherit {
		b.WriteString(" (inherited)")
	}
	b.WriteString("\n```\n")
	if site.a.Doc.Path != "" {
		p := site.a.lines.position(site.node.Start())
		fmt.Fprintf(&b, "defined in `%s:%d`", filepath.Base(site.a.Doc.Path), p.Line+1)
	}
	if doc := docComment(site.a.Tree, site.node); doc != "" {
		b.WriteString("\n\n---\n\n" + doc)
	}
	return b.String()
}
