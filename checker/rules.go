package checker

import "strings"

// Rule describes one lint.
type Rule struct {
	// Code is gonix's code: G0xx errors, G1xx the statix lints (G1NN
	// matches statix's WNN), G2xx unused code (deadnix and more), G3xx
	// deprecated syntax, G4xx further simplifications.
	Code string
	// Name is the readable name, usable wherever a code is.
	Name string
	// Compat names the statix ("statix:W01") or deadnix ("deadnix") lint
	// this one reproduces, or is empty.
	Compat string
	// Severity is the default severity.
	Severity Severity
	// Default reports whether the rule runs unless disabled.
	Default bool
	// Fixable reports whether findings can carry an automatic fix.
	Fixable bool
	// Summary is a one-line description.
	Summary string
	// Tags are added to every finding of the rule.
	Tags []Tag

	id ruleID
}

type ruleID uint8

// Rule identifiers, indexes into allRules.
const (
	rSyntax ruleID = iota
	rDuplicateAttr
	rDuplicateFormal
	rDynamicAttr
	rUndefined
	rSelfReference

	rBoolComparison
	rEmptyLetIn
	rManualInherit
	rManualInheritFrom
	rLegacyLet
	rCollapsibleLetIn
	rEtaReduction
	rUselessParens
	rUnquotedSplice
	rEmptyPattern
	rRedundantPatternBind
	rUnquotedURI
	rDeprecatedIsNull
	rEmptyInherit
	rFasterGroupBy
	rFasterZipAttrsWith
	rDeprecatedToPath
	rBoolSimplification
	rUselessHasAttr
	rRepeatedKeys
	rLongRootPattern
	rLibFirst
	rEmptyListConcat

	rUnusedLet
	rUnusedArg
	rUnusedFormal
	rUnusedPatternBind
	rUsedUnderscore
	rUnusedWith
	rUselessRec

	rOrIdentifier
	rRecDynamicAttr
	rShortPath
	rShadowInternal
	rPreferBuiltins
	rAbsolutePath
	rCurPos

	rRedundantIfBool
	rEmptyAttrsetUpdate
	rShadowedLiteral

	numRules
)

var (
	unnecessary = []Tag{TagUnnecessary}
	deprecated  = []Tag{TagDeprecated}
)

