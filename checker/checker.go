package checker

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// DeadnixOptions are deadnix's analysis settings, with its meanings.
type DeadnixOptions struct {
	// NoLambdaArg skips plain function arguments `x: ...`.
	NoLambdaArg bool `toml:"no_lambda_arg" json:"no_lambda_arg"`
	// NoLambdaPatternNames skips the names of `{ a, b }:` patterns (keeps
	// nixpkgs' callPackage working).
	NoLambdaPatternNames bool `toml:"no_lambda_pattern_names" json:"no_lambda_pattern_names"`
	// NoUnderscore skips every binding whose name starts with `_`.
	NoUnderscore bool `toml:"no_underscore" json:"no_underscore"`
	// WarnUsedUnderscore reports bindings named `_x` that are used.
	WarnUsedUnderscore bool `toml:"warn_used_underscore" json:"warn_used_underscore"`
}

// Options configures a check. The zero value runs the default rules.
type Options struct {
	// Rules are the enabled rules; nil means DefaultRules().
	Rules *RuleSet
	// Deadnix configures the unused-code analysis.
	Deadnix DeadnixOptions
	// Severity overrides rule severities, keyed by rule code.
	Severity map[string]Severity
	// Scope is the tree's name resolution when the caller already has it
	// (the language server does); nil means resolve here with
	// ScopeOptions.
	Scope        *scope.Result
	ScopeOptions scope.Options
	// IgnoreSuppressions reports findings even where a comment
	// suppresses them.
	IgnoreSuppressions bool
	// Format, when set, formats fixed files (see FixSource).
	Format func(src string) (string, error)
}

// defaultGlobals is the set of names of Nix's base scope, computed once
// (read-only).
var defaultGlobals = func() map[string]bool {
	m := make(map[string]bool)
	for _, n := range scope.DefaultGlobals() {
		m[n] = true
	}
	return m
}()

// ctx is the state of one check.
type ctx struct {
	t     *parser.Tree
	src   string
	res   *scope.Result
	rules *RuleSet
	opts  *Options
	sup   *suppressions
	out   []Finding

	// extraRefs are references the resolver skipped (parts of bindings
	// it rejected as duplicates), resolved here.
	extraRefs map[*scope.Def][]parser.Node
	// usedWith marks with scopes that provide some name.
	usedWith map[*scope.Scope]bool
	// dnScopes are the let and lambda nodes, for the unused-code
	// analysis, in pre-order.
	dnScopes []parser.Node
	// letEmptiedCache remembers, per let, where its body starts when the
	// unused-code fixes remove all its bindings (else -1).
	letEmptiedCache map[int]int
	// pragmaBreaks serves deadnix's skip comments (see pragmaSkip).
	pragmaBreaks []int32
	// keyScratch is reused by attrSet.
	keyScratch []attrKey
	// globals, when set, are the base scope's names, which the resolver
	// was not given (see run).
	globals map[string]bool
}

// lookup returns what a variable (an Ident node or an inherited name)
// refers to: a lexical binding, the builtin of its name (global), an
// enclosing with, or nothing (undefined). ok is false for nodes the
// resolver did not see.
func (c *ctx) lookup(n parser.Node) (ref scope.Ref, global, ok bool) {
	ref, ok = c.res.RefOf(n)
	if !ok {
		return ref, false, false
	}
	if ref.Def != nil {
		return ref, ref.Def.Kind == scope.DefGlobal, true
	}
	if c.globals != nil && c.globals[n.Name()] {
		return scope.Ref{}, true, true
	}
	return ref, false, true
}

