package checker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gonix/gonix/parser"
)

// The statix-compatible rules (G1NN = statix WNN). Each reproduces the
// findings, ranges and fixes of statix's lint of the same number.

// isBoolLit reports whether n is the identifier true or false (statix
// compares the text; a shadowed true is still "true").
func isBoolLit(n parser.Node) (string, bool) {
	if n.Kind() != parser.NodeIdent {
		return "", false
	}
	switch name := n.Name(); name {
	case "true", "false":
		return name, true
	}
	return "", false
}

// notExpr returns `!e`, parenthesizing e unless it binds tighter than `!`
// and reads well unparenthesized.
func notExpr(n parser.Node) string {
	switch n.Kind() {
	case parser.NodeApply, parser.NodeParen, parser.NodeIdent, parser.NodeHasAttr:
		return "!" + n.Text()
	}
	return "!(" + n.Text() + ")"
}

// prevWSStart returns where the whitespace directly before n starts, when
// that whitespace belongs to n's parent (statix's and deadnix's "preceding
// whitespace"), else n's start.
func prevWSStart(n parser.Node) int {
	i := n.FirstTokenIndex() - 1
	p := n.Parent()
	if i < 0 || !p.Valid() || p.FirstTokenIndex() > i {
		return n.Start()
	}
	tk := n.Tree().Token(i)
	if tk.Kind() == parser.TokWhitespace {
		return tk.Start()
	}
	return n.Start()
}

func (c *ctx) binary(n parser.Node) {
	op := n.Operator()
	l, r := n.Left(), n.Right()
	if !op.Valid() || !l.Valid() || !r.Valid() {
		return
	}
	switch op.Kind() {
	case parser.TokEq, parser.TokNeq:
		c.boolComparison(n, op.Kind() == parser.TokEq, l, r)
	case parser.TokConcat:
		var keep parser.Node
		switch {
		case isEmptyList(l):
			keep = r
		case isEmptyList(r):
			keep = l
		default:
			return
		}
		c.report(rEmptyListConcat, n.Start(), n.End(), "Unnecessary concatenation with empty list",
			replace("Remove the concatenation", n.Start(), n.End(), keep.Text()),
			Label{n.Start(), n.End(), "Concatenation with the empty list, `[]`, is a no-op"})
	case parser.TokUpdate:
		var keep parser.Node
		switch {
		case isEmptyAttrs(l):
			keep = r
		case isEmptyAttrs(r):
			keep = l
		default:
			return
		}
		c.report(rEmptyAttrsetUpdate, n.Start(), n.End(), "Updating with the empty attribute set `{ }` is a no-op",
			replace("Remove the update", n.Start(), n.End(), keep.Text()))
	}
}

func isEmptyList(n parser.Node) bool {
	return n.Kind() == parser.NodeList && len(n.Elems()) == 0 && !n.FirstChild().Valid()
}

func isEmptyAttrs(n parser.Node) bool {
	if n.Kind() != parser.NodeAttrSet || n.IsRec() || n.FirstChild().Valid() {
		return false
	}
	empty := true
	n.Tokens(func(t parser.Token) bool {
		if t.Kind() == parser.TokComment {
			empty = false
		}
		return empty
	})
	return empty
}

// boolComparison is statix W01.
func (c *ctx) boolComparison(n parser.Node, eq bool, l, r parser.Node) {
	var lit string
	var other parser.Node
	if b, ok := isBoolLit(l); ok {
		lit, other = b, r
	} else if b, ok := isBoolLit(r); ok {
		lit, other = b, l
	} else {
		return
	}
	var repl string
	if (lit == "true") == eq {
		repl = other.Text()
	} else {
		repl = notExpr(other)
	}
	msg := fmt.Sprintf("Comparing `%s` with boolean literal `%s`", other.Text(), lit)
	c.report(rBoolComparison, n.Start(), n.End(), "Unnecessary comparison with boolean",
		replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
		Label{n.Start(), n.End(), msg})
}

