package checker

import (
	"fmt"
	"sort"
	"strings"
)

// Severity ranks a finding. The values match the LSP's DiagnosticSeverity.
type Severity uint8

// Severities, most severe first.
const (
	SeverityError   Severity = 1
	SeverityWarning Severity = 2
	SeverityInfo    Severity = 3
	SeverityHint    Severity = 4
)

// String returns "error", "warning", "info" or "hint".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	case SeverityHint:
		return "hint"
	}
	return "unknown"
}

// ParseSeverity reads "error", "warning", "info" or "hint".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info", "information", "note":
		return SeverityInfo, nil
	case "hint":
		return SeverityHint, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// Tag marks findings that editors show specially. The values match the
// LSP's DiagnosticTag.
type Tag uint8

// Tags.
const (
	// TagUnnecessary marks unused or redundant code (editors fade it).
	TagUnnecessary Tag = 1
	// TagDeprecated marks deprecated constructs (editors strike them out).
	TagDeprecated Tag = 2
)

// Edit replaces the bytes [Start, End) of the source with NewText.
type Edit struct {
	Start, End int
	NewText    string
}

// Fix is an automatic correction: edits that do not overlap, applied
// together.
type Fix struct {
	// Title says what the fix does ("Replace with `a`").
	Title string
	Edits []Edit
}

// span returns the smallest range covering every edit.
func (f *Fix) span() (start, end int) {
	start, end = -1, -1
	for _, e := range f.Edits {
		if start < 0 || e.Start < start {
			start = e.Start
		}
		if e.End > end {
			end = e.End
		}
	}
	return start, end
}

// Label is a secondary range of a finding with its own message (statix
// reports several, for example every repeated key).
type Label struct {
	Start, End int
	Message    string
}

// Finding is one problem found in a file.
type Finding struct {
	// Code is gonix's lint code ("G101"), Name its readable name
	// ("bool-comparison").
	Code, Name string
	// Compat names the matching lint of statix ("statix:W01") or deadnix
	// ("deadnix"), or is empty.
	Compat   string
	Severity Severity
	Message  string
	// Start and End are the byte offsets of the primary range (End
	// exclusive).
	Start, End int
	// Labels are the ranges the finding points at, the primary one first
	// when it has a message of its own.
	Labels []Label
	// Fix is the automatic correction, or nil.
	Fix  *Fix
	Tags []Tag
}

// ApplyEdits applies non-overlapping edits to src. Edits may come in any
// order; overlapping or out-of-range edits are an error.
func ApplyEdits(src string, edits []Edit) (string, error) {
	if len(edits) == 0 {
		return src, nil
	}
	sorted := append([]Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End < sorted[j].End
	})
	var b strings.Builder
	b.Grow(len(src))
	pos := 0
	for _, e := range sorted {
		if e.Start < pos || e.End < e.Start || e.End > len(src) {
			return "", fmt.Errorf("edit [%d,%d) overlaps another edit or lies outside the source (%d bytes)", e.Start, e.End, len(src))
		}
		b.WriteString(src[pos:e.Start])
		b.WriteString(e.NewText)
		pos = e.End
	}
	b.WriteString(src[pos:])
	return b.String(), nil
}

// sortFindings orders findings by position, then code.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.End < b.End
	})
}