// allRules is the rule table, indexed by ruleID.
var allRules = [numRules]Rule{
	rSyntax:          {Code: "G001", Name: "syntax-error", Severity: SeverityError, Default: true, Summary: "The file does not parse."},
	rDuplicateAttr:   {Code: "G002", Name: "duplicate-attribute", Severity: SeverityError, Default: true, Summary: "An attribute is defined twice (Nix rejects the file)."},
	rDuplicateFormal: {Code: "G003", Name: "duplicate-formal", Severity: SeverityError, Default: true, Summary: "A function argument is named twice (Nix rejects the file)."},
	rDynamicAttr:     {Code: "G004", Name: "dynamic-attribute-not-allowed", Severity: SeverityError, Default: true, Summary: "A computed attribute name in let or inherit (Nix rejects the file)."},
	rUndefined:       {Code: "G005", Name: "undefined-variable", Severity: SeverityError, Default: true, Summary: "A variable that no let, function argument, with or builtin defines."},
	rSelfReference:   {Code: "G006", Name: "infinite-recursion", Severity: SeverityError, Default: true, Summary: "A let or rec attribute whose value needs itself (infinite recursion)."},

	rBoolComparison:       {Code: "G101", Name: "bool-comparison", Compat: "statix:W01", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "Comparison with a boolean literal: `x == true` is `x`."},
	rEmptyLetIn:           {Code: "G102", Name: "empty-let-in", Compat: "statix:W02", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A `let in` without bindings.", Tags: unnecessary},
	rManualInherit:        {Code: "G103", Name: "manual-inherit", Compat: "statix:W03", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`a = a;` is better written `inherit a;`."},
	rManualInheritFrom:    {Code: "G104", Name: "manual-inherit-from", Compat: "statix:W04", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`b = a.b;` is better written `inherit (a) b;`."},
	rLegacyLet:            {Code: "G105", Name: "legacy-let", Compat: "statix:W05", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "The undocumented `let { body = ...; }` syntax; use `rec { }.body` or `let in`.", Tags: deprecated},
	rCollapsibleLetIn:     {Code: "G106", Name: "collapsible-let-in", Compat: "statix:W06", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A `let in` whose body is another `let in`: merge them."},
	rEtaReduction:         {Code: "G107", Name: "eta-reduction", Compat: "statix:W07", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`x: f x` is just `f`."},
	rUselessParens:        {Code: "G108", Name: "useless-parens", Compat: "statix:W08", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "Parentheses that change nothing.", Tags: unnecessary},
	rUnquotedSplice:       {Code: "G109", Name: "unquoted-splice", Compat: "statix:W09", Severity: SeverityInfo, Default: false, Fixable: true, Summary: "`${e}` as attribute name without quotes (off by default, as in statix)."},
	rEmptyPattern:         {Code: "G110", Name: "empty-pattern", Compat: "statix:W10", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`{ ... }:` binds nothing; use `_:`."},
	rRedundantPatternBind: {Code: "G111", Name: "redundant-pattern-bind", Compat: "statix:W11", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`{ ... } @ args:` is just `args:`."},
	rUnquotedURI:          {Code: "G112", Name: "unquoted-uri", Compat: "statix:W12", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "URL literals are deprecated (RFC 45); quote them.", Tags: deprecated},
	rDeprecatedIsNull:     {Code: "G113", Name: "deprecated-is-null", Compat: "statix:W13", Severity: SeverityInfo, Default: false, Fixable: true, Summary: "`isNull x` is `x == null` (off by default: Nix no longer deprecates isNull)."},
	rEmptyInherit:         {Code: "G114", Name: "empty-inherit", Compat: "statix:W14", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`inherit;` inherits nothing.", Tags: unnecessary},
	rFasterGroupBy:        {Code: "G115", Name: "faster-groupby", Compat: "statix:W15", Severity: SeverityInfo, Default: false, Fixable: true, Summary: "`lib.groupBy` is slower than `builtins.groupBy` (off by default, retired in statix)."},
	rFasterZipAttrsWith:   {Code: "G116", Name: "faster-zipattrswith", Compat: "statix:W16", Severity: SeverityInfo, Default: false, Fixable: true, Summary: "`lib.zipAttrsWith` is slower than `builtins.zipAttrsWith` (off by default, retired in statix)."},
	rDeprecatedToPath:     {Code: "G117", Name: "deprecated-to-path", Compat: "statix:W17", Severity: SeverityWarning, Default: true, Summary: "`builtins.toPath` is deprecated.", Tags: deprecated},
	rBoolSimplification:   {Code: "G118", Name: "bool-simplification", Compat: "statix:W18", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`!(a == b)` is `a != b`."},
	rUselessHasAttr:       {Code: "G119", Name: "useless-has-attr", Compat: "statix:W19", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`if x ? a then x.a else d` is `x.a or d`."},
	rRepeatedKeys:         {Code: "G120", Name: "repeated-keys", Compat: "statix:W20", Severity: SeverityWarning, Default: true, Summary: "The same key starts three or more attribute paths of a set."},
	rLongRootPattern:      {Code: "G121", Name: "long-root-pattern", Compat: "statix:W21", Severity: SeverityHint, Default: false, Summary: "A file's function takes more than six arguments on one line (off by default)."},
	rLibFirst:             {Code: "G122", Name: "lib-first", Compat: "statix:W22", Severity: SeverityHint, Default: false, Summary: "`lib` should be the first argument of a file's function (nixpkgs style; off by default)."},
	rEmptyListConcat:      {Code: "G123", Name: "empty-list-concat", Compat: "statix:W23", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`[] ++ x` is `x`.", Tags: unnecessary},

	rUnusedLet:         {Code: "G201", Name: "unused-let-binding", Compat: "deadnix", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A let binding nothing uses.", Tags: unnecessary},
	rUnusedArg:         {Code: "G202", Name: "unused-lambda-argument", Compat: "deadnix", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A function argument `x:` the body never uses (the fix renames it `_x`).", Tags: unnecessary},
	rUnusedFormal:      {Code: "G203", Name: "unused-lambda-pattern", Compat: "deadnix", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A name in a function's `{ ... }` pattern the body never uses.", Tags: unnecessary},
	rUnusedPatternBind: {Code: "G204", Name: "unused-pattern-bind", Compat: "deadnix", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "The `args@` of a pattern the body never uses.", Tags: unnecessary},
	rUsedUnderscore:    {Code: "G205", Name: "used-underscore", Compat: "deadnix", Severity: SeverityWarning, Default: true, Summary: "A binding named `_x` (meant to be unused) is used; needs deadnix's warn_used_underscore."},
	rUnusedWith:        {Code: "G206", Name: "unused-with", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A `with` that provides no name to its body.", Tags: unnecessary},
	rUselessRec:        {Code: "G207", Name: "useless-rec", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A `rec { }` whose attributes never refer to each other.", Tags: unnecessary},

	rOrIdentifier:   {Code: "G301", Name: "or-identifier", Severity: SeverityWarning, Default: true, Summary: "The keyword `or` used as a name.", Tags: deprecated},
	rRecDynamicAttr: {Code: "G302", Name: "rec-dynamic-attribute", Severity: SeverityWarning, Default: true, Summary: "A computed attribute name in a `rec { }` set.", Tags: deprecated},
	rShortPath:      {Code: "G303", Name: "short-path-literal", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "A path literal like `a/b` without `./` (Nix's --lint-short-path-literals).", Tags: deprecated},
	rShadowInternal: {Code: "G304", Name: "shadowed-internal", Severity: SeverityWarning, Default: true, Summary: "A binding named `__sub`, `__mul`, `__div` or `__lessThan` changes what `-`, `*`, `/` and `<` do."},
	rPreferBuiltins: {Code: "G305", Name: "prefer-builtins", Severity: SeverityInfo, Default: true, Fixable: true, Summary: "`__name` is the hidden alias of `builtins.name`."},
	rCurPos:         {Code: "G307", Name: "cur-pos", Severity: SeverityInfo, Default: true, Summary: "`__curPos` is an undocumented internal of Nix's parser.", Tags: deprecated},
	rAbsolutePath:   {Code: "G306", Name: "absolute-path-literal", Severity: SeverityInfo, Default: false, Summary: "An absolute or home path literal (not portable; Nix's --lint-absolute-path-literals; off by default)."},

	rRedundantIfBool:    {Code: "G401", Name: "redundant-if", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`if c then true else false` is `c`."},
	rEmptyAttrsetUpdate: {Code: "G402", Name: "empty-attrset-update", Severity: SeverityWarning, Default: true, Fixable: true, Summary: "`x // { }` is `x`.", Tags: unnecessary},
	rShadowedLiteral:    {Code: "G403", Name: "shadowed-builtin", Severity: SeverityWarning, Default: true, Summary: "A binding named `true`, `false`, `null` or `builtins` hides the builtin."},
}

func init() {
	for i := range allRules {
		allRules[i].id = ruleID(i)
	}
}

// Rules returns every rule, ordered by code.
func Rules() []Rule {
	out := make([]Rule, len(allRules))
	copy(out, allRules[:])
	return out
}

// LookupRule finds a rule by gonix code ("G101"), name
// ("bool-comparison"), statix code ("W01" or "statix:W01") or statix
// name ("bool_comparison"). The match ignores case.
func LookupRule(s string) (Rule, bool) {
	s = strings.TrimSpace(s)
	for _, r := range allRules {
		if strings.EqualFold(s, r.Code) || strings.EqualFold(s, r.Name) ||
			strings.EqualFold(strings.ReplaceAll(s, "_", "-"), r.Name) {
			return r, true
		}
		if strings.HasPrefix(r.Compat, "statix:") {
			w := strings.TrimPrefix(r.Compat, "statix:")
			if strings.EqualFold(s, r.Compat) || strings.EqualFold(s, w) {
				return r, true
			}
		}
	}
	return Rule{}, false
}

// lookupRules resolves a name that may stand for several rules:
// "deadnix" and "statix" name every rule compatible with that tool.
func lookupRules(s string) ([]ruleID, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "deadnix", "statix":
		tool := strings.ToLower(strings.TrimSpace(s))
		var ids []ruleID
		for _, r := range allRules {
			if r.Compat == tool || strings.HasPrefix(r.Compat, tool+":") {
				ids = append(ids, r.id)
			}
		}
		return ids, true
	case "all":
		ids := make([]ruleID, numRules)
		for i := range ids {
			ids[i] = ruleID(i)
		}
		return ids, true
	}
	r, ok := LookupRule(s)
	if !ok {
		return nil, false
	}
	return []ruleID{r.id}, true
}

// RuleSet is a set of enabled rules. The zero value enables nothing; use
// DefaultRules.
type RuleSet struct {
	on [numRules]bool
}

// DefaultRules returns the rules that run unless disabled.
func DefaultRules() RuleSet {
	var s RuleSet
	for i, r := range allRules {
		s.on[i] = r.Default
	}
	return s
}

// AllRules returns every rule.
func AllRules() RuleSet {
	var s RuleSet
	for i := range s.on {
		s.on[i] = true
	}
	return s
}

// Has reports whether the rule with the given code is in the set.
func (s *RuleSet) Has(code string) bool {
	r, ok := LookupRule(code)
	return ok && s.on[r.id]
}

func (s *RuleSet) has(id ruleID) bool { return s.on[id] }

// Enable adds rules by code, name, statix code or name, or the groups
// "statix", "deadnix" and "all". It reports whether the name was known.
func (s *RuleSet) Enable(name string) bool {
	ids, ok := lookupRules(name)
	for _, id := range ids {
		s.on[id] = true
	}
	return ok
}

// Disable removes rules, named as for Enable.
func (s *RuleSet) Disable(name string) bool {
	ids, ok := lookupRules(name)
	for _, id := range ids {
		s.on[id] = false
	}
	return ok
}

// Only returns the rules of s that match keep.
func (s RuleSet) Only(keep func(Rule) bool) RuleSet {
	for i, r := range allRules {
		if s.on[i] && !keep(r) {
			s.on[i] = false
		}
	}
	return s
}