// boolSimplification is statix W18: !(a == b).
func (c *ctx) boolSimplification(n parser.Node) {
	if op := n.Operator(); !op.Valid() || op.Kind() != parser.TokNot {
		return
	}
	p := n.Operand()
	if p.Kind() != parser.NodeParen {
		return
	}
	in := p.Inner()
	if in.Kind() != parser.NodeBinary || in.Operator().Kind() != parser.TokEq {
		return
	}
	l, r := in.Left(), in.Right()
	if !l.Valid() || !r.Valid() {
		return
	}
	repl := l.Text() + " != " + r.Text()
	c.report(rBoolSimplification, n.Start(), n.End(), "This boolean expression can be simplified",
		replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
		Label{n.Start(), n.End(), "Try `!=` instead of `!(... == ...)`"})
}

// letIn runs W02 (empty let), W06 (collapsible let) and W08 (parens
// around the body).
func (c *ctx) letIn(n parser.Node) {
	body := n.Body()
	if !body.Valid() {
		return
	}
	if len(n.Entries()) == 0 {
		hasComment := false
		n.Tokens(func(t parser.Token) bool {
			if t.Kind() == parser.TokComment {
				hasComment = true
			}
			return !hasComment
		})
		var fix *Fix
		if !hasComment {
			fix = replace("Remove the empty let", n.Start(), n.End(), body.Text())
		}
		c.report(rEmptyLetIn, n.Start(), n.End(), "Useless let-in expression", fix,
			Label{n.Start(), n.End(), "This let-in expression has no entries"})
	}
	if body.Kind() == parser.NodeLetIn {
		in := n.TokenOf(parser.TokIn)
		let := body.TokenOf(parser.TokLet)
		if in.Valid() && let.Valid() {
			c.report(rCollapsibleLetIn, n.Start(), n.End(), "These let-in expressions are collapsible",
				replace("Merge the let-in expressions", in.Start(), let.End(), ""),
				Label{n.Start(), n.End(), "This `let in` expression contains a nested `let in` expression"},
				Label{body.Start(), body.End(), "This `let in` expression is nested"})
		}
	}
	if body.Kind() == parser.NodeParen {
		if in := body.Inner(); in.Valid() {
			c.report(rUselessParens, body.Start(), body.End(), "These parentheses can be omitted",
				replace("Remove the parentheses", body.Start(), body.End(), in.Text()),
				Label{body.Start(), body.End(), "Useless parentheses around body of `let` expression"})
		}
	}
}

// legacyLet is statix W05: let { body = ...; }.
func (c *ctx) legacyLet(n parser.Node) {
	entries := n.Entries()
	hasBody := false
	for _, e := range entries {
		if e.Kind() != parser.NodeBinding {
			continue
		}
		if as := e.AttrPath().Attrs(); len(as) > 0 && as[0].Kind() == parser.NodeAttrName && as[0].Name() == "body" {
			hasBody = true
		}
	}
	if !hasBody {
		f := c.report(rLegacyLet, n.Start(), n.End(), "Using undocumented `let` syntax without a `body` attribute (evaluating it fails)", nil)
		if f != nil {
			f.Compat = ""
		}
		return
	}
	var b strings.Builder
	b.WriteString("rec {\n")
	for _, kind := range []parser.Kind{parser.NodeInherit, parser.NodeBinding} {
		for _, e := range entries {
			if e.Kind() == kind {
				b.WriteString("  ")
				b.WriteString(e.Text())
				b.WriteString("\n")
			}
		}
	}
	b.WriteString("}.body")
	c.report(rLegacyLet, n.Start(), n.End(), "Using undocumented `let` syntax",
		replace("Rewrite as `rec { ... }.body`", n.Start(), n.End(), b.String()),
		Label{n.Start(), n.End(), "Prefer `rec` over undocumented `let` syntax"})
}

// binding runs W03, W04 and W08 (parens around a value).
func (c *ctx) binding(n parser.Node) {
	value := n.Value()
	if !value.Valid() {
		return
	}
	if value.Kind() == parser.NodeParen {
		if in := value.Inner(); in.Valid() {
			c.report(rUselessParens, value.Start(), value.End(), "These parentheses can be omitted",
				replace("Remove the parentheses", value.Start(), value.End(), in.Text()),
				Label{value.Start(), value.End(), "Useless parentheses around value in binding"})
		}
	}
	first := n.AttrPath().FirstChild()
	if first.Kind() != parser.NodeAttrName || first.Next().Valid() {
		return
	}
	key := first.Name()
	switch value.Kind() {
	case parser.NodeIdent:
		if value.Name() != key {
			return
		}
		repl := "inherit " + key + ";"
		c.report(rManualInherit, n.Start(), n.End(), "Assignment instead of inherit",
			replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
			Label{n.Start(), n.End(), "This assignment is better written with `inherit`"})
	case parser.NodeSelect:
		if value.TokenOf(parser.TokOr).Valid() {
			return // `b = a.b or d` keeps its default only as an assignment
		}
		sel := value.AttrPath().FirstChild()
		subject := value.Subject()
		if sel.Kind() != parser.NodeAttrName || sel.Next().Valid() || sel.Name() != key || !subject.Valid() {
			return
		}
		repl := "inherit (" + subject.Text() + ") " + key + ";"
		c.report(rManualInheritFrom, n.Start(), n.End(), "Assignment instead of inherit from",
			replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
			Label{n.Start(), n.End(), "This assignment is better written with `inherit`"})
	}
}

