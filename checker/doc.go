// Package checker is gonix's static checker: the lints behind `gonix check`
// and the language server's diagnostics and quick fixes.
//
// It owns the rules (statix's lints with their autofixes, deadnix's
// unused-code analysis with its settings, undefined names, the parser's
// static errors, deprecated syntax and further simplifications; the list
// is docs/lints.md), inline suppression comments, the per-project
// configuration file, the fix loop, and the text, JSON and SARIF reports.
// It works on the parser's lossless tree and the shared scope resolver
// (eval/scope), and never evaluates code.
//
// # Library API
//
// Lint a parsed tree:
//
//	tree := parser.Parse(src, parser.Options{Name: path})
//	findings := checker.Check(tree, &checker.Options{})
//
// Each Finding has a Code ("G101"), a Name ("bool-comparison"), the
// Compat lint of statix or deadnix ("statix:W01", "deadnix"), a Severity
// (numbered like the LSP's DiagnosticSeverity), a Message, the byte range
// [Start, End) of the primary location, secondary Labels, Tags
// (unnecessary, deprecated: the LSP's DiagnosticTag) and, when the rule
// can correct the code, a Fix: a title and text edits (byte ranges of the
// checked source and replacement text) that do not overlap. Convert byte
// offsets with parser.Tree.Position (Line, Col in bytes, Col16 in UTF-16
// units for the LSP). Check never panics: an internal failure is reported
// as a finding with code G000.
//
// Options choose the rules (Rules, a RuleSet: DefaultRules, AllRules,
// Enable and Disable by code, name, statix code or name, or the groups
// "statix", "deadnix" and "all"), deadnix's settings (Deadnix), severity
// overrides, and may pass an existing scope resolution (Scope) so that a
// caller that already resolved the tree does not resolve it twice.
//
// FixSource applies every fix until none is left, the way `statix fix`
// and `deadnix --edit` do, and returns the fixed text with the remaining
// findings; ApplyEdits applies one finding's edits. LoadConfig and
// FindConfig read gonix.toml (or .gonix.toml); WriteText, WriteShort,
// WriteJSON and WriteSARIF print reports (FileReport converts offsets to
// lines and columns). Rules and LookupRule describe the rules.
//
// # Suppression comments
//
//	x == true # gonix: ignore[G101] -- reason
//	# gonix: ignore
//	# gonix: ignore-file[repeated-keys]
//	# statix: ignore           (also `# statix-ignore: eta_reduction`)
//	# deadnix: skip            (deadnix's own, on the line before a binding)
//
// A directive alone on its line covers the next line with code, one after
// code covers its own line; findings starting on a covered line are
// dropped. Syntax errors cannot be suppressed.
package checker
