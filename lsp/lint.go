package lsp

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/checker"
)

// checkerOptions turns the configuration into the checker's options.
func checkerOptions(a *Analysis, cfg *Config) *checker.Options {
	rules := checker.DefaultRules()
	if !cfg.lintOn() {
		// Only the errors Nix itself would report.
		rules = rules.Only(func(r checker.Rule) bool { return strings.HasPrefix(r.Code, "G0") })
	}
	for _, code := range cfg.Lint.Disabled {
		rules.Disable(code)
	}
	for _, code := range cfg.Lint.Enabled {
		rules.Enable(code)
	}
	if !cfg.unusedOn() {
		rules.Disable("deadnix")
	}
	if !cfg.undefinedOn() {
		rules.Disable("undefined-variable")
	}
	return &checker.Options{Rules: &rules, Scope: a.Scope, Deadnix: cfg.Lint.Deadnix}
}

// checkerKey names the checker options a configuration gives (analyses
// keep the results of one).
func checkerKey(cfg *Config) string {
	b, _ := json.Marshal(struct {
		Lint              any
		Undefined, Unused bool
	}{cfg.Lint, cfg.undefinedOn(), cfg.unusedOn()})
	return string(b)
}

// findings returns the checker's findings on an analysed document.
func findings(a *Analysis, cfg *Config) []checker.Finding {
	return a.checked(cfg).Findings()
}

// lintDiagnostics converts the checker's findings (syntax and static
// errors, undefined names, unused code, lints) to diagnostics.
func lintDiagnostics(a *Analysis, fs []checker.Finding) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(fs))
	for i, f := range fs {
		start, end := f.Start, f.End
		if end <= start {
			end = tokenEndAt(a.Tree, start)
		}
		d := protocol.Diagnostic{
			Range:    a.rng(start, end),
			Severity: protocol.DiagnosticSeverity(f.Severity),
			Source:   diagSource,
			Code:     f.Code,
			Message:  f.Message,
		}
		if f.Name != "" {
			d.Message = fmt.Sprintf("%s [%s]", f.Message, f.Name)
		}
		for _, t := range f.Tags {
			d.Tags = append(d.Tags, protocol.DiagnosticTag(t))
		}
		for _, l := range f.Labels {
			if l.Message == "" || l.Start == f.Start && l.End == f.End {
				continue
			}
			d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: a.Doc.URI, Range: a.rng(l.Start, l.End)},
				Message:  l.Message,
			})
		}
		if f.Fix != nil {
			d.Data = diagData{Fix: "checker", Index: i}
		}
		out = append(out, d)
	}
	return out
}