// parenPrimitive is the third case of statix W08: parentheses around a
// primitive expression anywhere but a binding's value or a let's body.
func (c *ctx) parenPrimitive(n parser.Node) {
	p := n.Parent()
	if k := p.Kind(); p.Valid() && (k == parser.NodeBinding || k == parser.NodeLetIn) {
		return
	}
	in := n.Inner()
	switch in.Kind() {
	case parser.NodeList, parser.NodeParen, parser.NodeString, parser.NodeIndString,
		parser.NodeAttrSet, parser.NodeIdent:
	case parser.NodeSelect:
		if in.TokenOf(parser.TokOr).Valid() {
			return
		}
	default:
		return
	}
	if !in.Valid() {
		return
	}
	c.report(rUselessParens, n.Start(), n.End(), "These parentheses can be omitted",
		replace("Remove the parentheses", n.Start(), n.End(), in.Text()),
		Label{n.Start(), n.End(), "Useless parentheses around primitive expression"})
}

// lambda runs W07 (eta reduction), W10 (empty pattern) and W11
// (redundant pattern bind).
func (c *ctx) lambda(n parser.Node) {
	param := n.Param()
	pat := n.Pattern()
	body := n.Body()
	if !pat.Valid() {
		if param.Valid() && body.Kind() == parser.NodeApply {
			c.etaReduction(n, param.Name(), body)
		}
		return
	}
	if len(pat.Formals()) != 0 {
		return
	}
	if param.Valid() {
		if !pat.HasEllipsis() {
			return
		}
		start, end := n.Start(), pat.End()
		if param.End() > end {
			end = param.End()
		}
		name := param.Name()
		c.report(rRedundantPatternBind, start, end, "Found redundant pattern bind in function argument",
			replace("Replace with `"+name+"`", start, end, name),
			Label{start, end, "This pattern bind is redundant, use `" + name + "` instead"})
		return
	}
	if !body.Valid() || isModule(body) {
		return
	}
	c.report(rEmptyPattern, pat.Start(), pat.End(), "Found empty pattern in function argument",
		replace("Replace with `_`", pat.Start(), pat.End(), "_"),
		Label{pat.Start(), pat.End(), "This pattern is empty, use `_` instead"})
}

// isModule reports whether a function body looks like a NixOS module (an
// attribute set with `imports`), where `{ ... }:` is idiomatic.
func isModule(body parser.Node) bool {
	if body.Kind() != parser.NodeAttrSet {
		return false
	}
	for _, e := range body.Entries() {
		if e.Kind() == parser.NodeBinding && e.AttrPath().Text() == "imports" {
			return true
		}
	}
	return false
}

func (c *ctx) etaReduction(n parser.Node, param string, body parser.Node) {
	arg := body.Arg()
	fn := body.Func()
	if arg.Kind() != parser.NodeIdent || arg.Name() != param || fn.Kind() != parser.NodeIdent || fn.Name() == param {
		return
	}
	c.report(rEtaReduction, n.Start(), n.End(), "This function expression is eta reducible",
		replace("Replace with `"+fn.Text()+"`", n.Start(), n.End(), fn.Text()),
		Label{n.Start(), n.End(), "Found eta-reduction: `" + fn.Text() + "`"})
}

// emptyInherit is statix W14.
func (c *ctx) emptyInherit(n parser.Node) {
	if n.ChildOf(parser.NodeInheritFrom).Valid() || len(n.Attrs()) != 0 || !n.TokenOf(parser.TokSemi).Valid() {
		return
	}
	c.report(rEmptyInherit, n.Start(), n.End(), "Found empty inherit statement",
		replace("Remove the empty inherit", prevWSStart(n), n.End(), ""),
		Label{n.Start(), n.End(), "Remove this empty `inherit` statement"})
}