// Check lints a parsed tree and returns the findings of the enabled rules
// that no comment suppresses, ordered by position. It never panics: an
// internal failure becomes a finding with code G000.
func Check(t *parser.Tree, opts *Options) (findings []Finding) {
	if opts == nil {
		opts = &Options{}
	}
	c := &ctx{t: t, src: t.Src, opts: opts}
	defer func() {
		if r := recover(); r != nil {
			findings = append(c.out, Finding{
				Code: "G000", Name: "internal-error", Severity: SeverityError,
				Message: fmt.Sprintf("gonix check failed on this file (please report): %v\n%s", r, firstLines(string(debug.Stack()), 12)),
			})
		}
	}()
	c.run()
	return c.out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func (c *ctx) run() {
	if c.opts.Rules != nil {
		c.rules = c.opts.Rules
	} else {
		def := DefaultRules()
		c.rules = &def
	}
	c.res = c.opts.Scope
	if c.res == nil {
		so := c.opts.ScopeOptions
		if so.Globals == nil {
			// Building the base scope costs the resolver about as much as
			// resolving a small file; resolve without it and treat a name
			// of the base scope that has no lexical binding as the builtin
			// (lexical bindings, the base scope included, beat with).
			so.Globals = []string{}
			c.globals = defaultGlobals
		}
		c.res = scope.Resolve(c.t, so)
	}
	if !c.opts.IgnoreSuppressions {
		c.sup = parseSuppressions(c.t)
	}
	c.parseErrors()
	c.walk(c.t.Root())
	c.scopeLints()
	c.deadnix()
	sortFindings(c.out)
}

// enabled reports whether rule id runs.
func (c *ctx) enabled(id ruleID) bool { return c.rules.has(id) }

// suppressed reports whether a comment suppresses rule id at offset off.
func (c *ctx) suppressed(id ruleID, off int) bool {
	return c.sup != nil && c.sup.covers(c.t, &allRules[id], off)
}

// report adds a finding of rule id unless the rule is off or suppressed.
func (c *ctx) report(id ruleID, start, end int, msg string, fix *Fix, labels ...Label) *Finding {
	if !c.enabled(id) || c.suppressed(id, start) {
		return nil
	}
	r := &allRules[id]
	sev := r.Severity
	if s, ok := c.opts.Severity[r.Code]; ok {
		sev = s
	}
	if fix != nil && len(fix.Edits) == 0 {
		fix = nil
	}
	c.out = append(c.out, Finding{
		Code: r.Code, Name: r.Name, Compat: r.Compat, Severity: sev, Message: msg,
		Start: start, End: end, Labels: labels, Fix: fix, Tags: r.Tags,
	})
	return &c.out[len(c.out)-1]
}

// replace is a fix replacing [start, end) with text.
func replace(title string, start, end int, text string) *Fix {
	return &Fix{Title: title, Edits: []Edit{{Start: start, End: end, NewText: text}}}
}

// parseErrors turns the parser's syntax and static errors into findings.
func (c *ctx) parseErrors() {
	for _, e := range c.t.Errors {
		id := rSyntax
		switch {
		case strings.Contains(e.Msg, "already defined at"):
			id = rDuplicateAttr
		case strings.HasPrefix(e.Msg, "duplicate formal function argument"):
			id = rDuplicateFormal
		case strings.HasPrefix(e.Msg, "dynamic attributes not allowed"):
			id = rDynamicAttr
		}
		end := e.End
		if end < e.Start {
			end = e.Start
		}
		if id == rDuplicateAttr || id == rDuplicateFormal {
			// The parser marks only the offset; cover the name there.
			end = c.nameEnd(e.Start)
		}
		c.report(id, e.Start, end, e.Msg, nil)
	}
}

// nameEnd returns the end of the token starting at off, if it is an
// identifier, else off.
func (c *ctx) nameEnd(off int) int {
	tk := c.t.TokenAt(off)
	if tk.Valid() && tk.Start() == off && (tk.Kind() == parser.TokIdent || tk.Kind() == parser.TokOr) {
		return tk.End()
	}
	return off
}

// walk visits every node in pre-order and runs the syntactic rules.
func (c *ctx) walk(n parser.Node) {
	c.visit(n)
	for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
		c.walk(ch)
	}
}

// visit runs the syntactic rules of one node (Incremental runs them on
// the nodes an edit can affect).
func (c *ctx) visit(n parser.Node) {
	switch n.Kind() {
	case parser.NodeBinary:
		c.binary(n)
	case parser.NodeUnary:
		c.boolSimplification(n)
	case parser.NodeLetIn:
		c.dnScopes = append(c.dnScopes, n)
		c.letIn(n)
	case parser.NodeLegacyLet:
		c.legacyLet(n)
	case parser.NodeBinding:
		c.binding(n)
	case parser.NodeParen:
		c.parenPrimitive(n)
	case parser.NodeLambda:
		c.dnScopes = append(c.dnScopes, n)
		c.lambda(n)
	case parser.NodeURI:
		c.report(rUnquotedURI, n.Start(), n.End(), "Found unquoted URI expression",
			replace("Quote the URI", n.Start(), n.End(), `"`+n.Text()+`"`),
			Label{n.Start(), n.End(), "Consider quoting this URI expression"})
	case parser.NodeInherit:
		c.emptyInherit(n)
	case parser.NodeApply:
		c.apply(n)
	case parser.NodeIf:
		c.ifElse(n)
	case parser.NodeAttrSet:
		c.attrSet(n)
	case parser.NodeSelect:
		c.fasterBuiltin(n)
	case parser.NodeInterpol:
		c.unquotedSplice(n)
	case parser.NodeIdent:
		c.ident(n)
	case parser.NodePath:
		c.shortPath(n)
	case parser.NodeRoot:
		c.rootPattern()
	}
}