// apply runs W17 (toPath) and W13 (isNull).
func (c *ctx) apply(n parser.Node) {
	fn := n.Func()
	if !fn.Valid() {
		return
	}
	switch fn.Kind() {
	case parser.NodeIdent, parser.NodeSelect:
	default:
		return
	}
	switch text := fn.Text(); text {
	case "builtins.toPath", "toPath":
		c.report(rDeprecatedToPath, n.Start(), n.End(), "Found usage of deprecated builtin toPath", nil,
			Label{n.Start(), n.End(), "`" + text + "` is deprecated, see `:doc builtins.toPath` within the REPL for more"})
	case "isNull":
		arg := n.Arg()
		if !arg.Valid() {
			return
		}
		repl := "(" + arg.Text() + " == null)"
		c.report(rDeprecatedIsNull, n.Start(), n.End(), "Found usage of isNull",
			replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
			Label{n.Start(), n.End(), "`isNull` is deprecated, check equality with `null` instead"})
	}
}

// ifElse runs W19 (useless has-attr) and G401 (redundant if).
func (c *ctx) ifElse(n parser.Node) {
	cond, then, els := n.Cond(), n.Then(), n.Else()
	if !cond.Valid() || !then.Valid() || !els.Valid() {
		return
	}
	c.redundantIf(n, cond, then, els)
	if cond.Kind() != parser.NodeHasAttr || then.Kind() != parser.NodeSelect {
		return
	}
	set, path := cond.Subject(), cond.AttrPath()
	if !set.Valid() || !path.Valid() {
		return
	}
	sel := set.Text() + "." + path.Text()
	if then.Text() != sel {
		return
	}
	def := els.Text()
	switch els.Kind() {
	case parser.NodeList, parser.NodeParen, parser.NodeString, parser.NodeIndString,
		parser.NodeAttrSet, parser.NodeIdent, parser.NodeSelect:
	default:
		def = "(" + def + ")"
	}
	repl := sel + " or " + def
	c.report(rUselessHasAttr, n.Start(), n.End(), "This `if` expression can be simplified with `or`",
		replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
		Label{n.Start(), n.End(), "Consider using `" + repl + "` instead of this `if` expression"})
}

// hasNestedBinding reports whether a binding of set n has a path of more
// than one attribute (the repeated-keys rule needs one).
func hasNestedBinding(n parser.Node) bool {
	for e := n.FirstChild(); e.Valid(); e = e.Next() {
		if e.Kind() != parser.NodeBinding {
			continue
		}
		if first := e.AttrPath().FirstChild(); first.Valid() && first.Next().Valid() {
			return true
		}
	}
	return false
}

// attrSet runs W20 (repeated keys) and G302 (dynamic names in rec sets).
func (c *ctx) attrSet(n parser.Node) {
	rec := n.IsRec()
	if !rec && !hasNestedBinding(n) {
		return // nothing to report, and no keys to collect
	}
	// The bindings whose path starts with an identifier, in source order.
	keys := c.keyScratch[:0]
	nested := false
	for e := n.FirstChild(); e.Valid(); e = e.Next() {
		if e.Kind() != parser.NodeBinding {
			continue
		}
		path := e.AttrPath()
		first := path.FirstChild()
		if !first.Valid() {
			continue
		}
		if rec {
			if _, ok := parser.StaticAttrName(first); !ok {
				c.report(rRecDynamicAttr, first.Start(), first.End(),
					"Computed attribute name in a `rec` set (deprecated: its names cannot refer to the set's attributes reliably)", nil)
			}
			continue
		}
		if first.Kind() != parser.NodeAttrName {
			continue
		}
		isNested := first.Next().Valid()
		nested = nested || isNested
		keys = append(keys, attrKey{name: first.Name(), path: path, nested: isNested, order: len(keys)})
	}
	c.keyScratch = keys
	// statix reports at the first occurrence of a name, which must have a
	// nested path, when the name starts three or more paths.
	if !nested || len(keys) < 3 {
		return
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	type group struct{ from, to int }
	var groups []group
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].name == keys[i].name {
			j++
		}
		if j-i >= 3 && keys[i].nested {
			groups = append(groups, group{i, j})
		}
		i = j
	}
	// Report in source order.
	sort.Slice(groups, func(a, b int) bool { return keys[groups[a].from].order < keys[groups[b].from].order })
	for _, g := range groups {
		name := keys[g.from].name
		p0, p1, p2 := keys[g.from].path, keys[g.from+1].path, keys[g.from+2].path
		third := "... and here."
		switch omitted := g.to - g.from - 3; omitted {
		case 0:
		case 1:
			third = "... and here (`1` occurrence omitted)."
		default:
			third = fmt.Sprintf("... and here (`%d` occurrences omitted).", omitted)
		}
		third += fmt.Sprintf(" Try `%s = { %s=...; %s=...; %s=...; }` instead.", name, restOfPath(p0), restOfPath(p1), restOfPath(p2))
		c.report(rRepeatedKeys, p0.Start(), p0.End(), "Avoid repeated keys in attribute sets", nil,
			Label{p0.Start(), p0.End(), "The key `" + name + "` is first assigned here ..."},
			Label{p1.Start(), p1.End(), "... repeated here ..."},
			Label{p2.Start(), p2.End(), third})
	}
}

// attrKey is a binding of a set whose path starts with an identifier.
type attrKey struct {
	name   string
	path   parser.Node
	nested bool
	order  int
}

// restOfPath returns the attribute names after the first, joined by dots.
func restOfPath(path parser.Node) string {
	var b strings.Builder
	for a := path.FirstChild().Next(); a.Valid(); a = a.Next() {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(a.Text())
	}
	return b.String()
}

// fasterBuiltin runs the retired W15 and W16: lib.groupBy and
// lib.zipAttrsWith where the builtin would do.
func (c *ctx) fasterBuiltin(n parser.Node) {
	if n.TokenOf(parser.TokOr).Valid() {
		return
	}
	attrs := n.AttrPath().Attrs()
	if len(attrs) == 0 {
		return
	}
	last := attrs[len(attrs)-1]
	if last.Kind() != parser.NodeAttrName {
		return
	}
	var id ruleID
	switch last.Name() {
	case "groupBy":
		id = rFasterGroupBy
	case "zipAttrsWith":
		id = rFasterZipAttrsWith
	default:
		return
	}
	from := c.src[n.Start():last.Start()]
	from = strings.TrimRight(strings.TrimSpace(from), ".")
	if strings.TrimSpace(from) == "builtins" {
		return
	}
	repl := "builtins." + last.Name()
	c.report(id, n.Start(), n.End(), "Found lib."+last.Name(),
		replace("Replace with `"+repl+"`", n.Start(), n.End(), repl),
		Label{n.Start(), n.End(), "Prefer `" + repl + "` over `" + strings.TrimSpace(from) + "." + last.Name() + "`"})
}

// unquotedSplice is the disabled statix W09: ${e} as an attribute name.
func (c *ctx) unquotedSplice(n parser.Node) {
	p := n.Parent()
	if k := p.Kind(); !p.Valid() || (k != parser.NodeAttrPath && k != parser.NodeInherit) {
		return
	}
	c.report(rUnquotedSplice, n.Start(), n.End(), "Found unquoted splice expression",
		replace("Quote the splice", n.Start(), n.End(), `"`+n.Text()+`"`),
		Label{n.Start(), n.End(), "Consider quoting this splice expression"})
}

// rootPattern runs the unreleased statix W21 and W22 on the function a
// file defines.
func (c *ctx) rootPattern() {
	root := parser.Unparen(c.t.Expr())
	if root.Kind() != parser.NodeLambda {
		return
	}
	pat := root.Pattern()
	if !pat.Valid() {
		return
	}
	formals := pat.Formals()
	if len(formals) > 6 && c.t.Position(pat.Start()).Line == c.t.Position(pat.End()).Line {
		c.report(rLongRootPattern, pat.Start(), pat.End(), "Long pattern in the root lambda should be wrapped", nil,
			Label{pat.Start(), pat.End(), "Split the long pattern line into multiple lines"})
	}
	for i, f := range formals {
		if i > 0 && f.Param().Name() == "lib" {
			c.report(rLibFirst, pat.Start(), pat.End(), "Lib should be the first in the pattern", nil,
				Label{pat.Start(), pat.End(), "`lib` should be the first in the list"})
			break
		}
	}
}
